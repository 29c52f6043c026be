//! The project model: a Next.js pages-router app read into routes, runtimes and diagnostics.
//!
//! Nothing here runs the app's modules: runtimes come from static analysis of each entry,
//! and `next.config.*` is evaluated in a bare JavaScriptCore context (in Node.js only when the
//! config needs Node APIs). [`Project::load`] is the entry point.

mod const_value;
mod diagnostic;
mod env_files;
mod env_inline;
mod error;
mod middleware;
mod middleware_config;
mod middleware_file;
mod middleware_matcher;
mod next_config;
mod next_config_jsc;
mod next_config_load;
mod next_config_module;
mod next_config_node;
mod pages_dir;
mod path_to_regexp;
mod percent_decoding;
mod project;
mod route;
mod route_match;
mod route_parse;
mod route_sort;
mod runtime;
mod source_position;
mod static_config;
#[cfg(test)]
mod test_app;

pub use diagnostic::{Diagnostic, Severity};
pub use env_files::{EnvFileError, EnvMode, LoadedEnv, MalformedLine, is_env_file, load_env_files};
pub use env_inline::inlined_env;
pub use error::{ConfigError, ConfigErrorKind, LoadError, RouteError};
pub use middleware::{
    LocaleDomain, MatchRouting, Middleware, MiddlewareKind, MiddlewareMatcher, RouteHas,
};
pub use next_config::{DEFAULT_PAGE_EXTENSIONS, InvalidConfig, NextConfig};
pub use next_config_load::{CONFIG_FILES, find_config_file};
pub use pages_dir::SpecialFiles;
pub use percent_decoding::{MalformedPath, decode_unreserved};
pub use project::Project;
pub use route::{PageInfo, ParamValue, Params, Route, RouteKind, Segment};
pub use route_match::RouteTable;
pub use route_parse::{page_from_file, parse_page_path};
pub use route_sort::{check_routes, compare_routes, compare_segments};
pub use runtime::Runtime;
pub use static_config::{EntryAnalysis, analyze_entry};
