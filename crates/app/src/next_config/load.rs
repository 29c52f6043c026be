//! Finding and evaluating `next.config.*`: in a bare JavaScriptCore context first, in Node.js
//! when the config needs Node APIs.
//!
//! Both engines run the same wrapper function (see `next_config_module`) and the same finishing
//! steps: unwrap an ES module default, call an exported function with
//! `('phase-production-server', { defaultConfig: {} })`, await a promise, resolve `rewrites`,
//! `redirects` and `headers`, and serialise to JSON.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value as Json;

use crate::error::{ConfigError, ConfigErrorKind};
use crate::next_config::node::{self, NodeFailure};
use crate::next_config::{InvalidConfig, NextConfig};
use crate::next_config::{jsc, module};

/// The config file names Next.js looks for, in its order of preference.
pub const CONFIG_FILES: [&str; 4] = [
    "next.config.js",
    "next.config.mjs",
    "next.config.cjs",
    "next.config.ts",
];

/// The phase Next.js passes to a config function when it serves a production build.
pub(crate) const PHASE: &str = "phase-production-server";

/// How config files are evaluated.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// The Node.js program to fall back to.
    pub node: OsString,
    /// How long a config may run in either engine.
    pub time_limit: Duration,
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            node: OsString::from("node"),
            time_limit: Duration::from_secs(20),
        }
    }
}

/// JavaScript shared by both drivers: turns what the file exported into `{ type, json }`.
pub(crate) const FINISH_SCRIPT: &str = r#"
async function __switchyard_finish(exported, phase) {
  var config = exported;
  if (config && config.__esModule && "default" in config) config = config.default;
  if (typeof config === "function") config = await config(phase, { defaultConfig: {} });
  config = await config;
  var type = config === null ? "null" : Array.isArray(config) ? "an array" : typeof config;
  if (type !== "object") return { type: type };
  var out = {};
  for (var key of Object.keys(config)) out[key] = config[key];
  for (var name of ["rewrites", "redirects", "headers"]) {
    if (typeof out[name] === "function") out[name] = await out[name]();
  }
  var json;
  try {
    json = JSON.stringify(out, function (key, value) {
      return typeof value === "bigint" ? String(value) : value;
    });
  } catch (cycle) {
    var seen = new WeakSet();
    json = JSON.stringify(out, function (key, value) {
      if (typeof value === "bigint") return String(value);
      if (typeof value === "object" && value !== null) {
        if (seen.has(value)) return undefined;
        seen.add(value);
      }
      return value;
    });
  }
  return { type: type, json: json };
}
"#;

impl NextConfig {
    /// Finds `next.config.{js,mjs,cjs,ts}` in `root` and evaluates it; the defaults when there
    /// is none.
    pub fn load(root: &Path) -> Result<NextConfig, ConfigError> {
        load_with(root, &Evaluation::default())
    }
}

/// The config file of the app at `root`, if it has one.
pub fn find_config_file(root: &Path) -> Option<PathBuf> {
    CONFIG_FILES
        .iter()
        .map(|name| root.join(name))
        .find(|path| path.is_file())
}

/// [`NextConfig::load`] with explicit evaluation settings.
pub(crate) fn load_with(root: &Path, evaluation: &Evaluation) -> Result<NextConfig, ConfigError> {
    let Some(path) = find_config_file(root) else {
        return Ok(NextConfig::default());
    };
    let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
    let error = |kind: ConfigErrorKind, line: Option<u32>, column: Option<u32>| ConfigError {
        file: relative.clone(),
        line,
        column,
        kind,
    };
    let source = std::fs::read_to_string(&path).map_err(|io| {
        error(
            ConfigErrorKind::Read {
                message: io.to_string(),
            },
            None,
            None,
        )
    })?;
    let prepared = module::prepare(&source, &path).map_err(|syntax| {
        error(
            ConfigErrorKind::Syntax {
                message: syntax.message,
            },
            Some(syntax.line),
            Some(syntax.column),
        )
    })?;

    let exported = match jsc::evaluate(&prepared, &path, root, evaluation.time_limit) {
        Ok(exported) => exported,
        Err(failure) if !failure.node_may_help => return Err(failure.located(&relative)),
        Err(failure) => {
            let mode = node::mode_for(&path, &prepared, root);
            match node::evaluate(evaluation, mode, &prepared, &path, root) {
                Ok(exported) => exported,
                Err(NodeFailure::Unavailable(reason)) => {
                    return Err(match &failure.required {
                        Some(module) => error(
                            ConfigErrorKind::NeedsNode {
                                module: module.clone(),
                                reason,
                            },
                            failure.line,
                            failure.column,
                        ),
                        None => failure.located(&relative),
                    });
                }
                Err(NodeFailure::Failed { kind, line, column }) => {
                    return Err(error(kind, line, column));
                }
            }
        }
    };

    let mut config = match exported {
        Exported::Object(json) => NextConfig::from_json(json),
        Exported::Other(found) => Err(InvalidConfig::NotAnObject(found)),
    }
    .map_err(|invalid| match invalid {
        InvalidConfig::NotAnObject(found) => {
            error(ConfigErrorKind::NotAnObject { found }, None, None)
        }
        InvalidConfig::Value(message) => error(ConfigErrorKind::Invalid { message }, None, None),
    })?;
    config.file = Some(relative);
    Ok(config)
}

