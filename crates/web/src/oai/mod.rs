//! OAI-PMH 2.0 at `/oai`: the six verbs, `oai_dc` records, sets from collections, persistent
//! deletions, and resumption tokens that stay correct while records change.
//!
//! Lists run over the store's change sequence, taking each record's newest change
//! ([`chancery_store::Store::latest_changes`]): a datestamp is the time of that change, a
//! deleted record is its tombstone, and a resumption token holds the last sequence number sent.
//! A record changed during a harvest moves past the token and is sent again, in its new state;
//! no record is skipped.

mod dublin_core;

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::{Change, ChangeKind, StoredRecord};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::Shared;
use crate::collections::set_spec;
use dublin_core::dublin_core;

const OAI_NS: &str = "http://www.openarchives.org/OAI/2.0/";
const OAI_SCHEMA: &str =
    "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";
const DC_SCHEMA: &str =
    "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
/// The largest cursor a resumption token may carry: more records than any archive holds.
const MAX_CURSOR: u64 = 1 << 48;
const ARGUMENTS: [&str; 7] =
    ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"];

/// An OAI-PMH error condition.
struct OaiError {
    code: &'static str,
    message: String,
}

fn error(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError { code, message: message.into() }
}

fn internal(error: chancery_store::Error) -> OaiError {
    tracing::error!(%error, "OAI-PMH request failed");
    // OAI-PMH has no server-error code; the HTTP status tells (see `respond`).
    OaiError {
        code: "internal",
        message: "the repository could not answer; try again later".into(),
    }
}

pub(crate) async fn handle(
    State(archive): State<Shared>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    respond(&archive, pairs).await
}

pub(crate) async fn handle_post(
    State(archive): State<Shared>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    respond(&archive, pairs).await
}

/// A small wrapper over quick-xml's writer into memory (which cannot fail).
struct Xml {
    writer: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        let mut writer = Writer::new_with_indent(Vec::with_capacity(8192), b' ', 1);
        let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Xml { writer }
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut element = BytesStart::new(name);
        for (key, value) in attributes {
            element.push_attribute((*key, xml_chars(value).as_ref()));
        }
        let _ = self.writer.write_event(Event::Start(element));
    }

    fn end(&mut self, name: &str) {
        let _ = self.writer.write_event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let mut element = BytesStart::new(name);
        for (key, value) in attributes {
            element.push_attribute((*key, xml_chars(value).as_ref()));
        }
        let _ = self.writer.write_event(Event::Empty(element));
    }

    fn element(&mut self, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.start(name, attributes);
        let _ = self.writer.write_event(Event::Text(BytesText::new(&xml_chars(text))));
        self.end(name);
    }

    fn finish(self) -> Vec<u8> {
        self.writer.into_inner()
    }
}

/// The text with characters XML 1.0 forbids left out.
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

fn datestamp(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .unwrap_or_default()
}

/// The validated arguments of a request.
struct Request {
    verb: String,
    args: BTreeMap<String, String>,
}

fn parse_request(pairs: Vec<(String, String)>) -> Result<Request, (Option<String>, OaiError)> {
    let mut args = BTreeMap::new();
    let mut verb = None;
    for (key, value) in pairs {
        if !ARGUMENTS.contains(&key.as_str()) {
            return Err((
                None,
                error("badArgument", format!("`{key}` is not an OAI-PMH argument")),
            ));
        }
        if args.contains_key(&key) {
            return Err((None, error("badArgument", format!("`{key}` is given more than once"))));
        }
        if key == "verb" {
            verb = Some(value.clone());
        }
        args.insert(key, value);
    }
    let Some(verb) = verb else {
        return Err((None, error("badVerb", "the request has no verb")));
    };
    args.remove("verb");
    let allowed: &[&str] = match verb.as_str() {
        "Identify" => &[],
        "ListMetadataFormats" => &["identifier"],
        "ListSets" => &["resumptionToken"],
        "GetRecord" => &["identifier", "metadataPrefix"],
        "ListIdentifiers" | "ListRecords" => {
            &["metadataPrefix", "from", "until", "set", "resumptionToken"]
        }
        _ => return Err((None, error("badVerb", format!("`{verb}` is not an OAI-PMH verb")))),
    };
    if let Some(extra) = args.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err((
            Some(verb.clone()),
            error("badArgument", format!("{verb} does not take `{extra}`")),
        ));
    }
    Ok(Request { verb, args })
}

