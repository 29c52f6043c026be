//! SIGTERM lets in-flight requests finish before the process exits.

mod support;

use std::time::Duration;

use support::{Server, http};

#[test]
fn sigterm_drains_in_flight_requests() {
    let mut server = Server::fixture("edge-app", &[]);
    let port = server.port;
    let in_flight = std::thread::spawn(move || http::get_timed_chunks(port, "/api/stream"));
    std::thread::sleep(Duration::from_millis(200));
    let status = server.terminate();
    let (response, _) = in_flight.join().unwrap();
    assert_eq!(response.text(), "first\nsecond\n");
    assert!(status.success(), "{status:?}\n{}", server.log());
}
