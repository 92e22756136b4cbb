//! The e-mail reputation check at sign-up and e-mail change, against a local HTTP server
//! that plays AbstractAPI's Email Reputation API.

mod cache;
mod checks;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use accounts_api::config::{EmailVerifierSettings, Settings};
use poem::{
    EndpointExt, Response, Route, get, handler,
    http::StatusCode,
    web::{Data, Query},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::{Backend, TestApp, expect_json, serve_on_free_port, spawn_app_with};

const API_KEY: &str = "test-key-0123456789";
const REDIS: &str = "redis://127.0.0.1:6379";
const REDIS_DOWN: &str = "redis://127.0.0.1:1";

/// What the fake provider answers next.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    retry_after: Option<&'static str>,
    delay: Duration,
}

impl Reply {
    /// A documented 200 answer.
    fn verdict(status: &str, format_valid: bool, disposable: bool) -> Self {
        let body = json!({
            "email_address": "x@example.com",
            "email_deliverability": {
                "status": status,
                "status_detail": "test",
                "is_format_valid": format_valid,
            },
            "email_quality": { "score": 0.5, "is_disposable": disposable },
        });
        Self::raw(200, &body.to_string())
    }

    fn deliverable() -> Self {
        Self::verdict("deliverable", true, false)
    }

    fn raw(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.into(),
            retry_after: None,
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct ProviderState {
    reply: Mutex<Option<Reply>>,
    /// The query string of each request received.
    calls: Mutex<Vec<HashMap<String, String>>>,
}

/// A local stand-in for the provider, on a random port.
struct Provider {
    url: String,
    state: Arc<ProviderState>,
}

#[handler]
async fn reputation(
    Query(query): Query<HashMap<String, String>>,
    state: Data<&Arc<ProviderState>>,
) -> Response {
    state.calls.lock().unwrap().push(query);
    let reply = state.reply.lock().unwrap().clone();
    let reply = reply.unwrap_or_else(Reply::deliverable);
    tokio::time::sleep(reply.delay).await;
    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .content_type("application/json");
    if let Some(seconds) = reply.retry_after {
        response = response.header("Retry-After", seconds);
    }
    response.body(reply.body)
}

impl Provider {
    async fn start() -> Self {
        let state = Arc::new(ProviderState::default());
        let port =
            serve_on_free_port(Route::new().at("/v1/", get(reputation).data(state.clone()))).await;
        Self {
            url: format!("http://127.0.0.1:{port}/v1/"),
            state,
        }
    }

    fn answer(&self, reply: Reply) {
        *self.state.reply.lock().unwrap() = Some(reply);
    }

    fn calls(&self) -> usize {
        self.state.calls.lock().unwrap().len()
    }

    fn last_call(&self) -> HashMap<String, String> {
        self.state.calls.lock().unwrap().last().cloned().unwrap()
    }

    fn settings(&self) -> EmailVerifierSettings {
        EmailVerifierSettings {
            api_url: self.url.clone(),
            api_key: API_KEY.into(),
            timeout: Duration::from_secs(5),
            cache_ttl: Duration::from_secs(3600),
            cooldown: Duration::from_secs(7),
        }
    }
}

/// An app that checks addresses with `provider`; `configure` may adjust its settings.
async fn spawn_checked(
    backend: Backend,
    provider: &Provider,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_app_with(backend, |s| {
        s.email_verifier = Some(provider.settings());
        configure(s);
    })
    .await
}

async fn outbox_rows(app: &TestApp) -> u64 {
    use accounts_api::infra::db::entities::outbox;
    outbox::Entity::find().count(&app.db().await).await.unwrap()
}

async fn health(app: &TestApp) -> serde_json::Value {
    expect_json(app.health().await, 200).await
}
