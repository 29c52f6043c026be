//! The pool of Node.js workers: start, spread requests by least outstanding, shut down.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http::{HeaderName, HeaderValue, Request, Response};
use http_body_util::Either;
use hyper::body::Incoming;
use switchyard_protocol as protocol;
use tokio::sync::{Notify, watch};

use crate::connection::{ClientBody, WorkerBody};
use crate::error::{DispatchError, StartError};
use crate::version;
use crate::worker::{self, InFlight, Slot, Supervision};

/// How long a request waits for a worker when none is ready (starting or restarting).
const WAIT_FOR_WORKER: Duration = Duration::from_secs(10);

/// Settings of the Node.js runtime.
#[derive(Debug, Clone)]
pub struct NodeOptions {
    /// The `node` binary.
    pub node: PathBuf,
    /// Worker processes.
    pub workers: usize,
    /// The app root (the workers' working directory).
    pub root: PathBuf,
    /// The build output folder, holding `node/` bundles.
    pub out_dir: PathBuf,
    /// The environment the workers get.
    pub env: Vec<(String, String)>,
    /// How long a new worker may take to listen.
    pub ready_timeout: Duration,
}

impl NodeOptions {
    /// Defaults for the app at `root` with output in `out_dir`.
    pub fn new(root: PathBuf, out_dir: PathBuf) -> Self {
        Self {
            node: PathBuf::from("node"),
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            root,
            out_dir,
            env: std::env::vars().collect(),
            ready_timeout: Duration::from_secs(15),
        }
    }
}

/// A request for a Node.js route or middleware: which bundle, which params, the request.
pub struct NodeRequest {
    /// The route's page path (`/api/items/[id]`, `/middleware`).
    pub page: String,
    /// The bundle, relative to the output folder.
    pub bundle: String,
    /// The dynamic params as a JSON object.
    pub params_json: String,
    /// What the bundle is, and so how the worker calls it.
    pub kind: NodeKind,
    /// The client's request head.
    pub head: http::request::Parts,
    /// The body: the client's, streamed, or bytes already read.
    pub body: NodeBody,
}

/// How the worker calls a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// An API route: `(req, res)` with Next.js's helpers.
    Api,
    /// Middleware: the bundle's default export gets a Web Request for `url` (absolute) and
    /// its Response is written back.
    Middleware { url: String },
    /// A page, with `render` (JSON: `data`, `status`) telling the adapter what to answer.
    Page { render: String },
}

/// A request body for a worker.
pub enum NodeBody {
    /// Streamed from the client as it arrives.
    Stream(Incoming),
    /// Already read (middleware runs before the route, which reads the same bytes again).
    Bytes(bytes::Bytes),
}

/// Running Node.js workers.
pub struct NodePool {
    slots: Vec<Arc<Slot>>,
    became_ready: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    // Keeps the worker script and sockets until the pool is gone.
    _dir: tempfile::TempDir,
}

impl NodePool {
    /// Checks `node`, writes the worker script and starts the workers in the background.
    pub async fn start(options: NodeOptions) -> Result<Self, StartError> {
        let version = version::check(&options.node).await?;
        let dir = tempfile::Builder::new()
            .prefix("switchyard-node-")
            .tempdir()?;
        let script = crate::worker_script::write(dir.path())?;
        let count = options.workers.max(1);
        let ready_timeout = options.ready_timeout;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let became_ready = Arc::new(Notify::new());
        let supervision = Arc::new(Supervision {
            options: Arc::new(options),
            script,
            socket_dir: dir.path().to_path_buf(),
            became_ready: became_ready.clone(),
            shutdown: shutdown_rx,
        });
        let mut slots = Vec::with_capacity(count);
        let mut first_ready = Vec::with_capacity(count);
        for id in 0..count {
            let slot = Arc::new(Slot::new(id));
            let ready = Arc::new(Notify::new());
            tokio::spawn(worker::supervise(
                slot.clone(),
                supervision.clone(),
                ready.clone(),
            ));
            slots.push(slot);
            first_ready.push(ready);
        }
        // The server answers Edge routes and files while Node boots; Node requests wait in
        // `pick` for the first ready worker.
        tokio::spawn(async move {
            for ready in first_ready {
                if tokio::time::timeout(ready_timeout, ready.notified())
                    .await
                    .is_err()
                {
                    tracing::error!(
                        "{}",
                        StartError::NotReady {
                            seconds: ready_timeout.as_secs()
                        }
                    );
                    return;
                }
            }
            tracing::info!("Started {count} Node.js worker(s) with Node.js {version}.");
        });
        Ok(Self {
            slots,
            became_ready,
            shutdown,
            _dir: dir,
        })
    }

    /// Sends the request to the least busy worker; resolves with the response head (the
    /// body streams on). A worker lost before it answers gives [`DispatchError::WorkerLost`].
    pub async fn dispatch(
        &self,
        request: NodeRequest,
    ) -> Result<Response<Incoming>, DispatchError> {
        let client_gone = Arc::new(AtomicBool::new(false));
        let mut request = to_worker(request, &client_gone);
        // A worker that just died is still listed until its supervisor notices; a request the
        // dead worker never received goes to another worker instead of failing.
        for _ in 0..=self.slots.len() {
            let (slot, live) = self.pick().await?;
            let _in_flight = InFlight::new(slot.clone());
            let Ok(mut sender) = live.connections.take().await else {
                slot.forget(&live);
                continue;
            };
            match sender.try_send_request(request).await {
                Ok(response) => {
                    live.connections.give_back(sender);
                    return Ok(response);
                }
                Err(mut error) => match error.take_message() {
                    Some(unsent) => {
                        slot.forget(&live);
                        request = unsent;
                    }
                    // The worker is fine and keeps its slot: only this exchange was cut.
                    None if client_gone.load(Ordering::Acquire) => {
                        return Err(DispatchError::ClientGone);
                    }
                    None => return Err(DispatchError::WorkerLost),
                },
            }
        }
        Err(DispatchError::WorkerLost)
    }

