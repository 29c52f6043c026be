//! HTTP/1.1 connections to one worker's Unix socket, kept open and reused.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

/// The request body sent to a worker: the client's, streamed, or bytes already read (for
/// middleware, whose request body the route reads again; empty for health checks).
pub type WorkerBody = Either<ClientBody, Full<Bytes>>;

/// The client's body streamed to a worker, noting whether the client failed to send all of it.
///
/// Either side going away mid-request fails the exchange with the worker the same way; this is
/// how a client that left is told apart from a worker that died.
pub struct ClientBody {
    inner: Incoming,
    broken: Arc<AtomicBool>,
}

impl ClientBody {
    /// Streams `inner`; `broken` turns true if reading it fails.
    pub fn new(inner: Incoming, broken: Arc<AtomicBool>) -> Self {
        Self { inner, broken }
    }
}

impl Body for ClientBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if let Poll::Ready(Some(Err(_))) = &polled {
            this.broken.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// More idle connections than this are closed instead of kept.
const MAX_IDLE: usize = 128;

/// The connections to one running worker.
pub struct Connections {
    socket: PathBuf,
    idle: Mutex<Vec<SendRequest<WorkerBody>>>,
}

impl Connections {
    /// Connections to the worker listening on `socket`.
    pub fn new(socket: PathBuf) -> Self {
        Self {
            socket,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A connection ready for a request: an idle one if any, else a new one.
    pub async fn take(&self) -> std::io::Result<SendRequest<WorkerBody>> {
        if let Some(sender) = self.take_ready() {
            return Ok(sender);
        }
        let stream = UnixStream::connect(&self.socket).await?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            // Ends when the worker closes the socket or every sender is dropped.
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// Keeps `sender` for a later request. It becomes ready again once the response it
    /// carries has been read to the end, so a busy one is kept, not dropped.
    pub fn give_back(&self, sender: SendRequest<WorkerBody>) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(sender);
        }
    }

    fn take_ready(&self) -> Option<SendRequest<WorkerBody>> {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        idle.retain(|sender| !sender.is_closed());
        let ready = idle.iter().rposition(SendRequest::is_ready)?;
        Some(idle.swap_remove(ready))
    }
}