async fn respond(archive: &Shared, pairs: Vec<(String, String)>) -> Response {
    let base = format!("{}/oai", archive.config.base_url);
    let mut xml = Xml::new();
    xml.start(
        "OAI-PMH",
        &[
            ("xmlns", OAI_NS),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            ("xsi:schemaLocation", OAI_SCHEMA),
        ],
    );
    xml.element("responseDate", &[], &datestamp(archive.config.clock.now()));
    match parse_request(pairs) {
        Err((_, failure)) => {
            // After badVerb or badArgument the request element carries no attributes.
            xml.element("request", &[], &base);
            xml.element("error", &[("code", failure.code)], &failure.message);
        }
        Ok(request) => {
            let mut attributes: Vec<(&str, &str)> = vec![("verb", request.verb.as_str())];
            for (key, value) in &request.args {
                attributes.push((key.as_str(), value.as_str()));
            }
            let mut body = Xml { writer: Writer::new_with_indent(Vec::new(), b' ', 1) };
            match verb(archive, &request, &mut body).await {
                Ok(()) => {
                    xml.element("request", &attributes, &base);
                    xml.writer.get_mut().extend_from_slice(&body.finish());
                }
                Err(failure) if failure.code == "internal" => {
                    // OAI-PMH has no error code for a failing server: HTTP 503 says it.
                    return (
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, "60")],
                        failure.message,
                    )
                        .into_response();
                }
                Err(failure) => {
                    let echo: &[(&str, &str)] =
                        if failure.code == "badArgument" { &[] } else { &attributes };
                    xml.element("request", echo, &base);
                    xml.element("error", &[("code", failure.code)], &failure.message);
                }
            }
        }
    }
    xml.end("OAI-PMH");
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml.finish()).into_response()
}

async fn verb(archive: &Shared, request: &Request, out: &mut Xml) -> Result<(), OaiError> {
    let arg = |name: &str| request.args.get(name).map(String::as_str);
    match request.verb.as_str() {
        "Identify" => identify(archive, out).await,
        "ListMetadataFormats" => {
            if let Some(identifier) = arg("identifier") {
                let id = record_id(archive, identifier).await?;
                if archive.store.latest_change_of(&id).await.map_err(internal)?.is_none() {
                    return Err(error("idDoesNotExist", format!("no record `{identifier}`")));
                }
            }
            out.start("ListMetadataFormats", &[]);
            out.start("metadataFormat", &[]);
            out.element("metadataPrefix", &[], "oai_dc");
            out.element("schema", &[], "http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
            out.element("metadataNamespace", &[], "http://www.openarchives.org/OAI/2.0/oai_dc/");
            out.end("metadataFormat");
            out.end("ListMetadataFormats");
            Ok(())
        }
        "ListSets" => {
            if let Some(token) = arg("resumptionToken") {
                return Err(error(
                    "badResumptionToken",
                    format!("`{token}` is not a token this repository gave (set lists come whole)"),
                ));
            }
            let collections = archive.store.collections().await.map_err(internal)?;
            if collections.is_empty() {
                return Err(error("noSetHierarchy", "this repository has no collections yet"));
            }
            out.start("ListSets", &[]);
            for collection in &collections {
                out.start("set", &[]);
                out.element("setSpec", &[], &set_spec(&collection.id));
                out.element("setName", &[], &collection.title);
                out.end("set");
            }
            out.end("ListSets");
            Ok(())
        }
        "GetRecord" => {
            let identifier = arg("identifier")
                .ok_or_else(|| error("badArgument", "GetRecord needs `identifier`"))?;
            let prefix = arg("metadataPrefix")
                .ok_or_else(|| error("badArgument", "GetRecord needs `metadataPrefix`"))?;
            let id = record_id(archive, identifier).await?;
            let change = archive
                .store
                .latest_change_of(&id)
                .await
                .map_err(internal)?
                .ok_or_else(|| error("idDoesNotExist", format!("no record `{identifier}`")))?;
            check_prefix(prefix)?;
            let record = load(archive, std::slice::from_ref(&change)).await?.pop().flatten();
            out.start("GetRecord", &[]);
            write_record(archive, out, &change, record.as_ref(), true);
            out.end("GetRecord");
            Ok(())
        }
        "ListIdentifiers" | "ListRecords" => list(archive, request, out).await,
        _ => Err(error("badVerb", "unknown verb")),
    }
}

async fn identify(archive: &Shared, out: &mut Xml) -> Result<(), OaiError> {
    let earliest = archive
        .store
        .first_change_at()
        .await
        .map_err(internal)?
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), datestamp);
    out.start("Identify", &[]);
    out.element("repositoryName", &[], &archive.config.name);
    out.element("baseURL", &[], &format!("{}/oai", archive.config.base_url));
    out.element("protocolVersion", &[], "2.0");
    out.element("adminEmail", &[], &archive.config.admin_email);
    out.element("earliestDatestamp", &[], &earliest);
    out.element("deletedRecord", &[], "persistent");
    out.element("granularity", &[], "YYYY-MM-DDThh:mm:ssZ");
    out.end("Identify");
    Ok(())
}

