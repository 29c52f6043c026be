//! Evaluating `next.config.*` in a real `node` when it needs Node APIs (`require('path')`,
//! plugins such as `@next/mdx`, timers).
//!
//! A small driver script runs in `node -e`, loads the config (natively with `import()` when
//! Node can load the file as it is, else the same wrapper function JavaScriptCore ran, with a
//! real `require`), finishes it as the JavaScriptCore driver does, and prints one marked line
//! of JSON that Rust reads back.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use crate::error::ConfigErrorKind;
use crate::next_config::load::{Evaluation, Exported, FINISH_SCRIPT, position_in_stack};
use crate::next_config::module::PreparedConfig;

/// Starts the one line of stdout that carries the result.
const MARK: &str = "__SWITCHYARD_NEXT_CONFIG__";

/// The driver; `FINISH_SCRIPT` is prepended.
const DRIVER: &str = r#"
const fs = require("fs");
const path = require("path");
const url = require("url");
const vm = require("vm");
const { createRequire } = require("module");
const MARK = "__SWITCHYARD_NEXT_CONFIG__";
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const report = (result) => process.stdout.write("\n" + MARK + JSON.stringify(result) + "\n");
(async () => {
  let exported;
  if (input.mode === "import") {
    const namespace = await import(url.pathToFileURL(input.file).href);
    exported = namespace.default !== undefined ? namespace.default : namespace;
  } else {
    const wrapper = vm.runInThisContext(input.source, { filename: input.file });
    const dirname = path.dirname(input.file);
    const module = { exports: {} };
    const meta = { url: url.pathToFileURL(input.file).href, filename: input.file, dirname };
    const load = (specifier) =>
      import(/^[./]/.test(specifier) ? url.pathToFileURL(path.resolve(dirname, specifier)).href : specifier);
    await wrapper.call(input.isModule ? undefined : module.exports, module, module.exports,
      createRequire(input.file), input.file, dirname, meta, load);
    exported = module.exports;
  }
  const result = await __switchyard_finish(exported, input.phase);
  report({ ok: true, type: result.type, json: result.json });
})().catch((error) => {
  const isError = error !== null && typeof error === "object";
  report({
    ok: false,
    name: isError && error.name ? String(error.name) : "Uncaught",
    message: isError && "message" in error ? String(error.message) : String(error),
    stack: isError && error.stack ? String(error.stack) : "",
  });
});
"#;

/// How `node` loads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeMode {
    /// `import()` the file itself: Node can load it as it is.
    Import,
    /// Run the prepared wrapper function (TypeScript, or ES syntax Node would read as CommonJS).
    Prepared,
}

/// Why `node` gave no config.
#[derive(Debug)]
pub(crate) enum NodeFailure {
    /// `node` could not be started; holds why.
    Unavailable(String),
    /// `node` ran and the config failed, at a 1-based line and column when known.
    Failed {
        kind: ConfigErrorKind,
        line: Option<u32>,
        column: Option<u32>,
    },
}

/// Picks how `node` should load the config file at `path`.
pub(crate) fn mode_for(path: &Path, prepared: &PreparedConfig, root: &Path) -> NodeMode {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("mjs" | "cjs") => NodeMode::Import,
        Some("js") if prepared.is_module == package_is_module(root) => NodeMode::Import,
        _ => NodeMode::Prepared,
    }
}

/// Whether `root/package.json` says `"type": "module"`.
fn package_is_module(root: &Path) -> bool {
    std::fs::read_to_string(root.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Json>(&text).ok())
        .is_some_and(|package| package["type"] == "module")
}

/// Evaluates the config at `path` in `node`.
pub(crate) fn evaluate(
    evaluation: &Evaluation,
    mode: NodeMode,
    prepared: &PreparedConfig,
    path: &Path,
    root: &Path,
) -> Result<Exported, NodeFailure> {
    let input = json!({
        "mode": if mode == NodeMode::Import { "import" } else { "prepared" },
        "file": path.to_string_lossy(),
        "source": prepared.function_source,
        "isModule": prepared.is_module,
        "phase": "phase-production-server",
    })
    .to_string();
    let mut command = Command::new(&evaluation.node);
    command
        .arg("-e")
        .arg(format!("{FINISH_SCRIPT}{DRIVER}"))
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if std::env::var_os("NODE_ENV").is_none() {
        command.env("NODE_ENV", "production");
    }
    let mut child = command.spawn().map_err(|error| {
        NodeFailure::Unavailable(if error.kind() == std::io::ErrorKind::NotFound {
            format!("{} was not found", evaluation.node.to_string_lossy())
        } else {
            format!("{}: {error}", evaluation.node.to_string_lossy())
        })
    })?;

    // Pipes are drained on their own threads so a chatty config cannot block on a full pipe.
    let stdin = child.stdin.take();
    let writer = thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(input.as_bytes());
        }
    });
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());

    let deadline = Instant::now() + evaluation.time_limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(NodeFailure::Failed {
            kind: ConfigErrorKind::Timeout {
                milliseconds: u64::try_from(evaluation.time_limit.as_millis()).unwrap_or(u64::MAX),
            },
            line: None,
            column: None,
        });
    };

    let result = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(MARK))
        .and_then(|json| serde_json::from_str::<Json>(json).ok());
    let Some(result) = result else {
        return Err(NodeFailure::Failed {
            kind: ConfigErrorKind::Threw {
                name: "Error".into(),
                message: format!(
                    "Node.js exited ({status}) without a config: {}",
                    last_lines(&stderr, 8)
                ),
            },
            line: None,
            column: None,
        });
    };
    if result["ok"] == true {
        let type_name = result["type"].as_str().unwrap_or("undefined");
        return Exported::from_finish(type_name, result["json"].as_str()).map_err(|message| {
            NodeFailure::Failed {
                kind: ConfigErrorKind::Threw {
                    name: "TypeError".into(),
                    message,
                },
                line: None,
                column: None,
            }
        });
    }
    let text = |key: &str| result[key].as_str().unwrap_or_default().to_owned();
    let (line, column) = match position_in_stack(&text("stack"), &path.to_string_lossy()) {
        Some((line, column)) if mode == NodeMode::Prepared => {
            let (line, column) = prepared.original_position(line, column);
            (Some(line), column)
        }
        Some((line, column)) => (Some(line), Some(column)),
        None => (None, None),
    };
    Err(NodeFailure::Failed {
        kind: ConfigErrorKind::Threw {
            name: text("name"),
            message: text("message"),
        },
        line,
        column,
    })
}

