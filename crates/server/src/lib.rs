//! The HTTP front: public files, the route table, dispatch to the route's runtime, streaming.

mod body;
mod compression;
mod cookies;
mod error;
mod error_page;
mod front;
mod limits;
mod options;
mod response;
mod routed;
mod router;
mod runtimes;
mod server;
mod stages;
mod state;
mod static_files;

pub use error::ServerError;
pub use options::ServerOptions;
pub use server::{Reloader, Server, shutdown_signal};
