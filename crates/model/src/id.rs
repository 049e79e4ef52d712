//! Record identifiers: stable, URL-safe, deterministic for the same source.
//!
//! An id is derived from the source's own identifier where it has one (a permalink in the
//! citation, a FRUS document id), otherwise from the record's title and printed date, so that
//! re-importing an edited file updates the same record. Ids are ASCII letters, digits, `-`, `.`
//! and `_`, in one or more segments joined by `/` (FRUS: `frus1955-57v26/d249`,
//! `frus1917-72PubDip/d1`), at most [`MAX_LEN`] bytes. An edition's own ids keep the case the
//! edition gives them, but two ids that differ only in case are the same id: equality, ordering
//! and hashing ignore case, and [`RecordId::key`] is the form to look one up by. The store never
//! gives a deleted id to another record.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use sha2::{Digest, Sha256};

/// The longest id we accept, in bytes.
pub const MAX_LEN: usize = 160;
/// The longest id made from a Wilson Center Digital Archive permalink that is a slug
/// (`wcda-<slug>`), in bytes; a longer slug is cut and given a hash of the whole.
pub const MAX_SLUG_ID_LEN: usize = 96;

/// A validated record id, spelled as its source spells it; compared without regard to case.
#[derive(Debug, Clone)]
pub struct RecordId(String);

impl PartialEq for RecordId {
    fn eq(&self, other: &RecordId) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for RecordId {}

impl Hash for RecordId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl PartialOrd for RecordId {
    fn partial_cmp(&self, other: &RecordId) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RecordId {
    fn cmp(&self, other: &RecordId) -> Ordering {
        let lower =
            |id: &RecordId| id.0.bytes().map(|b| b.to_ascii_lowercase()).collect::<Vec<u8>>();
        lower(self).cmp(&lower(other))
    }
}

/// Why a string is not a valid record id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError(pub String);

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IdError {}

impl RecordId {
    /// Validates an id.
    pub fn parse(text: &str) -> Result<RecordId, IdError> {
        if text.is_empty() || text.len() > MAX_LEN {
            return Err(IdError(format!(
                "an id has 1 to {MAX_LEN} characters, not {}",
                text.len()
            )));
        }
        for segment in text.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(IdError(format!(
                    "`{text}`: id segments between `/` must be non-empty names"
                )));
            }
            if let Some(bad) = segment
                .chars()
                .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
            {
                return Err(IdError(format!(
                    "`{text}`: `{bad}` is not allowed; ids use A-Z, a-z, 0-9, `-`, `.`, `_` and `/`"
                )));
            }
        }
        Ok(RecordId(text.to_string()))
    }

    /// The id as a string, spelled as its source spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form an id is looked up by: lowercase, so that `FRUS1955-57V26/D249` finds
    /// `frus1955-57v26/d249`.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// Whether two ids are spelled alike to the letter (equality ignores case).
    pub fn spelled_as(&self, other: &RecordId) -> bool {
        self.0 == other.0
    }

    /// Derives an id from a permalink. Known archives get short ids (the Wilson Center Digital
    /// Archive's `…/document/112970` is `wcda-112970`, and a slug permalink
    /// `…/document/letter-jawaharlal-nehru-…` is `wcda-letter-jawaharlal-nehru-…`, at most
    /// [`MAX_SLUG_ID_LEN`] bytes; history.state.gov's `…/historicaldocuments/frus1955-57v26/d249`
    /// is `frus1955-57v26/d249`, spelled as the edition spells it); any other URL becomes a slug
    /// of its host and path.
    pub fn from_permalink(url: &str) -> Option<RecordId> {
        let (host, segments) = permalink_parts(url)?;
        if host == "digitalarchive.wilsoncenter.org"
            && let ["document", slug, ..] = segments.as_slice()
        {
            if slug.bytes().all(|b| b.is_ascii_digit()) {
                return RecordId::parse(&format!("wcda-{slug}")).ok();
            }
            let slug = slugify(slug);
            if !slug.is_empty() {
                return Some(bounded(format!("wcda-{slug}"), url, MAX_SLUG_ID_LEN));
            }
        }
        if host == "history.state.gov"
            && let ["historicaldocuments", volume, document] = segments.as_slice()
            && let Ok(id) = RecordId::parse(&format!("{volume}/{document}"))
        {
            return Some(id);
        }
        let slug = slugify(&format!("{host} {}", segments.join(" ")));
        Some(bounded(slug, url, MAX_LEN))
    }

