//! A relation between two parties as JSON: the documents between them with their direction,
//! the timeline's buckets, the documents about both, who corresponded for each side, and for the
//! United States and another country the U.S. chiefs of mission there.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::Shared;
use crate::api::countries::PositionJson;
use crate::api::json_response;
use crate::error::{ApiPath, ApiQuery, Problem};
use crate::parties::{Named, Party};
use crate::relations::{Found, relation};

/// The most documents about both the answer lists (`about_both.total` counts them all).
const MAX_ABOUT_LISTED: usize = 100;

/// One side of the relation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct PartyJson {
    /// `person`, `organization` or `country`.
    kind: &'static str,
    id: String,
    name: String,
    /// Its page.
    url: String,
}

impl PartyJson {
    fn of(named: &Named, base: &str) -> PartyJson {
        PartyJson {
            kind: named.party.kind(),
            id: named.party.id().to_string(),
            name: named.name.clone(),
            url: format!("{base}{}", named.href),
        }
    }
}

/// A document between the parties.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RelationDocument {
    id: String,
    title: String,
    /// As printed.
    date: String,
    /// The first day its date allows (ISO), where dated.
    day: Option<String>,
    /// `a-to-b`, `b-to-a`, or `conversation` (a memorandum of conversation both took part in).
    direction: &'static str,
    url: String,
}

/// The documents of one period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct BucketJson {
    /// `1954-08`, or `1954` in a timeline by year.
    period: String,
    a_to_b: usize,
    b_to_a: usize,
    conversations: usize,
    /// Curated events that begin in it.
    events: usize,
}

/// The timeline: every period from the first dated document to the last, empty ones included.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct TimelineJson {
    /// `month`, or `year` past 240 months.
    granularity: &'static str,
    buckets: Vec<BucketJson>,
}

/// A document that names both parties and is not between them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AboutDocument {
    id: String,
    title: String,
    date: String,
    url: String,
}

/// The documents about both.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct AboutJson {
    /// How many (at least, where `exact` is false).
    total: usize,
    exact: bool,
    /// The search that finds them, with those between the parties (`/api/v1/search?q=`).
    query: String,
    /// The first, by date.
    documents: Vec<AboutDocument>,
}

/// A correspondent for one side.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CorrespondentJson {
    /// As the first record writes it.
    name: String,
    /// `person` or `organization`, where the name resolves to one.
    kind: Option<&'static str>,
    id: Option<String>,
    /// Documents between the parties they are on.
    count: usize,
}

/// Who corresponded for each side.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct CorrespondentsJson {
    a: Vec<CorrespondentJson>,
    b: Vec<CorrespondentJson>,
}

/// An event between the parties: curated, or derived from a record between them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct EventJson {
    /// The curated event's id; null for an event derived from a record.
    id: Option<String>,
    /// EDTF.
    date: String,
    /// `meeting`, `agreement`, `letter`, `statement`, `break`, `recognition`, `change`, `other`.
    kind: &'static str,
    /// `a-to-b` or `b-to-a`: which side acted (a conversation counts as `a-to-b`).
    direction: &'static str,
    statement: String,
    /// Record ids.
    evidence: Vec<String>,
    /// Of the evidence, the records the archive does not hold.
    evidence_missing: Vec<String>,
    sources: Vec<String>,
    /// Whether derived from a record (a letter on its date, a conversation a meeting).
    derived: bool,
    /// A curated event's revision.
    revision: Option<i64>,
}

impl EventJson {
    fn of(line: &crate::relations::EventLine) -> EventJson {
        EventJson {
            id: line.id.clone(),
            date: line.date.clone(),
            kind: line.kind,
            direction: if line.from_a { "a-to-b" } else { "b-to-a" },
            statement: line.statement.clone(),
            evidence: line.evidence.iter().map(|(id, _)| id.as_str().to_string()).collect(),
            evidence_missing: line
                .evidence
                .iter()
                .filter(|(_, title)| title.is_none())
                .map(|(id, _)| id.as_str().to_string())
                .collect(),
            sources: line.sources.clone(),
            derived: line.id.is_none(),
            revision: line.revision,
        }
    }
}

