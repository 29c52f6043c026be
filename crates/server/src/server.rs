//! Accepting connections, swapping builds in dev, and draining on shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::error::ServerError;
use crate::options::ServerOptions;
use crate::service;
use crate::state::AppState;

/// How long in-flight requests may finish after a shutdown signal.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    options: Arc<ServerOptions>,
    state: Arc<RwLock<Arc<AppState>>>,
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
        let state = AppState::load(&options).await?;
        let address = format!("{}:{}", options.hostname, options.port);
        let listener = TcpListener::bind(&address)
            .await
            .map_err(|source| ServerError::Bind { address, source })?;
        let local = listener.local_addr()?;
        options.authority = format!("{}:{}", options.hostname, local.port());
        Ok(Self {
            listener,
            options: Arc::new(options),
            state: Arc::new(RwLock::new(Arc::new(state))),
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
            .header_read_timeout(Duration::from_secs(30))
            .max_buf_size(64 * 1024);
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            let (stream, _) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Running out of file descriptors must not end the server.
                        tracing::warn!("Could not accept a connection: {error}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let state = self.state.clone();
            let options = self.options.clone();
            let service = service_fn(move |request| {
                let current = state
                    .read()
                    .unwrap_or_else(|poison| poison.into_inner())
                    .clone();
                let options = options.clone();
                async move {
                    Ok::<_, std::convert::Infallible>(
                        service::handle(current, options, request).await,
                    )
                }
            });
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let connection = graceful.watch(connection.into_owned());
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!("Connection ended with an error: {error}");
                }
            });
        }
        tracing::info!("Shutting down: waiting for in-flight requests.");
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(DRAIN_LIMIT) => {
                tracing::warn!("Some requests were still running after {} s.", DRAIN_LIMIT.as_secs());
            }
        }
        Ok(())
    }
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
