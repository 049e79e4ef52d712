//! Citations on the web: the document page's Cite box, `GET /api/v1/records/{id}/citation`,
//! and a whole search result as RIS or BibTeX.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chancery_cite::{Day, Format, Style};
use chancery_model::id::RecordId;
use chancery_model::record::Record;
use chancery_store::StoredRecord;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::error::{ApiQuery, Problem};
use crate::search::{SearchParams, run_with};
use crate::{Archive, Shared};

/// The access date for citations: today (UTC), by the archive's clock.
pub(crate) fn today(archive: &Archive) -> Day {
    let today = archive.config.clock.today();
    Day { year: today.year(), month: today.month() as u8, day: today.day() }
}

/// One citation of a record in one format, as text.
pub(crate) fn cite(record: &Record, format: Format, day: Day) -> Result<String, String> {
    chancery_cite::cite(record, format, day).map_err(|e| e.to_string())
}

/// One entry of the Cite box.
pub(crate) struct CiteView {
    pub(crate) key: &'static str,
    pub(crate) label: &'static str,
    pub(crate) text: String,
    /// Whether it is a machine format (shown preformatted, offered as a download).
    pub(crate) code: bool,
}

/// The most bytes of text [`CiteMemo`] keeps by default (`--citation-memo-mib`). A FRUS
/// document's seven citations take about 3 KiB, so 16 MiB holds the Cite boxes of some five
/// thousand records; past it the memo starts over.
pub const CITATION_MEMO_BYTES: usize = 16 * 1024 * 1024;

/// Cite boxes as rendered for a record's revision on an access day.
///
/// A citation depends on nothing but the record and the day it is accessed (the permalink is in
/// the record), so a box stays right until the record gets a new revision or the day turns —
/// unlike the page cache, which every store change empties, this memo keeps the boxes of every
/// record an import or a curator's edit did not touch. Hayagriva's Chicago style costs more
/// than the rest of a document page together; with the memo a page after a store change pays it
/// only for the records that changed.
pub(crate) struct CiteMemo {
    budget: usize,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// By record id key.
    boxes: HashMap<String, Memoed>,
    bytes: usize,
}

struct Memoed {
    revision: i64,
    /// When the revision was stored: a store rebuilt under the server (a restore) may number
    /// its revisions again.
    updated_at: OffsetDateTime,
    day: Day,
    views: Arc<[CiteView]>,
    bytes: usize,
}

impl CiteMemo {
    /// A memo within `budget` bytes of citation text (0: render every time).
    pub(crate) fn new(budget: usize) -> CiteMemo {
        CiteMemo { budget, kept: Mutex::new(Kept::default()) }
    }

    /// The Cite box of a stored record's current revision for an access day: from the memo
    /// when it holds this revision for this day, else rendered and kept.
    pub(crate) fn views(&self, stored: &StoredRecord, day: Day) -> Arc<[CiteView]> {
        let key = stored.record.id.key();
        if let Ok(kept) = self.kept.lock()
            && let Some(memoed) = kept.boxes.get(key.as_str())
            && memoed.revision == stored.revision
            && memoed.updated_at == stored.updated_at
            && memoed.day == day
        {
            return memoed.views.clone();
        }
        let views: Arc<[CiteView]> = views(&stored.record, day).into();
        let bytes = key.len() + views.iter().map(|v| v.text.len()).sum::<usize>();
        if bytes <= self.budget
            && let Ok(mut kept) = self.kept.lock()
        {
            if kept.bytes + bytes > self.budget {
                *kept = Kept::default();
            }
            kept.bytes += bytes;
            let memoed = Memoed {
                revision: stored.revision,
                updated_at: stored.updated_at,
                day,
                views: views.clone(),
                bytes,
            };
            if let Some(old) = kept.boxes.insert(key, memoed) {
                kept.bytes -= old.bytes;
            }
        }
        views
    }
}

/// Every format for the Cite box. A style the processor cannot render is left out (and
/// logged), not shown broken.
pub(crate) fn views(record: &Record, day: Day) -> Vec<CiteView> {
    // Chicago's note and bibliography come from one run of the processor (its slowest style).
    let chicago = chancery_cite::render(record, Style::Chicago, day).map_err(|e| e.to_string());
    let text = |format: Format| match format {
        Format::Chicago => chicago.as_ref().map(|r| r.note.clone()).map_err(Clone::clone),
        Format::ChicagoBibliography => {
            chicago.as_ref().map(|r| r.bibliography.clone()).map_err(Clone::clone)
        }
        _ => cite(record, format, day),
    };
    Format::ALL
        .into_iter()
        .filter_map(|format| match text(format) {
            Ok(text) => Some(CiteView {
                key: format.key(),
                label: format.label(),
                text,
                code: format.is_machine_readable(),
            }),
            Err(error) => {
                tracing::warn!(id = record.id.as_str(), format = format.key(), %error, "cannot cite");
                None
            }
        })
        .collect()
}

