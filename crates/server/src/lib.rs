//! The HTTP front: public files, the route table, dispatch to the route's runtime, streaming.

mod body;
mod error;
mod middleware;
mod middleware_run;
mod options;
mod pages;
mod proxy;
mod server;
mod service;
mod state;
mod static_files;

pub use error::ServerError;
pub use options::ServerOptions;
pub use server::{Reloader, Server, shutdown_signal};
