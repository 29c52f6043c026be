//! Evaluating `next.config.*` in a bare JavaScriptCore context.
//!
//! The context gets `process.env`, `process.cwd()`, a silent `console`, and `require` and
//! `import()` functions that record the module asked for and throw: loading modules is what
//! sends a config to Node.js. JavaScriptCore drains its job queue when the outermost call
//! returns, so the driver stores the settled result in a global that Rust reads afterwards.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use serde_json::Value as Json;
use switchyard_jsc::{Context, JsError, Value, Vm};

use crate::error::{ConfigError, ConfigErrorKind};
use crate::next_config::load::{Exported, FINISH_SCRIPT, PHASE, position_in_stack};
use crate::next_config::module::PreparedConfig;

/// Why JavaScriptCore could not evaluate the config.
pub(crate) struct JscFailure {
    pub kind: ConfigErrorKind,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// Node.js might succeed: the config loaded a module or used a global we lack.
    pub node_may_help: bool,
    /// The first module the config tried to load.
    pub required: Option<String>,
}

impl JscFailure {
    pub(crate) fn located(self, file: &Path) -> ConfigError {
        ConfigError {
            file: file.to_path_buf(),
            line: self.line,
            column: self.column,
            kind: self.kind,
        }
    }
}

/// Evaluates the prepared config at `path` in a fresh JavaScriptCore context.
pub(crate) fn evaluate(
    prepared: &PreparedConfig,
    path: &Path,
    root: &Path,
    time_limit: Duration,
) -> Result<Exported, JscFailure> {
    let vm = Vm::new();
    vm.set_execution_time_limit(time_limit);
    let ctx = Context::new(&vm);
    let required = Rc::new(RefCell::new(None::<String>));
    let file = path.to_string_lossy().into_owned();
    let internal = |error: JsError| JscFailure {
        kind: ConfigErrorKind::Threw {
            name: "InternalError".into(),
            message: error.to_string(),
        },
        line: None,
        column: None,
        node_may_help: true,
        required: None,
    };

    let global = ctx.global();
    for name in ["__switchyard_require", "__switchyard_dynamic_import"] {
        let sink = required.clone();
        ctx.define_function(&global, name, move |ctx, _this, args| {
            let specifier = args.first().and_then(Value::as_string).unwrap_or_default();
            sink.borrow_mut().get_or_insert_with(|| specifier.clone());
            Err(ctx.error_of(
                "Error",
                &format!(
                    "Cannot load \"{specifier}\": modules need Node.js to evaluate the config"
                ),
            ))
        })
        .map_err(internal)?;
    }
    ctx.eval(&globals_script(root), "switchyard:next-config-globals")
        .map_err(internal)?;

    let function = ctx
        .eval(&prepared.function_source, &file)
        .map_err(|error| {
            let (kind, node_may_help) = match error {
                JsError::Thrown { name, message, .. } if name == "SyntaxError" => {
                    (ConfigErrorKind::Syntax { message }, false)
                }
                other => (
                    ConfigErrorKind::Threw {
                        name: "Error".into(),
                        message: other.to_string(),
                    },
                    true,
                ),
            };
            JscFailure {
                kind,
                line: None,
                column: None,
                node_may_help,
                required: None,
            }
        })?;
    global
        .set("__switchyard_config_function", &function)
        .map_err(internal)?;

    let driver = driver_script(path, prepared.is_module);
    if let Err(error) = ctx.eval(&driver, "switchyard:next-config") {
        return Err(match error {
            JsError::Terminated => JscFailure {
                kind: ConfigErrorKind::Timeout {
                    milliseconds: u64::try_from(time_limit.as_millis()).unwrap_or(u64::MAX),
                },
                line: None,
                column: None,
                node_may_help: false,
                required: required.borrow().clone(),
            },
            other => internal(other),
        });
    }
    let required = required.borrow().clone();
    let result = global.get("__switchyard_result").map_err(internal)?;
    let Some(result) = result.as_object() else {
        return Err(JscFailure {
            kind: ConfigErrorKind::Unsettled,
            line: None,
            column: None,
            node_may_help: true,
            required,
        });
    };
    let field = |name: &str| result.get(name).ok();
    if field("ok").is_some_and(|ok| ok.to_bool()) {
        let type_name = field("type")
            .and_then(|value| value.as_string())
            .unwrap_or_else(|| "undefined".into());
        let json = field("json").and_then(|value| value.as_string());
        return Exported::from_finish(&type_name, json.as_deref()).map_err(|message| JscFailure {
            kind: ConfigErrorKind::Threw {
                name: "TypeError".into(),
                message,
            },
            line: None,
            column: None,
            node_may_help: false,
            required: None,
        });
    }
    let thrown = field("error").unwrap_or_else(|| ctx.undefined());
    let (name, message, line, column) = describe_thrown(&thrown, &file);
    let (line, column) = match line {
        Some(line) => {
            let (line, mapped) = prepared.original_position(line, column.unwrap_or(1));
            (Some(line), mapped.filter(|_| column.is_some()))
        }
        None => (None, None),
    };
    let node_may_help = required.is_some() || name == "ReferenceError" || name == "TypeError";
    Err(JscFailure {
        kind: ConfigErrorKind::Threw { name, message },
        line,
        column,
        node_may_help,
        required,
    })
}

