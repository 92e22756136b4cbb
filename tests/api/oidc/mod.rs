//! The OpenID Provider end to end: a relying party of the test's own (PKCE, state, nonce)
//! and a browser that keeps its cookies by hand and follows no redirect, through the
//! authorization endpoint, the hosted pages, the token endpoint and userinfo.

mod algorithms;
mod consent;
mod consents_api;
mod cors;
mod flow;
mod logout;
mod passkey_page;
mod pruning;
mod refusals;
mod relying_party;
mod scopes;

use std::collections::HashMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::{Response, redirect::Policy};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    helpers::{PASSWORD, TestApp, expect_json},
    oauth_clients::{created, id_of, writer},
};

/// The redirect URI every test client registers.
pub const REDIRECT_URI: &str = "https://rp.example.com/callback";

/// A relying party: its registration and one authorization request's secrets.
pub struct Rp {
    pub client_id: String,
    pub secret: Option<String>,
    pub verifier: String,
    pub state: String,
    pub nonce: String,
}

impl Rp {
    /// Registers a client with `extra` fields over a public first-party SPA's.
    pub async fn register(app: &TestApp, extra: Value) -> Self {
        let (_, token) = writer(app).await;
        Self::register_as(app, &token, extra).await
    }

    /// Registers a client as `token` (an account holding `clients:write`).
    pub async fn register_as(app: &TestApp, token: &str, extra: Value) -> Self {
        let mut body = json!({
            "name": "Test RP",
            "client_type": "public",
            "redirect_uris": [REDIRECT_URI],
            "allowed_scopes": ["openid", "profile", "email", "offline_access"],
            "first_party": true,
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        let answer = created(app, token, &body).await;
        Self {
            client_id: id_of(&answer["client"]),
            secret: answer["client_secret"].as_str().map(str::to_owned),
            verifier: "a".repeat(20) + &uuid::Uuid::now_v7().simple().to_string(),
            state: "state-123".into(),
            nonce: "nonce-456".into(),
        }
    }

    /// The S256 challenge of the verifier.
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }

    /// The authorization request's query pairs for `scope`, the challenge included.
    pub fn params(&self, scope: &str) -> Vec<(String, String)> {
        [
            ("response_type", "code"),
            ("client_id", &self.client_id),
            ("redirect_uri", REDIRECT_URI),
            ("scope", scope),
            ("state", &self.state),
            ("nonce", &self.nonce),
            ("code_challenge", &self.challenge()),
            ("code_challenge_method", "S256"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// The authorization URL of `params`.
    pub fn url(app: &TestApp, params: &[(String, String)]) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        app.url(&format!("/oauth2/authorize?{query}"))
    }

    /// Exchanges `code` (public client: its id in the form).
    pub async fn exchange(&self, app: &TestApp, code: &str) -> Response {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", &self.verifier),
            ("client_id", &self.client_id),
        ];
        token_request(app, &form).await
    }
}

/// `POST /oauth2/token` with `form`.
pub async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> Response {
    app.client
        .post(app.url("/oauth2/token"))
        .form(form)
        .send()
        .await
        .expect("POST /oauth2/token")
}

/// A browser: it keeps the cookies it is given and follows no redirect.
pub struct Browser {
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .no_proxy()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &Response) {
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    pub async fn get(&mut self, url: &str) -> Response {
        let response = self
            .client
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.keep(&response);
        response
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Response {
        let response = self
            .client
            .post(url)
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .expect("POST");
        self.keep(&response);
        response
    }
}

/// The `Location` of a 302, absolute.
pub fn location(app: &TestApp, response: &Response) -> String {
    assert_eq!(response.status(), 302, "not a redirect");
    let location = response.headers()["location"].to_str().unwrap();
    match location.starts_with('/') {
        true => app.url(location),
        false => location.to_owned(),
    }
}

/// The value of the hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let pattern = format!(r#"name="{name}" value="([^"]*)""#);
    regex::Regex::new(&pattern)
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("no {name} field in {html}"))[1]
        .to_owned()
}

/// The query parameters of a redirect to the client.
pub fn query_of(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// Registers `alice` (password `PASSWORD`).
pub async fn alice(app: &TestApp) {
    let registered = app.register("alice", "alice@example.com", PASSWORD).await;
    expect_json(registered, 201).await;
}

/// From the authorization URL to the sign-in page: the page's HTML.
pub async fn open_sign_in(app: &TestApp, browser: &mut Browser, url: &str) -> String {
    let to_page = browser.get(url).await;
    let page_url = location(app, &to_page);
    assert!(page_url.contains("/oauth2/sign-in?request="), "{page_url}");
    let page = browser.get(&page_url).await;
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

/// Posts the sign-in form of `page` with `login` and `password`.
pub async fn submit_sign_in(
    app: &TestApp,
    browser: &mut Browser,
    page: &str,
    login: &str,
    password: &str,
) -> Response {
    let (request, csrf) = (hidden(page, "request"), hidden(page, "csrf"));
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf.as_str()),
        ("login", login),
        ("password", password),
    ];
    browser.post(&app.url("/oauth2/sign-in"), &form).await
}

/// Signs `alice` in through the pages from `url`: the redirect back to the client.
pub async fn sign_in(app: &TestApp, browser: &mut Browser, url: &str) -> HashMap<String, String> {
    let page = open_sign_in(app, browser, url).await;
    let back = submit_sign_in(app, browser, &page, "alice", PASSWORD).await;
    let back = location(app, &back);
    assert!(back.starts_with(REDIRECT_URI), "{back}");
    query_of(&back)
}
