//! One worker slot: a `node` process that is started, watched, and replaced when it dies.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request};
use http_body_util::{BodyExt, Either, Full};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{Notify, watch};

use crate::connection::Connections;
use crate::parent_death;
use crate::pool::NodeOptions;

/// The line a worker prints once it listens.
const READY_LINE: &str = "SWITCHYARD_READY";
/// Path of the worker's health endpoint.
pub const HEALTH_PATH: &str = "/__switchyard/health";
/// How often a running worker is asked whether it is alive.
const HEALTH_INTERVAL: Duration = Duration::from_secs(2);
/// How long a health check may take.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);
/// Failed health checks in a row before the worker is killed.
const HEALTH_STRIKES: u32 = 2;
/// A worker that dies sooner than this after starting makes the next start wait longer.
const STABLE_AFTER: Duration = Duration::from_secs(10);
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// A running worker as requests see it.
pub struct Live {
    /// Its connections.
    pub connections: Connections,
}

/// A place for one worker, alive or being restarted.
pub struct Slot {
    /// The slot's number, shown in logs and given to the worker.
    pub id: usize,
    live: Mutex<Option<Arc<Live>>>,
    /// Requests sent to this slot and not yet answered.
    pub in_flight: AtomicUsize,
}

impl Slot {
    /// An empty slot.
    pub fn new(id: usize) -> Self {
        Self {
            id,
            live: Mutex::new(None),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// The running worker, if there is one.
    pub fn live(&self) -> Option<Arc<Live>> {
        self.live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }

    /// Stops sending requests to `live` (it could not be reached); its supervisor replaces it.
    pub fn forget(&self, live: &Arc<Live>) {
        let mut current = self
            .live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if current
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(current, live))
        {
            *current = None;
        }
    }

    fn set_live(&self, live: Option<Arc<Live>>) {
        *self
            .live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = live;
    }
}

/// What every slot's supervisor shares.
pub struct Supervision {
    /// Pool settings.
    pub options: Arc<NodeOptions>,
    /// The worker script on disk.
    pub script: PathBuf,
    /// The folder for sockets.
    pub socket_dir: PathBuf,
    /// Woken whenever a worker becomes ready.
    pub became_ready: Arc<Notify>,
    /// Turns true when the pool shuts down.
    pub shutdown: watch::Receiver<bool>,
}

/// Keeps a worker running in `slot` until shutdown: start, wait until ready, watch, restart.
pub async fn supervise(slot: Arc<Slot>, supervision: Arc<Supervision>, first_ready: Arc<Notify>) {
    let mut backoff = BACKOFF_FIRST;
    let mut shutdown = supervision.shutdown.clone();
    let mut announced = false;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let started = Instant::now();
        match run_once(
            &slot,
            &supervision,
            &mut shutdown,
            &first_ready,
            &mut announced,
        )
        .await
        {
            Exit::Shutdown => return,
            Exit::Died(reason) => {
                slot.set_live(None);
                if started.elapsed() >= STABLE_AFTER {
                    backoff = BACKOFF_FIRST;
                }
                tracing::error!(
                    "Node.js worker {} {reason}; starting a new one in {} ms.",
                    slot.id,
                    backoff.as_millis()
                );
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => return,
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

enum Exit {
    Shutdown,
    Died(String),
}

async fn run_once(
    slot: &Arc<Slot>,
    supervision: &Supervision,
    shutdown: &mut watch::Receiver<bool>,
    first_ready: &Notify,
    announced: &mut bool,
) -> Exit {
    let socket = supervision
        .socket_dir
        .join(format!("worker-{}.sock", slot.id));
    let mut child = match spawn(slot.id, supervision, &socket) {
        Ok(child) => child,
        Err(error) => return Exit::Died(format!("could not be started ({error})")),
    };
    let pid = child.id().unwrap_or_default();
    // The worker exits when this pipe closes, which the kernel does when this process dies
    // (see worker.js); held until the worker is gone so that a graceful stop stays graceful.
    let _lifeline = child.stdin.take();
    let stdout = child.stdout.take();
    let ready = wait_until_ready(stdout, supervision.options.ready_timeout);
    tokio::pin!(ready);
    let ready = tokio::select! {
        ready = &mut ready => ready,
        status = child.wait() => return Exit::Died(describe_exit(status)),
        _ = shutdown.changed() => {
            let _ = child.kill().await;
            return Exit::Shutdown;
        }
    };
    if !ready {
        let _ = child.kill().await;
        return Exit::Died(format!(
            "did not become ready within {} s",
            supervision.options.ready_timeout.as_secs()
        ));
    }
    let live = Arc::new(Live {
        connections: Connections::new(socket),
    });
    slot.set_live(Some(live.clone()));
    supervision.became_ready.notify_waiters();
    if !*announced {
        *announced = true;
        first_ready.notify_one();
    }
    tracing::debug!("Node.js worker {} (pid {pid}) is ready.", slot.id);
    tokio::select! {
        status = child.wait() => Exit::Died(format!("(pid {pid}) {}", describe_exit(status))),
        () = health_watch(slot, &live) => {
            let _ = child.kill().await;
            Exit::Died("stopped answering its health check and was killed".into())
        }
        _ = shutdown.changed() => {
            slot.set_live(None);
            stop(&mut child).await;
            Exit::Shutdown
        }
    }
}

fn spawn(id: usize, supervision: &Supervision, socket: &std::path::Path) -> std::io::Result<Child> {
    let options = &supervision.options;
    let _ = std::fs::remove_file(socket);
    let mut command = std::process::Command::new(&options.node);
    command
        .arg(&supervision.script)
        .current_dir(&options.root)
        .env_clear()
        .envs(options.env.iter().cloned())
        .env("SWITCHYARD_SOCKET", socket)
        .env("SWITCHYARD_OUT_DIR", &options.out_dir)
        .env("SWITCHYARD_WORKER_ID", id.to_string())
        .env("NODE_ENV", "production")
        .env("NEXT_RUNTIME", "nodejs")
        .env(parent_death::PARENT_PID_ENV, std::process::id().to_string())
        .env(parent_death::LIFELINE_ENV, "stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // Supervisors run on the runtime's worker threads, which live as long as the pool.
    parent_death::die_with_parent(&mut command);
    Command::from(command).kill_on_drop(true).spawn()
}

/// Reads the worker's stdout until the ready line, then forwards the rest to ours.
async fn wait_until_ready(stdout: Option<tokio::process::ChildStdout>, limit: Duration) -> bool {
    let Some(stdout) = stdout else {
        return false;
    };
    let mut lines = BufReader::new(stdout).lines();
    let found = tokio::time::timeout(limit, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line == READY_LINE {
                return true;
            }
            forward(&line).await;
        }
        false
    })
    .await
    .unwrap_or(false);
    if found {
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                forward(&line).await;
            }
        });
    }
    found
}

