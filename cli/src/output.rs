//! Printing results and one-line errors, and the exit codes.

use std::io::{self, Write};

/// At least one session of a scan failed; its record says why.
pub const EXIT_SOME_FAILED: u8 = 1;
/// Bad arguments or settings (clap uses 2 for its own usage errors too), including
/// a file that is not what the command reads (a fixture file, a scan's output).
pub const EXIT_USAGE: u8 = 2;
/// The API answered with an error status (400, 401, 404, 500).
pub const EXIT_API: u8 = 3;
/// A response's signature was missing or wrong.
pub const EXIT_SIGNATURE: u8 = 4;
/// The response could not be used: undocumented status, undecodable, too large.
pub const EXIT_RESPONSE: u8 = 5;
/// No response: connection, TLS or timeout failure.
pub const EXIT_TRANSPORT: u8 = 6;
/// Something in this program went wrong.
pub const EXIT_INTERNAL: u8 = 70;
/// Reading the input or writing the output failed (sysexits' `EX_IOERR`).
pub const EXIT_IO: u8 = 74;
/// Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// `error: <message>: <cause>: ...`, the causes that the message does not already
/// include, as one line.
pub fn error_text(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    one_line(&line)
}

/// Replaces line breaks, so that whatever a server or the OS said stays on one line.
pub fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// Prints `error: <message>: <cause>: ...` as one line on stderr.
pub fn error_line(error: &dyn std::error::Error) {
    error_with_hint(&error_text(error), None);
}

/// Prints `error: <message>; hint: <hint>` as one line on stderr.
pub fn error_with_hint(message: &str, hint: Option<&str>) {
    let mut line = format!("error: {}", one_line(message));
    if let Some(hint) = hint {
        line.push_str("; hint: ");
        line.push_str(&one_line(hint));
    }
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Writes `text` to stdout; a closed pipe (`veriff ... | head`) is not an error.
pub fn print(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
