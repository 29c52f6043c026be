//! Forwarding a request to another origin, for middleware rewrites to external URLs.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode, Uri, header};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::body::Body;
use crate::service::text;

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// An HTTP client for proxied rewrites, with pooled connections.
pub struct Proxy {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Proxy {
    /// A proxy with an empty connection pool.
    pub fn new() -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Sends the request to `target` and streams the answer back.
    pub async fn forward(&self, target: Uri, mut head: Parts, body: Bytes) -> Response<Body> {
        if target.scheme_str() != Some("http") {
            tracing::error!(
                "The middleware rewrote to {target}, but Switchyard proxies only http:// URLs so far."
            );
            return text(
                StatusCode::BAD_GATEWAY,
                "Bad Gateway: Switchyard can proxy rewrites to http:// URLs only.\n",
            );
        }
        for hop in HOP_BY_HOP {
            head.headers.remove(*hop);
        }
        if let Some(authority) = target.authority()
            && let Ok(host) = HeaderValue::from_str(authority.as_str())
        {
            head.headers.insert(header::HOST, host);
        }
        head.uri = target.clone();
        head.version = http::Version::HTTP_11;
        let request = Request::from_parts(head, Full::new(body));
        match self.client.request(request).await {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                for hop in HOP_BY_HOP {
                    parts.headers.remove(*hop);
                }
                let source = target.to_string();
                Response::from_parts(parts, Body::Upstream { source, body })
            }
            Err(error) => {
                tracing::error!("The rewrite to {target} failed: {error}");
                text(StatusCode::BAD_GATEWAY, "Bad Gateway\n")
            }
        }
    }
}

impl Default for Proxy {
    fn default() -> Self {
        Self::new()
    }
}
