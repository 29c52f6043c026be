//! At most one log line per interval about a limit, so that a flood of refused connections or
//! timed-out requests does not become a flood of log lines that fills the disk.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a throttled line may be written.
const INTERVAL: Duration = Duration::from_secs(10);

/// Counts events and lets one log line through per interval.
pub struct LogThrottle {
    state: Mutex<State>,
}

struct State {
    last: Option<Instant>,
    suppressed: u64,
}

impl LogThrottle {
    /// A throttle that lets the first event through.
    pub const fn new() -> Self {
        Self {
            state: Mutex::new(State {
                last: None,
                suppressed: 0,
            }),
        }
    }

    /// Records one event; calls `log` with the number of events not logged since the last
    /// line, unless a line was written less than an interval ago.
    pub fn hit(&self, log: impl FnOnce(u64)) {
        let suppressed = {
            let mut state = self
                .state
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            let now = Instant::now();
            if state
                .last
                .is_some_and(|last| now.duration_since(last) < INTERVAL)
            {
                state.suppressed += 1;
                return;
            }
            state.last = Some(now);
            std::mem::take(&mut state.suppressed)
        };
        log(suppressed);
    }
}

impl Default for LogThrottle {
    fn default() -> Self {
        Self::new()
    }
}

/// ` (N more since the last line.)`, or nothing when none were held back.
pub fn more(suppressed: u64) -> String {
    if suppressed == 0 {
        String::new()
    } else {
        format!(" ({suppressed} more since the last such line.)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lets_one_line_through_per_interval_and_counts_the_rest() {
        let throttle = LogThrottle::new();
        let mut lines = Vec::new();
        for _ in 0..5 {
            throttle.hit(|suppressed| lines.push(suppressed));
        }
        assert_eq!(lines, vec![0]);
        throttle.state.lock().unwrap().last = Some(Instant::now() - INTERVAL);
        throttle.hit(|suppressed| lines.push(suppressed));
        assert_eq!(lines, vec![0, 4]);
        assert_eq!(more(0), "");
        assert_eq!(more(4), " (4 more since the last such line.)");
    }
}
