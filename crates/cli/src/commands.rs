//! One module per subcommand.

pub mod build;
pub mod dev;
pub mod routes;
pub mod run;
pub mod start;

use std::path::Path;
use std::time::Duration;

use clap::Args;
use switchyard_server::ServerOptions;

/// Options shared by `start` and `dev`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free port).
    #[arg(short, long, default_value_t = 3000, env = "PORT")]
    port: u16,
    /// Host name or address to listen on.
    #[arg(short = 'H', long, default_value = "127.0.0.1")]
    hostname: String,
    /// Edge worker threads (default: one per core).
    #[arg(long)]
    edge_workers: Option<usize>,
    /// Most Edge worker threads at once, counting the extra ones started while runaway
    /// scripts hold the others (default: four times --edge-workers).
    #[arg(long)]
    edge_max_workers: Option<usize>,
    /// Heap, in MB, the Edge contexts of one worker may keep; a script that crosses it gets a
    /// 500 and its context is discarded (0: no limit).
    #[arg(long, default_value_t = 128)]
    edge_memory_limit: usize,
    /// CPU time, in seconds, one Edge handler may use before it is terminated.
    #[arg(long, default_value_t = 10.0)]
    cpu_time_limit: f64,
    /// Seconds a handler has to start its response before the client gets a 504.
    #[arg(long, default_value_t = 25.0)]
    response_timeout: f64,
    /// Node.js worker processes (default: one per core).
    #[arg(long)]
    node_workers: Option<usize>,
    /// Largest request body, in bytes, an Edge route accepts (413 above it).
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    edge_body_limit: usize,
    /// Seconds a connection may go without a request in progress: for its first request's
    /// head, and between requests when kept alive (HTTP/1.1 and HTTP/2).
    #[arg(long, default_value_t = 30.0)]
    header_timeout: f64,
    /// Most connections open at once; more are answered 503 (default: half the open-file
    /// limit left after 128 kept for the server).
    #[arg(long)]
    max_connections: Option<usize>,
}

impl ServeArgs {
    /// Server options for the app at `dir`.
    pub fn options(&self, dir: &Path, dev: bool) -> anyhow::Result<ServerOptions> {
        let root = dir.canonicalize().map_err(|error| {
            anyhow::anyhow!("The app folder {} cannot be read: {error}.", dir.display())
        })?;
        let mut options = ServerOptions::new(root);
        options.hostname = self.hostname.clone();
        options.port = self.port;
        options.dev = dev;
        options.edge_body_limit = self.edge_body_limit;
        if let Some(workers) = self.edge_workers {
            options.edge.workers = workers.max(1);
        }
        options.edge.max_workers = self.edge_max_workers.map_or_else(
            || switchyard_edge::default_max_workers(options.edge.workers),
            |max| max.max(options.edge.workers),
        );
        options.edge.memory_limit =
            (self.edge_memory_limit > 0).then(|| self.edge_memory_limit.saturating_mul(1 << 20));
        options.edge.cpu_time_limit = seconds(self.cpu_time_limit, "--cpu-time-limit")?;
        options.edge.response_timeout = seconds(self.response_timeout, "--response-timeout")?;
        options.response_timeout = options.edge.response_timeout;
        options.node_workers = self.node_workers.map(|workers| workers.max(1));
        options.header_timeout = seconds(self.header_timeout, "--header-timeout")?;
        options.max_connections = self.max_connections.map(|max| max.max(1));
        Ok(options)
    }
}

fn seconds(value: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| anyhow::anyhow!("{flag} must be a positive number of seconds, not {value}."))
}