/// A visit to the United States, or a U.S. President's or Secretary of State's trip.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct VisitJson {
    /// `visit-<id>` or `trip-<id>`, from the Office of the Historian's data.
    id: String,
    /// `visit` (to the United States), `president` or `secretary` (a trip there).
    kind: &'static str,
    who: String,
    /// A traveller's id in the chiefs-of-mission data.
    who_id: Option<String>,
    locale: Option<String>,
    /// ISO days.
    start: String,
    end: Option<String>,
    note: String,
}

/// A relation between two parties.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct RelationJson {
    a: PartyJson,
    b: PartyJson,
    /// Documents from `a` to `b`.
    a_to_b: usize,
    /// Documents from `b` to `a`.
    b_to_a: usize,
    /// Conversations in which both took part.
    conversations: usize,
    timeline: TimelineJson,
    /// Every document between them, by date (undated last).
    documents: Vec<RelationDocument>,
    about_both: AboutJson,
    correspondents: CorrespondentsJson,
    /// For the United States and another country: the U.S. chiefs of mission there.
    chiefs_of_mission: Vec<PositionJson>,
    /// The curated events between them, by date (the derived ones are at `…/events`).
    events: Vec<EventJson>,
    /// For the United States and another country: visits and trips between them, by date.
    visits: Vec<VisitJson>,
    url: String,
}

/// The relation, or a redirect to the parties' own ids (keeping `rest` after the address).
async fn found(
    archive: &Shared,
    a: &str,
    b: &str,
    rest: &str,
) -> Result<Result<Box<crate::relations::Relation>, Response>, Problem> {
    match relation(archive, a, b, MAX_ABOUT_LISTED).await.map_err(|e| Problem::internal(&e))? {
        Found::Relation(relation) => Ok(Ok(relation)),
        Found::Elsewhere(a, b) => {
            let to = format!("/api/v1/relations/{a}/{b}{rest}");
            Ok(Err(axum::response::Redirect::permanent(&to).into_response()))
        }
        Found::Unknown(slug) => Err(Problem::not_found(format!(
            "no person, organization or country `{}`",
            slug.chars().take(80).collect::<String>()
        ))),
        Found::Same => Err(Problem::bad_request("both name the same party")),
    }
}

/// `json` or `csv`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(super) struct EventsParams {
    /// `json` (the default) or `csv`.
    format: Option<String>,
}

/// The events between two parties, curated and derived, by date: for statistical work.
#[utoipa::path(
    get,
    path = "/api/v1/relations/{a}/{b}/events",
    params(
        ("a" = String, Path, description = "A party, as for the relation", max_length = 120),
        ("b" = String, Path, description = "The other party", max_length = 120),
        EventsParams,
    ),
    responses(
        (status = 200, description = "The events as a JSON list, or CSV (`format=csv`): id, date, kind, direction, statement, evidence (ids separated by spaces), derived, revision", body = [EventJson]),
        (status = 400, description = "An unknown format, or both name the same party", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn relation_events(
    State(archive): State<Shared>,
    ApiPath((a, b)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<EventsParams>,
) -> Result<Response, Problem> {
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(Problem::bad_request(format!(
                "no format `{}`: use `json` or `csv`",
                other.chars().take(20).collect::<String>()
            )));
        }
    };
    let rest = if csv { "/events?format=csv" } else { "/events" };
    let relation = match found(&archive, &a, &b, rest).await? {
        Ok(relation) => relation,
        Err(redirect) => return Ok(redirect),
    };
    let mut lines = relation.events.clone();
    lines.extend(crate::relations::derived_events(&relation.between));
    lines.sort_by_key(|x| (x.day.is_none(), x.day));
    let events: Vec<EventJson> = lines.iter().map(EventJson::of).collect();
    if !csv {
        return Ok(json_response(serde_json::to_string(&events).unwrap_or_default()));
    }
    let mut out = String::from("id,date,kind,direction,statement,evidence,derived,revision\r\n");
    for e in &events {
        let fields = [
            e.id.clone().unwrap_or_default(),
            e.date.clone(),
            e.kind.to_string(),
            e.direction.to_string(),
            e.statement.clone(),
            e.evidence.join(" "),
            e.derived.to_string(),
            e.revision.map(|r| r.to_string()).unwrap_or_default(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"events.csv\""),
        ],
        out,
    )
        .into_response())
}

/// A CSV field (RFC 4180): quoted where it holds a comma, a quote or a line break; a leading
/// `=`, `+`, `-` or `@` is put behind a quote mark so that a spreadsheet does not run it.
fn csv_field(text: &str) -> String {
    let guarded =
        if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_string() };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Every curated event, as an events file: what `chancery import` reads back as the same
