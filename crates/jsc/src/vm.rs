//! A JavaScriptCore VM (context group): one heap, one JIT, many contexts.

use std::cell::{Cell, RefCell};
use std::ffi::{c_uint, c_void};
use std::rc::Rc;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::ffi;
use crate::function;

pub(crate) struct VmInner {
    pub(crate) group: ffi::JSContextGroupRef,
    pub(crate) function_class: ffi::JSClassRef,
    /// The limits the watchdog enforces and why it last stopped a script; boxed so the
    /// callback's pointer to it stays valid.
    pub(crate) watch: Box<Watch>,
    /// Host-function closures whose JS objects were finalized; dropped at a safe point
    /// because a closure may own protected values, which must not be unprotected mid-GC.
    pub(crate) graveyard: RefCell<Vec<Box<dyn std::any::Any>>>,
}

impl VmInner {
    pub(crate) fn bury_dead(&self) {
        let dead = std::mem::take(&mut *self.graveyard.borrow_mut());
        drop(dead);
    }
}

impl Drop for VmInner {
    fn drop(&mut self) {
        // SAFETY: we own the group and class; every context holds an Rc to us, so none is left.
        unsafe {
            ffi::JSClassRelease(self.function_class);
            ffi::JSContextGroupRelease(self.group);
        }
    }
}

/// A JavaScriptCore VM. Not `Send`: a VM lives and dies on the thread that made it.
#[derive(Clone)]
pub struct Vm(pub(crate) Rc<VmInner>);

/// The largest function (in JavaScriptCore's bytecode cost) its fourth tier, the FTL JIT,
/// may compile.
///
/// Measured on a server-rendered React page (the 200-item bench page, 2 workers, 50
/// connections): with the engine's default (20,000), FTL compilations of React's large
/// functions took the process from 160 MiB to over 1 GiB for seconds and halved throughput
/// during warm-up, for no gain once warm. At 500 memory stays flat (about 140 MiB) and warm-up
/// is short, while small hot functions — the Web APIs on every request, route handlers —
/// still reach FTL (without it at all, middleware and JSON routes lose 5–10%).
const FTL_MAX_FUNCTION_COST: c_uint = 500;

/// Sets the engine's process-wide options, once, before the first VM exists.
fn configure_engine() {
    static CONFIGURED: Once = Once::new();
    CONFIGURED.call_once(|| {
        // SAFETY: a NUL-terminated option name; called before any VM is created.
        let known = unsafe {
            ffi::jsc_options_set_uint(
                c"maximumFTLCandidateBytecodeCost".as_ptr(),
                FTL_MAX_FUNCTION_COST,
            )
        };
        debug_assert!(
            known != 0,
            "JavaScriptCore knows maximumFTLCandidateBytecodeCost"
        );
    });
}

impl Vm {
    /// Creates a VM with no execution time limit.
    pub fn new() -> Self {
        configure_engine();
        // SAFETY: plain constructors; ownership is taken by VmInner.
        let (group, function_class) =
            unsafe { (ffi::JSContextGroupCreate(), function::create_class()) };
        Vm(Rc::new(VmInner {
            group,
            function_class,
            watch: Box::new(Watch::default()),
            graveyard: RefCell::new(Vec::new()),
        }))
    }

    /// Stops any single entry into JavaScript that runs longer than `limit`.
    ///
    /// The stopped call returns [`crate::JsError::Terminated`]. The limit applies to each
    /// top-level call from Rust into the VM separately.
    pub fn set_execution_time_limit(&self, limit: Duration) {
        self.0.watch.cpu_limit.set(Some(limit));
        self.arm_watchdog();
    }

    /// Removes the execution time limit (a memory limit, if set, is still watched).
    pub fn clear_execution_time_limit(&self) {
        self.0.watch.cpu_limit.set(None);
        if self.0.watch.memory_limit.get().is_some() {
            self.arm_watchdog();
        } else {
            // SAFETY: the group is alive.
            unsafe { ffi::JSContextGroupClearExecutionTimeLimit(self.0.group) }
        }
    }

