//! The pool of Edge worker threads and how requests are spread over them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::error::EdgeError;
use crate::request::{EdgeRequest, EdgeResponse};
use crate::route::EdgeRoute;
use crate::worker::{self, Job};

/// Settings of the Edge runtime.
#[derive(Debug, Clone)]
pub struct EdgeOptions {
    /// Worker threads; each has its own VM.
    pub workers: usize,
    /// CPU time one entry into script may take before it is terminated.
    pub cpu_time_limit: Duration,
    /// Time a handler has to return its Response.
    pub response_timeout: Duration,
    /// The environment `process.env` shows (`NEXT_RUNTIME` is added).
    pub env: Vec<(String, String)>,
}

impl Default for EdgeOptions {
    fn default() -> Self {
        Self {
            workers: thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_time_limit: Duration::from_secs(10),
            response_timeout: Duration::from_secs(25),
            env: std::env::vars().collect(),
        }
    }
}

struct Worker {
    jobs: mpsc::UnboundedSender<Job>,
    in_flight: Arc<AtomicUsize>,
}

/// The Edge runtime: worker threads serving a fixed set of routes.
pub struct EdgePool {
    workers: Vec<Worker>,
}

impl EdgePool {
    /// Starts the worker threads. Contexts are created lazily, on each route's first request.
    pub fn start(routes: Vec<EdgeRoute>, options: EdgeOptions) -> std::io::Result<Self> {
        let routes = Arc::new(routes);
        let options = Arc::new(options);
        let count = options.workers.max(1);
        let mut workers = Vec::with_capacity(count);
        for index in 0..count {
            let (jobs, receiver) = mpsc::unbounded_channel();
            let in_flight = Arc::new(AtomicUsize::new(0));
            let (routes, options, counter) = (routes.clone(), options.clone(), in_flight.clone());
            thread::Builder::new()
                .name(format!("edge-{index}"))
                .spawn(move || worker::run(routes, options, receiver, counter))?;
            workers.push(Worker { jobs, in_flight });
        }
        Ok(Self { workers })
    }

    /// Answers `request` on the least busy worker; resolves when the response head is ready.
    pub async fn dispatch(&self, request: EdgeRequest) -> Result<EdgeResponse, EdgeError> {
        let worker = self
            .workers
            .iter()
            .min_by_key(|worker| worker.in_flight.load(Ordering::Relaxed))
            .ok_or(EdgeError::Unavailable)?;
        let (reply, response) = oneshot::channel();
        worker.in_flight.fetch_add(1, Ordering::Relaxed);
        if worker.jobs.send(Job { request, reply }).is_err() {
            worker.in_flight.fetch_sub(1, Ordering::Relaxed);
            return Err(EdgeError::Unavailable);
        }
        response.await.map_err(|_| EdgeError::Unavailable)?
    }
}