    /// The id the first stores (before schema 4) derived from a permalink: everything in lower
    /// case, and a Wilson Center slug permalink as a slug of its whole host and path. The store's
    /// migration uses it to find the records whose id it should now spell as
    /// [`RecordId::from_permalink`] does.
    pub fn from_permalink_v1(url: &str) -> Option<RecordId> {
        let (host, segments) = permalink_parts(url)?;
        if host == "digitalarchive.wilsoncenter.org"
            && let ["document", number, ..] = segments.as_slice()
            && number.bytes().all(|b| b.is_ascii_digit())
        {
            return RecordId::parse(&format!("wcda-{number}")).ok();
        }
        if host == "history.state.gov"
            && let ["historicaldocuments", volume, document] = segments.as_slice()
            && let Ok(id) = RecordId::parse(&format!("{volume}/{document}").to_ascii_lowercase())
        {
            return Some(id);
        }
        let slug = slugify(&format!("{host} {}", segments.join(" ")));
        Some(bounded(slug, url, MAX_LEN))
    }

    /// Derives an id for a record with no identifier of its own: a slug of the title's first
    /// words and a hash of the title and printed date, so that the same title and date always
    /// give the same id and different ones practically never collide.
    pub fn from_title_and_date(title: &str, printed_date: &str) -> RecordId {
        let words: Vec<&str> = title.split_whitespace().take(8).collect();
        let mut slug = slugify(&words.join(" "));
        slug.truncate(60);
        let slug = slug.trim_end_matches('-').to_string();
        let digest = hex(&Sha256::digest(format!("{title}\u{1f}{printed_date}").as_bytes())[..6]);
        let text =
            if slug.is_empty() { format!("rec-{digest}") } else { format!("{slug}-{digest}") };
        RecordId::parse(&text).expect("slug and hex digits are valid id characters")
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A permalink's host (lowercase, without `www.`) and path segments; `None` if it is not an
/// `http(s)` URL with a host.
fn permalink_parts(url: &str) -> Option<(String, Vec<&str>)> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.is_empty() {
        return None;
    }
    Some((host, path.split('/').filter(|s| !s.is_empty()).collect()))
}

/// Lowercase ASCII letters and digits, with every other run of characters turned into one `-`.
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// Keeps a slug within `max` bytes by cutting it and adding a hash of the whole source.
fn bounded(slug: String, source: &str, max: usize) -> RecordId {
    if !slug.is_empty() && slug.len() <= max {
        return RecordId::parse(&slug).expect("slugs are valid ids");
    }
    let digest = hex(&Sha256::digest(source.as_bytes())[..6]);
    let mut cut = slug;
    cut.truncate(max - 13);
    let cut = cut.trim_end_matches('-');
    RecordId::parse(&format!("{cut}-{digest}")).expect("slugs are valid ids")
}

/// Lowercase hexadecimal digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_of_known_archives() {
        let id = |url| RecordId::from_permalink(url).map(|id| id.to_string());
        assert_eq!(
            id("https://digitalarchive.wilsoncenter.org/document/112970").as_deref(),
            Some("wcda-112970")
        );
        assert_eq!(
            id("https://digitalarchive.wilsoncenter.org/document/112970/some-slug").as_deref(),
            Some("wcda-112970")
        );
        assert_eq!(
            id("https://history.state.gov/historicaldocuments/frus1955-57v26/d249").as_deref(),
            Some("frus1955-57v26/d249")
        );
        assert_eq!(
            id("https://nsarchive.gwu.edu/document/22321-Doc?x=1").as_deref(),
            Some("nsarchive-gwu-edu-document-22321-doc")
        );
        assert_eq!(id("not a url"), None);
        // The edition's own spelling is kept (issue 11).
        assert_eq!(
            id("https://history.state.gov/historicaldocuments/frus1917-72PubDip/d1").as_deref(),
            Some("frus1917-72PubDip/d1")
        );
        // A Wilson Center slug permalink is `wcda-<slug>`, bounded (issue 11).
        let nehru = "https://digitalarchive.wilsoncenter.org/document/letter-jawaharlal-nehru-nikita-khrushchev-concerning-the-situation-in-the-congo-and-the-un-secretary-general";
        let id = RecordId::from_permalink(nehru).unwrap();
        assert!(id.as_str().starts_with("wcda-letter-jawaharlal-nehru-nikita-khrushchev"), "{id}");
        assert!(id.as_str().len() <= MAX_SLUG_ID_LEN, "{}", id.as_str().len());
        assert_eq!(
            RecordId::from_permalink("https://digitalarchive.wilsoncenter.org/document/short-slug")
                .map(|id| id.to_string())
                .as_deref(),
            Some("wcda-short-slug")
        );
        // The rule before schema 4, for the migration.
        assert_eq!(
            RecordId::from_permalink_v1(nehru).unwrap().as_str(),
            "digitalarchive-wilsoncenter-org-document-letter-jawaharlal-nehru-nikita-khrushchev-concerning-the-situation-in-the-congo-and-the-un-secretary-general"
        );
        assert_eq!(
            RecordId::from_permalink_v1(
                "https://history.state.gov/historicaldocuments/frus1917-72PubDip/d1"
            )
            .unwrap()
            .as_str(),
            "frus1917-72pubdip/d1"
        );
    }

    #[test]
    fn case_is_kept_and_ignored() {
        let given = RecordId::parse("frus1917-72PubDip/d1").unwrap();
        let lower = RecordId::parse("frus1917-72pubdip/d1").unwrap();
        assert_eq!(given.as_str(), "frus1917-72PubDip/d1");
        assert_eq!(given, lower);
        assert!(!given.spelled_as(&lower));
        assert_eq!(given.key(), "frus1917-72pubdip/d1");
        let mut set = std::collections::HashSet::new();
        set.insert(given.clone());
        assert!(set.contains(&RecordId::parse("FRUS1917-72PUBDIP/D1").unwrap()));
        assert_eq!(given.cmp(&lower), std::cmp::Ordering::Equal);
    }

    #[test]
    fn long_urls_stay_bounded_and_distinct() {
        let a =
            RecordId::from_permalink(&format!("https://example.org/{}", "a/".repeat(200))).unwrap();
        let b = RecordId::from_permalink(&format!("https://example.org/{}b", "a/".repeat(200)))
            .unwrap();
        assert!(a.as_str().len() <= MAX_LEN);
        assert_ne!(a, b);
    }

    #[test]
    fn title_ids_are_deterministic() {
        let a = RecordId::from_title_and_date("Letter from Tito to Khrushchev", "August 11, 1954");
        let b = RecordId::from_title_and_date("Letter from Tito to Khrushchev", "August 11, 1954");
        let c = RecordId::from_title_and_date("Letter from Tito to Khrushchev", "August 12, 1954");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.as_str().starts_with("letter-from-tito-to-khrushchev-"));
        assert_eq!(RecordId::from_title_and_date("Ђилас", "1954").as_str().len(), 16);
    }

    #[test]
    fn validation() {
        assert!(RecordId::parse("frus1955-57v26/d249").is_ok());
        assert!(RecordId::parse("WCDA-112970").is_ok());
        for bad in ["", "a//b", "../x", "a b", "a/", "é"] {
            assert!(RecordId::parse(bad).is_err(), "{bad}");
        }
    }
}
