//! Chancery's events file: curated events between two parties (`model::event`), as a JSON
//! object whose first key is `events`:
//!
//! ```json
//! {"events": [
//!   {"id": "belgrade-declaration-1955", "date": "1955-06-02", "kind": "agreement",
//!    "parties": ["yugoslavia", "russia"],
//!    "statement": "Tito and Khrushchev sign the Belgrade Declaration.",
//!    "evidence": ["frus1955-57v26/d243"], "sources": []}
//! ]}
//! ```
//!
//! `date` is EDTF, `kind` one of `model::event::EventKind`'s keys, `parties` two party ids as a
//! relation's address names them, `evidence` record ids (kept as given; a page says which the
//! archive does not hold), `sources` citations of anything else. Every problem names the line of
//! its event and the field. [`write`] is the inverse: an export reads back as the same events.

use chancery_model::date::Edtf;
use chancery_model::event::{Event, EventKind, is_slug};
use chancery_model::id::RecordId;
use serde::{Deserialize, Serialize};

use crate::limits::{MAX_FIELD_BYTES, MAX_ITEMS};
use crate::{Diagnostic, Parsed, Severity, Source, checked_text};

/// The most bytes of one event's statement.
pub const MAX_STATEMENT_BYTES: usize = 2_000;

/// Whether a JSON text is an events file: an object whose first key is `events`.
pub fn is_events(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut rest = text.iter().skip_while(|b| b.is_ascii_whitespace());
    if rest.next() != Some(&b'{') {
        return false;
    }
    let rest: Vec<u8> = rest.skip_while(|b| b.is_ascii_whitespace()).take(8).copied().collect();
    rest == b"\"events\""
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File<'a> {
    #[serde(borrow)]
    events: Vec<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct JsonEvent {
    id: String,
    date: String,
    kind: String,
    parties: Vec<String>,
    statement: String,
    #[serde(default)]
    evidence: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
}

/// Reads an events file; any problem makes it yield no events.
pub fn parse(source: &Source<'_>) -> Parsed {
    let text = match checked_text(source.path, source.bytes, crate::MAX_JSON_LINE_BYTES) {
        Ok(text) => text,
        Err(rejected) => return *rejected,
    };
    let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let mut diagnostics = Vec::new();
    let mut error = |line: Option<usize>, message: String| {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            path: source.path.to_string(),
            line,
            message,
        });
    };
    let file: File = match serde_json::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            error(
                Some(e.line()),
                format!(
                    "not an events file: {e}; it is {{\"events\": [ {{\"id\", \"date\", \"kind\", \"parties\", \"statement\", \"evidence\"}} … ]}}"
                ),
            );
            return Parsed { diagnostics, ..Parsed::default() };
        }
    };
    if file.events.len() > MAX_ITEMS {
        error(
            None,
            format!(
                "{} events; a file holds at most {MAX_ITEMS}: split it into several files",
                file.events.len()
            ),
        );
        return Parsed { diagnostics, ..Parsed::default() };
    }
    let mut events: Vec<Event> = Vec::new();
    for raw in file.events {
        let line = line_at(raw.get().as_ptr() as usize - text.as_ptr() as usize);
        let json: JsonEvent = match serde_json::from_str(raw.get()) {
            Ok(json) => json,
            Err(e) => {
                error(Some(line + e.line() - 1), format!("this event cannot be read: {e}"));
                continue;
            }
        };
        match event(json) {
            Ok(event) => {
                if events.iter().any(|e| e.id == event.id) {
                    error(Some(line), format!("the id `{}` is given twice in this file", event.id));
                    continue;
                }
                events.push(event);
            }
            Err(message) => error(Some(line), message),
        }
    }
    if diagnostics.is_empty() {
        Parsed { events, ..Parsed::default() }
    } else {
        Parsed { diagnostics, ..Parsed::default() }
    }
}