/// What a config file exported, once settled.
#[derive(Debug)]
pub(crate) enum Exported {
    /// An object, as JSON.
    Object(Json),
    /// Anything else, named for messages (`undefined`, `an array`, …).
    Other(String),
}

impl Exported {
    /// Reads the `{ type, json }` the finishing script produced.
    pub(crate) fn from_finish(type_name: &str, json: Option<&str>) -> Result<Exported, String> {
        if type_name != "object" {
            return Ok(Exported::Other(type_name.to_owned()));
        }
        let json = json.ok_or("the config could not be serialised to JSON")?;
        serde_json::from_str(json)
            .map(Exported::Object)
            .map_err(|error| format!("the config serialised to invalid JSON ({error})"))
    }
}

/// The first `file:line:column` in a stack trace (JavaScriptCore's `fn@file:1:2` or Node.js's
/// `at fn (file:1:2)`).
pub(crate) fn position_in_stack(stack: &str, file: &str) -> Option<(u32, u32)> {
    let needle = format!("{file}:");
    stack.lines().find_map(|frame| {
        let start = frame.find(&needle)? + needle.len();
        let mut numbers = frame[start..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty());
        let line = numbers.next()?.parse().ok()?;
        let column = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        Some((line, column))
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use serde_json::json;

    use super::{Evaluation, load_with, position_in_stack};
    use crate::error::ConfigErrorKind;
    use crate::{NextConfig, Runtime};

    use crate::test_app::app;

    /// Evaluation without Node.js, so these tests exercise JavaScriptCore alone.
    fn jsc_only() -> Evaluation {
        Evaluation {
            node: "/nonexistent/switchyard-test-node".into(),
            ..Evaluation::default()
        }
    }

    fn load_jsc(dir: &Path) -> Result<NextConfig, crate::ConfigError> {
        load_with(dir, &jsc_only())
    }

    #[test]
    fn no_config_file_gives_the_defaults() {
        let dir = app(&[]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(config, NextConfig::default());
    }

    #[test]
    fn commonjs_configs_evaluate_in_jsc() {
        let dir = app(&[(
            "next.config.js",
            "/** @type {import('next').NextConfig} */\nconst base = '/docs';\nmodule.exports = {\n  basePath: base,\n  pageExtensions: ['page.js', 'js'],\n  reactStrictMode: true,\n  webpack: (config) => config,\n};\n",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(config.file.as_deref(), Some(Path::new("next.config.js")));
        assert_eq!(config.base_path, "/docs");
        assert_eq!(config.page_extensions, ["page.js", "js"]);
        assert_eq!(config.raw["reactStrictMode"], json!(true));
        assert!(config.raw.get("webpack").is_none());
    }

    #[test]
    fn esm_default_exports_evaluate_in_jsc() {
        let dir = app(&[(
            "next.config.mjs",
            "const config = {\n  trailingSlash: true,\n  experimental: { runtime: 'experimental-edge' },\n};\n\nexport default config;\n",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert!(config.trailing_slash);
        assert_eq!(config.default_runtime, Some(Runtime::Edge));
    }

    #[test]
    fn config_functions_get_the_phase_and_default_config() {
        let dir = app(&[(
            "next.config.js",
            "module.exports = (phase, { defaultConfig }) => ({ env: { phase, hasDefault: typeof defaultConfig === 'object' } });",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(
            config.raw["env"],
            json!({ "phase": "phase-production-server", "hasDefault": true })
        );
    }

    #[test]
    fn async_configs_and_top_level_await_are_awaited() {
        let dir = app(&[(
            "next.config.mjs",
            "const value = await Promise.resolve('/a');\nexport default async function config(phase) {\n  await null;\n  return { basePath: value, env: { phase } };\n}\n",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(config.base_path, "/a");
        assert_eq!(config.raw["env"]["phase"], "phase-production-server");
        let dir = app(&[(
            "next.config.js",
            "module.exports = Promise.resolve({ basePath: '/p' });",
        )]);
        assert_eq!(load_jsc(dir.path()).unwrap().base_path, "/p");
    }

    #[test]
    fn rewrites_redirects_and_headers_are_resolved() {
        let dir = app(&[(
            "next.config.js",
            "module.exports = {\n  async rewrites() { return [{ source: '/a', destination: '/b' }]; },\n  redirects: () => [],\n};",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(
            config.raw["rewrites"],
            json!([{ "source": "/a", "destination": "/b" }])
        );
        assert_eq!(config.raw["redirects"], json!([]));
    }

    #[test]
    fn process_env_is_readable() {
        let dir = app(&[(
            "next.config.js",
            "module.exports = { env: { mode: process.env.NODE_ENV || 'unset', cwd: typeof process.cwd() } };",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(config.raw["env"]["cwd"], "string");
        assert!(config.raw["env"]["mode"].is_string());
    }

    #[test]
    fn typescript_configs_are_stripped_and_evaluated() {
        let dir = app(&[(
            "next.config.ts",
            "import type { NextConfig } from 'next';\n\nconst config: NextConfig = {\n  basePath: '/ts' as string,\n};\n\nexport default config;\n",
        )]);
        let config = load_jsc(dir.path()).unwrap();
        assert_eq!(config.base_path, "/ts");
        assert_eq!(config.file.as_deref(), Some(Path::new("next.config.ts")));
    }

    #[test]
    fn the_first_config_file_in_next_order_wins() {
        let dir = app(&[
            ("next.config.mjs", "export default { basePath: '/mjs' };"),
            ("next.config.js", "module.exports = { basePath: '/js' };"),
        ]);
        assert_eq!(load_jsc(dir.path()).unwrap().base_path, "/js");
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let dir = app(&[(
            "next.config.js",
            "module.exports = {\n  basePath: '/a',,\n};\n",
        )]);
        let error = load_jsc(dir.path()).unwrap_err();
        assert_eq!(error.file, Path::new("next.config.js"));
        assert_eq!(error.line, Some(2));
        assert!(
            matches!(error.kind, ConfigErrorKind::Syntax { .. }),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.starts_with("next.config.js:2:"), "{text}");
        assert!(text.contains("syntax error"), "{text}");
    }

    #[test]
    fn thrown_errors_name_the_file_and_line() {
        let dir = app(&[(
            "next.config.js",
            "const a = 1;\n\nthrow new Error('bad config');\n",
        )]);
        let error = load_jsc(dir.path()).unwrap_err();
        assert_eq!(
            error.kind,
            ConfigErrorKind::Threw {
                name: "Error".into(),
                message: "bad config".into()
            }
        );
        assert_eq!(error.line, Some(3));
        assert_eq!(
            error.to_string(),
            format!(
                "next.config.js:3:{}: Evaluating the config threw Error: bad config. Fix the error in the config and run again.",
                error.column.unwrap()
            )
        );
    }

    #[test]
    fn errors_thrown_by_an_exported_function_are_located() {
        let dir = app(&[(
            "next.config.mjs",
            "export default async () => {\n  await null;\n  throw new RangeError('late');\n};\n",
        )]);
        let error = load_jsc(dir.path()).unwrap_err();
        assert_eq!(
            error.kind,
            ConfigErrorKind::Threw {
                name: "RangeError".into(),
                message: "late".into()
            }
        );
        assert_eq!(error.line, Some(3));
    }

    #[test]
    fn requiring_modules_without_node_names_the_module_and_the_fix() {
        let dir = app(&[(
            "next.config.js",
            "const path = require('path');\nmodule.exports = { distDir: path.join('a', 'b') };",
        )]);
        let error = load_jsc(dir.path()).unwrap_err();
        let ConfigErrorKind::NeedsNode { module, .. } = &error.kind else {
            panic!("{error:?}");
        };
        assert_eq!(module, "path");
        let text = error.to_string();
        assert!(text.starts_with("next.config.js:1:"), "{text}");
        assert!(text.contains("Install Node.js 18 or later"), "{text}");
    }

    #[test]
    fn non_object_exports_and_invalid_values_are_errors() {
        let dir = app(&[("next.config.js", "module.exports = 5;")]);
        let error = load_jsc(dir.path()).unwrap_err();
        assert_eq!(
            error.kind,
            ConfigErrorKind::NotAnObject {
                found: "number".into()
            }
        );
        let dir = app(&[("next.config.mjs", "export default { basePath: 'docs' };")]);
        let error = load_jsc(dir.path()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "next.config.mjs: Specified basePath has to start with a /, found \"docs\""
        );
    }

    #[test]
    fn endless_configs_are_stopped() {
        let dir = app(&[("next.config.js", "for (;;) {}\nmodule.exports = {};")]);
        let evaluation = Evaluation {
            time_limit: Duration::from_millis(200),
            ..jsc_only()
        };
        let error = load_with(dir.path(), &evaluation).unwrap_err();
        assert!(
            matches!(error.kind, ConfigErrorKind::Timeout { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("took longer than 0.2 seconds"),
            "{error}"
        );
    }

    #[test]
    fn stack_positions_are_found_in_both_engines_formats() {
        let file = "/app/next.config.js";
        assert_eq!(
            position_in_stack("config@/app/next.config.js:3:15\nglobal code@x:1:1", file),
            Some((3, 15))
        );
        assert_eq!(
            position_in_stack(
                "Error: x\n    at Object.<anonymous> (/app/next.config.js:7:9)\n",
                file
            ),
            Some((7, 9))
        );
        assert_eq!(position_in_stack("at other.js:1:1", file), None);
    }
}
