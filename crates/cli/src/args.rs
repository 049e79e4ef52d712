//! Command-line arguments, with the help text for each.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Chancery: a digital archive for the primary sources of international history.
///
/// Records live in an embedded store in the data folder (`--data`, or CHANCERY_DATA, default
/// ./chancery-data), or in PostgreSQL (`--database postgres://…`, or CHANCERY_DATABASE_URL), with
/// the search index and preservation copy still in the data folder. Exit codes: 0 success; 1 input rejected or command failed (nothing was
/// written); 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "chancery", version, propagate_version = true)]
pub(crate) struct Cli {
    /// The data folder holding the store.
    #[arg(
        long,
        global = true,
        env = "CHANCERY_DATA",
        default_value = "chancery-data",
        value_name = "DIR"
    )]
    pub(crate) data: PathBuf,

    /// The preservation copy's OCFL storage root, when it is not `ocfl/` in the data folder (put
    /// it on another disk); its position and lock files are kept beside it.
    #[arg(long, global = true, env = "CHANCERY_OCFL_ROOT", value_name = "DIR")]
    pub(crate) ocfl_root: Option<PathBuf>,

    /// A PostgreSQL database to keep the store in instead of the data folder
    /// (`postgres://user@host/db`; the database must exist). The data folder still holds this
    /// machine's search index and preservation copy. Any number of servers may share one.
    #[arg(
        long,
        global = true,
        env = "CHANCERY_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) database: Option<String>,

    /// A streaming replica of `--database` to read from (public pages, search, the API, OAI-PMH):
    /// read capacity grows with replicas. Writes, and a curator's own reads, go to `--database`.
    #[arg(
        long,
        global = true,
        env = "CHANCERY_READ_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) read_database: Option<String>,

    /// Keep no preservation copy on this machine: writes and the server leave `ocfl/` alone, and
    /// `check` does not compare one. For the machines of a shared PostgreSQL store, where one
    /// machine (without this option) keeps the copy for all.
    #[arg(long, global = true, env = "CHANCERY_NO_PRESERVATION_COPY")]
    pub(crate) no_preservation_copy: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Curator accounts (see `chancery serve`'s /curate pages).
#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Make an account. The password is read from standard input (a terminal does not show
    /// it), never from the command line: `chancery user add alice --role admin`.
    Add {
        /// The account name: letters, digits and . - _ @.
        name: String,
        /// What the account may do: admin (accounts, the audit log, everything), editor
        /// (publish, unpublish, delete, merge, import) or contributor (drafts).
        #[arg(long, value_parser = ["admin", "editor", "contributor"])]
        role: String,
    },
    /// List the accounts.
    List,
    /// Disable an account: it cannot sign in, its sessions end and its API tokens are revoked.
    Disable {
        /// The account.
        name: String,
    },
    /// Enable a disabled account again (its revoked tokens stay revoked).
    Enable {
        /// The account.
        name: String,
    },
    /// Give an account another role (its sessions end; its tokens keep at most the new role).
    SetRole {
        /// The account.
        name: String,
        /// admin, editor or contributor.
        #[arg(value_parser = ["admin", "editor", "contributor"])]
        role: String,
    },
    /// Give an account a new password, read from standard input; its sessions end.
    ResetPassword {
        /// The account.
        name: String,
    },
    /// End every session of an account (sign it out everywhere).
    SignOut {
        /// The account.
        name: String,
    },
    /// Make an API token for an account (printed once), or list or revoke tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print the audit log as JSON lines, oldest first.
    Audit {
        /// Only entries after this number.
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// Only this action (sign-in, sign-in-failed, edit, publish, delete, import, …).
        #[arg(long)]
        action: Option<String>,
    },
}

/// API tokens.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Make a token for an account with a role no higher than the account's.
    Add {
        /// The account.
        name: String,
        /// What the token may do.
        #[arg(long, value_parser = ["admin", "editor", "contributor"])]
        role: String,
        /// What uses it.
        #[arg(long)]
        label: String,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by its number.
    Revoke {
        /// The token's number (from `list`).
        id: i64,
    },
}

