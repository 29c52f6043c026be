//! HTTP/1.1 connections to one worker's Unix socket, kept open and reused.

use std::path::PathBuf;
use std::sync::Mutex;

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

/// The request body sent to a worker: the client's, streamed, or bytes already read (for
/// middleware, whose request body the route reads again; empty for health checks).
pub type WorkerBody = Either<Incoming, Full<Bytes>>;

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
