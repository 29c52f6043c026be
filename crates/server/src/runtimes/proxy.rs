//! Forwarding a request to another origin, for rewrites (middleware's or next.config's) to
//! external URLs.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Request, Response, StatusCode, Uri, header};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::body::Body;
use crate::limits::log_throttle::{LogThrottle, more};
use crate::options::ServerOptions;
use crate::response::text;
use crate::routed::Routed;
use crate::runtimes::proxy_loop;
use crate::runtimes::route_body::read_body;
use crate::state::AppState;

/// Sends `routed` to `target` and streams the answer back; a request that already went
/// through this server [`proxy_loop::MAX_DEPTH`] times ends with 508.
pub async fn forward(
    state: &AppState,
    options: &ServerOptions,
    target: Uri,
    routed: Routed,
) -> Response<Body> {
    let Routed {
        mut head,
        body,
        hops,
        ..
    } = routed;
    if hops >= proxy_loop::MAX_DEPTH {
        tracing::error!(
            "{}: the request was rewritten to {target}, which came back to this server {hops} \
             times; the loop was stopped with 508. Rewrite to a path of this app instead of its \
             URL under another host name.",
            head.uri.path()
        );
        return text(StatusCode::LOOP_DETECTED, "Loop Detected\n");
    }
    let body = match read_body(body, options.edge_body_limit, &head).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    proxy_loop::mark(&mut head.headers, hops);
    state.proxy.forward(target, head, body).await
}

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

/// Longest wait for an origin to accept a connection (shorter when the response timeout is).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Pooled connections to origins are closed after this long unused.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

static TIMED_OUT: LogThrottle = LogThrottle::new();
static CONNECT_FAILED: LogThrottle = LogThrottle::new();

/// An HTTP and HTTPS client for proxied rewrites, with pooled connections. HTTPS origins are
/// checked against the system's roots (`SSL_CERT_FILE` and `SSL_CERT_DIR` override them).
pub struct Proxy {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    response_timeout: Duration,
    connect_timeout: Duration,
}

impl Proxy {
    /// A proxy with an empty connection pool, giving origins `response_timeout` to start
    /// their response.
    pub fn new(response_timeout: Duration) -> Self {
        let connect_timeout = CONNECT_TIMEOUT.min(response_timeout);
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(connect_timeout));
        connector.set_nodelay(true);
        // `https://` URLs are handed to the TCP connector as they are; it must not refuse them.
        connector.enforce_http(false);
        let tls = hyper_rustls::HttpsConnectorBuilder::new();
        let tls = match tls.with_native_roots() {
            Ok(tls) => tls,
            Err(error) => {
                tracing::warn!(
                    "No trusted root certificates were found ({error}); rewrites to https:// URLs will fail. Install the ca-certificates package or set SSL_CERT_FILE."
                );
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(empty_roots())
            }
        };
        let connector = tls.https_or_http().enable_http1().wrap_connector(connector);
        Self {
            client: Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(POOL_IDLE_TIMEOUT)
                .build(connector),
            response_timeout,
            connect_timeout,
        }
    }

    /// Sends the request to `target` and streams the answer back.
    pub async fn forward(&self, target: Uri, mut head: Parts, body: Bytes) -> Response<Body> {
        if !matches!(target.scheme_str(), Some("http" | "https")) {
            tracing::error!(
                "A rewrite to {target} was not followed: Switchyard proxies only http:// and https:// URLs."
            );
            return text(
                StatusCode::BAD_GATEWAY,
                "Bad Gateway: Switchyard can proxy rewrites to http:// and https:// URLs only.\n",
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
        let answer = tokio::time::timeout(self.response_timeout, self.client.request(request));
        let Ok(answer) = answer.await else {
            let seconds = self.response_timeout.as_secs_f64();
            TIMED_OUT.hit(|suppressed| {
                tracing::error!(
                    "The rewrite to {target} got no response within {seconds} s, the limit set by --response-timeout; answered 504.{}",
                    more(suppressed)
                );
            });
            return text(
                StatusCode::GATEWAY_TIMEOUT,
                "Gateway Timeout: the origin did not respond in time.\n",
            );
        };
        match answer {
            Ok(response) => {
                let (mut parts, body) = response.into_parts();
                for hop in HOP_BY_HOP {
                    parts.headers.remove(*hop);
                }
                let source = target.to_string();
                Response::from_parts(parts, Body::Upstream { source, body })
            }
            Err(error) => {
                // The client error's own text is only its kind ("Connect"); the cause, such
                // as a connect timeout, is in its sources.
                let mut detail = error.to_string();
                let mut source = std::error::Error::source(&error);
                while let Some(cause) = source {
                    detail.push_str(": ");
                    detail.push_str(&cause.to_string());
                    source = cause.source();
                }
                if error.is_connect() {
                    let seconds = self.connect_timeout.as_secs_f64();
                    CONNECT_FAILED.hit(|suppressed| {
                        tracing::error!(
                            "The rewrite to {target} could not connect (the connect timeout is {seconds} s): {detail}.{}",
                            more(suppressed)
                        );
                    });
                } else {
                    tracing::error!("The rewrite to {target} failed: {detail}.");
                }
                text(StatusCode::BAD_GATEWAY, "Bad Gateway\n")
            }
        }
    }
}

/// A TLS client configuration that trusts nobody: every https:// origin fails to verify.
///
/// rustls deprecates its ring provider for lacking post-quantum key exchange; ring is kept
/// because it builds with a C compiler alone (aws-lc-rs needs more), and the same provider is
/// what hyper-rustls's `ring` feature gives the normal configuration.
#[allow(deprecated)]
fn empty_roots() -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
}
