//! Errors that stop the server from starting.

use std::path::PathBuf;

/// Why the server could not start or reload.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// No build output was found.
    #[error("Could not read the build in {dir}: {source}. Run `switchyard build` first.")]
    Manifest {
        /// The output folder.
        dir: PathBuf,
        /// What went wrong.
        source: switchyard_output::ManifestError,
    },
    /// An Edge bundle listed in the manifest could not be read.
    #[error("Could not read the Edge bundle {file}: {source}. Run `switchyard build` again.")]
    Bundle {
        /// The bundle file.
        file: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The address could not be bound.
    #[error("Could not listen on {address}: {source}. Is another server using that port?")]
    Bind {
        /// The address.
        address: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The middleware in the manifest cannot be used.
    #[error("{0}")]
    Middleware(String),
    /// The Node.js workers could not start.
    #[error(transparent)]
    Node(#[from] switchyard_node::StartError),
    /// Threads or sockets could not be created.
    #[error("The server could not start: {0}")]
    Io(#[from] std::io::Error),
}
