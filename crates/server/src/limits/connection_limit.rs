//! The limit on open connections (`--max-connections`): connections beyond it are answered
//! `503 Service Unavailable` and closed, instead of being accepted until the process runs
//! out of file descriptors and can accept nothing at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::limits::log_throttle::{LogThrottle, more};

/// Refused connections kept open at once to linger; beyond this they are answered with what
/// fits in the socket buffer and closed straight away, so that refusing cannot itself use up
/// descriptors.
const REFUSING_AT_ONCE: usize = 32;

/// How long a refused connection is kept to send the 503 and read what the client sends
/// meanwhile (closing a socket with unread data resets it, and the client may lose the 503).
const REFUSAL_LINGER: Duration = Duration::from_secs(1);

const BODY: &str =
    "Service Unavailable: the server has too many open connections. Retry shortly.\n";

/// Counts open connections against a maximum.
pub struct ConnectionLimit {
    max: usize,
    open: AtomicUsize,
    refusing: AtomicUsize,
    all_closed: Notify,
    log: LogThrottle,
}

/// One open connection; dropping it frees its place.
pub struct ConnectionPermit {
    limit: Arc<ConnectionLimit>,
}

impl ConnectionLimit {
    /// A limit of `max` open connections.
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self {
            max: max.max(1),
            open: AtomicUsize::new(0),
            refusing: AtomicUsize::new(0),
            all_closed: Notify::new(),
            log: LogThrottle::new(),
        })
    }

    /// A place for one more connection, unless the limit is reached.
    pub fn try_acquire(self: &Arc<Self>) -> Option<ConnectionPermit> {
        self.open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < self.max).then_some(open + 1)
            })
            .ok()?;
        Some(ConnectionPermit {
            limit: self.clone(),
        })
    }

    /// Answers a connection over the limit with a 503 and closes it, in the background.
    pub fn refuse(self: &Arc<Self>, stream: TcpStream) {
        let answered = self
            .refusing
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |refusing| {
                (refusing < REFUSING_AT_ONCE).then_some(refusing + 1)
            })
            .is_ok();
        let max = self.max;
        self.log.hit(|suppressed| {
            tracing::warn!(
                "Refused a connection: {max} connections are open, the limit set by --max-connections.{}",
                more(suppressed)
            );
        });
        if !answered {
            answer_503_now(stream);
            return;
        }
        let limit = self.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(REFUSAL_LINGER, answer_503(stream)).await;
            limit.refusing.fetch_sub(1, Ordering::AcqRel);
        });
    }

    /// Resolves once no connection is open.
    pub async fn all_closed(&self) {
        loop {
            let notified = self.all_closed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.open.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for ConnectionPermit {
    fn drop(&mut self) {
        if self.limit.open.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.limit.all_closed.notify_waiters();
        }
    }
}

fn response() -> String {
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\nretry-after: 1\r\n\r\n{BODY}",
        BODY.len()
    )
}

/// Sends the 503 at once (a client waiting for it need not send anything first), then reads
/// until the client closes or the linger time, which the caller bounds, is up.
async fn answer_503(mut stream: TcpStream) {
    if stream.write_all(response().as_bytes()).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    while matches!(stream.read(&mut sink).await, Ok(read) if read > 0) {}
}

/// Sends the 503 if the socket buffer takes it, reads what the client sent already (a
/// request left unread turns the close into a reset, which can cost the client the 503),
/// and closes, without waiting for anything.
fn answer_503_now(stream: TcpStream) {
    let Ok(stream) = stream.into_std() else {
        return;
    };
    let mut stream = &stream;
    if matches!(
        std::io::Write::write(&mut stream, response().as_bytes()),
        Ok(0) | Err(_)
    ) {
        return;
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let mut sink = [0u8; 4096];
    while matches!(std::io::Read::read(&mut stream, &mut sink), Ok(read) if read > 0) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn permits_stop_at_the_limit_and_come_back_when_dropped() {
        let limit = ConnectionLimit::new(2);
        let first = limit.try_acquire().unwrap();
        let second = limit.try_acquire().unwrap();
        assert!(limit.try_acquire().is_none());
        drop(first);
        let third = limit.try_acquire().unwrap();
        let closed = tokio::spawn({
            let limit = limit.clone();
            async move { limit.all_closed().await }
        });
        drop(second);
        drop(third);
        tokio::time::timeout(Duration::from_secs(1), closed)
            .await
            .expect("all_closed resolves once every permit is dropped")
            .unwrap();
    }

    #[tokio::test]
    async fn a_refused_connection_reads_a_503() {
        for lingering in [true, false] {
            let answer = refused_answer(lingering).await;
            assert!(
                answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
                "{answer}"
            );
            assert!(answer.contains("connection: close\r\n"), "{answer}");
            assert!(answer.contains("retry-after: 1\r\n"), "{answer}");
            assert!(answer.ends_with(BODY), "{answer}");
        }
    }

    async fn refused_answer(lingering: bool) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut stream = TcpStream::connect(address).await.unwrap();
            stream
                .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
                .await
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            answer
        });
        let (stream, _) = listener.accept().await.unwrap();
        if lingering {
            ConnectionLimit::new(1).refuse(stream);
        } else {
            answer_503_now(stream);
        }
        client.await.unwrap()
    }
}
