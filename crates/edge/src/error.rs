//! What can go wrong when the Edge runtime answers a request.

/// Why an Edge route produced no response; the server maps each to a status code.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// The module failed to load, the handler threw, or it returned something other than a
    /// Response; the details were logged.
    #[error("The Edge function for {page} failed: {detail}")]
    Failed {
        /// The route's page path.
        page: String,
        /// What went wrong, with the JavaScript stack when there is one.
        detail: String,
    },
    /// The handler did not start a response within the response timeout.
    #[error("The Edge function for {page} did not respond within {seconds} s.")]
    Timeout {
        /// The route's page path.
        page: String,
        /// The timeout that passed.
        seconds: u64,
    },
    /// The worker thread was gone (the server is shutting down).
    #[error("The Edge runtime is not running.")]
    Unavailable,
}

/// A failure while a response body was already streaming.
#[derive(Debug, thiserror::Error)]
#[error("The response stream of {page} failed: {detail}")]
pub struct StreamError {
    /// The route's page path.
    pub page: String,
    /// What went wrong.
    pub detail: String,
}