    /// Stops script that makes the VM keep more than `bytes` of heap, with
    /// [`crate::JsError::OutOfMemory`].
    ///
    /// The heap includes array buffers; string contents are not in the engine's statistics
    /// (measured with WebKitGTK 2.50), see [`Vm::set_resident_ceiling`]. Running script is checked every [`MEMORY_CHECK_INTERVAL`] of CPU time; between calls,
    /// the embedder checks with [`Vm::over_memory_limit`].
    pub fn set_memory_limit(&self, bytes: usize) {
        self.0.watch.memory_limit.set(Some(bytes));
        self.arm_watchdog();
    }

    /// Also stops script of this VM, once it made the process grow, while the process's
    /// resident memory stays over `bytes` after a collection: a backstop for memory the
    /// engine's heap statistics leave out, such as the contents of strings.
    pub fn set_resident_ceiling(&self, bytes: usize) {
        self.0.watch.resident_ceiling.set(Some(bytes));
    }

    /// Whether the VM keeps more heap than its memory limit after a collection (or the process
    /// is over its resident ceiling); `ctx` is any context of this VM to ask through.
    ///
    /// Cheap unless the process grew since the last measurement; looks at most every
    /// [`LOOK_EVERY`].
    pub fn over_memory_limit(&self, ctx: &crate::Context) -> bool {
        // Reading the resident size costs a system call; requests come faster than memory
        // can grow dangerously between two reads this far apart.
        let watch = &self.0.watch;
        let now = std::time::Instant::now();
        if watch
            .looked_at
            .get()
            .is_some_and(|last| now.duration_since(last) < LOOK_EVERY)
        {
            return false;
        }
        watch.looked_at.set(Some(now));
        // SAFETY: the context is alive, on this thread, and no script runs on it from Rust.
        let over = unsafe { over_memory_limit(&self.0.watch, ctx.raw()) };
        self.0.bury_dead();
        over
    }

    /// The VM's live heap in bytes after a full collection; `ctx` is any of its contexts.
    pub fn heap_size(&self, ctx: &crate::Context) -> Option<usize> {
        // SAFETY: the context is alive and no script is running on it from Rust.
        unsafe { ffi::JSSynchronousGarbageCollectForDebugging(ctx.raw()) };
        self.0.bury_dead();
        // SAFETY: as above.
        unsafe { heap_statistics(ctx.raw()) }.map(|statistics| statistics.size)
    }

    fn arm_watchdog(&self) {
        let watch = &*self.0.watch;
        let tick = match (watch.cpu_limit.get(), watch.memory_limit.get()) {
            (Some(cpu), Some(_)) => cpu.min(MEMORY_CHECK_INTERVAL),
            (Some(cpu), None) => cpu,
            (None, _) => MEMORY_CHECK_INTERVAL,
        };
        watch.tick.set(tick);
        watch.group.set(Some(self.0.group));
        let data: *const Watch = watch;
        // SAFETY: the Watch outlives the group (both owned by VmInner).
        unsafe {
            ffi::JSContextGroupSetExecutionTimeLimit(
                self.0.group,
                tick.as_secs_f64(),
                Some(on_watchdog),
                data as *mut c_void,
            );
        }
    }
}

/// How much CPU time script may run between two looks at the memory it keeps.
///
/// A look itself is cheap: it reads the process's resident size (a few microseconds), and
/// only when the process grew by [`MEASURE_AFTER_GROWTH`] the engine's heap statistics, which
/// walk the heap (about 20 ms for 200,000 objects). The watchdog firing is not: the engine
/// stops the thread through its traps each time (apparently giving up optimized code on its
/// stack), and at a 20 ms interval that halved Edge SSR throughput (measured: 594 against 957–1,079 req/s at 200 ms
/// and above). Requests are looked at as they end, whatever this interval; it bounds only a
/// single long call, which can keep what it allocates in this much CPU time before it is
/// stopped (single huge allocations are refused up front, see the Edge runtime's
/// `allocation_limit.js`).
pub const MEMORY_CHECK_INTERVAL: Duration = Duration::from_millis(250);

/// The shortest time between two looks at the process's size from [`Vm::over_memory_limit`].
pub const LOOK_EVERY: Duration = Duration::from_millis(2);

