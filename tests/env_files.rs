//! `.env` files: Next.js's precedence and expansion, seen by next.config, both runtimes and
//! the middleware; `NEXT_PUBLIC_*` and next.config's `env` inlined into the browser bundle;
//! `dev` loading changed files.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, all_output, http};

fn build(app: &Path, env: &[(&str, &str)]) -> Output {
    let output = support::switchyard()
        .arg("build")
        .arg(app)
        .envs(env.iter().copied())
        .output()
        .expect("switchyard runs");
    assert!(
        output.status.success(),
        "build failed:\n{}",
        all_output(&output)
    );
    output
}

/// Every browser file of the build, concatenated.
fn browser_code(app: &Path) -> String {
    let mut code = String::new();
    let mut folders = vec![app.join(".switchyard/static")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "js") {
                code.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    assert!(!code.is_empty(), "no browser chunks were built");
    code
}

/// The variables an API route reports, without `runtime`.
fn values(server: &Server, path: &str) -> (Value, http::Response) {
    let response = server.get(path);
    assert_eq!(response.status, 200, "{path}: {}", response.text());
    let mut body = response.json();
    body.as_object_mut().unwrap().remove("runtime");
    (body, response)
}

#[test]
fn production_precedence_on_both_runtimes_in_middleware_and_the_browser() {
    let app = support::fixture("env-app");
    support::link_react(app.path());
    let process = [("P_PROCESS", "process")];
    let output = build(app.path(), &process);
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("- Environments: .env.production.local, .env.local, .env.production, .env"),
        "{}",
        all_output(&output)
    );

    let code = browser_code(app.path());
    assert!(code.contains("hello-public"), "NEXT_PUBLIC_ is inlined");
    // next.config read P_LOCAL from .env.local when it was evaluated.
    assert!(
        code.contains("config:local"),
        "next.config's env is inlined"
    );
    assert!(
        !code.contains("do-not-ship-me"),
        "other variables stay out of the browser"
    );

    let server = Server::start(app.path(), &[], &process);
    let expected = json!({
        "P_PROCESS": "process",
        "P_PROD_LOCAL": "production.local",
        "P_LOCAL": "local",
        "P_PROD": "production",
        "P_BASE": "env",
        "P_TEST": "env",
        "EXPANDED": "local-env",
        "ESCAPED": "$P_BASE",
        "QUOTED": "two words",
        "NEXT_PUBLIC_GREETING": "hello-public",
        // next.config's env is inlined into server bundles too, as Next does.
        "CONFIG_VALUE": "config:local",
    });
    for path in ["/api/edge", "/api/node"] {
        let (body, response) = values(&server, path);
        assert_eq!(body, expected, "{path}");
        assert_eq!(response.header("x-env-local"), Some("local"), "{path}");
        assert_eq!(response.header("x-env-process"), Some("process"), "{path}");
        assert_eq!(
            response.header("x-env-expanded"),
            Some("local-env"),
            "{path}"
        );
    }
    assert!(
        server.log().contains("- Environments: "),
        "{}",
        server.log()
    );
}

#[test]
fn test_mode_ignores_env_local() {
    let app = support::fixture("env-app");
    support::link_react(app.path());
    let env = [("NODE_ENV", "test")];
    let output = build(app.path(), &env);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("- Environments: .env.test, .env"),
        "{}",
        all_output(&output)
    );
    assert!(browser_code(app.path()).contains("config:env"));
    let server = Server::start(app.path(), &[], &env);
    for path in ["/api/edge", "/api/node"] {
        let (body, response) = values(&server, path);
        assert_eq!(body["P_LOCAL"], "env", "{path}: {body}");
        assert_eq!(body["P_PROD_LOCAL"], "env", "{path}: {body}");
        assert_eq!(body["P_PROD"], "env", "{path}: {body}");
        assert_eq!(body["P_TEST"], "test", "{path}: {body}");
        assert_eq!(body["EXPANDED"], "env-env", "{path}: {body}");
        assert_eq!(body["CONFIG_VALUE"], "config:env", "{path}: {body}");
        assert_eq!(response.header("x-env-local"), Some("env"), "{path}");
    }
}

#[test]
fn without_env_files_nothing_is_added() {
    let app = support::fixture("env-app");
    support::link_react(app.path());
    for entry in std::fs::read_dir(app.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".env")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let output = build(app.path(), &[]);
    assert!(
        !all_output(&output).contains("Environments"),
        "{}",
        all_output(&output)
    );
    let server = Server::start(app.path(), &[], &[]);
    let (body, response) = values(&server, "/api/edge");
    assert_eq!(
        body,
        json!({ "CONFIG_VALUE": "config:undefined" }),
        "undefined values are left out of the JSON; next.config's env is always inlined"
    );
    assert_eq!(response.header("x-env-local"), Some("unset"));
}

/// `switchyard dev` on a free port, in its own process group; stopped on drop.
struct Dev {
    child: Child,
    port: u16,
}

impl Drop for Dev {
    fn drop(&mut self) {
        // The whole group: a restart replaces the process image, its workers are children.
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

fn dev(app: &Path) -> Dev {
    let mut child = support::switchyard()
        .arg("dev")
        .arg(app)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("switchyard starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("▲ Ready on http://") {
                let _ = tx.send(rest.rsplit(':').next().unwrap().parse::<u16>().unwrap());
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("dev starts");
    Dev { child, port }
}

/// `GET path` until `check` accepts the body, for up to `limit`; the last body otherwise.
fn poll(port: u16, path: &str, limit: Duration, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + limit;
    let mut last = Value::Null;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            && let Ok(response) =
                std::panic::catch_unwind(|| http::request(port, "GET", path, &[], None))
            && response.status == 200
        {
            last = response.json();
            if check(&last) {
                return last;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    last
}

#[test]
fn dev_reads_development_files_and_reloads_changed_ones() {
    let app = support::fixture("env-app");
    support::link_react(app.path());
    let server = dev(app.path());
    for path in ["/api/edge", "/api/node"] {
        let body = poll(server.port, path, Duration::from_secs(30), |_| true);
        assert_eq!(body["P_PROD"], "development", "{path}: {body}");
        assert_eq!(body["P_PROD_LOCAL"], "local", "{path}: {body}");
    }
    std::fs::write(app.path().join(".env.local"), "P_LOCAL=changed\n").unwrap();
    for path in ["/api/edge", "/api/node"] {
        let body = poll(server.port, path, Duration::from_secs(120), |body| {
            body["P_LOCAL"] == "changed"
        });
        assert_eq!(body["P_LOCAL"], "changed", "{path}: {body}");
        assert_eq!(body["EXPANDED"], "changed-env", "{path}: {body}");
        assert_eq!(body["P_PROD_LOCAL"], "env", "{path}: {body}");
    }
}
