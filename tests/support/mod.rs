//! Shared helpers of the end-to-end tests: fixture apps, the real binary, a small HTTP client.

#![allow(dead_code)]

pub mod browser;
pub mod http;
pub mod tls_origin;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Header names only Switchyard may write, as a client would try them: every name the
/// server and its runtimes read, another spelling, and names of the families not in use.
pub const INTERNAL_HEADERS: &[&str] = &[
    "x-switchyard-kind",
    "X-Switchyard-Kind",
    "x-switchyard-render",
    "x-switchyard-bundle",
    "x-switchyard-page",
    "x-switchyard-params",
    "x-switchyard-url",
    "x-switchyard-not-found",
    "x-switchyard-hop",
    "x-switchyard-anything",
    "x-middleware-subrequest",
    "x-middleware-rewrite",
    "x-middleware-next",
    "x-middleware-override-headers",
    "x-middleware-request-cookie",
    "x-middleware-set-cookie",
    "x-matched-path",
    "x-now-route-matches",
];

/// The `switchyard` binary under test.
pub fn switchyard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchyard"))
}

/// A fresh copy of `tests/fixtures/<name>` in a temporary folder.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    let target = tempfile::tempdir().expect("a temporary folder");
    copy_dir(&source, target.path());
    target
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let path = entry.path();
        let target = to.join(entry.file_name());
        if entry.file_name() == "node_modules" {
            // Installed by scripts/fixtures.sh; shared, not copied, by every test's copy.
            std::os::unix::fs::symlink(&path, &target).unwrap();
        } else if path.is_dir() {
            if entry.file_name() != ".switchyard" {
                copy_dir(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Writes the package the node-app fixture imports into its node_modules, as `npm install`
/// would have (node_modules are never committed).
pub fn install_fixture_package(app: &Path) {
    let package = app.join("node_modules/fixture-pkg");
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(
        package.join("package.json"),
        r#"{ "name": "fixture-pkg", "main": "index.js" }"#,
    )
    .unwrap();
    std::fs::write(
        package.join("index.js"),
        "module.exports = (s) => `[${s}] from node_modules`;\n",
    )
    .unwrap();
}

/// The pages-app fixture's `node_modules`, with React (installed by scripts/fixtures.sh).
pub fn installed_react() -> PathBuf {
    let modules = repo_root().join("tests/fixtures/pages-app/node_modules");
    assert!(
        modules.join("react").is_dir(),
        "{} is missing; run scripts/fixtures.sh",
        modules.display()
    );
    modules
}

/// Links the pages-app fixture's `node_modules` (React) into the app at `app`.
pub fn link_react(app: &Path) {
    std::os::unix::fs::symlink(installed_react(), app.join("node_modules")).unwrap();
}

/// Runs `switchyard build DIR`.
pub fn build(dir: &Path) -> Output {
    switchyard()
        .arg("build")
        .arg(dir)
        .output()
        .expect("switchyard runs")
}

/// The build id `switchyard build` wrote into the app's manifest.
pub fn build_id(app: &Path) -> String {
    let manifest = std::fs::read_to_string(app.join(".switchyard/manifest.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&manifest).unwrap()["buildId"]
        .as_str()
        .expect("the manifest names its build id")
        .to_owned()
}

/// Text of stdout and stderr together.
pub fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A `switchyard start` process on a free port; killed on drop.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    log: Arc<Mutex<String>>,
    /// The app folder (kept alive with the server).
    pub app: Option<tempfile::TempDir>,
}

impl Server {
    /// Builds the fixture `name` and starts it with `args`.
    pub fn fixture(name: &str, args: &[&str]) -> Server {
        let app = fixture(name);
        let output = build(app.path());
        assert!(
            output.status.success(),
            "build failed:\n{}",
            all_output(&output)
        );
        let mut server = Server::start(app.path(), args, &[]);
        server.app = Some(app);
        server
    }

    /// Starts `switchyard start DIR --port 0` with `PATH` set to `path`.
    pub fn start_with_path(dir: &Path, path: &str) -> Server {
        Server::start(dir, &[], &[("PATH", path)])
    }

    /// Starts `switchyard start DIR --port 0 ARGS` and waits for its ready line.
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = switchyard();
        command
            .arg("start")
            .arg(dir)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        // Its own process group, so that the server and its Node workers can be stopped
        // together; see `reap_when_tests_end`.
        command.process_group(0);
        let mut child = command.spawn().expect("switchyard starts");
        reap_when_tests_end(child.id());
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some(rest) = line.strip_prefix("▲ Ready on http://") {
                    let port = rest.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                    let _ = tx.send(port);
                    sent = true;
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(port)) => port,
            _ => {
                let _ = child.kill();
                panic!("the server did not start:\n{}", log.lock().unwrap());
            }
        };
        Server {
            child,
            port,
            log,
            app: None,
        }
    }

    /// Everything the server printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log contains `needle`, up to `limit`.
    pub fn wait_for_log(&self, needle: &str, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> http::Response {
        http::request(self.port, "GET", path, &[], None)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        self.child.wait().unwrap()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Servers kept in `static`s are never dropped, so a watcher ends the server's process group
/// once the test process is gone.
fn reap_when_tests_end(group: u32) {
    let tests = std::process::id();
    let script = format!(
        "while kill -0 {tests} 2>/dev/null; do sleep 0.2; done; kill -TERM -{group} 2>/dev/null; sleep 2; kill -KILL -{group} 2>/dev/null"
    );
    let _ = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
