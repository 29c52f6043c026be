//! The one `node` process of a build that runs the app's PostCSS plugins and Sass
//! (`js/build/css.js`). It is started at the first stylesheet that needs it and ends when the
//! build drops it; requests are JSON lines on its stdin, answered by id on its stdout, so the
//! bundler's threads may wait on it at the same time.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::error::CssWarning;
use super::postcss_config::PostcssConfig;

/// The script, run with `node -e`.
const SCRIPT: &str = include_str!("../../../../js/build/css.js");

/// How many of the process's last stderr lines are kept, to explain a crash.
const STDERR_TAIL: usize = 20;

/// What the process is told once, before any request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Settings<'s> {
    /// The app root: the working directory, and where packages are resolved from.
    pub root: &'s Path,
    /// The PostCSS config, if the app has one.
    pub postcss: Option<&'s PostcssConfig>,
    /// next.config's `sassOptions`.
    pub sass_options: &'s serde_json::Value,
}

/// One stylesheet to compile.
#[derive(Debug, Serialize)]
struct Request<'r> {
    id: u64,
    file: &'r Path,
    /// Compile it with Sass first.
    sass: bool,
    /// Run the PostCSS plugins on it.
    postcss: bool,
}

/// A stylesheet compiled by the app's tools.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Compiled {
    pub css: String,
    #[serde(default)]
    pub warnings: Vec<CssWarning>,
}

/// Why the process could not compile a stylesheet, as it reports it.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Failure {
    pub kind: FailureKind,
    /// The tool's message, or the package's name for the `Missing*` kinds.
    pub message: String,
    /// The tool that failed on a syntax error: `Sass`, `PostCSS (tailwindcss)`.
    #[serde(default)]
    pub tool: Option<String>,
    #[serde(default)]
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub line: Option<u32>,
    #[serde(default)]
    pub column: Option<u32>,
}

/// The kinds of [`Failure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum FailureKind {
    /// The stylesheet (or a file it uses) is wrong; the tool said where.
    Syntax,
    /// The app has a PostCSS config but not `postcss`.
    MissingPostcss,
    /// A plugin the config names is not installed.
    MissingPlugin,
    /// `sass` is not installed.
    MissingSass,
    /// Another package the config, a plugin or Sass loads is not installed.
    MissingModule,
    /// The PostCSS config is malformed.
    Config,
    /// Anything else a tool threw.
    Failed,
}

/// One answer on stdout.
#[derive(Debug, Deserialize)]
struct Reply {
    id: u64,
    #[serde(default)]
    ok: Option<Compiled>,
    #[serde(default)]
    error: Option<Failure>,
}

/// Why a request got no answer from the tools.
#[derive(Debug, Clone, thiserror::Error)]
pub(super) enum RunError {
    /// The tools answered with a failure.
    #[error("{}", .0.message)]
    Failed(Failure),
    /// `node` could not be started.
    #[error(
        "Stylesheets are compiled with the app's PostCSS plugins and Sass in Node.js, which could not run (node): {0}. Install Node.js 18 or newer, or put it on PATH."
    )]
    Spawn(String),
    /// The process ended before answering.
    #[error("The Node.js process that compiles stylesheets exited before it answered.{0}")]
    Died(String),
    /// The request could not be put into words (a path that is not UTF-8).
    #[error("The stylesheet could not be handed to Node.js: {0}.")]
    Request(String),
}

/// Requests waiting for their answer, by id.
#[derive(Debug, Default)]
struct Waiting {
    senders: HashMap<u64, mpsc::Sender<Result<Compiled, RunError>>>,
    /// Set once stdout has closed: no answer will come, to anyone.
    closed: Option<RunError>,
}

