//! Static assets, compiled into the binary and served under names that carry a hash of their
//! content (`/static/site.3f2a9c1e.css`), so they can be cached for a year: a changed file gets
//! a new name.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use std::sync::LazyLock;

const SOURCES: &[(&str, &str, &str)] = &[
    ("site", "css", include_str!("../static/site.css")),
    ("site", "js", include_str!("../static/site.js")),
    ("favicon", "svg", include_str!("../static/favicon.svg")),
];

/// The assets, fingerprinted once.
pub(crate) static ASSETS: LazyLock<Assets> = LazyLock::new(Assets::new);

/// One fingerprinted asset.
pub(crate) struct Asset {
    pub(crate) name: String,
    content_type: &'static str,
    body: &'static str,
}

/// The assets with their fingerprinted names.
pub(crate) struct Assets {
    assets: Vec<Asset>,
}

impl Assets {
    pub(crate) fn new() -> Assets {
        let assets = SOURCES
            .iter()
            .map(|&(stem, ext, body)| {
                let digest = Sha256::digest(body.as_bytes());
                let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
                Asset {
                    name: format!("{stem}.{hash}.{ext}"),
                    content_type: match ext {
                        "css" => "text/css; charset=utf-8",
                        "svg" => "image/svg+xml",
                        _ => "text/javascript; charset=utf-8",
                    },
                    body,
                }
            })
            .collect();
        Assets { assets }
    }

    /// The URL path of the stylesheet.
    pub(crate) fn css(&self) -> String {
        format!("/static/{}", self.assets[0].name)
    }

    /// The URL path of the icon.
    pub(crate) fn icon(&self) -> String {
        format!("/static/{}", self.assets[2].name)
    }

    /// The URL path of the script.
    pub(crate) fn js(&self) -> String {
        format!("/static/{}", self.assets[1].name)
    }
}

pub(crate) async fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.assets.iter().find(|a| a.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            asset.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
