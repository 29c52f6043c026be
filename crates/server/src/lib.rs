//! The HTTP front: public files, the route table, dispatch to the route's runtime, streaming.

mod body;
mod body_deadline;
mod connection_limit;
mod error;
mod error_page;
mod forwarded_headers;
mod idle_connection;
mod internal_headers;
mod log_throttle;
mod middleware;
mod middleware_run;
mod open_file_limit;
mod options;
mod pages;
mod proxy;
mod proxy_loop;
mod request_url;
mod server;
mod service;
mod state;
mod static_files;

pub use error::ServerError;
pub use options::ServerOptions;
pub use server::{Reloader, Server, shutdown_signal};
