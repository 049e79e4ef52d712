//! The JSON API under `/api/v1`, and its OpenAPI 3.1 document, generated from these handlers'
//! annotations and types.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use utoipa::OpenApi;

mod cmif;
mod collections;
mod countries;
mod health;
mod network;
mod organizations;
mod people;
mod records;
mod relations;
mod search;
mod write;

use crate::Shared;
use crate::cite;
use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chancery API",
        version = "1",
        description = "Read access to the archive's records, search and citations, for everyone; writing (records, drafts, imports) for curators' API tokens, sent as `Authorization: Bearer <token>` (a curator makes one on /curate/tokens). Errors are RFC 9457 problem documents (application/problem+json)."
    ),
    modifiers(&TokenScheme),
    paths(
        records::record,
        records::list,
        search::search,
        search::facet,
        cite::citation,
        cite::export,
        cmif::cmif,
        collections::list,
        collections::collection,
        people::list,
        people::person,
        people::export,
        people::record_people,
        countries::list,
        countries::country,
        organizations::list,
        organizations::organization_detail,
        relations::relation_detail,
        relations::relation_events,
        relations::all_events,
        network::network_graph,
        health::health,
        write::create,
        write::replace,
        write::delete,
        write::publish,
        write::import
    ),
    components(schemas(
        Problem,
        records::RecordList,
        records::RecordLine,
        search::SearchResponse,
        search::SearchHit,
        search::SnippetJson,
        search::FacetValueJson,
        search::FacetPageJson,
        search::ExpandedJson,
        collections::CollectionList,
        collections::CollectionLine,
        collections::CollectionDetail,
        collections::TocEntry,
        people::PersonList,
        people::PersonLine,
        people::PersonDetail,
        people::NameJson,
        people::GeneratedNameJson,
        people::RecordPeople,
        crate::people::Resolution,
        countries::CountryList,
        countries::CountryLine,
        countries::CountryDetail,
        countries::CountryQuery,
        countries::FormerStateJson,
        countries::PositionJson,
        organizations::OrganizationList,
        organizations::OrganizationLine,
        organizations::OrganizationDetail,
        relations::RelationJson,
        relations::PartyJson,
        relations::RelationDocument,
        relations::BucketJson,
        relations::TimelineJson,
        relations::AboutJson,
        relations::AboutDocument,
        relations::CorrespondentJson,
        relations::CorrespondentsJson,
        relations::EventJson,
        relations::VisitJson,
        network::NetworkJson,
        network::NodeJson,
        network::EdgeJson,
        health::Health,
        health::FixityJson,
        write::Written
    )),
    tags(
        (name = "records", description = "Records in Chancery JSON"),
        (name = "search", description = "The query language of the site and the command line"),
        (name = "citations", description = "Citations in every style, and search results for reference managers"),
        (name = "collections", description = "Volumes and their parts, with their contents in the volume's order"),
        (name = "people", description = "Persons across the volumes, found by any of their names, and the persons a record names; organizations; countries with their U.S. chiefs of mission; relations between two of them"),
        (name = "writing", description = "Creating, replacing, publishing and deleting records, and imports: needs an API token; a contributor's token writes drafts, an editor's publishes"),
        (name = "health", description = "Whether the server is in step with its store and the preservation copy, and the last fixity check")
    )
)]
struct ApiDoc;

/// The bearer-token security scheme the write API's operations name.
struct TokenScheme;

impl utoipa::Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A curator's API token (`chancery_…`), scoped to a role"))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document, as served at `/api/v1/openapi.json`.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_string())
}

pub(crate) use health::health;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/records",
            get(records::list)
                .post(write::create)
                .layer(DefaultBodyLimit::max(crate::curate::MAX_FORM_BYTES)),
        )
        .route(
            "/records/{*id}",
            get(records::record_or_citation)
                .put(write::replace)
                .delete(write::delete)
                .post(write::record_action)
                .layer(DefaultBodyLimit::max(crate::curate::MAX_FORM_BYTES)),
        )
        .route(
            "/imports",
            post(write::import).layer(DefaultBodyLimit::max(crate::imports::MAX_UPLOAD_BYTES)),
        )
        .route("/search", get(search::search))
        .route("/search/export", get(cite::export))
        .route("/search/facets/{facet}", get(search::facet))
        .route("/cmif", get(cmif::cmif))
        .route("/collections", get(collections::list))
        .route("/collections/{*id}", get(collections::collection_or_download))
        .route("/organizations", get(organizations::list))
        .route("/organizations/{id}", get(organizations::organization_detail))
        .route("/countries", get(countries::list))
        .route("/countries/{id}", get(countries::country))
        .route("/relations/{a}/{b}", get(relations::relation_detail))
        .route("/relations/{a}/{b}/events", get(relations::relation_events))
        .route("/events", get(relations::all_events))
        .route("/network", get(network::network_graph))
        .route("/people", get(people::list))
        .route("/people.jsonld", get(people::export))
        .route("/people/{id}", get(people::person))
        .route("/health", get(health::health))
        .route("/openapi.json", get(openapi))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

pub(crate) fn json_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}