/// Query string of the citation endpoint.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CitationParams {
    /// `chicago` (note), `chicago-bibliography`, `mla`, `apa`, `bibtex`, `ris` or `csl-json`.
    #[serde(default)]
    #[param(pattern = "^(chicago|chicago-bibliography|mla|apa|bibtex|ris|csl-json)$")]
    style: Option<String>,
}

/// The citation of a record in one style.
#[utoipa::path(
    get,
    path = "/api/v1/records/{id}/citation",
    params(("id" = String, Path, description = "Record id", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160), CitationParams),
    responses(
        (status = 200, description = "The citation: text/plain for the styles; application/x-bibtex, application/x-research-info-systems or application/vnd.citationstyles.csl+json for the machine formats", content(
            (String = "text/plain"),
            (String = "application/x-bibtex"),
            (String = "application/x-research-info-systems"),
            (Vec<Object> = "application/vnd.citationstyles.csl+json"),
        )),
        (status = 301, description = "The record's own id is spelled otherwise (ids ignore case) or was another one before: see `Location`"),
        (status = 400, description = "Unknown style or bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "citations"
)]
pub(crate) async fn citation(
    archive: &Shared,
    id: &str,
    params: CitationParams,
) -> Result<Response, Problem> {
    let style = params.style.as_deref().unwrap_or("chicago");
    let format = Format::from_key(style).ok_or_else(|| {
        Problem::bad_request(format!(
            "unknown style `{style}`; use one of: {}",
            Format::ALL.map(Format::key).join(", ")
        ))
    })?;
    let asked = RecordId::parse(id).map_err(|e| Problem::bad_request(e.to_string()))?;
    let Some(record_id) = archive.store.resolve(&asked).await? else {
        return Err(Problem::not_found(format!("no record `{id}`")));
    };
    if !record_id.spelled_as(&asked) {
        return Ok(crate::html::chrome::redirect(&format!(
            "/api/v1/records/{}/citation?style={}",
            record_id.as_str(),
            crate::html::markup::query_value(format.key())
        )));
    }
    let stored = archive
        .store
        .get(&record_id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no record `{id}`")))?;
    let text = cite(&stored.record, format, today(archive)).map_err(|e| Problem::internal(&e))?;
    let filename = format!("{}.{}", id.replace('/', "-"), format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.media_type())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("inline; filename=\"{filename}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("inline")),
            ),
        ],
        text,
    )
        .into_response())
}

/// Query string of the search export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportParams {
    /// The query, as for search.
    #[serde(default)]
    q: Option<String>,
    /// `relevance`, `date` (oldest first) or `newest`.
    #[serde(default)]
    sort: Option<String>,
    /// `ris` or `bibtex`.
    #[serde(default)]
    #[param(pattern = "^(ris|bibtex)$")]
    format: Option<String>,
}

/// The most records one export holds.
pub(crate) const EXPORT_MAX: usize = 1000;

/// A whole search result (its first 1,000 records) as RIS or BibTeX, for a reference manager.
#[utoipa::path(
    get,
    path = "/api/v1/search/export",
    params(ExportParams),
    responses(
        (status = 200, description = "RIS (application/x-research-info-systems) or BibTeX (application/x-bibtex), as a download", content(
            (String = "application/x-research-info-systems"),
            (String = "application/x-bibtex"),
        )),
        (status = 400, description = "Bad query or format", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "citations"
)]
pub(crate) async fn export(
    State(archive): State<Shared>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, Problem> {
    let format = match params.format.as_deref().unwrap_or("ris") {
        "ris" => Format::Ris,
        "bibtex" => Format::Bibtex,
        other => {
            return Err(Problem::bad_request(format!(
                "format is `ris` or `bibtex`, not `{other}`"
            )));
        }
    };
    let search = SearchParams { q: params.q, sort: params.sort, page: None };
    let ran = run_with(&archive, &search, 0, EXPORT_MAX, false).await?;
    let day = today(&archive);
    let mut out = String::new();
    for hit in &ran.results.hits {
        if let Some(stored) = archive.store.get(&hit.id).await? {
            let text = cite(&stored.record, format, day).map_err(|e| Problem::internal(&e))?;
            out.push_str(&text);
            if format == Format::Bibtex {
                out.push('\n');
            }
        }
    }
    let disposition = format!("attachment; filename=\"chancery-search.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.media_type())),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        out,
    )
        .into_response())
}