/// events.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    responses((status = 200, description = "The events file: `{\"events\": [{\"id\", \"date\", \"kind\", \"parties\", \"statement\", \"evidence\", \"sources\"}]}`", content_type = "application/json")),
    tag = "people"
)]
pub(super) async fn all_events(State(archive): State<Shared>) -> Result<Response, Problem> {
    let events: Vec<chancery_model::event::Event> =
        archive.store.events().await?.into_iter().map(|e| e.event).collect();
    Ok(json_response(chancery_ingest::events::write(&events)))
}

/// The relation between two parties: a person, an organization or a country each.
#[utoipa::path(
    get,
    path = "/api/v1/relations/{a}/{b}",
    params(
        ("a" = String, Path, description = "A party: a country (`yugoslavia`, `ussr`, `usa`), a person (`tito-josip-broz`, or a surname one person bears: `tito`) or an organization (`department-of-state`)", max_length = 120),
        ("b" = String, Path, description = "The other party", max_length = 120),
    ),
    responses(
        (status = 200, description = "The relation", body = RelationJson),
        (status = 308, description = "The parties under their own ids (`/relations/tito/ussr` → `/relations/tito-josip-broz/russia`)"),
        (status = 400, description = "Both name the same party", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "people"
)]
pub(super) async fn relation_detail(
    State(archive): State<Shared>,
    ApiPath((a, b)): ApiPath<(String, String)>,
) -> Result<Response, Problem> {
    let relation = match found(&archive, &a, &b, "").await? {
        Ok(relation) => relation,
        Err(redirect) => return Ok(redirect),
    };
    let base = &archive.config.base_url;
    let (a_to_b, b_to_a, conversations) = relation.counts();
    let who = |c: &crate::relations::Correspondent| CorrespondentJson {
        name: c.name.clone(),
        kind: c.party.as_ref().map(Party::kind),
        id: c.party.as_ref().map(|p| p.id().to_string()),
        count: c.count,
    };
    let detail = RelationJson {
        a: PartyJson::of(&relation.a, base),
        b: PartyJson::of(&relation.b, base),
        a_to_b,
        b_to_a,
        conversations,
        timeline: TimelineJson {
            granularity: relation.granularity,
            buckets: relation
                .buckets
                .iter()
                .map(|x| BucketJson {
                    period: x.period.clone(),
                    a_to_b: x.a_to_b,
                    b_to_a: x.b_to_a,
                    conversations: x.conversations,
                    events: x.events,
                })
                .collect(),
        },
        documents: relation
            .between
            .iter()
            .map(|(entry, direction)| RelationDocument {
                id: entry.id.as_str().to_string(),
                title: entry.title.clone(),
                date: entry.date.clone(),
                day: entry.day.map(|d| d.to_string()),
                direction: direction.key(),
                url: format!("{base}/records/{}", entry.id.as_str()),
            })
            .collect(),
        about_both: AboutJson {
            total: relation.about.total,
            exact: relation.about.exact,
            query: relation.about.query.clone(),
            documents: relation
                .about
                .documents
                .iter()
                .map(|d| AboutDocument {
                    id: d.id.as_str().to_string(),
                    title: d.title.clone(),
                    date: d.date.clone(),
                    url: format!("{base}/records/{}", d.id.as_str()),
                })
                .collect(),
        },
        correspondents: CorrespondentsJson {
            a: relation.correspondents.0.iter().map(who).collect(),
            b: relation.correspondents.1.iter().map(who).collect(),
        },
        chiefs_of_mission: relation.chiefs.iter().map(PositionJson::of).collect(),
        events: relation.events.iter().map(EventJson::of).collect(),
        visits: relation
            .visits
            .iter()
            .map(|v| VisitJson {
                id: v.id.clone(),
                kind: v.kind.key(),
                who: v.who.clone(),
                who_id: v.who_id.clone(),
                locale: v.locale.clone(),
                start: v.start.clone(),
                end: v.end.clone(),
                note: v.note.clone(),
            })
            .collect(),
        url: format!("{base}/relations/{}/{}", relation.a.party.id(), relation.b.party.id()),
    };
    Ok(json_response(serde_json::to_string(&detail).unwrap_or_default()))
}
