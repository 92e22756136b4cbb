//! Any body at every operation that takes JSON, and at the token endpoints' forms, as the
//! served OpenAPI document lists them: the whole service in process (SQLite, no socket),
//! called by one signed-in account. Whatever the body, the answer is never a 5xx but the
//! documented 503, an error is `application/problem+json`, and the status is one the
//! document lists for the operation.

use std::sync::LazyLock;

use poem::{
    Endpoint, Request,
    endpoint::BoxEndpoint,
    http::{Method, StatusCode, header},
};
use serde_json::{Value, json};

use crate::{
    app::Application,
    config::{AppEnv, AppSettings, DatabaseSettings, MetricsAddr, Settings},
    infra::security::HasherKind,
};

/// The account the requests are made as, and its password (seeds may name both).
const USERNAME: &str = "fuzzer";
const PASSWORD: &str = "correct horse battery fuzz";

/// One operation of the document, its path parameters filled in.
struct Operation {
    method: Method,
    path: String,
    /// The statuses the document lists for it, each with its media types.
    responses: Vec<(u16, Vec<String>)>,
    /// Whether it takes the bearer token.
    secured: bool,
}

struct Service {
    runtime: tokio::runtime::Runtime,
    endpoint: BoxEndpoint<'static>,
    json: Vec<Operation>,
    forms: Vec<Operation>,
    bearer: String,
}

static SERVICE: LazyLock<Service> = LazyLock::new(Service::start);

/// `data`: a byte choosing the operation (of those taking JSON), then the body.
pub fn json_body(data: &[u8]) {
    SERVICE.send(&SERVICE.json, "application/json", data);
}

/// `data`: a byte choosing the token endpoint (`/api/v1/token/access`, `/oauth2/token`,
/// `/api/v1/token/revoke`), then the form.
pub fn token_form(data: &[u8]) {
    SERVICE.send(&SERVICE.forms, "application/x-www-form-urlencoded", data);
}

impl Service {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = std::env::temp_dir().join(format!("accounts-api-fuzz-{}", std::process::id()));
        // A leftover of an earlier process with this id.
        let _ = std::fs::remove_dir_all(&dir);
        let url = format!("sqlite://{}?mode=rwc", dir.join("app.db").display());
        let endpoint = runtime.block_on(async {
            let app = Application::build(settings(&url)).await.unwrap();
            app.into_endpoint()
        });
        let mut service = Self {
            runtime,
            endpoint,
            json: Vec::new(),
            forms: Vec::new(),
            bearer: String::new(),
        };
        let document = service.call(Method::GET, "/openapi.json", None, &[]).2;
        let document: Value = serde_json::from_slice(&document).unwrap();
        service.json = operations(&document, |path, content| {
            content.contains_key("application/json") && !path.starts_with("/api/v1/admin")
        });
        service.forms = operations(&document, |path, content| {
            content.contains_key("application/x-www-form-urlencoded") && path.contains("token")
        });
        service.bearer = service.sign_in();
        service
    }

    /// Signs up the account and signs it in; its access token.
    fn sign_in(&self) -> String {
        let account =
            json!({"username": USERNAME, "email": "fuzzer@example.com", "password": PASSWORD});
        let signed_up = self.call(
            Method::POST,
            "/api/v1/users",
            Some("application/json"),
            account.to_string().as_bytes(),
        );
        assert_eq!(signed_up.0, StatusCode::CREATED);
        let form = format!("grant_type=password&username={USERNAME}&password={PASSWORD}");
        let form_type = Some("application/x-www-form-urlencoded");
        let (status, _, body) = self.call(
            Method::POST,
            "/api/v1/token/access",
            form_type,
            form.as_bytes(),
        );
        assert_eq!(status, StatusCode::OK);
        let body: Value = serde_json::from_slice(&body).unwrap();
        format!("Bearer {}", body["access_token"].as_str().unwrap())
    }

    /// The operation `data`'s first byte chooses, sent the rest as its body.
    fn send(&self, operations: &[Operation], content_type: &str, data: &[u8]) {
        let Some((&choice, body)) = data.split_first() else {
            return;
        };
        let operation = &operations[usize::from(choice) % operations.len()];
        let bearer = operation.secured.then_some(self.bearer.as_str());
        let request = request(operation, content_type, bearer, body);
        let (status, content_type, answer) = self.respond(request);
        let code = status.as_u16();
        let what = format!("{} {} answered {code}", operation.method, operation.path);
        assert!(code < 500 || code == 503, "{what} to {body:?}");
        let documented = operation
            .responses
            .iter()
            .find(|(status, _)| *status == code);
        let Some((_, media_types)) = documented else {
            panic!("{what}: not in the document");
        };
        let content_type = content_type.unwrap_or_default();
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        assert!(
            media_types.is_empty() && answer.is_empty()
                || media_types
                    .iter()
                    .any(|documented| documented == media_type),
            "{what} as {content_type:?}; the document says {media_types:?}"
        );
        if code >= 400 && media_type == "application/problem+json" {
            let problem: Value = serde_json::from_slice(&answer).unwrap();
            assert_eq!(problem["status"], code, "{what}: {problem}");
        } else if code >= 400 {
            // RFC 6749 5.2 at the OAuth endpoints: `{"error": ...}` as JSON.
            let error: Value = serde_json::from_slice(&answer).unwrap();
            assert!(error["error"].is_string(), "{what}: {error}");
        }
    }

    /// Status, `Content-Type` and body of a request to `path`.
    fn call(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> (StatusCode, Option<String>, Vec<u8>) {
        let mut request = Request::builder().method(method).uri_str(path);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        self.respond(request.body(body.to_vec()))
    }

    fn respond(&self, request: Request) -> (StatusCode, Option<String>, Vec<u8>) {
        self.runtime.block_on(async {
            let response = self.endpoint.get_response(request).await;
            let status = response.status();
            let content_type = response.content_type().map(str::to_owned);
            let body = response.into_body().into_vec().await.unwrap();
            (status, content_type, body)
        })
    }
}