/// Process growth since the last heap measurement after which the heap is measured again.
///
/// Keeping memory makes the process grow, so no route escapes measurement; a VM overshoots its
/// limit by at most about this much.
pub const MEASURE_AFTER_GROWTH: usize = 16 << 20;

/// Resident memory of the process when a VM's script was last stopped for memory, lowered to
/// every smaller reading since: growth below it is not any VM's.
static RESIDENT_FLOOR: AtomicUsize = AtomicUsize::new(0);

/// Resident memory of the process in bytes, from `/proc/self/statm`; `None` where it cannot
/// be read.
pub fn resident_memory() -> Option<usize> {
    // x86-64 and arm64 Linux use 4 KiB pages; the figure is only compared with itself.
    const PAGE_SIZE: usize = 4096;
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages.saturating_mul(PAGE_SIZE))
}

/// Why the watchdog stopped a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    CpuTime,
    Memory,
}

/// The watchdog's state, shared with its callback.
#[derive(Default)]
pub(crate) struct Watch {
    cpu_limit: Cell<Option<Duration>>,
    memory_limit: Cell<Option<usize>>,
    /// The interval the engine calls [`on_watchdog`] at, while script runs.
    tick: Cell<Duration>,
    /// The thread's CPU time when the current outermost call into script began.
    cpu_at_entry: Cell<Duration>,
    /// Resident memory of the process above which the VM's script is stopped even when its
    /// heap is under the limit: memory the engine does not account (string contents).
    resident_ceiling: Cell<Option<usize>>,
    /// Set by the callback when it stops a script; taken by the call that returns.
    pub(crate) stopped: Cell<Option<Stop>>,
    /// Resident memory of the process when this VM's heap was last measured.
    measured_at_resident: Cell<usize>,
    /// When [`Vm::over_memory_limit`] last read the resident size.
    looked_at: Cell<Option<std::time::Instant>>,
    /// The VM, for the callback to re-arm the watchdog.
    group: Cell<Option<ffi::JSContextGroupRef>>,
}

impl Watch {
    /// A new outermost call into script starts with the whole CPU budget.
    pub(crate) fn restart(&self) {
        self.cpu_at_entry.set(thread_cpu_time());
    }
}

/// CPU time the calling thread has used.
fn thread_cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    /// Linux's `CLOCK_THREAD_CPUTIME_ID`.
    const THREAD_CPU_CLOCK: i32 = 3;
    let mut time = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: a valid clock id and a place for the result; the C library is always linked.
    if unsafe { clock_gettime(THREAD_CPU_CLOCK, &mut time) } != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(time.seconds).unwrap_or(0),
        u32::try_from(time.nanoseconds).unwrap_or(0),
    )
}

/// What the engine's memory statistics say of a VM's heap.
struct HeapStatistics {
    /// Live bytes as of the last collection, with accounted memory outside the heap.
    size: usize,
    /// Bytes held now, garbage included, with accounted memory outside the heap.
    capacity: usize,
}

/// Reads the engine's statistics object, which is dropped right away.
///
/// SAFETY: `ctx` must be a live context, on its VM's thread.
unsafe fn heap_statistics(ctx: ffi::JSContextRef) -> Option<HeapStatistics> {
    // SAFETY: per the caller; the statistics object is on the stack (so the collector keeps
    // it) until its numbers are read.
    unsafe {
        let statistics = ffi::JSGetMemoryUsageStatistics(ctx);
        if statistics.is_null() {
            return None;
        }
        let read = |name: &str| {
            let name = crate::string::JsString::new(name);
            let mut exception = std::ptr::null();
            let value = ffi::JSObjectGetProperty(ctx, statistics, name.0, &mut exception);
            if !exception.is_null() || value.is_null() {
                return None;
            }
            let bytes = ffi::JSValueToNumber(ctx, value, &mut exception);
            (exception.is_null() && bytes.is_finite() && bytes >= 0.0).then_some(bytes as usize)
        };
        Some(HeapStatistics {
            size: read("heapSize")?,
            capacity: read("heapCapacity")?,
        })
    }
}

