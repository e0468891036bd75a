//! `veriff completions <SHELL>`: a completion script for the shell, on stdout.

use std::process::ExitCode;

use clap_complete::Shell;

use crate::output::{self, EXIT_IO};

pub const EXAMPLES: &str = "\
Examples:
  veriff completions bash > ~/.local/share/bash-completion/completions/veriff
  veriff completions zsh > \"${fpath[1]}/_veriff\"
  veriff completions fish > ~/.config/fish/completions/veriff.fish
  veriff completions powershell >> $PROFILE";

#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Writes the script for `command` (the whole `veriff` command tree).
pub fn run(args: &Args, mut command: clap::Command) -> ExitCode {
    // Into memory first: clap_complete panics on a write error, such as a closed pipe.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "veriff", &mut script);
    match output::print(&String::from_utf8_lossy(&script)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::error_line(&err);
            ExitCode::from(EXIT_IO)
        }
    }
}