/// The collection a set names (the inverse of [`set_spec`]).
fn set_collection(set_spec: &str) -> String {
    set_spec.replace(':', "/")
}

/// The record's sets: its innermost collection and every collection that holds it.
fn set_specs(record: &Record) -> Vec<String> {
    let Some(id) = &record.collection_id else { return Vec::new() };
    let segments: Vec<&str> = id.split('/').collect();
    (1..=segments.len()).map(|n| segments[..n].join(":")).collect()
}

/// The record an identifier names: its id (in any case) or an id it had before, resolved to the
/// id it is stored under.
async fn record_id(archive: &Shared, identifier: &str) -> Result<RecordId, OaiError> {
    let prefix = format!("oai:{}:", archive.config.host());
    let unknown = || {
        error(
            "idDoesNotExist",
            format!(
                "`{identifier}` is not an identifier of this repository (they read {prefix}<record id>)"
            ),
        )
    };
    let asked = identifier
        .strip_prefix(&prefix)
        .and_then(|id| RecordId::parse(id).ok())
        .ok_or_else(unknown)?;
    archive.store.resolve(&asked).await.map_err(internal)?.ok_or_else(unknown)
}

fn check_prefix(prefix: &str) -> Result<(), OaiError> {
    if prefix == "oai_dc" {
        Ok(())
    } else {
        Err(error("cannotDisseminateFormat", format!("`{prefix}` is not offered; use oai_dc")))
    }
}

/// The records behind changes, in their order: current ones in one query, deleted ones as
/// they were when deleted. `None` where a record is gone (deleted after the changes were read:
/// its own tombstone comes later in the list).
async fn load(archive: &Shared, changes: &[Change]) -> Result<Vec<Option<StoredRecord>>, OaiError> {
    let current: Vec<RecordId> = changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Deleted)
        .map(|c| c.record_id.clone())
        .collect();
    let mut found: std::collections::HashMap<RecordId, StoredRecord> = archive
        .store
        .get_many(&current)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|stored| (stored.record.id.clone(), stored))
        .collect();
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let record = if change.kind == ChangeKind::Deleted {
            archive.store.withdrawn(&change.record_id).await.map_err(internal)?
        } else {
            found.remove(&change.record_id)
        };
        out.push(record);
    }
    Ok(out)
}

/// The state of a list request, carried in resumption tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListState {
    after: i64,
    cursor: u64,
    from: Option<String>,
    until: Option<String>,
    set: Option<String>,
}