/// `process.env` (Next.js's config reads it constantly), `process.cwd()` and a silent console.
fn globals_script(root: &Path) -> String {
    let mut env: serde_json::Map<String, Json> = std::env::vars()
        .map(|(key, value)| (key, Json::String(value)))
        .collect();
    env.entry("NODE_ENV")
        .or_insert_with(|| Json::String("production".into()));
    let root = Json::String(root.to_string_lossy().into_owned());
    format!(
        "globalThis.process = {{ env: {env}, cwd: function () {{ return {root}; }}, platform: {platform} }};\n\
         globalThis.console = {{ log() {{}}, info() {{}}, warn() {{}}, error() {{}}, debug() {{}}, trace() {{}} }};",
        env = Json::Object(env),
        platform = Json::String(std::env::consts::OS.into()),
    )
}

fn driver_script(path: &Path, is_module: bool) -> String {
    let file = Json::String(path.to_string_lossy().into_owned());
    let dir = Json::String(
        path.parent()
            .map(|dir| dir.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let url = Json::String(format!("file://{}", path.to_string_lossy()));
    let phase = Json::String(PHASE.into());
    format!(
        r#"{FINISH_SCRIPT}
(function () {{
  var done = function (result) {{ globalThis.__switchyard_result = result; }};
  var fail = function (error) {{ done({{ ok: false, error: error }}); }};
  var module = {{ exports: {{}} }};
  var meta = {{ url: {url}, filename: {file}, dirname: {dir} }};
  var returned;
  try {{
    returned = __switchyard_config_function.call({this_value}, module, module.exports,
      __switchyard_require, {file}, {dir}, meta, __switchyard_dynamic_import);
  }} catch (error) {{
    fail(error);
    return;
  }}
  Promise.resolve(returned)
    .then(function () {{ return __switchyard_finish(module.exports, {phase}); }})
    .then(function (result) {{ done({{ ok: true, type: result.type, json: result.json }}); }}, fail);
}})();
"#,
        this_value = if is_module {
            "undefined"
        } else {
            "module.exports"
        },
    )
}

/// Name, message and (from the stack, else the error's own fields) the 1-based line and
/// column in `file` of a thrown value.
fn describe_thrown(thrown: &Value, file: &str) -> (String, String, Option<u32>, Option<u32>) {
    let (name, message, stack) = match thrown.to_error() {
        JsError::Thrown {
            name,
            message,
            stack,
        } => (name, message, stack),
        other => ("Error".into(), other.to_string(), None),
    };
    if let Some((line, column)) = stack
        .as_deref()
        .and_then(|stack| position_in_stack(stack, file))
    {
        return (name, message, Some(line), Some(column));
    }
    let object = thrown.as_object();
    let number = |key: &str| {
        object
            .as_ref()
            .and_then(|object| object.get(key).ok())
            .filter(|value| value.is_number())
            .and_then(|value| value.to_number().ok())
            .filter(|n| n.is_finite() && *n >= 1.0)
            .map(|n| n as u32)
    };
    let from_file = object
        .as_ref()
        .and_then(|object| object.get("sourceURL").ok())
        .and_then(|url| url.as_string())
        .is_some_and(|url| url == file);
    if from_file {
        (name, message, number("line"), number("column"))
    } else {
        (name, message, None, None)
    }
}
