//! Answering one request on a worker: call the handler, await its Response, stream the body.

use std::rc::Rc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use switchyard_jsc::{JsError, Value};
use tokio::sync::{mpsc, oneshot};

use crate::error::{EdgeError, StreamError};
use crate::promise::{self, Settled};
use crate::request::{EdgeBody, EdgeRequest, EdgeResponse};
use crate::route_context::RouteContext;
use crate::web::ResponseBody;
use crate::worker::WorkerState;

/// Chunks buffered between script and socket; small, so a slow client slows the stream's pulls.
const STREAM_BUFFER: usize = 4;

/// How long `event.waitUntil` work may continue after the response.
const WAIT_UNTIL_LIMIT: Duration = Duration::from_secs(30);

/// Handles `request` and sends the response head to `reply`, then streams the body.
pub async fn handle(
    state: Rc<WorkerState>,
    request: EdgeRequest,
    reply: oneshot::Sender<Result<EdgeResponse, EdgeError>>,
) {
    let route = request.route;
    let page = state.routes[route].page.clone();
    let context = match state.context(route) {
        Ok(context) => context,
        Err(error) => {
            let detail = error.detail();
            tracing::error!("{page}: the module failed to load: {detail}");
            let _ = reply.send(Err(EdgeError::Failed { page, detail }));
            return;
        }
    };
    let timeout = state.options.response_timeout;
    let started = tokio::time::timeout(timeout, start(&context, request));
    let (head, body, event) = match started.await {
        Ok(Ok(_)) if state.over_memory_limit(&context) => {
            let _ = reply.send(Err(memory_exceeded(&state, route, &context)));
            return;
        }
        Ok(Ok(parts)) => parts,
        Ok(Err(JsError::OutOfMemory)) => {
            let _ = reply.send(Err(memory_exceeded(&state, route, &context)));
            return;
        }
        Ok(Err(error)) => {
            let detail = error.detail();
            if matches!(error, JsError::Terminated) {
                state.retire(route, &context);
            }
            tracing::error!("{page}: {detail}");
            let _ = reply.send(Err(EdgeError::Failed { page, detail }));
            return;
        }
        Err(_) => {
            tracing::error!(
                "{page}: the handler did not return a Response within {} s.",
                timeout.as_secs()
            );
            let seconds = timeout.as_secs();
            let _ = reply.send(Err(EdgeError::Timeout { page, seconds }));
            return;
        }
    };
    match body {
        ResponseBody::Empty => {
            let _ = reply.send(Ok(head.with_body(EdgeBody::Empty)));
        }
        ResponseBody::Bytes(bytes) => {
            let _ = reply.send(Ok(head.with_body(EdgeBody::Full(Bytes::from(bytes)))));
        }
        ResponseBody::Stream(reader) => {
            let (tx, rx) = mpsc::channel(STREAM_BUFFER);
            if reply.send(Ok(head.with_body(EdgeBody::Stream(rx)))).is_ok() {
                pump(&state, route, &context, &reader, tx).await;
            }
        }
    }
    finish_wait_until(&context, &page, event).await;
}

/// Discards a context whose VM kept more than the memory limit, logs why, and has the worker
/// reclaim the memory; returns the failure the client gets.
fn memory_exceeded(state: &Rc<WorkerState>, route: usize, context: &RouteContext) -> EdgeError {
    let page = state.routes[route].page.clone();
    let limit = state.options.memory_limit.unwrap_or(0) >> 20;
    let what = format!(
        "Edge context used more than {limit} MB of memory (--edge-memory-limit); its script \
         was stopped and the context discarded."
    );
    tracing::error!("{page}: the {what}");
    let detail = format!("The {what}");
    state.retire(route, context);
    tokio::task::spawn_local(state.clone().recover_memory(page.clone()));
    EdgeError::Failed { page, detail }
}

/// The status and headers, before the body is known.
struct Head {
    status: u16,
    headers: Vec<(String, String)>,
}

impl Head {
    fn with_body(self, body: EdgeBody) -> EdgeResponse {
        EdgeResponse {
            status: self.status,
            headers: self.headers,
            body,
        }
    }
}

/// Builds the Request, calls the handler and awaits the Response it returns.
async fn start(
    context: &RouteContext,
    request: EdgeRequest,
) -> Result<(Head, ResponseBody, Value), JsError> {
    let internals = &context.internals;
    let (on_fulfilled, on_rejected, outcome) = promise::reactions(&context.ctx);
    let event = internals.dispatch(
        &context.handler,
        &request.method,
        &request.url,
        &request.headers,
        request.body.map(|body| body.to_vec()),
        on_fulfilled,
        on_rejected,
    )?;
    let response = match settled(context, outcome).await {
        // Nothing can settle the promise any more (the collector took its reactions): it is
        // a handler that never responds, so it waits for the response timeout like one.
        Err(Unsettled::Dropped) => std::future::pending().await,
        Err(Unsettled::Failed(error)) => return Err(error),
        Ok(response) => response,
    };
    let parts = internals.read_response(&response)?;
    let head = Head {
        status: parts.status,
        headers: parts.headers,
    };
    Ok((head, parts.body, event.into()))
}

