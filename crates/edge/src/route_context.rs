//! A route's global context: Web APIs installed, bundle evaluated, handler found.

use std::cell::Cell;
use std::rc::Rc;

use switchyard_jsc::{Context, JsError, Object, Vm};
use tokio::sync::Notify;

use crate::console;
use crate::route::EdgeRoute;
use crate::web::{self, Internals, WebOptions};

/// The message `eval` and the Function constructors throw, as V8 words it in Next.js.
pub const EVAL_DISABLED_MESSAGE: &str = "Code generation from strings disallowed for this context";

/// A live context for one route on one worker.
pub struct RouteContext {
    /// The context itself.
    pub ctx: Context,
    /// Hidden helpers of the Web API layer.
    pub internals: Internals,
    /// The module's default export.
    pub handler: Object,
    /// Set once the context has been terminated; it is then never used again.
    broken: Rc<Cell<bool>>,
    /// Wakes requests still waiting on a broken context.
    poisoned: Rc<Notify>,
}

impl RouteContext {
    /// Creates the context, installs the Web APIs and evaluates the route's bundle; no single
    /// allocation may exceed `memory_limit` bytes.
    pub fn create(
        vm: &Vm,
        route: &EdgeRoute,
        env: &[(String, String)],
        memory_limit: Option<usize>,
    ) -> Result<Self, JsError> {
        let ctx = Context::new(vm);
        ctx.set_name(&route.page);
        // Before any script runs, so no user code can keep a reference to a working eval.
        ctx.disable_eval(EVAL_DISABLED_MESSAGE);
        let broken = Rc::new(Cell::new(false));
        let poisoned = Rc::new(Notify::new());
        let page = route.page.clone();
        let (uncaught_broken, uncaught_poisoned) = (broken.clone(), poisoned.clone());
        let options = WebOptions {
            console: console::sink(Some(route.page.clone())),
            env: env.to_vec(),
            on_uncaught: Rc::new(move |error: JsError| {
                if matches!(error, JsError::Terminated | JsError::OutOfMemory) {
                    // A timer callback ran out of CPU time or memory: the context is done for.
                    uncaught_broken.set(true);
                    uncaught_poisoned.notify_waiters();
                }
                tracing::error!("{page}: uncaught exception: {}", error.detail());
            }),
            memory_limit,
        };
        let internals = web::install(&ctx, &options)?;
        let page = route.page.clone();
        let on_rejection = ctx.function(move |ctx, _, args| {
            if let Some(reason) = args.get(1) {
                tracing::error!("{page}: unhandledRejection: {}", reason.to_error().detail());
            }
            Ok(ctx.undefined())
        });
        ctx.set_unhandled_rejection_callback(&on_rejection)?;
        ctx.eval(&route.source, &route.file_name)?;
        let module = ctx.global().get("__switchyard_module")?;
        let handler = module
            .as_object()
            .map(|module| module.get("default"))
            .transpose()?
            .and_then(|handler| handler.as_object())
            .filter(|handler| handler.is_function())
            .ok_or_else(|| JsError::Thrown {
                name: "Error".into(),
                message: format!(
                    "The Edge Function \"pages{}\" must export a `default` function",
                    route.page
                ),
                stack: None,
            })?;
        Ok(RouteContext {
            ctx,
            internals,
            handler,
            broken,
            poisoned,
        })
    }

    /// Whether the context was terminated and must be replaced.
    pub fn is_broken(&self) -> bool {
        self.broken.get()
    }

    /// Marks the context unusable and wakes everything waiting on it.
    pub fn poison(&self) {
        self.broken.set(true);
        self.poisoned.notify_waiters();
    }

    /// Resolves when the context is poisoned.
    pub async fn poisoned(&self) {
        if self.broken.get() {
            return;
        }
        self.poisoned.notified().await
    }
}
