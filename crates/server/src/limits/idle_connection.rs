//! Whether a connection is doing anything: a connection with no request in progress (none
//! yet, or none since its last response ended) is closed after `--header-timeout`. This bounds
//! what hyper alone does not: a connection that never sends a byte or drips the HTTP/2
//! preface (hyper-util's protocol detection waits without a timer), and an HTTP/2 connection
//! that never completes a request.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::Instant;

/// The requests in progress on one connection.
pub struct Activity {
    in_progress: AtomicUsize,
    served: AtomicBool,
    idle_since: Mutex<Instant>,
}

/// One request in progress, from its head to the end of its response body.
pub struct RequestGuard {
    activity: Arc<Activity>,
}

/// A response body that keeps its request in progress until it is sent or dropped.
pub struct Tracked<B> {
    body: B,
    _guard: RequestGuard,
}

/// What the connection's watcher should do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Idle {
    /// Look again at this instant.
    Until(Instant),
    /// Close it: no request came for the whole timeout; `served` says whether any ever did.
    Expired { served: bool },
}

impl Activity {
    /// A connection accepted now.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            in_progress: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            idle_since: Mutex::new(Instant::now()),
        })
    }

    /// Marks a request in progress until the guard is dropped.
    pub fn start(self: &Arc<Self>) -> RequestGuard {
        self.in_progress.fetch_add(1, Ordering::AcqRel);
        self.served.store(true, Ordering::Release);
        RequestGuard {
            activity: self.clone(),
        }
    }

    /// Whether a request ever started on this connection.
    pub fn served(&self) -> bool {
        self.served.load(Ordering::Acquire)
    }

    /// Whether a connection idle for `timeout` has expired, else when to look again.
    pub fn check(&self, timeout: Duration) -> Idle {
        let now = Instant::now();
        if self.in_progress.load(Ordering::Acquire) > 0 {
            return Idle::Until(now + timeout);
        }
        let deadline = *self.idle_since.lock().unwrap_or_else(|p| p.into_inner()) + timeout;
        // Re-read after the clock: a request that started meanwhile keeps the connection.
        if deadline > now || self.in_progress.load(Ordering::Acquire) > 0 {
            return Idle::Until(deadline.max(now + Duration::from_millis(1)));
        }
        Idle::Expired {
            served: self.served(),
        }
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        *self
            .activity
            .idle_since
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.activity.in_progress.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<B> Tracked<B> {
    /// `body`, keeping `guard` until it ends.
    pub fn new(body: B, guard: RequestGuard) -> Self {
        Self {
            body,
            _guard: guard,
        }
    }
}

impl<B: HttpBody + Unpin> HttpBody for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn expires_only_after_the_timeout_with_nothing_in_progress() {
        let timeout = Duration::from_millis(50);
        let activity = Activity::new();
        assert!(matches!(activity.check(timeout), Idle::Until(_)));
        tokio::time::sleep(timeout).await;
        assert_eq!(activity.check(timeout), Idle::Expired { served: false });

        let guard = activity.start();
        tokio::time::sleep(timeout * 2).await;
        assert!(matches!(activity.check(timeout), Idle::Until(_)));
        drop(guard);
        assert!(matches!(activity.check(timeout), Idle::Until(_)));
        tokio::time::sleep(timeout).await;
        assert_eq!(activity.check(timeout), Idle::Expired { served: true });
    }
}
