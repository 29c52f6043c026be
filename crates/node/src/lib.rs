//! The Node.js runtime: real `node` processes that Switchyard starts, supervises and talks to.
//!
//! Each worker runs our embedded worker script (`js/node/worker.js`), listens on a Unix socket in a
//! private temporary folder, and speaks HTTP/1.1 with the server. A worker that exits or stops
//! answering its health check is replaced (with backoff if it keeps dying); the requests it was
//! serving fail with [`DispatchError::WorkerLost`], and no other request notices. Workers die
//! with the process that started them, even one killed with SIGKILL, and take what to run only
//! from the `x-switchyard-*` headers the pool itself adds.

mod connection;
mod error;
mod parent_death;
mod pool;
mod prerender;
mod version;
mod worker;
mod worker_script;

pub use error::{DispatchError, StartError};
pub use pool::{NodeBody, NodeKind, NodeOptions, NodePool, NodeRequest};
pub use prerender::{PrerenderError, PrerenderJob, Prerendered, PrerenderedPath, prerender};
pub use version::MINIMUM_MAJOR;
