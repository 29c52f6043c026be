//! The pool of Edge worker threads and how requests are spread over them.
//!
//! Requests wait in one queue that every worker takes from when it is free, so a request
//! never waits behind a busy worker while another is idle. A script stuck in a loop holds
//! its worker until the CPU time limit stops it; when every worker has been held like that
//! for [`GROW_AFTER`] and requests are waiting, the pool starts an extra worker (up to
//! [`EdgeOptions::max_workers`]), which leaves again once no worker is held.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use switchyard_jsc::Activity;
use tokio::sync::{Notify, oneshot};

use crate::error::EdgeError;
use crate::request::{EdgeRequest, EdgeResponse};
use crate::route::EdgeRoute;
use crate::worker::{self, Job};

/// Settings of the Edge runtime.
#[derive(Debug, Clone)]
pub struct EdgeOptions {
    /// Worker threads; each has its own VM.
    pub workers: usize,
    /// Most worker threads at once, counting the extra ones started while scripts hold
    /// the regular ones.
    pub max_workers: usize,
    /// CPU time one entry into script may take before it is terminated.
    pub cpu_time_limit: Duration,
    /// Heap a worker's VM (the contexts of its routes) may keep, in bytes; `None` for no limit.
    pub memory_limit: Option<usize>,
    /// Time a handler has to return its Response.
    pub response_timeout: Duration,
    /// The environment `process.env` shows (`NEXT_RUNTIME` is added).
    pub env: Vec<(String, String)>,
}

/// The heap budget of a worker's VM unless configured: workerd's limit per isolate.
pub const DEFAULT_MEMORY_LIMIT: usize = 128 << 20;

impl Default for EdgeOptions {
    fn default() -> Self {
        let workers = thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            workers,
            max_workers: default_max_workers(workers),
            cpu_time_limit: Duration::from_secs(10),
            memory_limit: Some(DEFAULT_MEMORY_LIMIT),
            response_timeout: Duration::from_secs(25),
            env: std::env::vars().collect(),
        }
    }
}

/// The bound on workers for `workers` regular ones: room for a few stuck scripts at once.
pub fn default_max_workers(workers: usize) -> usize {
    workers.max(1) * 4
}

/// How long every worker must have been inside one script, with requests waiting, before the
/// pool adds a worker. Longer than a legitimately heavy render, short next to a CPU limit.
pub const GROW_AFTER: Duration = Duration::from_millis(100);

/// Room above the workers' heap limits for what the process itself needs (JIT code, buffers,
/// the allocator's free lists) before resident memory counts as a script's.
const RESIDENT_SLACK: usize = 128 << 20;

/// How often the pool looks at its queue and workers.
const SUPERVISE_EVERY: Duration = Duration::from_millis(20);

/// A request waiting for a worker.
struct Queued {
    job: Job,
    since: Instant,
}

/// One running worker thread as the pool sees it.
pub(crate) struct WorkerSlot {
    /// Whether, and for how long, the thread is inside script.
    activity: Arc<Activity>,
}

impl WorkerSlot {
    fn stuck(&self) -> bool {
        self.activity
            .busy_for()
            .is_some_and(|busy| busy >= GROW_AFTER)
    }
}

/// What the pool and its workers share.
pub(crate) struct Shared {
    queue: Mutex<VecDeque<Queued>>,
    /// Signalled when a request is queued.
    ready: Notify,
    closed: AtomicBool,
    workers: Mutex<Vec<Arc<WorkerSlot>>>,
    /// Extra workers running now, beyond `options.workers`.
    extra: AtomicUsize,
    /// Process resident memory above which the running script is stopped (see
    /// [`switchyard_jsc::Vm::set_resident_ceiling`]): every worker at its heap limit, and more.
    pub(crate) resident_ceiling: Option<usize>,
    /// The pool's routes, by index.
    pub(crate) routes: Arc<Vec<EdgeRoute>>,
    /// The pool's options.
    pub(crate) options: Arc<EdgeOptions>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain data; keep serving.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn push(&self, job: Job) -> Result<(), EdgeError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(EdgeError::Unavailable);
        }
        lock(&self.queue).push_back(Queued {
            job,
            since: Instant::now(),
        });
        self.ready.notify_one();
        Ok(())
    }

    fn pop(&self) -> Option<Job> {
        let mut queue = lock(&self.queue);
        while let Some(queued) = queue.pop_front() {
            // Its client is gone: answering it would only spend CPU.
            if !queued.job.reply.is_closed() {
                return Some(queued.job);
            }
        }
        None
    }

    /// The next request, or `None` once the pool is shut down; gives up after `patience`.
    pub(crate) async fn next(&self, patience: Duration) -> Option<Option<Job>> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let notified = self.ready.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(job) = self.pop() {
                return Some(Some(job));
            }
            if self.closed.load(Ordering::Acquire) {
                return Some(None);
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return None;
            }
        }
    }

    /// Whether an extra worker should leave: fewer workers are held by scripts than there
    /// are extra ones. Counts the leaving one out, so concurrent checks agree.
    pub(crate) fn retire_extra(&self) -> bool {
        let stuck = lock(&self.workers)
            .iter()
            .filter(|slot| slot.stuck())
            .count();
        self.extra
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |extra| {
                (stuck < extra).then(|| extra - 1)
            })
            .is_ok()
    }

    /// Removes a worker that is exiting.
    pub(crate) fn leave(&self, slot: &Arc<WorkerSlot>) {
        lock(&self.workers).retain(|other| !Arc::ptr_eq(other, slot));
    }

    /// Whether the pool is shutting down.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

