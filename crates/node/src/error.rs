//! What can go wrong starting Node.js workers or asking them for a response.

/// Why the Node.js runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// `node` is not on PATH.
    #[error(
        "This app has Node.js routes, but `node` was not found on PATH. Install Node.js 18 or \
         newer, or move those routes to the Edge runtime with `export const config = {{ runtime: 'edge' }}`."
    )]
    NodeMissing,
    /// `node` is too old.
    #[error(
        "This app has Node.js routes, which need Node.js 18 or newer, but `node` is {found}. \
         Install a newer Node.js, or move those routes to the Edge runtime."
    )]
    NodeTooOld {
        /// What `node --version` printed.
        found: String,
    },
    /// The worker script could not be written or a worker could not be spawned.
    #[error("The Node.js workers could not start: {0}.")]
    Io(#[from] std::io::Error),
    /// A worker never said it was ready.
    #[error("A Node.js worker did not become ready within {seconds} s; see its output above.")]
    NotReady {
        /// How long we waited.
        seconds: u64,
    },
}

/// Why a Node.js route produced no response.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The worker died or the connection broke before the response head arrived.
    #[error("The Node.js worker handling this request exited before it responded.")]
    WorkerLost,
    /// The client stopped sending its request body, so the worker could not answer; the
    /// worker itself is fine.
    #[error("The client closed the connection before sending its whole body.")]
    ClientGone,
    /// No worker is running (all are restarting).
    #[error("No Node.js worker is available right now.")]
    Unavailable,
    /// The handler did not start its response in time.
    #[error("The Node.js handler did not respond within {seconds} s.")]
    Timeout {
        /// The response timeout.
        seconds: u64,
    },
}
