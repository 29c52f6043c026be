//! Bounds on connections and requests that hold whatever the app does.

pub mod body_deadline;
pub mod connection_limit;
pub mod idle_connection;
pub mod log_throttle;
pub mod open_file_limit;
