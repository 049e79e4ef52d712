//! Chancery's record model: what an archive record *is*, as plain data.
//!
//! A [`record::Record`] is one primary source as an archive publishes it: title, date (as printed
//! and as EDTF), citation (as printed and in structured parts), summary, credits, original
//! languages, and one or more texts (translation, transcript, original). Nothing here does I/O,
//! knows a file format, or derives `Serialize`: formats live in `chancery-ingest`, persistence in
//! `chancery-store`.
//!
//! ```
//! use chancery_model::date::Edtf;
//! let date: Edtf = "1954-08-11/1954-08-12".parse().unwrap();
//! assert_eq!(date.bounds().0.unwrap().to_string(), "1954-08-11");
//! ```

pub mod agents;
pub mod archives;
pub mod authority;
pub mod date;
pub mod doc_type;
pub mod event;
pub mod id;
pub mod language;
pub mod loss;
pub mod office;
pub mod organization;
pub mod person;
pub mod record;
pub mod romanize;
pub mod transliterate;
pub mod visit;
