//! Volumes and their parts: the list of volumes, a collection with its table of contents, its
//! records as JSON lines, and a volume's TEI file as it was imported.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chancery_model::id::RecordId;
use serde::Serialize;

use crate::Shared;
use crate::api::json_response;
use crate::collections::{self, Span, set_spec};
use crate::error::{ApiPath, Problem};

/// How many records one read of a collection's JSON lines takes from the store.
const JSONL_BATCH: usize = 100;

/// A collection in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CollectionLine {
    id: String,
    title: String,
    /// `volume`, `chapter`, `compilation`…
    kind: String,
    /// Editors, for a volume.
    editors: Vec<String>,
    /// Publication year, for a volume.
    published: Option<String>,
    /// Documents and calendar entries it holds.
    documents: usize,
    /// The earliest day its documents can be dated to (`YYYY-MM-DD`).
    first_date: Option<String>,
    /// The latest.
    last_date: Option<String>,
    /// Its page on the site.
    url: String,
}

/// Every volume.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CollectionList {
    collections: Vec<CollectionLine>,
}

/// A collection, with what holds it and what it holds in the volume's order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CollectionDetail {
    #[serde(flatten)]
    collection: CollectionLine,
    /// The collections holding it, the volume first.
    trail: Vec<String>,
    /// Its OAI-PMH set.
    set_spec: String,
    /// Front and back matter (for a volume).
    matter: Vec<TocEntry>,
    /// Its records in the volume's order, each with the part (chapter) that holds it.
    contents: Vec<TocEntry>,
}

/// A record in a table of contents.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct TocEntry {
    id: String,
    /// The number the edition gives the document.
    number: Option<String>,
    title: String,
    /// The date as printed.
    date: String,
    /// The date in EDTF.
    edtf: Option<String>,
    /// `document`, `calendar-entry` or `front-matter`.
    kind: String,
    /// The innermost collection holding it.
    collection: String,
    /// Its place in the volume's order, from 1.
    position: u32,
}

fn line(
    base: &str,
    collection: &chancery_model::authority::Collection,
    documents: usize,
    span: Span,
) -> CollectionLine {
    CollectionLine {
        id: collection.id.clone(),
        title: collection.title.clone(),
        kind: collection.kind.clone(),
        editors: collection.editors.clone(),
        published: collection.published.clone(),
        documents,
        first_date: span.first.map(|d| d.to_string()),
        last_date: span.last.map(|d| d.to_string()),
        url: format!("{base}/collections/{}", collection.id),
    }
}

fn toc_entry(placed: chancery_store::Placed) -> TocEntry {
    TocEntry {
        id: placed.id.as_str().to_string(),
        number: placed.number,
        title: placed.title,
        date: placed.date_printed,
        edtf: placed.date_edtf,
        kind: placed.kind.key().to_string(),
        collection: placed.collection_id,
        position: placed.position,
    }
}

/// Every volume, with its editors, year, document count and date span.
#[utoipa::path(
    get,
    path = "/api/v1/collections",
    responses((status = 200, description = "The volumes", body = CollectionList)),
    tag = "collections"
)]
pub(super) async fn list(State(archive): State<Shared>) -> Result<Response, Problem> {
    let base = &archive.config.base_url;
    let collections = collections::volumes(&archive)
        .await?
        .into_iter()
        .map(|v| line(base, &v.collection, v.documents, v.span))
        .collect();
    Ok(json_response(serde_json::to_string(&CollectionList { collections }).unwrap_or_default()))
}

/// `/collections/{id}`, `/collections/{id}/records` and `/collections/{id}/tei` share one route,
/// because collection ids contain `/`.
pub(super) async fn collection_or_download(
    State(archive): State<Shared>,
    ApiPath(rest): ApiPath<String>,
) -> Result<Response, Problem> {
    if let Some(id) = rest.strip_suffix("/records") {
        return records(&archive, id).await;
    }
    if let Some(id) = rest.strip_suffix("/tei") {
        return tei(&archive, id).await;
    }
    collection(State(archive), ApiPath(rest)).await
}

