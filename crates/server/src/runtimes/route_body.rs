//! A request body on its way to a route, and reading one whole within the limits.

use bytes::Bytes;
use http::request::Parts;
use http::{Response, StatusCode, header};
use http_body::Body as _;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;

use crate::body::Body;
use crate::limits::body_deadline;
use crate::response::text;

/// A request body on its way to a route: still streaming, or read already (middleware read it).
pub enum RouteBody {
    /// The client's body, not read yet.
    Stream(Incoming),
    /// Bytes read before (the route gets the same bytes the middleware saw).
    Bytes(Bytes),
}

/// Reads a body whole, up to `limit` bytes and until the request's [`BodyDeadline`]; the
/// error is the response to send instead.
///
/// [`BodyDeadline`]: body_deadline::BodyDeadline
pub async fn read_body(
    body: RouteBody,
    limit: usize,
    head: &Parts,
) -> Result<Bytes, Response<Body>> {
    let body = match body {
        RouteBody::Bytes(bytes) => return Ok(bytes),
        RouteBody::Stream(body) => body,
    };
    let declared = head
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(payload_too_large(limit));
    }
    // Most requests have no body; skip the collector's await for them.
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let collected = body_deadline::within(head, Limited::new(body, limit).collect()).await;
    let Some(collected) = collected else {
        return Err(body_deadline::timed_out(head));
    };
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            Err(payload_too_large(limit))
        }
        Err(error) => {
            tracing::warn!(
                "{}: the request body could not be read: {error}",
                head.uri.path()
            );
            Err(text(StatusCode::BAD_REQUEST, "Bad Request"))
        }
    }
}

fn payload_too_large(limit: usize) -> Response<Body> {
    text(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Body exceeded {} limit", human_limit(limit)),
    )
}

fn human_limit(bytes: usize) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{}mb", bytes / (1024 * 1024))
    } else if bytes.is_multiple_of(1024) {
        format!("{}kb", bytes / 1024)
    } else {
        format!("{bytes}b")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_like_next_config_values() {
        assert_eq!(human_limit(4 * 1024 * 1024), "4mb");
        assert_eq!(human_limit(512 * 1024), "512kb");
        assert_eq!(human_limit(1000), "1000b");
    }
}
