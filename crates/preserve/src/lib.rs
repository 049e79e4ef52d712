//! Chancery's preservation copy: an OCFL 1.1 storage root (`ocfl/` in the data folder) that
//! holds every source file and every version of every record, readable without Chancery.
//!
//! Each kept source file is an object (`urn:chancery:source:<path>`) with a version for each
//! different content it was imported with; each record is an object
//! (`urn:chancery:record:<id>`) with a version for each entry of the store's change sequence:
//! `record.json` (the record in Chancery's JSON format), `source.json` (its source object, file,
//! SHA-256 and import time) and, for a deletion, `deleted.json`; and one object
//! (`urn:chancery:decisions:persons`) holds the curators' decisions about persons, a version each
//! time they change. `follow` brings the copy up to
//! the store after each write; `read` reads every version back in change order (what
//! `chancery rebuild --from-ocfl` replays) and checks the copy's fixity and its agreement with
//! the store; `ocfl` is the storage root itself.

mod error;
mod follow;
mod ocfl;
mod read;

pub use crate::error::{Error, Result};
pub use crate::follow::{
    CaughtUp, DECISIONS_FILE, DECISIONS_OBJECT, DELETED_FILE, LOCK_WAIT, Position,
    PreservedDecision, RECORD_FILE, ROOT_DIR, SOURCE_FILE, SourceRef, catch_up, lock, position,
    position_file, record_json, record_object, root_dir, source_file_name, source_object,
    sync_file_system,
};
pub use crate::ocfl::{Inventory, MAX_INVENTORY_BYTES, Meta, Pending, Root, User, Version, sha512};
pub use crate::read::{
    CopyFailure, CopyFixity, PreservedRecord, RecordVersion, SourceVersion, decisions,
    disagreements, fixity, record_version, source_bytes, versions,
};

#[cfg(test)]
mod tests;