/// The last `count` lines of `text`, for messages.
fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.trim().lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use serde_json::json;

    use super::{NodeMode, mode_for};
    use crate::error::ConfigErrorKind;
    use crate::next_config::load::{Evaluation, load_with};
    use crate::next_config::module::prepare;

    fn node_available() -> bool {
        Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success())
    }

    use crate::test_app::app;

    #[test]
    fn picks_native_import_when_node_can_load_the_file() {
        let dir = app(&[]);
        let cjs = prepare("module.exports = {}", Path::new("next.config.js")).unwrap();
        let esm = prepare("export default {}", Path::new("next.config.js")).unwrap();
        assert_eq!(
            mode_for(Path::new("next.config.js"), &cjs, dir.path()),
            NodeMode::Import
        );
        assert_eq!(
            mode_for(Path::new("next.config.js"), &esm, dir.path()),
            NodeMode::Prepared
        );
        assert_eq!(
            mode_for(Path::new("next.config.mjs"), &esm, dir.path()),
            NodeMode::Import
        );
        assert_eq!(
            mode_for(Path::new("next.config.ts"), &esm, dir.path()),
            NodeMode::Prepared
        );
        let module = app(&[("package.json", r#"{ "type": "module" }"#)]);
        assert_eq!(
            mode_for(Path::new("next.config.js"), &esm, module.path()),
            NodeMode::Import
        );
    }

    #[test]
    fn configs_that_require_node_modules_fall_back_to_node() {
        if !node_available() {
            eprintln!("skipped: node is not on PATH");
            return;
        }
        let dir = app(&[
            (
                "next.config.js",
                "const path = require('path');\nconst extra = require('./extra.json');\nmodule.exports = { distDir: path.posix.join('out', 'dir'), env: extra };\n",
            ),
            ("extra.json", r#"{ "answer": 42 }"#),
        ]);
        let config = load_with(dir.path(), &Evaluation::default()).unwrap();
        assert_eq!(config.raw["distDir"], "out/dir");
        assert_eq!(config.raw["env"], json!({ "answer": 42 }));
    }

    #[test]
    fn esm_and_typescript_configs_with_imports_run_in_node() {
        if !node_available() {
            eprintln!("skipped: node is not on PATH");
            return;
        }
        let dir = app(&[(
            "next.config.mjs",
            "import { join } from 'node:path';\nexport default async (phase) => ({ basePath: join('/', 'x'), env: { phase } });\n",
        )]);
        let config = load_with(dir.path(), &Evaluation::default()).unwrap();
        assert_eq!(config.base_path, "/x");
        assert_eq!(config.raw["env"]["phase"], "phase-production-server");

        let dir = app(&[(
            "next.config.ts",
            "import path from 'path';\nimport type { NextConfig } from 'next';\nconst config: NextConfig = { basePath: path.posix.join('/', 'ts') };\nexport default config;\n",
        )]);
        let config = load_with(dir.path(), &Evaluation::default()).unwrap();
        assert_eq!(config.base_path, "/ts");
    }

    #[test]
    fn timers_are_available_through_node() {
        if !node_available() {
            eprintln!("skipped: node is not on PATH");
            return;
        }
        let dir = app(&[(
            "next.config.js",
            "module.exports = () => new Promise((resolve) => setTimeout(() => resolve({ basePath: '/later' }), 1));",
        )]);
        let config = load_with(dir.path(), &Evaluation::default()).unwrap();
        assert_eq!(config.base_path, "/later");
    }

    #[test]
    fn node_errors_name_the_line() {
        if !node_available() {
            eprintln!("skipped: node is not on PATH");
            return;
        }
        let dir = app(&[(
            "next.config.js",
            "const fs = require('fs');\n\nthrow new Error('from node');\n",
        )]);
        let error = load_with(dir.path(), &Evaluation::default()).unwrap_err();
        assert_eq!(
            error.kind,
            ConfigErrorKind::Threw {
                name: "Error".into(),
                message: "from node".into()
            }
        );
        assert_eq!(error.line, Some(3));
        let dir = app(&[(
            "next.config.js",
            "module.exports = require('not-a-real-package-xyz');",
        )]);
        let error = load_with(dir.path(), &Evaluation::default()).unwrap_err();
        assert!(
            error.to_string().contains("not-a-real-package-xyz"),
            "{error}"
        );
        assert_eq!(error.line, Some(1));
    }
}
