//! Settings of the HTTP server.

use std::path::PathBuf;

use switchyard_edge::EdgeOptions;

/// How to serve an app.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The app's root folder.
    pub root: PathBuf,
    /// The build output folder (`root/.switchyard` by default).
    pub out_dir: PathBuf,
    /// Host name or address to listen on.
    pub hostname: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// The Edge runtime's settings.
    pub edge: EdgeOptions,
    /// Node.js worker processes (default: one per core).
    pub node_workers: Option<usize>,
    /// Time a route has to start its response before the client gets a 504.
    pub response_timeout: std::time::Duration,
    /// Largest request body an Edge route accepts, in bytes.
    pub edge_body_limit: usize,
    /// Development mode: error details in responses.
    pub dev: bool,
    /// `host:port` used in URLs when a request has no Host header; set once bound.
    pub authority: String,
}

impl ServerOptions {
    /// Defaults for the app at `root`.
    pub fn new(root: PathBuf) -> Self {
        Self {
            out_dir: root.join(".switchyard"),
            root,
            hostname: "127.0.0.1".into(),
            port: 3000,
            edge: EdgeOptions::default(),
            node_workers: None,
            response_timeout: std::time::Duration::from_secs(25),
            edge_body_limit: 4 * 1024 * 1024,
            dev: false,
            authority: String::new(),
        }
    }
}
