//! `switchyard run FILE.js`: a script in an Edge global scope, run until nothing is pending.

use std::cell::RefCell;
use std::rc::Rc;

use switchyard_jsc::{Context, JsError, Vm};

use crate::console;
use crate::route_context::EVAL_DISABLED_MESSAGE;
use crate::web::{self, Internals, WebOptions};

/// Why a script run failed.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The script threw, or a promise was rejected with no handler; each error is listed.
    #[error("{}", .0.join("\n"))]
    Uncaught(Vec<String>),
    /// The event loop could not start.
    #[error("The event loop could not start: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Evaluates `source` as a classic script named `file_name`, then runs timers and promises
/// until none is pending.
pub fn run_script(
    source: &str,
    file_name: &str,
    env: Vec<(String, String)>,
) -> Result<(), ScriptError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let local = tokio::task::LocalSet::new();
    let failures = Rc::new(RefCell::new(Vec::<String>::new()));
    let vm = Vm::new();
    let ctx = Context::new(&vm);
    ctx.set_name(file_name);
    ctx.disable_eval(EVAL_DISABLED_MESSAGE);
    local.block_on(&runtime, async {
        match start(&ctx, source, file_name, env, &failures) {
            // Timers keep the script alive; a pending `AbortSignal.timeout` does not.
            Ok(internals) => {
                internals.timers().idle().await;
                internals.timers().clear_all();
            }
            Err(error) => failures
                .borrow_mut()
                .push(format!("Uncaught {}", error.detail())),
        }
    });
    let failures = failures.take();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ScriptError::Uncaught(failures))
    }
}

fn start(
    ctx: &Context,
    source: &str,
    file_name: &str,
    env: Vec<(String, String)>,
    failures: &Rc<RefCell<Vec<String>>>,
) -> Result<Internals, JsError> {
    let uncaught = failures.clone();
    let options = WebOptions {
        console: console::sink(None),
        env,
        on_uncaught: Rc::new(move |error: JsError| {
            uncaught
                .borrow_mut()
                .push(format!("Uncaught {}", error.detail()));
        }),
        memory_limit: None,
    };
    let internals = web::install(ctx, &options)?;
    let rejected = failures.clone();
    let on_rejection = ctx.function(move |ctx, _, args| {
        if let Some(reason) = args.get(1) {
            let detail = reason.to_error().detail();
            rejected
                .borrow_mut()
                .push(format!("Unhandled promise rejection: {detail}"));
        }
        Ok(ctx.undefined())
    });
    ctx.set_unhandled_rejection_callback(&on_rejection)?;
    ctx.eval(source, file_name)?;
    Ok(internals)
}
