//! The response body type: empty, whole, a channel of streamed chunks, an upstream body, or
//! one of those gzipped.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use switchyard_edge::StreamError;
use tokio::sync::mpsc;

/// A response body.
pub enum Body {
    /// Nothing.
    Empty,
    /// One chunk, sent with a Content-Length.
    Full(Option<Bytes>),
    /// Chunks as they arrive; an error aborts the response mid-way.
    Channel(mpsc::Receiver<Result<Bytes, StreamError>>),
    /// A body from another HTTP server (a Node.js worker, a proxied origin), passed through
    /// as it streams.
    Upstream {
        /// Who sends it (a page path or a URL), for errors.
        source: String,
        /// The upstream body.
        body: Incoming,
    },
    /// Another body, gzipped as it streams.
    Gzip(Box<crate::compression::GzipBody>),
}

impl Body {
    /// A body of one chunk.
    pub fn full(bytes: impl Into<Bytes>) -> Self {
        Body::Full(Some(bytes.into()))
    }
}

impl HttpBody for Body {
    type Data = Bytes;
    type Error = StreamError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, StreamError>>> {
        match self.get_mut() {
            Body::Empty => Poll::Ready(None),
            Body::Full(chunk) => Poll::Ready(chunk.take().map(|bytes| Ok(Frame::data(bytes)))),
            Body::Channel(receiver) => receiver
                .poll_recv(cx)
                .map(|chunk| chunk.map(|result| result.map(Frame::data))),
            Body::Upstream { source, body } => Pin::new(body).poll_frame(cx).map(|frame| {
                frame.map(|result| {
                    result.map_err(|error| StreamError {
                        page: source.clone(),
                        detail: format!("the upstream response broke off: {error}"),
                    })
                })
            }),
            Body::Gzip(gzip) => gzip.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Empty => true,
            Body::Full(chunk) => chunk.is_none(),
            Body::Channel(_) => false,
            Body::Upstream { body, .. } => body.is_end_stream(),
            Body::Gzip(gzip) => gzip.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Empty => SizeHint::with_exact(0),
            Body::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Channel(_) => SizeHint::default(),
            Body::Upstream { body, .. } => body.size_hint(),
            Body::Gzip(gzip) => gzip.size_hint(),
        }
    }
}
