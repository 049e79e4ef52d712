//! `chancery`: the command line of the Chancery archive.
//!
//! This binary is glue: it reads arguments and the environment, wires `chancery-ingest` to
//! `chancery-store`, prints results and picks the exit code. Exit codes: 0 success; 1 the input
//! was rejected or the command failed (nothing was written); 2 usage error.

mod args;
mod backup;
mod bagit;
mod data;
mod entities;
mod fault;
mod fixity;
mod import;
mod migrate;
mod preservation;
mod progress;
mod records;
mod search;
mod serve;
mod users;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// jemalloc gives freed memory back to the system (see the manifest); the allocator is chosen
/// here, in the binary, once.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
    match runtime.block_on(run(cli)) {
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

/// Runs one command; the modules never call each other's commands.
async fn run(cli: Cli) -> anyhow::Result<()> {
    let data = &cli.data;
    data::set_ocfl_root(cli.ocfl_root.clone());
    data::set_preservation_copy(!cli.no_preservation_copy);
    data::set_database(cli.database.as_deref(), cli.read_database.as_deref(), data)?;
    match cli.command {
        Command::Import { paths, json, replace, undelete } => {
            let policy = chancery_store::ImportPolicy { replace, undelete };
            import::import(data, &paths, json, policy).await
        }
        Command::Show { id, format } => records::show(data, &id, format).await,
        Command::List { json, limit } => records::list(data, json, limit).await,
        Command::Export { format: args::ExportFormat::Bagit, out, query, archive_name, .. } => {
            let out = out.ok_or_else(|| data::usage("give the folder to make the bag in"))?;
            bagit::export(data, &out, query.as_deref(), &archive_name).await
        }
        Command::Export { query: Some(_), .. } => {
            Err(data::usage("--query selects the records of a bag: give --format bagit"))
        }
        Command::Export { format, out, base_url, .. } => {
            records::export(data, format, &base_url, out.as_deref()).await
        }
        Command::History { id, show, revert, format, comment } => {
            let options = records::HistoryOptions { show, revert, format, comment };
            records::history(data, &id, options).await
        }
        Command::Delete { id, comment } => records::delete(data, &id, comment.as_deref()).await,
        Command::Search { query, limit, offset, sort, json } => {
            search::search(data, &query, limit, offset, sort, json).await
        }
        Command::Reindex => search::reindex(data).await,
        Command::User { command } => users::run(data, command).await,
        Command::Authority { decision: Some(decision), .. } => {
            entities::decide(data, decision).await
        }
        Command::Authority { key: Some(key), decision: None } => {
            entities::authority(data, &key).await
        }
        Command::Authority { key: None, decision: None } => Err(crate::data::usage(
            "give an entry key (frus1955-57v26#p_TMJB1), or merge, split or decisions",
        )),
        Command::Collections { id } => entities::collections(data, id.as_deref()).await,
        Command::Check => search::check(data).await,
        Command::Fixity => fixity::fixity(data).await,
        Command::Rebuild { from_ocfl } => preservation::rebuild(data, &from_ocfl).await,
        Command::Backup { dir } => backup::backup(data, &dir).await,
        Command::Restore { dir } => backup::restore(data, &dir).await,
        Command::Migrate { from, to } => migrate::migrate(&from, &to).await,
        Command::Serve {
            addr,
            base_url,
            no_demo,
            admin_email,
            oai_page_size,
            page_cache_mib,
            citation_memo_mib,
            max_connections,
            fixity_every_hours,
            fixity_first_after_seconds,
        } => {
            let options = serve::Options {
                addr,
                base_url,
                demo: !no_demo,
                admin_email,
                oai_page_size,
                page_cache_bytes: page_cache_mib.saturating_mul(1024 * 1024),
                citation_memo_bytes: citation_memo_mib.saturating_mul(1024 * 1024),
                max_connections,
                fixity_every: (fixity_every_hours > 0).then(|| {
                    std::time::Duration::from_secs(fixity_every_hours.saturating_mul(3600))
                }),
                fixity_first_after: std::time::Duration::from_secs(fixity_first_after_seconds),
                preservation_copy: data::keeps_preservation_copy(),
            };
            serve::serve(data, options).await
        }
    }
}
