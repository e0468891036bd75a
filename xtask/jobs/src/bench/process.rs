//! Child processes of the benchmark: their memory (from `/proc/PID/status` and
//! `wait4`'s rusage), stopping them, and free ports.

use std::io;
use std::net::TcpStream;
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Memory figures of `/proc/PID/status`, in KiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now.
    pub rss_kib: u64,
    /// Peak resident set size ("high water mark").
    pub hwm_kib: u64,
}

/// Reads `VmRSS` and `VmHWM` from the text of `/proc/PID/status`.
pub fn parse_status(text: &str) -> Option<Memory> {
    let field = |name: &str| {
        text.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            let mut words = rest.split_whitespace();
            let number = words.next()?.parse::<u64>().ok()?;
            match words.next() {
                Some("kB") | None => Some(number),
                Some(_) => None,
            }
        })
    };
    Some(Memory {
        rss_kib: field("VmRSS")?,
        hwm_kib: field("VmHWM")?,
    })
}

/// The memory of a running process, if it can be read.
pub fn memory(pid: u32) -> Option<Memory> {
    parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// How a waited-for child ended and its peak RSS (`ru_maxrss`, KiB on Linux).
#[derive(Clone, Copy, Debug)]
pub struct Exit {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub max_rss_kib: u64,
    /// When the wait returned.
    pub at: Instant,
}

/// Waits for `child` (at most `limit`, then it is killed) and returns its exit and
/// peak RSS as the kernel counted it.
pub fn wait_with_rusage(child: Child, limit: Duration) -> io::Result<Exit> {
    let pid = child.id();
    let raw_pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(wait4(raw_pid));
    });
    match receiver.recv_timeout(limit) {
        Ok(result) => {
            // The kernel has reaped it; std's handle must not wait again.
            std::mem::forget(child);
            result
        }
        Err(_) => {
            terminate(pid, Duration::ZERO);
            let _ = receiver.recv_timeout(Duration::from_secs(5));
            std::mem::forget(child);
            Err(io::Error::other(format!(
                "still running after {} s: killed",
                limit.as_secs()
            )))
        }
    }
}

fn wait4(pid: libc::pid_t) -> io::Result<Exit> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; pid is our own child.
        let reaped = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
        if reaped == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let at = Instant::now();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(Exit {
        code,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        at,
    })
}

/// Sends SIGTERM, then SIGKILL if the process is still there after `grace`.
pub fn terminate(pid: u32, grace: Duration) {
    let Ok(raw) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: kill(2) with a pid of our own child and a valid signal.
    unsafe {
        libc::kill(raw, libc::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !alive(pid) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: as above.
    unsafe {
        libc::kill(raw, libc::SIGKILL);
    }
}

/// Whether the process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
    })
}

/// A child that is stopped (SIGTERM, then SIGKILL) and reaped when dropped.
pub struct Guard {
    pub child: Child,
}

impl Guard {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited already.
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            terminate(self.child.id(), Duration::from_secs(5));
        }
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Whether something accepts connections on 127.0.0.1:`port`.
pub fn listening(port: u16) -> bool {
    TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// Waits until `port` accepts connections or `guard`'s process has exited.
pub fn wait_for_port(guard: &mut Guard, port: u16, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if listening(port) {
            return Ok(());
        }
        if guard.exited() {
            return Err("exited before listening".to_owned());
        }
        if Instant::now() > deadline {
            return Err(format!("not listening after {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tveriff\nUmask:\t0022\nState:\tS (sleeping)\n\
        VmPeak:\t  123456 kB\nVmSize:\t  120000 kB\nVmHWM:\t    7577 kB\n\
        VmRSS:\t    7400 kB\nRssAnon:\t    2000 kB\nThreads:\t3\n";

    #[test]
    fn rss_and_peak_are_read_from_proc_status() {
        assert_eq!(
            parse_status(STATUS),
            Some(Memory {
                rss_kib: 7400,
                hwm_kib: 7577
            })
        );
        // A kernel thread has no memory lines; a garbled number is no figure.
        assert_eq!(parse_status("Name:\tkthreadd\nState:\tS\n"), None);
        assert_eq!(parse_status("VmHWM:\tlots kB\nVmRSS:\t1 kB\n"), None);
        // VmRSS is not confused with RssAnon and friends.
        assert_eq!(
            parse_status("RssAnon:\t5 kB\nVmRSS:\t9 kB\nVmHWM:\t10 kB\n").map(|m| m.rss_kib),
            Some(9)
        );
    }

    #[test]
    fn this_process_has_memory_figures() {
        let me = memory(std::process::id());
        assert!(
            me.is_some_and(|m| m.hwm_kib >= m.rss_kib && m.rss_kib > 0),
            "{me:?}"
        );
    }
}