/// User code's `console.log` lines go to the server's stdout, as under `next start`.
async fn forward(line: &str) {
    let mut stdout = tokio::io::stdout();
    let _ = stdout.write_all(format!("{line}\n").as_bytes()).await;
}

/// Resolves once the worker has failed enough health checks in a row. A healthy worker that
/// a request gave up on (see [`Slot::forget`]) takes requests again.
async fn health_watch(slot: &Slot, live: &Arc<Live>) {
    let mut strikes = 0;
    loop {
        tokio::time::sleep(HEALTH_INTERVAL).await;
        match tokio::time::timeout(HEALTH_TIMEOUT, health_check(live)).await {
            Ok(true) => {
                strikes = 0;
                let mut current = slot
                    .live
                    .lock()
                    .unwrap_or_else(|poison| poison.into_inner());
                if current.is_none() {
                    *current = Some(live.clone());
                }
            }
            _ => {
                strikes += 1;
                if strikes >= HEALTH_STRIKES {
                    return;
                }
            }
        }
    }
}

async fn health_check(live: &Live) -> bool {
    let Ok(mut sender) = live.connections.take().await else {
        return false;
    };
    let request = Request::builder()
        .method(Method::GET)
        .uri(HEALTH_PATH)
        .header(http::header::HOST, "switchyard-worker")
        .body(Either::Right(Full::new(Bytes::new())));
    let Ok(request) = request else {
        return false;
    };
    let Ok(response) = sender.send_request(request).await else {
        return false;
    };
    let healthy = response.status().is_success();
    let _ = response.into_body().collect().await;
    live.connections.give_back(sender);
    healthy
}

/// Asks the worker to exit, then kills it if it lingers.
async fn stop(child: &mut Child) {
    if let Some(pid) = child.id().and_then(|pid| i32::try_from(pid).ok()) {
        // SIGTERM lets Node flush its output; the kill below is the backstop.
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    if tokio::time::timeout(Duration::from_secs(2), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}

fn describe_exit(status: std::io::Result<std::process::ExitStatus>) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exited with code {code}"),
            (None, Some(signal)) => format!("was killed by signal {signal}"),
            _ => "exited".into(),
        },
        Err(error) => format!("could not be waited for ({error})"),
    }
}

/// Counts a request against a slot until dropped.
pub struct InFlight(pub Arc<Slot>);

impl InFlight {
    /// Counts one more request on `slot`.
    pub fn new(slot: Arc<Slot>) -> Self {
        slot.in_flight.fetch_add(1, Ordering::Relaxed);
        Self(slot)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}
