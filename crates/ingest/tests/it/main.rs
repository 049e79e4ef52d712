//! Integration tests of the ingest crate over real data.

mod corpus;
