//! What the benchmark programs measure besides wall time, shared by the core and CLI examples
//! (`#[path]`-included): CPU time from getrusage(2) — on a shared machine wall time also counts
//! waiting for other processes — and peak resident memory. Linux only; 0 / None elsewhere.
#![allow(dead_code)] // each example uses some of it

/// CPU seconds (user + system) this process has used.
pub fn cpu_seconds() -> f64 {
    rusage_seconds(0) // RUSAGE_SELF
}

/// CPU seconds of the child processes waited for so far.
pub fn child_cpu_seconds() -> f64 {
    rusage_seconds(-1) // RUSAGE_CHILDREN
}

/// Peak resident memory of this process (VmHWM), in kB.
pub fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(target_os = "linux")]
fn rusage_seconds(who: i32) -> f64 {
    // SAFETY: an all-zero rusage is valid; getrusage only writes into it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF or RUSAGE_CHILDREN with a properly laid out buffer.
    if unsafe { libc::getrusage(who, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

#[cfg(not(target_os = "linux"))]
fn rusage_seconds(_who: i32) -> f64 {
    0.0
}
