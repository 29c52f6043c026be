//! What the Edge runtime needs to know about a route it serves.

use std::sync::Arc;

/// One Edge route: its page path and its bundled classic script.
#[derive(Debug, Clone)]
pub struct EdgeRoute {
    /// The page path, like `/api/hello`; prefixes the route's console output.
    pub page: String,
    /// The bundle's file name, shown in stack traces.
    pub file_name: String,
    /// The bundle: a classic script that defines the global `__switchyard_module`.
    pub source: Arc<str>,
}
