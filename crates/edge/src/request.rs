//! Requests into, and responses out of, the Edge runtime.

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::error::StreamError;

/// A request for an Edge route, already matched and with its body read.
#[derive(Debug)]
pub struct EdgeRequest {
    /// Index of the route in the pool's route list.
    pub route: usize,
    /// The HTTP method.
    pub method: String,
    /// The absolute URL, dynamic params merged into its query as Next.js does.
    pub url: String,
    /// Header names and values in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body; `None` when the request had none.
    pub body: Option<Bytes>,
}

/// A response from an Edge route.
#[derive(Debug)]
pub struct EdgeResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: EdgeBody,
}

/// A response body: absent, whole, or streamed chunk by chunk as script enqueues it.
#[derive(Debug)]
pub enum EdgeBody {
    /// No body (`null`).
    Empty,
    /// A body known at once (a string or bytes).
    Full(Bytes),
    /// A ReadableStream's chunks; an `Err` ends the stream abnormally.
    Stream(mpsc::Receiver<Result<Bytes, StreamError>>),
}
