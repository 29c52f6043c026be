//! Awaiting JavaScript promises from Rust.

use std::cell::RefCell;
use std::rc::Rc;

use switchyard_jsc::{Context, JsError, Object, Value};
use tokio::sync::oneshot;

/// How a promise settled: fulfilled with a value, or rejected with a reason.
pub type Settled = Result<Value, Value>;

/// Subscribes to `value` and returns a receiver for its outcome.
///
/// A non-thenable settles at once with itself, as `await` would. The reaction functions hold
/// only a Rust channel, never a JavaScript value, so they create no GC cycle.
pub fn settle(ctx: &Context, value: Value) -> Result<oneshot::Receiver<Settled>, JsError> {
    let (tx, rx) = oneshot::channel();
    let then = match value.as_object() {
        Some(object) => object.get("then")?,
        None => ctx.undefined(),
    };
    let then = match then.as_object() {
        Some(then) if then.is_function() => then,
        _ => {
            let _ = tx.send(Ok(value));
            return Ok(rx);
        }
    };
    let (on_fulfilled, on_rejected) = reactions_into(ctx, tx);
    then.call(&value, &[on_fulfilled.into(), on_rejected.into()])?;
    Ok(rx)
}

/// A pair of reaction functions (fulfilled, rejected) and the receiver they report to.
///
/// For callers that attach the reactions inside the same call that creates the promise, so
/// that a promise rejected at once never counts as an unhandled rejection.
pub fn reactions(ctx: &Context) -> (Object, Object, oneshot::Receiver<Settled>) {
    let (tx, rx) = oneshot::channel();
    let (on_fulfilled, on_rejected) = reactions_into(ctx, tx);
    (on_fulfilled, on_rejected, rx)
}

fn reactions_into(ctx: &Context, tx: oneshot::Sender<Settled>) -> (Object, Object) {
    let slot = Rc::new(RefCell::new(Some(tx)));
    let fulfil_slot = slot.clone();
    let on_fulfilled = ctx.function(move |ctx, _, args| {
        if let Some(tx) = fulfil_slot.borrow_mut().take() {
            let _ = tx.send(Ok(args.first().cloned().unwrap_or_else(|| ctx.undefined())));
        }
        Ok(ctx.undefined())
    });
    let on_rejected = ctx.function(move |ctx, _, args| {
        if let Some(tx) = slot.borrow_mut().take() {
            let _ = tx.send(Err(args
                .first()
                .cloned()
                .unwrap_or_else(|| ctx.undefined())));
        }
        Ok(ctx.undefined())
    });
    (on_fulfilled, on_rejected)
}
