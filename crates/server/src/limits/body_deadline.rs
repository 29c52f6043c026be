//! The time a request body read whole (for an Edge route or the middleware) has to arrive:
//! the response timeout, counted from the request's head, so that a body trickling in a byte
//! at a time cannot hold a request, its connection and its buffer forever.

use std::future::Future;
use std::time::Duration;

use http::request::Parts;
use http::{Response, StatusCode};
use tokio::time::Instant;

use crate::body::Body;
use crate::limits::log_throttle::{LogThrottle, more};
use crate::options::DEFAULT_RESPONSE_TIMEOUT;
use crate::response::text;

static TIMED_OUT: LogThrottle = LogThrottle::new();

/// When a request's body must have arrived, as a request extension set when its head is read.
#[derive(Debug, Clone, Copy)]
pub struct BodyDeadline {
    at: Instant,
    limit: Duration,
}

impl BodyDeadline {
    /// A deadline `limit` from now.
    pub fn after(limit: Duration) -> Self {
        Self {
            at: Instant::now() + limit,
            limit,
        }
    }

    fn of(head: &Parts) -> Self {
        head.extensions
            .get::<BodyDeadline>()
            .copied()
            .unwrap_or_else(|| Self::after(DEFAULT_RESPONSE_TIMEOUT))
    }
}

/// `read`'s output, or `None` when the request's deadline passed first.
pub async fn within<F: Future>(head: &Parts, read: F) -> Option<F::Output> {
    tokio::time::timeout_at(BodyDeadline::of(head).at, read)
        .await
        .ok()
}

/// The 408 for a body that did not arrive in time, and its (throttled) log line.
pub fn timed_out(head: &Parts) -> Response<Body> {
    let seconds = BodyDeadline::of(head).limit.as_secs_f64();
    let path = head.uri.path();
    TIMED_OUT.hit(|suppressed| {
        tracing::warn!(
            "{path}: the request body did not arrive within {seconds} s, the limit set by --response-timeout; answered 408.{}",
            more(suppressed)
        );
    });
    text(
        StatusCode::REQUEST_TIMEOUT,
        "Request Timeout: the request body did not arrive in time.\n",
    )
}
