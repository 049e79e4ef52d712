//! The advanced search form: words, a phrase, fields, a date range, language, kind, volume and
//! person, written into the query language — submitting it leads to the search page whose
//! address is the query, so that what the form built can be read, kept and changed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chancery_model::doc_type::DocType;
use chancery_search::query::parse;
use serde::Deserialize;

use crate::Shared;
use crate::error::{PageError, PageQuery};
use crate::html::chrome::Chrome;
use crate::html::markup::query_value;

/// The form's fields (all optional; `go` marks a submitted form).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AdvancedParams {
    /// A query to start from (kept as it is, the form's clauses added to it).
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    words: Option<String>,
    #[serde(default)]
    phrase: Option<String>,
    #[serde(default)]
    any: Option<String>,
    #[serde(default)]
    none: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    recipient: Option<String>,
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    archive: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default, rename = "type")]
    doc_type: Option<String>,
    #[serde(default)]
    collection: Option<String>,
    #[serde(default)]
    sort: Option<String>,
    #[serde(default)]
    go: Option<String>,
}

/// An option of a select.
pub(crate) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "advanced.html")]
struct AdvancedPage {
    chrome: Chrome,
    p: AdvancedParams,
    error: Option<String>,
    languages: Vec<Choice>,
    types: Vec<Choice>,
    volumes: Vec<Choice>,
    sorts: Vec<Choice>,
}

fn value(field: &Option<String>) -> &str {
    field.as_deref().map_or("", str::trim)
}

/// Text for a phrase in quotes (a quote inside cannot be searched; it becomes a space).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The query the form's fields say, in the query language.
pub(crate) fn query_of(p: &AdvancedParams) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |part: String| {
        if !part.trim().is_empty() {
            parts.push(part);
        }
    };
    push(value(&p.start).to_string());
    push(value(&p.words).to_string());
    if !value(&p.phrase).is_empty() {
        push(quoted(value(&p.phrase)));
    }
    let any: Vec<&str> = value(&p.any).split_whitespace().collect();
    push(any.join(" OR "));
    for word in value(&p.none).split_whitespace() {
        push(format!("-{}", word.trim_start_matches('-')));
    }
    for (field, text) in [
        ("title", value(&p.title)),
        ("author", value(&p.author)),
        ("recipient", value(&p.recipient)),
        ("archive", value(&p.archive)),
    ] {
        if !text.is_empty() {
            push(format!("{field}:{}", quoted(text)));
        }
    }
    if !value(&p.person).is_empty() {
        let name = quoted(value(&p.person));
        push(format!("author:{name} OR recipient:{name}"));
    }
    match (value(&p.from), value(&p.to)) {
        ("", "") => {}
        (from, to) => push(format!("date:{from}..{to}")),
    }
    if !value(&p.lang).is_empty() {
        push(format!("lang={}", value(&p.lang)));
    }
    if !value(&p.doc_type).is_empty() {
        push(format!("type={}", value(&p.doc_type)));
    }
    if !value(&p.collection).is_empty() {
        push(format!("collection={}", quoted(value(&p.collection))));
    }
    parts.join(" ")
}

/// The form, or — once submitted — the search it says.
pub(crate) async fn form(
    State(archive): State<Shared>,
    PageQuery(params): PageQuery<AdvancedParams>,
) -> Result<Response, PageError> {
    let mut error = None;
    if params.go.is_some() {
        let q = query_of(&params);
        match parse(&q) {
            Ok(query) => {
                let sort = match value(&params.sort) {
                    "" => String::new(),
                    sort => format!("&sort={}", query_value(sort)),
                };
                // 303: the form's answer is another page, to be fetched with GET.
                let location = format!("/search?q={}{sort}", query_value(&query.to_string()));
                return Ok(axum::response::Redirect::to(&location).into_response());
            }
            Err(e) => error = Some(format!("{e} — in the query the form wrote: {q}")),
        }
    }
    let everything = crate::search::run(&archive, &Default::default(), 0, false).await?;
    let languages = everything
        .results
        .facets
        .iter()
        .find(|f| f.name == chancery_search::FacetName::Language)
        .map(|f| f.values.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(code, _)| Choice {
            selected: value(&params.lang) == code,
            label: crate::facets::plain_label(chancery_search::FacetName::Language, &code),
            value: code,
        })
        .collect();
    let types = DocType::ALL
        .iter()
        .map(|t| Choice {
            value: t.key().to_string(),
            label: t.label().to_string(),
            selected: value(&params.doc_type) == t.key(),
        })
        .collect();
    let volumes = archive
        .store
        .collections()
        .await?
        .into_iter()
        .filter(|c| c.parent.is_none())
        .map(|c| Choice {
            selected: value(&params.collection) == c.id,
            label: crate::facets::volume_label(&c.title),
            value: c.id,
        })
        .collect();
    let sorts = [
        ("", "Relevance (with words), oldest first (without)"),
        ("date", "Oldest first"),
        ("newest", "Newest first"),
        ("edition", "Edition order (volume, then document number)"),
    ]
    .into_iter()
    .map(|(v, l)| Choice {
        value: v.to_string(),
        label: l.to_string(),
        selected: value(&params.sort) == v,
    })
    .collect();
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = AdvancedPage {
        chrome: Chrome::plain("Advanced search"),
        p: params,
        error,
        languages,
        types,
        volumes,
        sorts,
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_writes_the_query_language() {
        let p = AdvancedParams {
            start: Some("tito".into()),
            words: Some("normalization".into()),
            phrase: Some("peaceful \"coexistence\"".into()),
            any: Some("Belgrade Moscow".into()),
            none: Some("Stalin -Molotov".into()),
            title: Some("letter".into()),
            person: Some("Khrushchev".into()),
            from: Some("1954".into()),
            to: Some("1955-06".into()),
            lang: Some("hbs".into()),
            doc_type: Some("letter".into()),
            collection: Some("frus1955-57v26".into()),
            ..Default::default()
        };
        let q = query_of(&p);
        assert_eq!(
            q,
            "tito normalization \"peaceful coexistence\" Belgrade OR Moscow -Stalin -Molotov \
             title:\"letter\" author:\"Khrushchev\" OR recipient:\"Khrushchev\" \
             date:1954..1955-06 lang=hbs type=letter collection=\"frus1955-57v26\""
        );
        assert!(parse(&q).is_ok());
        assert_eq!(query_of(&AdvancedParams::default()), "");
        assert_eq!(
            query_of(&AdvancedParams { to: Some("1955".into()), ..Default::default() }),
            "date:..1955"
        );
    }
}
