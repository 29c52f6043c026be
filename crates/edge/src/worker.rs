//! An Edge worker thread: one VM, one context per route, many requests interleaved.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use switchyard_jsc::{JsError, Vm};
use tokio::sync::{mpsc, oneshot};

use crate::dispatch;
use crate::error::EdgeError;
use crate::pool::EdgeOptions;
use crate::request::{EdgeRequest, EdgeResponse};
use crate::route::EdgeRoute;
use crate::route_context::RouteContext;

/// A request handed to a worker, with where to send the response.
pub struct Job {
    /// The request.
    pub request: EdgeRequest,
    /// Receives the response head (or the failure).
    pub reply: oneshot::Sender<Result<EdgeResponse, EdgeError>>,
}

/// What every request task on a worker shares.
pub struct WorkerState {
    vm: Vm,
    /// The routes of the pool, by index.
    pub routes: Arc<Vec<EdgeRoute>>,
    /// The pool's options.
    pub options: Arc<EdgeOptions>,
    contexts: RefCell<HashMap<usize, Rc<RouteContext>>>,
}

impl WorkerState {
    /// The route's live context, created on first use and replaced once broken.
    pub fn context(&self, route: usize) -> Result<Rc<RouteContext>, JsError> {
        if let Some(context) = self.contexts.borrow().get(&route)
            && !context.is_broken()
        {
            return Ok(context.clone());
        }
        let context = Rc::new(RouteContext::create(
            &self.vm,
            &self.routes[route],
            &self.options.env,
        )?);
        self.contexts.borrow_mut().insert(route, context.clone());
        Ok(context)
    }

    /// Takes a terminated context out of service; the next request gets a fresh one.
    pub fn retire(&self, route: usize, context: &RouteContext) {
        context.poison();
        let mut contexts = self.contexts.borrow_mut();
        if contexts
            .get(&route)
            .is_some_and(|current| std::ptr::eq(current.as_ref(), context))
        {
            contexts.remove(&route);
        }
    }
}

/// Runs a worker until `jobs` closes. Meant as a thread's body.
pub fn run(
    routes: Arc<Vec<EdgeRoute>>,
    options: Arc<EdgeOptions>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    in_flight: Arc<AtomicUsize>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!("An Edge worker could not start its event loop: {error}");
            return;
        }
    };
    let local = tokio::task::LocalSet::new();
    let vm = Vm::new();
    vm.set_execution_time_limit(options.cpu_time_limit);
    let state = Rc::new(WorkerState {
        vm,
        routes,
        options,
        contexts: RefCell::new(HashMap::new()),
    });
    local.block_on(&runtime, async move {
        while let Some(job) = jobs.recv().await {
            let state = state.clone();
            let in_flight = in_flight.clone();
            tokio::task::spawn_local(async move {
                dispatch::handle(state, job.request, job.reply).await;
                in_flight.fetch_sub(1, Ordering::Relaxed);
            });
            until_idle().await;
        }
    });
}

/// The longest a worker busy with script holds new requests back.
const MAX_ADMISSION_WAIT: Duration = Duration::from_millis(10);

/// Waits until script on this thread has nothing runnable — a round of the other tasks passes
/// without entering script — or [`MAX_ADMISSION_WAIT`] has passed.
///
/// Script is CPU-bound: taking a new request while others can still run only interleaves
/// them, so every one of them finishes later (and live heaps grow). Requests wait in the
/// queue, in order, instead; a worker whose requests all wait on timers or I/O takes the next
/// one at once. The bound keeps a worker that never idles (a busy interval) taking requests.
async fn until_idle() {
    let start = Instant::now();
    loop {
        let before = switchyard_jsc::script_entries();
        tokio::task::yield_now().await;
        if switchyard_jsc::script_entries() == before || start.elapsed() >= MAX_ADMISSION_WAIT {
            return;
        }
    }
}