impl ListState {
    fn token(&self) -> String {
        format!(
            "v1|{}|{}|{}|{}|{}",
            self.after,
            self.cursor,
            self.from.as_deref().unwrap_or(""),
            self.until.as_deref().unwrap_or(""),
            self.set.as_deref().unwrap_or("")
        )
    }

    fn from_token(token: &str) -> Option<ListState> {
        let parts: Vec<&str> = token.split('|').collect();
        let ["v1", after, cursor, from, until, set] = parts.as_slice() else { return None };
        let optional = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let state = ListState {
            after: after.parse().ok().filter(|a: &i64| *a >= 0)?,
            // A cursor counts records sent; one past what any store holds is a forged token
            // (and would overflow when the next page is added to it).
            cursor: cursor.parse().ok().filter(|c: &u64| *c <= MAX_CURSOR)?,
            from: optional(from),
            until: optional(until),
            set: optional(set),
        };
        let stored = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        let valid_time = |t: &Option<String>| {
            t.as_deref().is_none_or(|t| time::PrimitiveDateTime::parse(t, stored).is_ok())
        };
        (valid_time(&state.from) && valid_time(&state.until)).then_some(state)
    }
}

/// A `from`/`until` argument as the store's `YYYY-MM-DDThh:mm:ss` (UTC), checking its syntax.
fn parse_bound(value: &str, until: bool) -> Result<String, OaiError> {
    let bad = || {
        error(
            "badArgument",
            format!("`{value}` is not a date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"),
        )
    };
    let date = format_description!("[year]-[month]-[day]");
    let full = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    if value.len() == 10 {
        time::Date::parse(value, date).map_err(|_| bad())?;
        Ok(format!("{value}T{}", if until { "23:59:59" } else { "00:00:00" }))
    } else if value.len() == 20 {
        time::PrimitiveDateTime::parse(value, full).map_err(|_| bad())?;
        Ok(value[..19].to_string())
    } else {
        Err(bad())
    }
}

async fn list(archive: &Shared, request: &Request, out: &mut Xml) -> Result<(), OaiError> {
    let records_wanted = request.verb == "ListRecords";
    let arg = |name: &str| request.args.get(name).map(String::as_str);
    let state = if let Some(token) = arg("resumptionToken") {
        if request.args.len() > 1 {
            return Err(error("badArgument", "resumptionToken is an exclusive argument"));
        }
        ListState::from_token(token).ok_or_else(|| {
            error("badResumptionToken", format!("`{token}` is not a token this repository gave"))
        })?
    } else {
        let prefix = arg("metadataPrefix").ok_or_else(|| {
            error("badArgument", format!("{} needs `metadataPrefix`", request.verb))
        })?;
        let from = arg("from").map(|f| parse_bound(f, false)).transpose()?;
        let until = arg("until").map(|u| parse_bound(u, true)).transpose()?;
        if let (Some(f), Some(u)) = (arg("from"), arg("until")) {
            if f.len() != u.len() {
                return Err(error(
                    "badArgument",
                    "`from` and `until` must have the same granularity",
                ));
            }
            if from > until {
                return Err(error("badArgument", "`from` is later than `until`"));
            }
        }
        check_prefix(prefix)?;
        if let Some(set) = arg("set")
            && archive.store.collections().await.map_err(internal)?.is_empty()
        {
            return Err(error(
                "noSetHierarchy",
                format!("this repository has no sets (asked for `{set}`)"),
            ));
        }
        ListState { after: 0, cursor: 0, from, until, set: arg("set").map(str::to_string) }
    };
    // A set that names no collection matches nothing: answered at once, not by a scan.
    let collection = state.set.as_deref().map(set_collection);
    if let Some(collection) = &collection
        && archive.store.collection(collection).await.map_err(internal)?.is_none()
    {
        return Err(error(
            "noRecordsMatch",
            format!(
                "there is no set `{}`; ListSets names them",
                state.set.as_deref().unwrap_or("")
            ),
        ));
    }
    let page_size = archive.config.oai_page_size.max(1) as usize;
    // One more than a page tells whether another page follows; the store filters by set.
    let mut changes = archive
        .store
        .latest_changes(
            state.after,
            state.from.as_deref(),
            state.until.as_deref(),
            collection.as_deref(),
            (page_size + 1) as u32,
        )
        .await
        .map_err(internal)?;
    let more = changes.len() > page_size;
    changes.truncate(page_size);
    if changes.is_empty() {
        return Err(error("noRecordsMatch", "no records match these arguments"));
    }
    let records = load(archive, &changes).await?;
    let name = if records_wanted { "ListRecords" } else { "ListIdentifiers" };
    out.start(name, &[]);
    for (change, record) in changes.iter().zip(&records) {
        write_record(archive, out, change, record.as_ref(), records_wanted);
    }
    let cursor = state.cursor.to_string();
    let next = ListState {
        after: changes.last().map_or(state.after, |c| c.seq),
        // A token's cursor is checked when it is read, so that this sum cannot overflow.
        cursor: state.cursor + changes.len() as u64,
        ..state.clone()
    };
    if more {
        out.element("resumptionToken", &[("cursor", &cursor)], &next.token());
    } else if arg("resumptionToken").is_some() {
        // The last page of a resumed list: an empty token says the list is complete.
        out.empty("resumptionToken", &[("cursor", &cursor)]);
    }
    out.end(name);
    Ok(())
}

