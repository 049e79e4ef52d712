//! Integration tests of the ingest crate over real data.

#[cfg(feature = "corpus")]
mod corpus;