/// The running process.
#[derive(Debug)]
pub(super) struct Runner {
    child: Mutex<Child>,
    stdin: Mutex<Option<ChildStdin>>,
    waiting: Arc<Mutex<Waiting>>,
    next_id: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The data stays consistent when another thread panics: entries are only added or taken.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Runner {
    /// Starts `node` with `settings`.
    pub(super) fn start(settings: &Settings<'_>) -> Result<Self, RunError> {
        let mut line = serde_json::to_string(settings)
            .map_err(|error| RunError::Request(error.to_string()))?;
        line.push('\n');
        let spawn_error = |error: std::io::Error| RunError::Spawn(error.to_string());
        let mut child = Command::new("node")
            .arg("-e")
            .arg(SCRIPT)
            .current_dir(settings.root)
            .env("SWITCHYARD_CSS_RUNNER", "1")
            // As under `next build`: Tailwind and others optimise their output in production.
            .env("NODE_ENV", "production")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::Spawn("its pipes were not opened".to_string()));
        };
        if let Err(error) = stdin.write_all(line.as_bytes()) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::Died(format!(" Writing to it failed: {error}.")));
        }

        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let waiting = Arc::new(Mutex::new(Waiting::default()));
        {
            let tail = tail.clone();
            // Plugins' own output (Tailwind's and Browserslist's notices) is shown as Next.js
            // shows it; the end of it explains a crash.
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                    let mut tail = lock(&tail);
                    if tail.len() == STDERR_TAIL {
                        tail.pop_front();
                    }
                    tail.push_back(line);
                }
            });
        }
        {
            let waiting = waiting.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    match serde_json::from_str::<Reply>(&line) {
                        Ok(reply) => deliver(&waiting, reply),
                        // A plugin that wrote to stdout itself: shown, not read.
                        Err(_) => println!("{line}"),
                    }
                }
                let output: Vec<String> = lock(&tail).iter().cloned().collect();
                let detail = if output.is_empty() {
                    String::new()
                } else {
                    format!(" Its last output:\n{}", output.join("\n"))
                };
                let mut waiting = lock(&waiting);
                let error = RunError::Died(detail);
                for (_, sender) in waiting.senders.drain() {
                    let _ = sender.send(Err(error.clone()));
                }
                waiting.closed = Some(error);
            });
        }
        Ok(Self {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            waiting,
            next_id: AtomicU64::new(1),
        })
    }

    /// Compiles `file`: Sass first when `sass`, then PostCSS when `postcss`. Blocks until
    /// the process answers.
    pub(super) fn compile(
        &self,
        file: &Path,
        sass: bool,
        postcss: bool,
    ) -> Result<Compiled, RunError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = mpsc::channel();
        {
            let mut waiting = lock(&self.waiting);
            if let Some(error) = &waiting.closed {
                return Err(error.clone());
            }
            waiting.senders.insert(id, sender);
        }
        let request = Request {
            id,
            file,
            sass,
            postcss,
        };
        let mut line = match serde_json::to_string(&request) {
            Ok(line) => line,
            Err(error) => {
                lock(&self.waiting).senders.remove(&id);
                return Err(RunError::Request(error.to_string()));
            }
        };
        line.push('\n');
        let written = match lock(&self.stdin).as_mut() {
            Some(stdin) => stdin
                .write_all(line.as_bytes())
                .and_then(|()| stdin.flush()),
            None => Err(std::io::Error::other("the build is over")),
        };
        if let Err(error) = written {
            lock(&self.waiting).senders.remove(&id);
            return Err(RunError::Died(format!(" Writing to it failed: {error}.")));
        }
        receiver
            .recv()
            .unwrap_or_else(|_| Err(RunError::Died(String::new())))
    }
}

/// Hands `reply` to the request waiting for it.
fn deliver(waiting: &Mutex<Waiting>, reply: Reply) {
    let Some(sender) = lock(waiting).senders.remove(&reply.id) else {
        return;
    };
    let result = match (reply.ok, reply.error) {
        (Some(compiled), _) => Ok(compiled),
        (None, Some(failure)) => Err(RunError::Failed(failure)),
        (None, None) => Err(RunError::Died(" It answered with nothing.".to_string())),
    };
    let _ = sender.send(result);
}

impl Drop for Runner {
    fn drop(&mut self) {
        // Closing stdin ends the process; it is killed too, in case a plugin keeps it busy.
        lock(&self.stdin).take();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}