fn request(
    operation: &Operation,
    content_type: &str,
    bearer: Option<&str>,
    body: &[u8],
) -> Request {
    let mut request = Request::builder()
        .method(operation.method.clone())
        .uri_str(&operation.path)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(bearer) = bearer {
        request = request.header(header::AUTHORIZATION, bearer);
    }
    request.body(body.to_vec())
}

/// The embedded service with limits off (one client sends everything) and the fast hasher.
fn settings(url: &str) -> Settings {
    let defaults = Settings::default();
    let mut settings = Settings {
        app: AppSettings {
            env: AppEnv::Test,
            host: "127.0.0.1".into(),
            port: 0,
        },
        database: DatabaseSettings {
            url: Some(url.into()),
            ..defaults.database
        },
        password_hasher: HasherKind::Fast,
        email_verifier: None,
        pwned_passwords: None,
        ..defaults
    };
    settings.server.metrics_addr = MetricsAddr::Off;
    settings.rate_limit.enabled = false;
    settings.jwt.access_token_ttl = std::time::Duration::from_secs(7 * 24 * 3600);
    settings
}

/// The document's operations whose request body `takes` (given the path and the body's
/// content types), in document order; path parameters are a UUID.
fn operations(
    document: &Value,
    takes: impl Fn(&str, &serde_json::Map<String, Value>) -> bool,
) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let content = operation["requestBody"]["content"].as_object();
            if !content.is_some_and(|content| takes(path, content)) {
                continue;
            }
            let responses = operation["responses"].as_object().unwrap().iter();
            found.push(Operation {
                method: method.to_uppercase().parse().unwrap(),
                path: fill_parameters(path),
                responses: responses
                    .filter_map(|(code, response)| {
                        Some((code.parse().ok()?, media_types(response)))
                    })
                    .collect(),
                secured: operation.get("security").is_some(),
            });
        }
    }
    assert!(
        !found.is_empty(),
        "no operation in the document takes such a body"
    );
    found
}

/// The media types a documented response comes in (none: no body).
fn media_types(response: &Value) -> Vec<String> {
    response["content"]
        .as_object()
        .map_or_else(Vec::new, |content| content.keys().cloned().collect())
}

/// `/a/{id}/b` -> `/a/00000000-0000-0000-0000-000000000000/b`.
fn fill_parameters(path: &str) -> String {
    let segments = path.split('/').map(|segment| {
        if segment.starts_with('{') {
            uuid::Uuid::nil().to_string()
        } else {
            segment.to_owned()
        }
    });
    segments.collect::<Vec<_>>().join("/")
}
