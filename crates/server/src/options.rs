//! Settings of the HTTP server.

use std::path::PathBuf;

use switchyard_edge::EdgeOptions;

/// `--response-timeout`'s default.
pub const DEFAULT_RESPONSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(25);

/// `--header-timeout`'s default.
pub const DEFAULT_HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

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
    /// Time a connection may go without a request in progress: a new connection's first
    /// request head must arrive within it, and a kept-alive one's next request.
    pub header_timeout: std::time::Duration,
    /// Most connections open at once (more get a 503); `None` derives it from the
    /// open-file limit.
    pub max_connections: Option<usize>,
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
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            edge_body_limit: 4 * 1024 * 1024,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: None,
            dev: false,
            authority: String::new(),
        }
    }
}
