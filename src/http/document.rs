//! The served OpenAPI document: poem-openapi's, finished where its derives cannot say what
//! the specification and client generators need; and the endpoints that serve it (the JSON,
//! Swagger UI, Redoc), all from the one finished text.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use poem::{Route, endpoint::make_sync};
use poem_openapi::{OpenApi, OpenApiService};
use serde_json::{Map, Value};
use strum::IntoEnumIterator;

use crate::domain::Permission;

/// The web fonts poem-openapi's Redoc page loads from Google: dropped, so the docs make no
/// request to another host (offline use, privacy, a strict CSP); Redoc falls back to the
/// system fonts.
const REDOC_FONTS: &str = r#"<link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">"#;

/// What `Content-Type` poem-openapi documents for JSON; clients want the bare media type.
const JSON_WITH_CHARSET: &str = "application/json; charset=utf-8";
/// The hosted pages' media type as poem-openapi writes it.
const HTML_WITH_CHARSET: &str = "text/html; charset=utf-8";

/// Adds `/openapi.json`, `/docs` (Swagger UI) and `/redoc` to `routes`, all serving the
/// finished document of the service `api` makes. Each is built on its first request and
/// kept: the two pages carry their JavaScript inline (3 MB together), which a server that
/// nobody browses never needs to hold.
pub(crate) fn with_documents<T: OpenApi + 'static>(
    routes: Route,
    api: fn() -> OpenApiService<T, ()>,
) -> Route {
    let document = move || {
        let api = api();
        let raw = api.spec();
        let finished = finish(&raw);
        (api, raw, finished)
    };
    let json = page("application/json", move || document().2);
    let swagger = page("text/html; charset=utf-8", move || {
        let (api, raw, finished) = document();
        api.swagger_ui_html().replace(&raw, &finished)
    });
    let redoc = page("text/html; charset=utf-8", move || {
        let (api, raw, finished) = document();
        (api.redoc_html().replace(&raw, &finished)).replace(REDOC_FONTS, "")
    });
    routes
        .at("/openapi.json", json)
        .at("/docs", swagger)
        .at("/redoc", redoc)
}

/// An endpoint answering what `build` makes, built once, on the first request.
fn page(
    content_type: &'static str,
    build: impl Fn() -> String + Send + Sync + 'static,
) -> impl poem::Endpoint {
    let built = Arc::new(OnceLock::<Bytes>::new());
    make_sync(move |_| {
        let body = built.get_or_init(|| Bytes::from(build())).clone();
        poem::Response::builder()
            .content_type(content_type)
            .body(body)
    })
}

/// Fixes what poem-openapi leaves out or spells its own way:
/// - every OAuth2 flow lists every permission as a scope, with what it allows (Swagger UI's
///   Authorize dialog offers them; operations name theirs in their security requirement);
/// - an operation without security requirements says `security: []` (public, explicitly);
/// - `application/json; charset=utf-8` content keys become `application/json` (and the
///   hosted pages' `text/html; charset=utf-8`, `text/html`);
/// - header names poem-openapi upper-cases (`CACHE-CONTROL`) get their usual case.
pub(crate) fn finish(spec: &str) -> String {
    let Ok(mut doc) = serde_json::from_str::<Value>(spec) else {
        return spec.to_owned();
    };
    if let Some(schemes) = doc.pointer_mut("/components/securitySchemes") {
        for flow in schemes
            .as_object_mut()
            .into_iter()
            .flat_map(|s| s.values_mut())
            .filter_map(|scheme| scheme.get_mut("flows")?.as_object_mut())
            .flat_map(|flows| flows.values_mut())
            .filter_map(Value::as_object_mut)
        {
            flow.insert("scopes".into(), permission_scopes());
        }
    }
    for operation in operations(&mut doc) {
        operation
            .entry("security")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(content) = operation
            .get_mut("requestBody")
            .and_then(|body| body.get_mut("content"))
        {
            bare_json(content);
        }
        for response in operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|r| r.values_mut())
        {
            if let Some(content) = response.get_mut("content") {
                bare_json(content);
            }
            if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
                *headers = std::mem::take(headers)
                    .into_iter()
                    .map(|(name, header)| (usual_case(&name), header))
                    .collect();
            }
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| spec.to_owned())
}

fn permission_scopes() -> Value {
    Value::Object(
        Permission::iter()
            .map(|p| (p.as_str().to_owned(), Value::from(p.description())))
            .collect(),
    )
}

/// Every operation object under `paths`.
fn operations(doc: &mut Value) -> impl Iterator<Item = &mut Map<String, Value>> {
    doc.get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(Value::as_object_mut)
}

fn bare_json(content: &mut Value) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (with_charset, bare) in [
        (JSON_WITH_CHARSET, "application/json"),
        (HTML_WITH_CHARSET, "text/html"),
    ] {
        if let Some(media) = content.remove(with_charset) {
            content.insert(bare.into(), media);
        }
    }
}

/// `CACHE-CONTROL` -> `Cache-Control`; names with lower-case letters are left as written.
fn usual_case(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_lowercase()) {
        return name.to_owned();
    }
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_string() + &chars.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{finish, usual_case};

    #[test]
    fn header_names_get_their_usual_case() {
        assert_eq!(usual_case("CACHE-CONTROL"), "Cache-Control");
        assert_eq!(usual_case("RateLimit-Limit"), "RateLimit-Limit");
        assert_eq!(usual_case("WWW-Authenticate"), "WWW-Authenticate");
    }

    #[test]
    fn scopes_security_and_media_types_are_finished() {
        let raw = json!({
            "components": {"securitySchemes": {"oauth2": {"type": "oauth2",
                "flows": {"password": {"tokenUrl": "/t"}}}}},
            "paths": {"/a": {
                "get": {"responses": {"200": {"content": {"application/json; charset=utf-8": {}},
                    "headers": {"CACHE-CONTROL": {}}}}},
                "post": {"security": [{"oauth2": []}], "responses": {}}
            }}
        });
        let done: Value = serde_json::from_str(&finish(&raw.to_string())).unwrap();
        assert_eq!(
            done["components"]["securitySchemes"]["oauth2"]["flows"]["password"]["scopes"]["audit:read"],
            json!("Read the audit trail.")
        );
        let get = &done["paths"]["/a"]["get"];
        assert_eq!(get["security"], json!([]));
        assert!(get["responses"]["200"]["content"]["application/json"].is_object());
        assert!(get["responses"]["200"]["headers"]["Cache-Control"].is_object());
        assert_eq!(
            done["paths"]["/a"]["post"]["security"],
            json!([{"oauth2": []}])
        );
    }
}
