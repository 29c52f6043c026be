//! The process's open-file limit (`RLIMIT_NOFILE`): raised to its ceiling at start, and the
//! default connection limit derived from it, so that clients cannot use up the descriptors
//! the server needs for its own files, Node.js workers and outgoing sockets.

use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit, setrlimit};

/// Descriptors kept back from connections: the listener, epoll and event descriptors,
/// bundles and public files being read, Node.js worker pipes and sockets, connections
/// being refused.
pub const RESERVED: u64 = 128;

/// Fewest connections a derived default allows, however low the open-file limit.
const MIN_CONNECTIONS: usize = 16;

/// Linux refuses a soft limit above `fs.nr_open` (1,048,576 unless raised), even when the
/// hard limit is unlimited.
const UNLIMITED_CEILING: u64 = 1 << 20;

/// Raises the soft open-file limit to the hard one and returns the soft limit in effect
/// (`None` when it cannot be read).
pub fn raise_soft_limit() -> Option<u64> {
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    let target = if hard == RLIM_INFINITY {
        UNLIMITED_CEILING.max(soft)
    } else {
        hard
    };
    if target <= soft {
        return Some(soft);
    }
    match setrlimit(Resource::RLIMIT_NOFILE, target, hard) {
        Ok(()) => {
            tracing::debug!("Raised the open-file limit from {soft} to {target}.");
            Some(target)
        }
        Err(error) => {
            tracing::debug!("Could not raise the open-file limit from {soft}: {error}.");
            Some(soft)
        }
    }
}

/// The default `--max-connections` for an open-file limit of `soft`: half of what the
/// reserve leaves, because a connection whose request is at a Node.js worker or a proxied
/// origin holds a second descriptor for it.
pub fn default_max_connections(soft: Option<u64>) -> usize {
    let Some(soft) = soft.filter(|&soft| soft != RLIM_INFINITY) else {
        return usize::try_from(UNLIMITED_CEILING / 2).unwrap_or(usize::MAX);
    };
    let derived = soft.saturating_sub(RESERVED) / 2;
    usize::try_from(derived)
        .unwrap_or(usize::MAX)
        .max(MIN_CONNECTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_leave_room_for_the_server_s_own_descriptors() {
        assert_eq!(default_max_connections(Some(1024)), 448);
        assert_eq!(default_max_connections(Some(256)), 64);
        assert_eq!(default_max_connections(Some(100)), MIN_CONNECTIONS);
        assert_eq!(default_max_connections(Some(1 << 20)), 524_224);
        assert_eq!(default_max_connections(None), 524_288);
    }
}
