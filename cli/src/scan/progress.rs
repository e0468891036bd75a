//! The progress bar on stderr, only when stderr is a terminal: a log file or a pipe
//! gets no control characters. Over a file the bar follows the bytes of input done;
//! over standard input (length unknown) a spinner counts sessions.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The message is rebuilt at most this often.
const REFRESH: Duration = Duration::from_millis(100);

pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    refreshed: Instant,
}

impl Progress {
    /// A bar when stderr is a terminal; `input_size` is the input file's length.
    pub fn new(input_size: Option<u64>) -> Option<Self> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = match input_size {
            Some(size) => {
                let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} (ETA {eta})",
                )
                .ok()?
                .progress_chars("█▉▊▋▌▍▎▏ ");
                bar.set_style(style);
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}").ok()?,
                );
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(120));
        let now = Instant::now();
        Some(Self {
            bar,
            started: now,
            refreshed: now,
        })
    }

    /// After a record is written: `position` is the input offset it ends at.
    pub fn update(&mut self, position: u64, sessions: u64, failed: u64) {
        self.bar.set_position(position);
        let now = Instant::now();
        if now.duration_since(self.refreshed) >= REFRESH {
            self.refreshed = now;
            self.bar
                .set_message(message(sessions, failed, self.started.elapsed()));
        }
    }

    /// A line above the bar (interruption notices).
    pub fn println(&self, line: &str) {
        self.bar.println(line);
    }

    /// Removes the bar, leaving the terminal clean for the final messages.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

fn message(sessions: u64, failed: u64, elapsed: Duration) -> String {
    let rate = sessions as f64 / elapsed.as_secs_f64().max(0.001);
    format!("{sessions} sessions, {failed} failed, {rate:.0}/s")
}
