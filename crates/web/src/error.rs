//! Errors as readers and programs see them: an HTML page that says what went wrong and what to
//! do next, or an RFC 9457 `application/problem+json` document for the API.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use crate::html::chrome::Chrome;

/// An error on a page of the site.
#[derive(Debug)]
pub(crate) struct PageError {
    pub(crate) status: StatusCode,
    pub(crate) title: String,
    pub(crate) detail: String,
}

impl PageError {
    pub(crate) fn not_found(detail: impl Into<String>) -> PageError {
        PageError {
            status: StatusCode::NOT_FOUND,
            title: "Not found".into(),
            detail: detail.into(),
        }
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> PageError {
        PageError {
            status: StatusCode::BAD_REQUEST,
            title: "That request cannot be answered".into(),
            detail: detail.into(),
        }
    }

    pub(crate) fn internal(error: &dyn std::fmt::Display) -> PageError {
        tracing::error!(%error, "page failed");
        PageError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Something went wrong on our side".into(),
            detail: "The archive could not answer this request. It has been logged; please try again later.".into(),
        }
    }
}

impl From<chancery_store::Error> for PageError {
    fn from(error: chancery_store::Error) -> PageError {
        PageError::internal(&error)
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> PageError {
        PageError::internal(&error)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    title: &'a str,
    detail: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            chrome: Chrome::plain(&self.title),
            status: self.status.as_u16(),
            title: &self.title,
            detail: &self.detail,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.detail).into_response(),
        }
    }
}

/// An API error as an RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// A short summary of the kind of problem.
    pub(crate) title: String,
    /// The HTTP status code.
    pub(crate) status: u16,
    /// What went wrong with this request, and what to change.
    pub(crate) detail: String,
}

impl Problem {
    fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/api/v1/problems/{kind}"),
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
        }
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", "Bad request", detail)
    }

    pub(crate) fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized", detail)
    }

    pub(crate) fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub(crate) fn internal(error: &dyn std::fmt::Display) -> Problem {
        tracing::error!(%error, "API request failed");
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the archive could not answer this request; it has been logged",
        )
    }
}

impl From<chancery_store::Error> for Problem {
    fn from(error: chancery_store::Error) -> Problem {
        Problem::internal(&error)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))],
            body,
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"chancery\""),
            );
        }
        response
    }
}

/// Declares an extractor that wraps one of axum's and turns its plain-text rejection into our
/// own error (a problem document for the API, a page for the site).
macro_rules! rejecting_as {
    ($(#[$doc:meta])* $name:ident, $inner:ident, $error:ty, $make:path) => {
        $(#[$doc])*
        pub(crate) struct $name<T>(pub(crate) T);

        impl<T, S> axum::extract::FromRequestParts<S> for $name<T>
        where
            T: serde::de::DeserializeOwned + Send,
            S: Send + Sync,
        {
            type Rejection = $error;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                match axum::extract::$inner::<T>::from_request_parts(parts, state).await {
                    Ok(axum::extract::$inner(value)) => Ok($name(value)),
                    Err(rejection) => Err($make(rejection.body_text())),
                }
            }
        }
    };
}

rejecting_as!(
    /// A query string for the API: a malformed one is a problem document.
    ApiQuery, Query, Problem, Problem::bad_request
);
rejecting_as!(
    /// A query string for a page: a malformed one is a 400 page.
    PageQuery, Query, PageError, PageError::bad_request
);
rejecting_as!(
    /// A path parameter for the API (bad percent-encoding is a problem document).
    ApiPath, Path, Problem, Problem::bad_request
);
rejecting_as!(
    /// A path parameter for a page (bad percent-encoding is a 400 page).
    PagePath, Path, PageError, PageError::bad_request
);
