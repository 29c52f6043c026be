//! `node` processes end when the Switchyard process that started them ends, however it ends.
//!
//! A server killed with SIGKILL runs none of its cleanup, so its workers would live on as
//! orphans holding their sockets and memory. The kernel's parent-death signal covers that.

use std::os::unix::process::CommandExt;

use nix::errno::Errno;
use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::{Pid, getpid, getppid};

/// Environment variable telling the worker which process is its supervisor.
pub const PARENT_PID_ENV: &str = "SWITCHYARD_PARENT_PID";
/// Environment variable telling the worker to exit when its stdin reaches its end: the
/// supervisor holds the pipe's other end, which closes with it.
pub const LIFELINE_ENV: &str = "SWITCHYARD_LIFELINE";

/// Makes the child started by `command` receive SIGKILL as soon as this process dies.
///
/// Linux ties the parent-death signal to the thread that forks, not the process, so the
/// child must be spawned from a thread that lives as long as the child should: a Tokio
/// runtime worker or a thread that waits for the child, never a short-lived blocking-pool
/// thread.
pub fn die_with_parent(command: &mut std::process::Command) {
    let parent = getpid();
    // SAFETY: the closure runs in the forked child before exec. It only makes two system
    // calls and builds an error from a raw errno, so it neither allocates nor takes locks
    // that another thread of the parent may have held at fork time.
    unsafe {
        command.pre_exec(move || arm(parent));
    }
}

fn arm(parent: Pid) -> std::io::Result<()> {
    prctl::set_pdeathsig(Signal::SIGKILL)?;
    // The parent may have died between fork and prctl; the signal is then never sent, and the
    // child has already been handed to another process. Refusing to exec closes that gap.
    if getppid() != parent {
        return Err(Errno::ESRCH.into());
    }
    Ok(())
}