    /// The live worker with the fewest requests in flight, waiting a little if none is live.
    async fn pick(&self) -> Result<(Arc<Slot>, Arc<worker::Live>), DispatchError> {
        let deadline = tokio::time::Instant::now() + WAIT_FOR_WORKER;
        loop {
            let notified = self.became_ready.notified();
            let best = self
                .slots
                .iter()
                .filter_map(|slot| Some((slot, slot.live()?)))
                .min_by_key(|(slot, _)| slot.in_flight.load(Ordering::Relaxed));
            if let Some((slot, live)) = best {
                return Ok((slot.clone(), live));
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(DispatchError::Unavailable);
            }
        }
    }
}

impl Drop for NodePool {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// The client's request with the route's internal headers added and hop-by-hop ones removed;
/// `client_gone` turns true if the client's body breaks off.
fn to_worker(request: NodeRequest, client_gone: &Arc<AtomicBool>) -> Request<WorkerBody> {
    let mut parts = request.head;
    for hop in HOP_BY_HOP {
        parts.headers.remove(*hop);
    }
    // The worker trusts these headers to say what to run, so none may come from the client,
    // whatever the server in front of us filtered.
    let client_supplied: Vec<HeaderName> = parts
        .headers
        .keys()
        .filter(|name| name.as_str().starts_with(protocol::PREFIX))
        .cloned()
        .collect();
    for name in client_supplied {
        parts.headers.remove(name);
    }
    let mut internal = vec![
        (protocol::PAGE, request.page.as_str()),
        (protocol::BUNDLE, request.bundle.as_str()),
        (protocol::PARAMS, request.params_json.as_str()),
    ];
    match &request.kind {
        NodeKind::Api => internal.push((protocol::KIND, "api")),
        NodeKind::Middleware { url } => {
            internal.push((protocol::KIND, "middleware"));
            internal.push((protocol::URL, url));
        }
        NodeKind::Page { render } => {
            internal.push((protocol::KIND, "page"));
            internal.push((protocol::RENDER, render));
        }
    }
    for (name, value) in internal {
        let value = HeaderValue::from_str(&encode_header(value))
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        parts.headers.insert(HeaderName::from_static(name), value);
    }
    // The worker sees an origin-form request line, as Node's own server would.
    if let Some(path) = parts.uri.path_and_query().cloned() {
        parts.uri = path.into();
    }
    parts.version = http::Version::HTTP_11;
    let body = match request.body {
        NodeBody::Stream(body) => Either::Left(ClientBody::new(body, client_gone.clone())),
        NodeBody::Bytes(bytes) => {
            parts
                .headers
                .insert(http::header::CONTENT_LENGTH, bytes.len().into());
            Either::Right(http_body_util::Full::new(bytes))
        }
    };
    Request::from_parts(parts, body)
}

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1).
pub(crate) const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Percent-encodes what a header value cannot hold, as `encodeURIComponent` would.
fn encode_header(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' | b'/' | b'[' | b']'
            );
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_copies_of_internal_headers_never_reach_the_worker() {
        let mut builder = Request::builder().uri("http://example.com/api/x?y=1");
        for name in [
            "x-switchyard-kind",
            "x-switchyard-render",
            "x-switchyard-bundle",
            "x-switchyard-page",
            "x-switchyard-params",
            "x-switchyard-url",
            "x-switchyard-anything",
            "X-Switchyard-Kind",
        ] {
            builder = builder.header(name, "page");
        }
        let (head, ()) = builder.header("x-kept", "1").body(()).unwrap().into_parts();
        let request = NodeRequest {
            page: "/api/x".into(),
            bundle: "node/api/x.js".into(),
            params_json: "{}".into(),
            kind: NodeKind::Api,
            head,
            body: NodeBody::Bytes(bytes::Bytes::new()),
        };
        let sent = to_worker(request, &Arc::new(AtomicBool::new(false)));
        let mut internal: Vec<(String, String)> = sent
            .headers()
            .iter()
            .filter(|(name, _)| name.as_str().starts_with(protocol::PREFIX))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        let expected = [
            (protocol::PAGE, "/api/x"),
            (protocol::BUNDLE, "node/api/x.js"),
            (protocol::PARAMS, "%7B%7D"),
            (protocol::KIND, "api"),
        ];
        let mut expected: Vec<(String, String)> = expected
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        internal.sort();
        expected.sort();
        assert_eq!(internal, expected);
        assert_eq!(sent.headers()["x-kept"], "1");
        assert_eq!(sent.uri(), "/api/x?y=1");
    }

    #[test]
    fn header_values_are_percent_encoded_like_encode_uri_component() {
        assert_eq!(encode_header("/api/[id]"), "/api/[id]");
        assert_eq!(
            encode_header(r#"{"id":"a b"}"#),
            "%7B%22id%22%3A%22a%20b%22%7D"
        );
        assert_eq!(encode_header("é"), "%C3%A9");
    }
}