/// A curator's decision about persons, recorded with its reason and kept through reimports.
#[derive(Debug, Subcommand)]
pub(crate) enum AuthorityDecision {
    /// Merge a person into another (the first id then redirects to the second), or give a
    /// volume's persons-list entry to a person: `merge 'frus1955-57v26#p_XY1' tito-josip-broz`.
    Merge {
        /// The person (`dulles-john-f`) or the persons-list entry (`<volume>#<id>`) that joins.
        #[arg(value_name = "FROM")]
        from: String,
        /// The person it joins.
        #[arg(value_name = "INTO")]
        into: String,
        /// Why (recorded with the decision).
        #[arg(long)]
        reason: String,
    },
    /// Split persons-list entries off a person into a new person: they were two people.
    Split {
        /// The person whose entries are split off.
        #[arg(value_name = "PERSON")]
        person: String,
        /// An entry to move (`<volume>#<id>`); give one or more.
        #[arg(long = "entry", value_name = "KEY", required = true)]
        entries: Vec<String>,
        /// The new person's id (lowercase words joined by hyphens: `smith-john-1920`).
        #[arg(long = "into", value_name = "ID")]
        new: String,
        /// The new person's name, inverted as persons lists write it ("Smith, John").
        #[arg(long)]
        name: String,
        /// Why (recorded with the decision).
        #[arg(long)]
        reason: String,
    },
    /// List every decision, in the order taken.
    Decisions,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Import record files or folders (recursively) in one all-or-nothing batch.
    ///
    /// Reads the record text format (as the demo record), Chancery JSON (one record, an array,
    /// or JSON lines, as `export` writes). Folders are searched for .txt, .md, .json, .jsonl and
    /// .xml files; hidden files are skipped. Every problem in every file is reported with its
    /// file and line; if any is an error, nothing is imported and the exit code is 1. A record
    /// that is already stored is updated in place (its previous version is kept as a revision),
    /// or reported unchanged.
    ///
    /// An import never loses what a stored record held unasked: a replacement that would drop a
    /// field, a text, notes, or more than 1% of the text, or that comes from another kind of
    /// source (JSON over TEI), is refused with what it would lose, unless --replace is given; a
    /// deleted id stays deleted unless --undelete is given. Re-importing the same bytes is never
    /// a loss.
    Import {
        /// Files or folders to import.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print one JSON object per record: id, action (created, updated, unchanged), source.
        #[arg(long)]
        json: bool,
        /// Replace stored records even where the new version would lose something of them.
        #[arg(long)]
        replace: bool,
        /// Bring back records that were deleted, where the import has their id.
        #[arg(long)]
        undelete: bool,
    },
    /// Show one record, by id or by permalink.
    Show {
        /// A record id (wcda-112970) or a permalink
        /// (https://digitalarchive.wilsoncenter.org/document/112970).
        #[arg(value_name = "ID|URL")]
        id: String,
        /// Output format: `text` is the record text format, `json` Chancery JSON, `source` the
        /// exact bytes of the file it was imported from; `chicago` (note), `chicago-bibliography`,
        /// `mla`, `apa`, `bibtex`, `ris` and `csl-json` cite it (accessed today).
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// List records: id, date and title, one per line, in id order.
    List {
        /// Print JSON lines instead.
        #[arg(long)]
        json: bool,
        /// Show at most this many records.
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
    },
    /// Export every record (or, as a bag, a search's results).
    ///
    /// `--format bagit OUT` makes a BagIt 1.0 bag in the new folder OUT: the records in Chancery
    /// JSON lines and the exact bytes of their source files, with SHA-512 manifests and
    /// `bag-info.txt`; `chancery import OUT` checks a bag whole before it imports its records.
    Export {
        /// Export format: `jsonl` (Chancery JSON lines, re-importable), `cmif` (letters'
        /// correspondence metadata for correspSearch) or `bagit` (a transfer bag, into folder OUT).
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The archive's public base URL, for the permalinks CMIF points to.
        #[arg(long, default_value = "http://127.0.0.1:8080", value_name = "URL")]
        base_url: String,
        /// Bag only the records this search finds (with `--format bagit`).
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// The archive's name, for the bag's `Source-Organization` (with `--format bagit`).
        #[arg(long, default_value = "Chancery", value_name = "NAME")]
        archive_name: String,
        /// Write here (atomically: the file appears only when complete) instead of standard output.
        #[arg(value_name = "OUT")]
        out: Option<PathBuf>,
    },
    /// List a record's versions (revisions), show one, or bring one back.
    ///
    /// Without options, lists every revision with when it was superseded and where it came
    /// from (a deleted record's too). `--show N` prints revision N; `--revert N` makes revision
    /// N the current version again, as a new revision (the one it replaces is kept; a deleted
    /// record comes back).
    History {
        /// A record id or permalink.
        #[arg(value_name = "ID|URL")]
        id: String,
        /// Print revision N.
        #[arg(long, value_name = "N", conflicts_with = "revert")]
        show: Option<i64>,
        /// Bring revision N back as the newest version.
        #[arg(long, value_name = "N")]
        revert: Option<i64>,
        /// With --show: `text` (the record text format) or `json`.
        #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
        format: HistoryFormat,
        /// With --revert: why, kept with the change and in the audit log.
        #[arg(long, requires = "revert")]
        comment: Option<String>,
    },
    /// Search the archive.
    #[command(long_about = SEARCH_HELP)]
    Search {
        /// The query (see above); an empty query lists everything.
        #[arg(value_name = "QUERY", default_value = "")]
        query: String,
        /// How many hits to show (at most 1000).
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Skip this many hits (for the next page).
        #[arg(long, default_value_t = 0, value_name = "N")]
        offset: usize,
        /// Order: best match first, or earliest first.
        #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
        sort: SortOrder,
        /// Print JSON: the total, the hits (id, date, title, snippet, score) and the facet counts.
        #[arg(long)]
        json: bool,
    },
    /// Show an authority entry (a person or term of an edition) and the records that refer to
    /// it; or record a curator's decision about persons (merge, split), or list the decisions.
    #[command(args_conflicts_with_subcommands = true)]
    Authority {
        /// Its key, as `<volume>#<id>`: frus1955-57v26#p_TMJB1.
        #[arg(value_name = "KEY")]
        key: Option<String>,
        #[command(subcommand)]
        decision: Option<AuthorityDecision>,
    },
    /// Curator accounts, API tokens and the audit log.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// List collections: the top-level ones (volumes), or the parts of one.
    Collections {
        /// A collection id (frus1955-57v26); without it, the top-level collections.
        #[arg(value_name = "ID")]
        id: Option<String>,
    },
    /// Rebuild the search index from the store, from scratch.
    ///
    /// The store is the only source of truth; the index can always be rebuilt. Until the
    /// rebuild commits, searches (and a crash) see the old index.
    Reindex,
    /// Check that the search index and the preservation copy agree with the store (after
    /// catching both up).
    ///
    /// Exits 1 and lists the differences if any record is missing, stale or extra in the index,
    /// or if the preservation copy (`ocfl/`) lacks a record's newest change.
    Check,
    /// Hash every stored source file and every file of the preservation copy again.
    ///
    /// Compares each source with the SHA-256 it was stored under and each file of the
    /// preservation copy with the SHA-512 its OCFL inventory records (and each inventory with its
    /// sidecar). Lists each that no longer matches, with the records it concerns, and exits 1 if
    /// there is one.
    Fixity,
    /// Rebuild the store from the preservation copy alone, into a data folder with no store.
    ///
    /// Replays every source and record version of the OCFL storage root in the order the store
    /// made them: records, revisions, tombstones and the change sequence come back as they were,
    /// with the persons, offices and collections their sources define, and the curators'
    /// decisions about persons.
    Rebuild {
        /// The OCFL storage root to read (a data folder's `ocfl/`).
        #[arg(long = "from-ocfl", value_name = "ROOT")]
        from_ocfl: PathBuf,
    },
    /// Back up the archive into a new folder, while it serves and imports.
    ///
    /// The folder gets a consistent copy of the database (every import batch whole or not at
    /// all, whatever is being written meanwhile), `backup.json` saying what it holds, and
    /// `manifest-sha256.txt` with each file's SHA-256. It appears only when complete. The search
    /// index is not copied: it is derived from the database, and `restore` rebuilds it.
    Backup {
        /// The folder to make (it must not exist, or be empty).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Restore a backup made by `backup` into the data folder, which must hold no store.
    ///
    /// Every file is checked against the backup's manifest first: a damaged or incomplete backup
    /// is refused, naming the file, and nothing is written. Then the database is put in place,
    /// checked (SQLite's integrity check), migrated if it is older, and the search index is
    /// rebuilt from it.
    Restore {
        /// The backup folder.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Copy a whole store to another backend: a data folder's to PostgreSQL, or back.
    ///
    /// Every record, revision, tombstone, source file, authority, collection, person, change,
    /// account, session, token, draft and audit entry is copied, with its numbers and times, in
    /// one transaction; then both stores are digested table by table (rows and SHA-256) and the
    /// digests compared. The target must hold no store. `--data` and `--database` are not used:
    /// both ends are named here.
    Migrate {
        /// The store to copy: a data folder, or a postgres:// URL.
        #[arg(long, value_name = "DIR|URL")]
        from: String,
        /// Where to copy it: a data folder with no store, or a postgres:// URL of an empty
        /// database.
        #[arg(long, value_name = "DIR|URL")]
        to: String,
    },
    /// Delete a record. Its id stays reserved (a tombstone) and its revisions are kept.
    Delete {
        /// A record id or permalink.
        #[arg(value_name = "ID|URL")]
        id: String,
        /// Why: kept with the change and in the audit log.
        #[arg(long)]
        comment: Option<String>,
    },
    /// Serve the archive on the web: reading pages, search, the JSON API and OAI-PMH; curation
    /// at /curate for accounts made with `chancery user add`.
    ///
    /// Opens (creating if needed) the store in the data folder; an empty store gets the demo
    /// record. `chancery import` may run while the server does (the server follows the store
    /// within a second). Stops cleanly on Ctrl-C or SIGTERM.
    /// Logs go to standard error (filter with CHANCERY_LOG, e.g. `debug`).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "IP:PORT")]
        addr: std::net::SocketAddr,
        /// The public base URL for permalinks and OAI-PMH (default: http://<addr>).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Do not load the demo record into an empty store.
        #[arg(long)]
        no_demo: bool,
        /// The contact address OAI-PMH `Identify` gives harvesters.
        #[arg(long, default_value = "archivist@example.org", value_name = "EMAIL")]
        admin_email: String,
        /// Records per OAI-PMH list response before a resumption token.
        #[arg(long, default_value_t = 100, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
        oai_page_size: u32,
        /// Memory for rendered pages (document, search and home pages, kept compressed until the
        /// store changes); 0 renders every request.
        #[arg(long, default_value_t = 64, value_name = "MIB")]
        page_cache_mib: usize,
        /// Memory for citations, by record revision and access day (kept across store changes,
        /// unlike rendered pages); 0 cites afresh on every document page.
        #[arg(long, default_value_t = chancery_web::CITATION_MEMO_BYTES / (1024 * 1024), value_name = "MIB")]
        citation_memo_mib: usize,
        /// Connections served at once; past it a new connection is answered 503 and closed.
        #[arg(long, default_value_t = chancery_web::MAX_CONNECTIONS, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_connections: u32,
        /// Run a fixity check (`chancery fixity`: every stored source and every file of the
        /// preservation copy hashed again) in the background this often, at low priority;
        /// `/api/v1/health` shows the last result and the log names each failure. 0: never.
        #[arg(long, default_value_t = 24, value_name = "HOURS")]
        fixity_every_hours: u64,
        /// Run the first background fixity check this long after starting.
        #[arg(long, default_value_t = 600, value_name = "SECONDS")]
        fixity_first_after_seconds: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SortOrder {
    Relevance,
    /// Oldest first.
    Date,
    /// Newest first.
    Newest,
    /// As the editions print them: by volume, then the place in the volume.
    Edition,
}

const SEARCH_HELP: &str = "Search the archive.

Words match titles, texts, summaries, names, archives and citations, across scripts and
spellings: Тито finds Tito, Београд finds Beograd, and Хрущёв, Hruščov, Chruschtschow and
Khrushchev find one another. An exact spelling ranks above a folded or transliterated one.
A record id, a signature (507 / IX, 119/I-50) or a permalink finds that record first.

Query language:
  normalization Djilas          every word must match
  \"poison the atmosphere\"       a phrase: these words, in this order
  tito OR kardelj               either
  -stalin                       leave out records that match
  title:letter                  in titles;  also author:, recipient:, archive:, collection:
  author:\"Nikita Khrushchev\"    a phrase in a field
  lang:hbs  lang:Russian        original language (ISO 639 code or English name)
  type:letter                   letter, telegram, memorandum, record-of-conversation, ...
  date:1954  date:1954-08       a year, month or day
  date:1948..1955               a range; also date:..1955 and date:1950..
                                (a record matches when its date overlaps the range)

Malformed queries are reported with the column and what to fix (exit code 2).";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ShowFormat {
    Text,
    Json,
    Source,
    Chicago,
    ChicagoBibliography,
    Mla,
    Apa,
    Bibtex,
    Ris,
    CslJson,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum HistoryFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    /// Chancery JSON, one record per line (re-importable).
    Jsonl,
    /// Correspondence metadata (letters, telegrams, despatches, notes with sender, recipient
    /// and date) in CMIF, the TEI format correspSearch harvests.
    Cmif,
    /// A BagIt 1.0 transfer bag (a folder): records in Chancery JSON lines and their sources'
    /// exact bytes, with SHA-512 manifests.
    Bagit,
    /// The curated events between parties, as an events file (re-importable).
    Events,
}
