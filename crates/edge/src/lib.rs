//! The Edge runtime: JavaScriptCore contexts exposing Web-standard APIs only.
//!
//! An [`EdgePool`] runs worker threads, each with one JavaScriptCore VM and a current-thread
//! tokio runtime. Each route gets one global context per worker, created on its first request
//! and reused; `eval` and the Function constructors are disabled in it before any script runs.

mod console;
mod dispatch;
mod error;
mod pool;
mod promise;
mod request;
mod route;
mod route_context;
mod script;
pub mod web;
mod worker;

pub use error::{EdgeError, StreamError};
pub use pool::{DEFAULT_MEMORY_LIMIT, EdgeOptions, EdgePool, GROW_AFTER, default_max_workers};
pub use request::{EdgeBody, EdgeRequest, EdgeResponse};
pub use route::EdgeRoute;
pub use script::{ScriptError, run_script};