/// A volume or one of its parts, with its table of contents in the volume's order. Its records
/// are at `/api/v1/collections/{id}/records` (JSON lines, each as `/api/v1/records/{id}` gives
/// it), and a volume's TEI file as it was imported at `/api/v1/collections/{id}/tei`.
#[utoipa::path(
    get,
    path = "/api/v1/collections/{id}",
    params(("id" = String, Path, description = "Collection id, such as `frus1955-57v26` or `frus1955-57v26/ch3` (case does not matter)", pattern = r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", max_length = 160)),
    responses(
        (status = 200, description = "The collection and its contents", body = CollectionDetail),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "collections"
)]
pub(super) async fn collection(
    State(archive): State<Shared>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    let Some(contents) = collections::contents(&archive, &id).await? else {
        return Err(Problem::not_found(format!("no collection `{id}`; see /api/v1/collections")));
    };
    let detail = CollectionDetail {
        collection: line(
            &archive.config.base_url,
            &contents.collection,
            contents.documents,
            contents.span,
        ),
        trail: contents.trail.iter().map(|c| c.id.clone()).collect(),
        set_spec: set_spec(&contents.collection.id),
        matter: contents.matter.into_iter().map(toc_entry).collect(),
        contents: contents.parts.into_iter().flat_map(|p| p.entries).map(toc_entry).collect(),
    };
    Ok(json_response(serde_json::to_string(&detail).unwrap_or_default()))
}

/// The collection's records in the volume's order, one Chancery JSON record per line, read from
/// the store a batch at a time while the response is sent.
async fn records(archive: &Shared, id: &str) -> Result<Response, Problem> {
    let Some(contents) = collections::contents(archive, id).await? else {
        return Err(Problem::not_found(format!("no collection `{id}`; see /api/v1/collections")));
    };
    let ids: Vec<RecordId> = contents
        .matter
        .into_iter()
        .chain(contents.parts.into_iter().flat_map(|p| p.entries))
        .map(|p| p.id)
        .collect();
    let archive = archive.clone();
    let batches = futures_util::stream::unfold(0usize, move |at| {
        let archive = archive.clone();
        let batch: Vec<RecordId> = ids.iter().skip(at).take(JSONL_BATCH).cloned().collect();
        async move {
            if batch.is_empty() {
                return None;
            }
            let chunk = match archive.store.get_many(&batch).await {
                Ok(stored) => {
                    let mut out = String::new();
                    for s in stored {
                        out.push_str(&chancery_ingest::json::write_line(&s.record));
                        out.push('\n');
                    }
                    Ok(out)
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read a collection's records");
                    Err(std::io::Error::other("the store failed"))
                }
            };
            Some((chunk, at + JSONL_BATCH))
        }
    });
    let disposition = format!(
        "attachment; filename=\"{}.jsonl\"",
        contents.collection.id.replace(['/', '"'], "-")
    );
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/jsonl; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        Body::from_stream(batches),
    )
        .into_response())
}

/// The TEI file a volume was imported from, byte for byte.
async fn tei(archive: &Shared, id: &str) -> Result<Response, Problem> {
    let missing = || Problem::not_found(format!("no TEI file for the volume `{id}`"));
    let Some(contents) = collections::contents(archive, id).await? else {
        return Err(missing());
    };
    let first =
        contents.matter.first().or_else(|| contents.parts.iter().flat_map(|p| &p.entries).next());
    let Some(first) = first else { return Err(missing()) };
    let provenance = archive.store.get(&first.id).await?.and_then(|s| s.record.provenance);
    let Some(provenance) = provenance.filter(|p| p.format == "tei") else {
        return Err(missing());
    };
    let Some(bytes) = archive.store.source(&provenance.sha256).await? else {
        return Err(missing());
    };
    let disposition =
        format!("attachment; filename=\"{}.xml\"", contents.volume.id.replace(['/', '"'], "-"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/tei+xml")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}