/// Whether the VM keeps more than its memory limit after a full collection; looks only when
/// the process grew by [`MEASURE_AFTER_GROWTH`] since the last measurement.
///
/// SAFETY: `ctx` must be a live context of the VM `watch` belongs to, on its thread, at a
/// point where the collector may run.
unsafe fn over_memory_limit(watch: &Watch, ctx: ffi::JSContextRef) -> bool {
    let Some(limit) = watch.memory_limit.get() else {
        return false;
    };
    let resident = resident_memory().unwrap_or(usize::MAX);
    // Growth counts from the lowest point since the last measurement, so memory that was
    // freed and is taken again is measured too.
    let floor = RESIDENT_FLOOR
        .fetch_min(resident, Ordering::Relaxed)
        .min(resident);
    let measured_at = watch.measured_at_resident.get().min(resident);
    watch.measured_at_resident.set(measured_at);
    if resident < measured_at.max(floor).saturating_add(MEASURE_AFTER_GROWTH) {
        return false;
    }
    watch.measured_at_resident.set(resident);
    // SAFETY: per the caller.
    let Some(before) = (unsafe { heap_statistics(ctx) }) else {
        return false;
    };
    let ceiling = watch.resident_ceiling.get().unwrap_or(usize::MAX);
    if before.size.max(before.capacity) <= limit && resident <= ceiling {
        return false;
    }
    // Garbage counts until the collector runs; only what survives a full collection is kept.
    // SAFETY: per the caller.
    let after = unsafe {
        ffi::JSSynchronousGarbageCollectForDebugging(ctx);
        heap_statistics(ctx)
    };
    let resident = resident_memory().unwrap_or(resident);
    watch.measured_at_resident.set(resident);
    let over = after.is_some_and(|after| after.size > limit) || resident > ceiling;
    if over {
        // The memory of the script stopped now takes a moment to leave the process; until
        // then, other VMs must not take that growth for their own.
        RESIDENT_FLOOR.fetch_max(resident, Ordering::Relaxed);
    }
    over
}

impl Default for Vm {
    fn default() -> Self {
        Self::new()
    }
}

unsafe extern "C" fn on_watchdog(ctx: ffi::JSContextRef, data: *mut c_void) -> bool {
    // SAFETY: `data` is the VmInner's boxed Watch, alive while scripts run in the group.
    let watch = unsafe { &*(data as *const Watch) };
    if let Some(limit) = watch.cpu_limit.get()
        && thread_cpu_time().saturating_sub(watch.cpu_at_entry.get()) >= limit
    {
        watch.stopped.set(Some(Stop::CpuTime));
        return true;
    }
    // SAFETY: the engine passes the running context and calls the watchdog on its thread,
    // at a safe point of the script, where a collection may run (as at any allocation).
    if unsafe { over_memory_limit(watch, ctx) } {
        watch.stopped.set(Some(Stop::Memory));
        return true;
    }
    // Returning false alone does not bring the callback back (measured with WebKitGTK 2.50:
    // it ran once per call into script); setting the limit again, which the engine allows
    // from this callback, starts the next interval.
    if let Some(group) = watch.group.get() {
        // SAFETY: the group is alive while its script runs; `data` stays valid as above.
        unsafe {
            ffi::JSContextGroupSetExecutionTimeLimit(
                group,
                watch.tick.get().as_secs_f64(),
                Some(on_watchdog),
                data,
            )
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use std::ffi::{c_char, c_int, c_uint};

    use super::*;

    unsafe extern "C" {
        fn jsc_options_get_uint(option: *const c_char, value: *mut c_uint) -> c_int;
    }

    #[test]
    fn the_engine_is_configured_before_the_first_vm() {
        let _vm = Vm::new();
        let mut cost: c_uint = 0;
        // SAFETY: a NUL-terminated option name and a place for its value.
        let known =
            unsafe { jsc_options_get_uint(c"maximumFTLCandidateBytecodeCost".as_ptr(), &mut cost) };
        assert_ne!(known, 0);
        assert_eq!(cost, FTL_MAX_FUNCTION_COST);
    }
}
