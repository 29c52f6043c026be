//! Accepting connections, swapping builds in dev, and draining on shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::error::ServerError;
use crate::front::forwarded_headers::ConnectionAddresses;
use crate::limits::body_deadline::BodyDeadline;
use crate::limits::connection_limit::{ConnectionLimit, ConnectionPermit};
use crate::limits::idle_connection::{Activity, Idle, Tracked};
use crate::limits::log_throttle::{LogThrottle, more};
use crate::limits::open_file_limit;
use crate::options::ServerOptions;
use crate::router;
use crate::state::AppState;

/// How long in-flight requests may finish after a shutdown signal.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// An idle HTTP/2 connection is asked to close with GOAWAY; a peer that does not finish that
/// exchange in this time is cut off.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// HTTP/2 pings find peers that vanished while a response was streaming to them.
const H2_PING_INTERVAL: Duration = Duration::from_secs(30);
const H2_PING_TIMEOUT: Duration = Duration::from_secs(20);

static ACCEPT_FAILED: LogThrottle = LogThrottle::new();
static NO_REQUEST: LogThrottle = LogThrottle::new();

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    options: Arc<ServerOptions>,
    state: Arc<RwLock<Arc<AppState>>>,
    limit: Arc<ConnectionLimit>,
}

/// Replaces the build a running server serves (dev mode).
#[derive(Clone)]
pub struct Reloader {
    state: Arc<RwLock<Arc<AppState>>>,
    options: Arc<ServerOptions>,
}

impl Reloader {
    /// Loads the build again; requests already running finish on the old one.
    pub async fn reload(&self) -> Result<(), ServerError> {
        let fresh = AppState::load(&self.options).await?;
        *self
            .state
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = Arc::new(fresh);
        Ok(())
    }
}

impl Server {
    /// Loads the build and binds the listening socket.
    pub async fn bind(mut options: ServerOptions) -> Result<Self, ServerError> {
        // Before the runtimes start, so that Node.js workers inherit the raised limit too.
        let open_files = open_file_limit::raise_soft_limit();
        let max_connections = options
            .max_connections
            .unwrap_or_else(|| open_file_limit::default_max_connections(open_files));
        tracing::debug!(
            "Accepting up to {max_connections} connections (open-file limit: {}).",
            open_files.map_or_else(|| "unknown".to_owned(), |limit| limit.to_string())
        );
        let state = AppState::load(&options).await?;
        let address = format!("{}:{}", options.hostname, options.port);
        let listener = TcpListener::bind(&address)
            .await
            .map_err(|source| ServerError::Bind { address, source })?;
        let local = listener.local_addr()?;
        // An IPv6 address is bracketed in a URL's authority (`[::1]:3000`).
        options.authority = if options.hostname.contains(':') {
            format!("[{}]:{}", options.hostname, local.port())
        } else {
            format!("{}:{}", options.hostname, local.port())
        };
        Ok(Self {
            listener,
            options: Arc::new(options),
            state: Arc::new(RwLock::new(Arc::new(state))),
            limit: ConnectionLimit::new(max_connections),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle to swap in a new build.
    pub fn reloader(&self) -> Reloader {
        Reloader {
            state: self.state.clone(),
            options: self.options.clone(),
        }
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ServerError> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.options.header_timeout)
            .max_buf_size(64 * 1024);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(H2_PING_INTERVAL)
            .keep_alive_timeout(H2_PING_TIMEOUT);
        let (stop, stopping) = watch::channel(false);
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Running out of file descriptors must not end the server.
                        ACCEPT_FAILED.hit(|suppressed| {
                            tracing::warn!(
                                "Could not accept a connection: {error}. If the open-file limit ran out, lower --max-connections.{}",
                                more(suppressed)
                            );
                        });
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let Some(permit) = self.limit.try_acquire() else {
                self.limit.refuse(stream);
                continue;
            };
            let connection = Connection {
                state: self.state.clone(),
                options: self.options.clone(),
                builder: builder.clone(),
                stopping: stopping.clone(),
                _permit: permit,
            };
            tokio::spawn(connection.serve(stream, peer));
        }
        tracing::info!("Shutting down: waiting for in-flight requests.");
        let _ = stop.send(true);
        tokio::select! {
            () = self.limit.all_closed() => {}
            () = tokio::time::sleep(DRAIN_LIMIT) => {
                tracing::warn!("Some requests were still running after {} s.", DRAIN_LIMIT.as_secs());
            }
        }
        Ok(())
    }
}

/// One accepted connection and what it needs to serve its requests.
struct Connection {
    state: Arc<RwLock<Arc<AppState>>>,
    options: Arc<ServerOptions>,
    builder: auto::Builder<TokioExecutor>,
    stopping: watch::Receiver<bool>,
    /// Frees the connection's place under `--max-connections` when it ends.
    _permit: ConnectionPermit,
}

impl Connection {
    /// Serves requests until the client closes, the connection stays idle past the header
    /// timeout, or the server shuts down.
    async fn serve(mut self, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let addresses = stream
            .local_addr()
            .ok()
            .map(|local| ConnectionAddresses { peer, local });
        let activity = Activity::new();
        let service = {
            let (state, options, activity) =
                (self.state.clone(), self.options.clone(), activity.clone());
            service_fn(move |mut request| {
                let guard = activity.start();
                request
                    .extensions_mut()
                    .insert(BodyDeadline::after(options.response_timeout));
                if let Some(addresses) = addresses {
                    request.extensions_mut().insert(addresses);
                }
                let current = state
                    .read()
                    .unwrap_or_else(|poison| poison.into_inner())
                    .clone();
                let options = options.clone();
                async move {
                    let response = router::handle(current, options, request).await;
                    Ok::<_, std::convert::Infallible>(
                        response.map(|body| Tracked::new(body, guard)),
                    )
                }
            })
        };
        let connection = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service);
        tokio::pin!(connection);
        let timeout = self.options.header_timeout;
        let mut shutting_down = false;
        loop {
            let wake = match activity.check(timeout) {
                Idle::Until(wake) => wake,
                Idle::Expired { served: false } => {
                    no_request_in_time(timeout);
                    return;
                }
                Idle::Expired { served: true } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(CLOSE_GRACE, connection.as_mut()).await;
                    return;
                }
            };
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        let timed_out = error
                            .downcast_ref::<hyper::Error>()
                            .is_some_and(hyper::Error::is_timeout);
                        // A kept-alive connection closing after its last request is routine;
                        // one that never completed a request is what the log is for.
                        if timed_out && !activity.served() {
                            no_request_in_time(timeout);
                        } else {
                            tracing::debug!("Connection ended with an error: {error}");
                        }
                    }
                    return;
                }
                () = tokio::time::sleep_until(wake) => {}
                _ = self.stopping.wait_for(|stop| *stop), if !shutting_down => {
                    shutting_down = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

fn no_request_in_time(timeout: Duration) {
    NO_REQUEST.hit(|suppressed| {
        tracing::info!(
            "Closed a connection that sent no complete request within {} s, the limit set by --header-timeout.{}",
            timeout.as_secs_f64(),
            more(suppressed)
        );
    });
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