/// One event checked: every field, with the field named in the message.
fn event(json: JsonEvent) -> Result<Event, String> {
    if !is_slug(&json.id) {
        return Err(format!(
            "`id`: `{}` is not an event id: lowercase letters, digits and single hyphens, at most {} bytes (`belgrade-declaration-1955`)",
            json.id.chars().take(60).collect::<String>(),
            chancery_model::event::MAX_EVENT_ID_BYTES
        ));
    }
    let id = &json.id;
    let date: Edtf = json.date.parse().map_err(|e| {
        format!("event `{id}`, `date`: `{}` is not an EDTF date ({e}); write `1955-06-02`, `1955-06`, `1955-05-26/1955-06-02` or `1953~`", json.date.chars().take(40).collect::<String>())
    })?;
    let kind = EventKind::from_key(&json.kind).ok_or_else(|| {
        format!(
            "event `{id}`, `kind`: `{}` is not a kind of event; use one of {}",
            json.kind.chars().take(40).collect::<String>(),
            EventKind::ALL.map(EventKind::key).join(", ")
        )
    })?;
    let [a, b]: [String; 2] = json.parties.try_into().map_err(|p: Vec<String>| {
        format!("event `{id}`, `parties`: {} given; an event is between two parties", p.len())
    })?;
    for party in [&a, &b] {
        if !is_slug(party) {
            return Err(format!(
                "event `{id}`, `parties`: `{}` is not a party id (`yugoslavia`, `russia`, `tito-josip-broz`)",
                party.chars().take(60).collect::<String>()
            ));
        }
    }
    if a == b {
        return Err(format!("event `{id}`, `parties`: both are `{a}`; an event is between two"));
    }
    let statement = json.statement.trim().to_string();
    if statement.is_empty() || statement.len() > MAX_STATEMENT_BYTES {
        return Err(format!(
            "event `{id}`, `statement`: {} bytes; say what happened in 1 to {MAX_STATEMENT_BYTES} bytes",
            statement.len()
        ));
    }
    if json.evidence.len() > MAX_ITEMS || json.sources.len() > MAX_ITEMS {
        return Err(format!("event `{id}`: more than {MAX_ITEMS} evidence records or sources"));
    }
    let evidence = json
        .evidence
        .iter()
        .map(|e| {
            RecordId::parse(e).map_err(|err| format!("event `{id}`, `evidence`: `{e}`: {err}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(long) =
        json.sources.iter().find(|s| s.len() > MAX_FIELD_BYTES || s.trim().is_empty())
    {
        return Err(format!(
            "event `{id}`, `sources`: a source of {} bytes; each is a citation of 1 to {MAX_FIELD_BYTES} bytes",
            long.len()
        ));
    }
    Ok(Event {
        id: json.id,
        date,
        kind,
        parties: [a, b],
        statement,
        evidence,
        sources: json.sources.iter().map(|s| s.trim().to_string()).collect(),
    })
}

/// Writes events as an events file, one event per line: [`parse`] reads it back as the same
/// events.
pub fn write(events: &[Event]) -> String {
    let mut out = String::from("{\"events\": [\n");
    for (n, event) in events.iter().enumerate() {
        let json = JsonEvent {
            id: event.id.clone(),
            date: event.date.to_string(),
            kind: event.kind.key().to_string(),
            parties: event.parties.to_vec(),
            statement: event.statement.clone(),
            evidence: event.evidence.iter().map(|e| e.as_str().to_string()).collect(),
            sources: event.sources.clone(),
        };
        out.push_str("  ");
        out.push_str(&serde_json::to_string(&json).unwrap_or_default());
        if n + 1 < events.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Parsed {
        parse(&Source {
            path: "events.json",
            bytes: text.as_bytes(),
            imported_at: time::OffsetDateTime::UNIX_EPOCH,
        })
    }

    const GOOD: &str = r#"{"events": [
  {"id": "cominform-resolution-1948", "date": "1948-06-28", "kind": "break",
   "parties": ["russia", "yugoslavia"], "statement": "The Cominform expels the Yugoslav party.",
   "sources": ["Cominform resolution, 28 June 1948"]},
  {"id": "belgrade-declaration-1955", "date": "1955-06-02", "kind": "agreement",
   "parties": ["yugoslavia", "russia"], "statement": "The Belgrade Declaration.",
   "evidence": ["frus1955-57v26/d243"]}
]}"#;

    #[test]
    fn an_events_file_reads_and_writes_back_the_same() {
        assert!(is_events(GOOD.as_bytes()) && is_events(b" \n{ \"events\": []}"));
        assert!(!is_events(b"{\"id\": \"x\"}") && !is_events(b"[{\"events\": 1}]"));
        let first = parsed(GOOD);
        assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
        assert_eq!(first.events.len(), 2);
        assert_eq!(first.events[1].evidence[0].as_str(), "frus1955-57v26/d243");
        let again = parsed(&write(&first.events));
        assert_eq!(again.events, first.events);
    }

    #[test]
    fn a_bad_event_is_named_with_its_line_and_field() {
        let bad = GOOD.replace("\"break\"", "\"war\"");
        let p = parsed(&bad);
        assert!(p.events.is_empty());
        assert_eq!(p.diagnostics[0].line, Some(2), "{:?}", p.diagnostics);
        assert!(
            p.diagnostics[0].message.contains("`kind`: `war` is not a kind"),
            "{:?}",
            p.diagnostics
        );
        let bad = GOOD.replace("1955-06-02", "2 June 1955");
        let p = parsed(&bad);
        assert_eq!(p.diagnostics[0].line, Some(5));
        assert!(p.diagnostics[0].message.contains("`date`"), "{:?}", p.diagnostics);
        let bad = GOOD.replace("[\"yugoslavia\", \"russia\"]", "[\"yugoslavia\"]");
        assert!(parsed(&bad).diagnostics[0].message.contains("1 given"));
        let bad = GOOD.replace("\"sources\": [", "\"source\": [");
        assert!(parsed(&bad).diagnostics[0].message.contains("unknown field"));
        let twice = GOOD.replace("belgrade-declaration-1955", "cominform-resolution-1948");
        assert!(parsed(&twice).diagnostics[0].message.contains("given twice"));
    }
}
