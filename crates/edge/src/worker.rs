//! An Edge worker thread: one VM, one context per route, many requests interleaved.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchyard_jsc::{Context, JsError, Vm};
use tokio::sync::oneshot;

use crate::dispatch;
use crate::error::EdgeError;
use crate::pool::{EdgeOptions, Shared};
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
    /// Replaced when its heap stays over the memory limit even without the context at fault.
    vm: RefCell<Vm>,
    /// The routes of the pool, by index.
    pub routes: Arc<Vec<EdgeRoute>>,
    /// The pool's options.
    pub options: Arc<EdgeOptions>,
    resident_ceiling: Option<usize>,
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
        let vm = self.vm.borrow().clone();
        let context = Rc::new(RouteContext::create(
            &vm,
            &self.routes[route],
            &self.options.env,
            self.options.memory_limit,
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

    /// Whether the VM keeps more than the memory limit after a request on `context` ended.
    pub fn over_memory_limit(&self, context: &RouteContext) -> bool {
        self.options.memory_limit.is_some() && self.vm.borrow().over_memory_limit(&context.ctx)
    }

    /// After a context was discarded for memory: collects, and replaces the VM if its heap is
    /// still over the limit (memory another context keeps, or that the engine did not free).
    pub async fn recover_memory(self: Rc<Self>, page: String) {
        let Some(limit) = self.options.memory_limit else {
            return;
        };
        // Requests still holding the discarded context wake on its poisoning and let go of it
        // within a few turns of the event loop.
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        let vm = self.vm.borrow().clone();
        let probe = Context::new(&vm);
        let size = vm.heap_size(&probe);
        drop(probe);
        if size.is_none_or(|size| size <= limit) {
            return;
        }
        tracing::error!(
            "{page}: the Edge worker's heap stayed over {} MB (--edge-memory-limit) after its \
             context was discarded; the worker's engine was restarted with fresh contexts.",
            limit >> 20
        );
        for context in self
            .contexts
            .borrow_mut()
            .drain()
            .map(|(_, context)| context)
        {
            context.poison();
        }
        *self.vm.borrow_mut() = new_vm(&self.options, self.resident_ceiling);
    }
}

fn new_vm(options: &EdgeOptions, resident_ceiling: Option<usize>) -> Vm {
    let vm = Vm::new();
    vm.set_execution_time_limit(options.cpu_time_limit);
    if let Some(limit) = options.memory_limit {
        vm.set_memory_limit(limit);
    }
    if let Some(ceiling) = resident_ceiling {
        vm.set_resident_ceiling(ceiling);
    }
    vm
}

/// How long an idle extra worker waits for a request before it checks whether it is needed.
const EXTRA_PATIENCE: Duration = Duration::from_millis(200);

/// How long a regular worker waits before it looks again (it never leaves while the pool runs).
const PATIENCE: Duration = Duration::from_secs(3600);

/// Runs a worker until the pool shuts down (or, for an `extra` one, until it is not needed).
/// Meant as a thread's body.
pub(crate) fn run(shared: Arc<Shared>, extra: bool) {
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
    let state = Rc::new(WorkerState {
        vm: RefCell::new(new_vm(&shared.options, shared.resident_ceiling)),
        routes: shared.routes.clone(),
        options: shared.options.clone(),
        resident_ceiling: shared.resident_ceiling,
        contexts: RefCell::new(HashMap::new()),
    });
    let in_flight = Rc::new(Cell::new(0usize));
    local.block_on(&runtime, async move {
        loop {
            if extra && shared.retire_extra() {
                // Finish what was started here; new requests go to the others.
                while in_flight.get() > 0 && !shared.is_closed() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                return;
            }
            let patience = if extra { EXTRA_PATIENCE } else { PATIENCE };
            let job = match shared.next(patience).await {
                Some(Some(job)) => job,
                Some(None) => return,
                None => continue,
            };
            let (state, in_flight) = (state.clone(), in_flight.clone());
            in_flight.set(in_flight.get() + 1);
            tokio::task::spawn_local(async move {
                dispatch::handle(state, job.request, job.reply).await;
                in_flight.set(in_flight.get() - 1);
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
/// queue, in order, instead (where any other free worker takes them); a worker whose requests
/// all wait on timers or I/O takes the next one at once. The bound keeps a worker that never
/// idles (a busy interval) taking requests.
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