/// Awaits a promise of `context`, failing if the context is poisoned meanwhile.
async fn settled(
    context: &RouteContext,
    receiver: oneshot::Receiver<Settled>,
) -> Result<Value, Unsettled> {
    tokio::select! {
        outcome = receiver => match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(reason)) => Err(reason.to_error().into()),
            Err(_) => Err(Unsettled::Dropped),
        },
        _ = context.poisoned() => Err(JsError::Terminated.into()),
    }
}

/// Why awaiting a promise gave no value.
enum Unsettled {
    /// It rejected, or the context died.
    Failed(JsError),
    /// It can never settle: its reactions were garbage-collected.
    Dropped,
}

impl From<JsError> for Unsettled {
    fn from(error: JsError) -> Self {
        Unsettled::Failed(error)
    }
}

impl Unsettled {
    fn into_error(self) -> JsError {
        match self {
            Unsettled::Failed(error) => error,
            Unsettled::Dropped => JsError::Thrown {
                name: "Error".into(),
                message: "The promise can never settle: nothing references it any more.".into(),
                stack: None,
            },
        }
    }
}

/// Moves chunks from the ReadableStream's reader to the socket until it closes or fails.
async fn pump(
    state: &Rc<WorkerState>,
    route: usize,
    context: &RouteContext,
    reader: &switchyard_jsc::Object,
    tx: mpsc::Sender<Result<Bytes, StreamError>>,
) {
    let page = &state.routes[route].page;
    // Chunks that are ready at the same moment travel together: one frame, one wake-up.
    // Nothing waits to fill it, so a chunk never reaches the client later than it could.
    let mut batch = BytesMut::new();
    loop {
        let next = context
            .internals
            .read_chunk(reader)
            .and_then(|pending| promise::settle(&context.ctx, pending));
        let chunk = match next {
            Err(error) => Err(error),
            Ok(mut receiver) => match receiver.try_recv() {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(reason)) => Err(reason.to_error()),
                Err(_) => {
                    if !batch.is_empty() && !send(&tx, reader, batch.split().freeze()).await {
                        return;
                    }
                    settled(context, receiver)
                        .await
                        .map_err(Unsettled::into_error)
                }
            },
        };
        match chunk {
            Ok(chunk) if chunk.is_nullish() => {
                if !batch.is_empty() {
                    send(&tx, reader, batch.freeze()).await;
                }
                return;
            }
            Ok(chunk) => {
                if let Some(object) = chunk.as_object() {
                    object.with_bytes(|bytes| batch.extend_from_slice(bytes));
                }
                if batch.len() >= BATCH_LIMIT && !send(&tx, reader, batch.split().freeze()).await {
                    return;
                }
            }
            Err(error) => {
                match error {
                    JsError::Terminated => state.retire(route, context),
                    JsError::OutOfMemory => {
                        memory_exceeded(state, route, context);
                    }
                    _ => {}
                }
                if !batch.is_empty() {
                    let _ = tx.send(Ok(batch.split().freeze())).await;
                }
                let detail = error.detail();
                tracing::error!("{page}: the response stream failed: {detail}");
                let page = page.clone();
                let _ = tx.send(Err(StreamError { page, detail })).await;
                return;
            }
        }
    }
}

/// Bytes gathered from chunks that were ready together before they are sent anyway.
const BATCH_LIMIT: usize = 64 * 1024;

/// Sends bytes to the client; `false` when the client went away (the stream is then cancelled,
/// as a browser would).
async fn send(
    tx: &mpsc::Sender<Result<Bytes, StreamError>>,
    reader: &switchyard_jsc::Object,
    bytes: Bytes,
) -> bool {
    if tx.send(Ok(bytes)).await.is_err() {
        let _ = reader.call_method("cancel", &[]);
        return false;
    }
    true
}

/// Lets `event.waitUntil` promises finish after the response, within a limit.
async fn finish_wait_until(context: &RouteContext, page: &str, event: Value) {
    let Some(event) = event.as_object() else {
        return;
    };
    let promises = match context.internals.wait_until_promises(&event) {
        Ok(promises) => promises,
        Err(error) => {
            tracing::error!("{page}: waitUntil failed: {}", error.detail());
            return;
        }
    };
    for pending in promises {
        let Ok(receiver) = promise::settle(&context.ctx, pending) else {
            continue;
        };
        match tokio::time::timeout(WAIT_UNTIL_LIMIT, settled(context, receiver)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::error!(
                    "{page}: a waitUntil promise rejected: {}",
                    error.into_error().detail()
                )
            }
            Err(_) => tracing::warn!("{page}: a waitUntil promise was still pending after 30 s."),
        }
    }
}
