//! The password policy at sign-up, change and reset: zxcvbn's score (`strength`), and the
//! breach lookup against a local HTTP server that plays a Pwned-Passwords range API
//! (`breaches`, `lookup_failures`).

mod breaches;
mod lookup_failures;
mod strength;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use accounts_api::{
    config::{PwnedPasswordsSettings, Settings},
    infra::{db::entities::password_reset, security::sha256_hex},
};
use chrono::Utc;
use poem::{EndpointExt, Request, Response, Route, get, handler, http::StatusCode, web::Data};
use reqwest::Response as ClientResponse;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem, error_fields, serve_on_free_port};

/// A password zxcvbn rates 4 that the tests put in or keep out of the fake corpus.
const STRONG: &str = "violet-anchor-drizzle-42";
/// Another one, never in the corpus.
const OTHER_STRONG: &str = "marble-kettle-orbit-97";
/// The field error of a breached password.
const BREACHED: &str = "appears in a known data breach; choose another";

/// The upper-case hex SHA-1 of `password`: its 5-digit prefix and 35-digit suffix.
fn sha1_parts(password: &str) -> (String, String) {
    let digest = hex::encode_upper(Sha1::digest(password.as_bytes()));
    let (prefix, suffix) = digest.split_at(5);
    (prefix.to_owned(), suffix.to_owned())
}

/// What the fake range API answers next.
#[derive(Clone)]
enum Reply {
    /// A padded range listing these passwords' suffixes (count 3) among decoys.
    Range(Vec<&'static str>),
    Status(u16),
    /// Answers only after this long.
    Hang(Duration),
}

/// One request the fake received: its path and its `Add-Padding` header.
#[derive(Clone, Debug)]
struct Call {
    path: String,
    add_padding: Option<String>,
}

#[derive(Default)]
struct FakeState {
    reply: Mutex<Option<Reply>>,
    calls: Mutex<Vec<Call>>,
}

/// A local range API on a random port.
struct RangeApi {
    url: String,
    state: Arc<FakeState>,
}

#[handler]
async fn range(req: &Request, state: Data<&Arc<FakeState>>) -> Response {
    state.calls.lock().unwrap().push(Call {
        path: req.uri().path().to_owned(),
        add_padding: req
            .headers()
            .get("add-padding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let reply = state.reply.lock().unwrap().clone();
    match reply.unwrap_or(Reply::Range(Vec::new())) {
        Reply::Range(listed) => {
            // Two decoys counted 0 (padding), then the listed suffixes, CRLF as the API does.
            let mut lines = vec![
                "0018A45C4D1DEF81644B54AB7F969B88D65:0".to_owned(),
                "00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0".to_owned(),
            ];
            lines.extend(listed.iter().map(|p| format!("{}:3", sha1_parts(p).1)));
            Response::builder()
                .content_type("text/plain")
                .body(lines.join("\r\n"))
        }
        Reply::Status(status) => Response::builder()
            .status(StatusCode::from_u16(status).unwrap())
            .body("upstream trouble"),
        Reply::Hang(delay) => {
            tokio::time::sleep(delay).await;
            Response::builder().body("")
        }
    }
}

impl RangeApi {
    async fn start() -> Self {
        let state = Arc::new(FakeState::default());
        let port =
            serve_on_free_port(Route::new().at("/range/:prefix", get(range).data(state.clone())))
                .await;
        Self {
            url: format!("http://127.0.0.1:{port}"),
            state,
        }
    }

    fn answer(&self, reply: Reply) {
        *self.state.reply.lock().unwrap() = Some(reply);
    }

    fn calls(&self) -> Vec<Call> {
        self.state.calls.lock().unwrap().clone()
    }

    /// Settings that send the app's lookups here, with `timeout`.
    fn configure(&self, timeout: Duration) -> impl FnOnce(&mut Settings) {
        let url = self.url.clone();
        move |s| {
            s.pwned_passwords = Some(PwnedPasswordsSettings { url, timeout });
        }
    }
}

/// Asserts a 422 with one error, for `field`, whose message starts with `rule`; the
/// password is not echoed anywhere in the problem.
async fn assert_refused(resp: ClientResponse, field: &str, rule: &str, password: &str) {
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), [field], "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with(rule), "{message}");
    assert!(!problem.to_string().contains(password), "{problem}");
}

/// `PUT /api/v1/users/password`.
async fn change(app: &TestApp, access: &str, current: &str, new: &str) -> ClientResponse {
    app.client
        .put(app.url("/api/v1/users/password"))
        .bearer_auth(access)
        .json(&json!({ "current_password": current, "new_password": new }))
        .send()
        .await
        .unwrap()
}

/// `POST /api/v1/password-reset/confirm`.
async fn confirm_reset(app: &TestApp, token: &str, new: &str) -> ClientResponse {
    app.client
        .post(app.url("/api/v1/password-reset/confirm"))
        .json(&json!({ "token": token, "new_password": new }))
        .send()
        .await
        .unwrap()
}

/// A live reset token for `user` (as the mailer would have minted it).
async fn reset_token(app: &TestApp, user: &Value, token: &str) {
    let now = Utc::now();
    password_reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user["id"].as_str().unwrap().parse().unwrap()),
        email: Set(user["email"].as_str().unwrap().to_owned()),
        token_hash: Set(sha256_hex(token)),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::hours(1)),
        used_at: Set(None),
    }
    .insert(&app.db().await)
    .await
    .unwrap();
}
