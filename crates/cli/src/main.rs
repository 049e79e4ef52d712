//! `chancery`: the command line of the Chancery archive.
//!
//! This binary is glue: it reads arguments and the environment, wires `chancery-ingest` to
//! `chancery-store`, prints results and picks the exit code. Exit codes: 0 success; 1 the input
//! was rejected or the command failed (nothing was written); 2 usage error.

mod args;
mod commands;
mod fault;
mod progress;
mod search;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

/// An error whose message is already complete and whose exit code is known.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Exit code for rejected input and failed commands.
pub(crate) const EXIT_REJECTED: u8 = 1;
/// Exit code for usage errors.
pub(crate) const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server wants every core; the other commands are sequential.
    let mut builder = if matches!(cli.command, args::Command::Serve { .. }) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("chancery: cannot start the async runtime: {error}");
            return ExitCode::from(EXIT_REJECTED);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`chancery list | head`) is not an error.
        Err(error)
            if error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            let code = error.downcast_ref::<Failure>().map_or(EXIT_REJECTED, |f| f.code);
            eprintln!("chancery: {error:#}");
            ExitCode::from(code)
        }
    }
}
