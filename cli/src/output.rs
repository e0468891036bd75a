//! Printing results and one-line errors, and the exit codes.

use std::io::{self, Write};

/// The API answered with an error status (400, 401, 404, 500).
pub const EXIT_API: u8 = 3;
/// A response's signature was missing or wrong.
pub const EXIT_SIGNATURE: u8 = 4;
/// The response could not be used: undocumented status, undecodable, too large.
pub const EXIT_RESPONSE: u8 = 5;
/// No response: connection, TLS or timeout failure.
pub const EXIT_TRANSPORT: u8 = 6;
/// Bad arguments or settings (clap uses 2 for its own usage errors too).
pub const EXIT_USAGE: u8 = 2;
/// Something in this program went wrong.
pub const EXIT_INTERNAL: u8 = 70;

/// Prints `error: <message>: <cause>: ...` as one line on stderr.
pub fn error_line(error: &dyn std::error::Error) {
    let mut line = format!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    let line = line.replace(['\n', '\r'], " ");
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
