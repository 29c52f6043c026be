//! The project model: a Next.js pages-router app read into routes, runtimes and diagnostics.
//!
//! Nothing here runs the app's modules: runtimes come from static analysis of each entry,
//! and `next.config.*` is evaluated in a bare JavaScriptCore context (in Node.js only when the
//! config needs Node APIs). [`Project::load`] is the entry point.

mod const_value;
mod custom_routes;
mod diagnostic;
mod env;
mod error;
mod middleware;
mod next_config;
mod path_to_regexp;
mod percent_decoding;
mod project;
mod routes;
mod runtime;
mod source_position;
mod static_config;
#[cfg(test)]
mod test_app;

pub use custom_routes::{
    BrokenRoute, CustomRouteKind, CustomRoutes, CustomRoutesError, DestinationError, InvalidRoute,
    InvalidRoutes, ParseError, Query, Redirect, RequestFacts, Rewrite, RewritePhase, RewriteRule,
    RouteProblem,
};
pub use diagnostic::{Diagnostic, Severity};
pub use env::files::{
    EnvFileError, EnvMode, LoadedEnv, MalformedLine, is_env_file, load_env_files,
};
pub use env::inline::inlined_env;
pub use error::{ConfigError, ConfigErrorKind, LoadError, RouteError};
pub use middleware::{
    LocaleDomain, MatchRouting, Middleware, MiddlewareKind, MiddlewareMatcher, RouteHas,
};
pub use next_config::keys::unimplemented_config_keys;
pub use next_config::load::{CONFIG_FILES, find_config_file};
pub use next_config::{DEFAULT_PAGE_EXTENSIONS, InvalidConfig, NextConfig};
pub use percent_decoding::{MalformedPath, decode_unreserved};
pub use project::Project;
pub use routes::pages_dir::SpecialFiles;
pub use routes::parse::{page_from_file, parse_page_path};
pub use routes::route::{PageInfo, ParamValue, Params, Route, RouteKind, Segment};
pub use routes::sort::{check_routes, compare_routes, compare_segments};
pub use routes::table::RouteTable;
pub use runtime::Runtime;
pub use static_config::{EntryAnalysis, analyze_entry};
