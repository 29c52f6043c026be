//! The project model: a Next.js pages-router app read into routes, runtimes and diagnostics.
//!
//! Nothing here runs the app's modules: runtimes come from static analysis of each entry,
//! and `next.config.*` is evaluated in a bare JavaScriptCore context.

mod diagnostic;
mod route;
mod runtime;

pub use diagnostic::{Diagnostic, Severity};
pub use route::{Params, ParamValue, Route, RouteKind, Segment};
pub use runtime::Runtime;