/// The Edge runtime: worker threads serving a fixed set of routes.
pub struct EdgePool {
    shared: Arc<Shared>,
}

impl EdgePool {
    /// Starts the worker threads. Contexts are created lazily, on each route's first request.
    pub fn start(routes: Vec<EdgeRoute>, options: EdgeOptions) -> std::io::Result<Self> {
        let count = options.workers.max(1);
        let resident_ceiling = options.memory_limit.map(|limit| {
            let workers = options.max_workers.max(count);
            switchyard_jsc::resident_memory()
                .unwrap_or(0)
                .saturating_add(limit.saturating_mul(workers))
                .saturating_add(RESIDENT_SLACK)
        });
        let shared = Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            closed: AtomicBool::new(false),
            workers: Mutex::new(Vec::new()),
            extra: AtomicUsize::new(0),
            resident_ceiling,
            routes: Arc::new(routes),
            options: Arc::new(options),
        });
        for index in 0..count {
            spawn_worker(&shared, format!("edge-{index}"), false)?;
        }
        let supervised = Arc::downgrade(&shared);
        thread::Builder::new()
            .name("edge-pool".into())
            .spawn(move || supervise(supervised))?;
        Ok(Self { shared })
    }

    /// Answers `request` on the first free worker; resolves when the response head is ready.
    pub async fn dispatch(&self, request: EdgeRequest) -> Result<EdgeResponse, EdgeError> {
        let (reply, response) = oneshot::channel();
        self.shared.push(Job { request, reply })?;
        response.await.map_err(|_| EdgeError::Unavailable)?
    }
}

impl Drop for EdgePool {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.ready.notify_waiters();
    }
}

/// Starts a worker thread and registers it; `extra` ones leave when no longer needed.
fn spawn_worker(shared: &Arc<Shared>, name: String, extra: bool) -> std::io::Result<()> {
    let (registered, is_registered) = std::sync::mpsc::sync_channel(1);
    let worker_shared = shared.clone();
    thread::Builder::new().name(name).spawn(move || {
        let slot = Arc::new(WorkerSlot {
            activity: switchyard_jsc::thread_activity(),
        });
        lock(&worker_shared.workers).push(slot.clone());
        let _ = registered.send(());
        worker::run(worker_shared.clone(), extra);
        worker_shared.leave(&slot);
    })?;
    // The pool counts the worker only once it is registered, so that the supervisor never
    // sees fewer workers than there are and starts one too many.
    let _ = is_registered.recv();
    Ok(())
}

/// The pool's watch: wakes idle workers for waiting requests, and adds a worker when every
/// one is held by a script. Ends with the pool.
fn supervise(shared: std::sync::Weak<Shared>) {
    let mut started = 0usize;
    loop {
        thread::sleep(SUPERVISE_EVERY);
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.is_closed() {
            return;
        }
        let waited = lock(&shared.queue)
            .front()
            .map(|queued| queued.since.elapsed());
        let Some(waited) = waited else {
            continue;
        };
        // A worker woken for a request may have been inside script on another task: no
        // request is left waiting on that.
        shared.ready.notify_waiters();
        if waited < GROW_AFTER {
            continue;
        }
        let (count, all_stuck) = {
            let workers = lock(&shared.workers);
            (workers.len(), workers.iter().all(|slot| slot.stuck()))
        };
        if !all_stuck || count >= shared.options.max_workers.max(shared.options.workers) {
            continue;
        }
        shared.extra.fetch_add(1, Ordering::AcqRel);
        started += 1;
        tracing::warn!(
            "Every Edge worker has been running one script for more than {} ms while requests \
             wait; starting an extra worker ({} of at most {}).",
            GROW_AFTER.as_millis(),
            count + 1,
            shared.options.max_workers
        );
        if let Err(error) = spawn_worker(&shared, format!("edge-extra-{started}"), true) {
            shared.extra.fetch_sub(1, Ordering::AcqRel);
            tracing::error!("An extra Edge worker could not start: {error}");
        }
    }
}
