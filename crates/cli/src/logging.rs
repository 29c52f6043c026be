//! Server log output: level and message, no timestamps (process managers add their own).

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber; `SWITCHYARD_LOG` overrides the default `info` filter.
pub fn init() {
    let filter = EnvFilter::try_from_env("SWITCHYARD_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,notify=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .without_time()
        .with_writer(std::io::stderr)
        .init();
}