/// A `record` (or, for ListIdentifiers, only its `header`).
fn write_record(
    archive: &Shared,
    out: &mut Xml,
    change: &Change,
    stored: Option<&StoredRecord>,
    full: bool,
) {
    let deleted = change.kind == ChangeKind::Deleted || stored.is_none();
    if full {
        out.start("record", &[]);
    }
    if deleted {
        out.start("header", &[("status", "deleted")]);
    } else {
        out.start("header", &[]);
    }
    // A record keeps the identifier it was first published under, whatever its id became.
    let published = stored.map_or(change.record_id.as_str(), |s| s.oai_id.as_str());
    out.element("identifier", &[], &format!("oai:{}:{published}", archive.config.host()));
    out.element("datestamp", &[], &datestamp(change.at));
    let record = stored.map(|s| &s.record);
    if let Some(record) = record {
        for spec in set_specs(record) {
            out.element("setSpec", &[], &spec);
        }
    }
    out.end("header");
    if full {
        if let (false, Some(record)) = (deleted, record) {
            out.start("metadata", &[]);
            dublin_core(archive, out, record);
            out.end("metadata");
        }
        out.end("record");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let state = ListState {
            after: 42,
            cursor: 100,
            from: Some("2026-01-01T00:00:00".into()),
            until: None,
            set: Some("frus1955-57v26:ch3".into()),
        };
        assert_eq!(ListState::from_token(&state.token()), Some(state));
        // Regression (issue 10): a huge cursor wrapped around when the next page was added.
        let huge = format!("v1|1|{}||||", u64::MAX);
        for bad in ["", "v1|x|0||||", "v2|1|0||||", "v1|-4|0||||", "v1|1|0|yesterday|||", &huge] {
            assert_eq!(ListState::from_token(bad), None, "{bad}");
        }
    }

    #[test]
    fn bounds_check_their_syntax() {
        assert_eq!(parse_bound("2026-11-28", true).ok().as_deref(), Some("2026-11-28T23:59:59"));
        assert_eq!(
            parse_bound("2026-11-28T05:06:07Z", false).ok().as_deref(),
            Some("2026-11-28T05:06:07")
        );
        for bad in ["2026-13-01", "2026-11-28T05:06:07", "yesterday", "2026-11-28T25:00:00Z"] {
            assert!(parse_bound(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn forbidden_characters_are_left_out() {
        assert_eq!(xml_chars("a\u{1}b\u{b}c\td"), "abc\td");
    }
}
