//! Spawning the real application against a fresh database, and the small vocabulary the
//! tests share: requests, JSON bodies, problem documents, users, forged tokens.

use std::{
    path::PathBuf,
    sync::LazyLock,
    time::{SystemTime, UNIX_EPOCH},
};

use accounts_api::{
    app::Application,
    config::{AppEnv, AppSettings, DatabaseSettings, JwtSettings, ServerSettings, Settings},
    infra::{
        clock::{Clock, ManualClock},
        db::entities::{refresh_token, session},
        security::{HasherKind, RsaKeyPair},
    },
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Response;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder, Statement};
use serde_json::{Value, json};
use tempfile::TempDir;
use uuid::Uuid;

/// Runs one flow on SQLite and on PostgreSQL: `both_backends!(flow_a, flow_b);` turns each
/// `async fn flow_a(backend: Backend)` of the calling module into `flow_a::sqlite` and
/// `flow_a::postgres` tests.
macro_rules! both_backends {
    ($($flow:ident),+ $(,)?) => {$(
        mod $flow {
            use crate::helpers::Backend;

            #[tokio::test]
            async fn sqlite() {
                super::$flow(Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::$flow(Backend::Postgres).await;
            }
        }
    )+};
}

/// The password every test user gets unless a test says otherwise.
pub const PASSWORD: &str = "correct-horse-battery";
pub const ISSUER: &str = "accounts-api";
pub const AUDIENCE: &str = "accounts-api";
pub const PROBLEM_JSON: &str = "application/problem+json";

const POSTGRES_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one JWT key pair of this test binary, on disk for the app and in memory for forging.
pub struct TestKeys {
    _dir: TempDir,
    pub private_key_path: PathBuf,
    pub public_key_path: PathBuf,
    pub private_pem: String,
    pub public_pem: String,
}

pub static KEYS: LazyLock<TestKeys> = LazyLock::new(|| {
    let pair = RsaKeyPair::generate().expect("generate the test RSA key pair");
    let dir = TempDir::new().expect("create a temp dir for the test keys");
    let private_key_path = dir.path().join("jwt-private.pem");
    let public_key_path = dir.path().join("jwt-public.pem");
    std::fs::write(&private_key_path, &pair.private_pem).expect("write the private key");
    std::fs::write(&public_key_path, &pair.public_pem).expect("write the public key");
    TestKeys {
        _dir: dir,
        private_key_path,
        public_key_path,
        private_pem: pair.private_pem,
        public_pem: pair.public_pem,
    }
});

/// Settings for a test app on `database_url`: random port, the fast test hasher, the test
/// keys, the system clock (`spawn_app_with` gives the app a manual one).
pub fn test_settings(database_url: &str) -> Settings {
    let defaults = Settings::default();
    Settings {
        app: AppSettings {
            env: AppEnv::Test,
            host: "127.0.0.1".into(),
            port: 0,
        },
        database: DatabaseSettings {
            url: Some(database_url.into()),
            ..defaults.database
        },
        server: ServerSettings {
            password_hash_cost: 4,
            // One listener per process at most; the metrics tests ask for theirs.
            metrics_addr: None,
            ..defaults.server
        },
        password_hasher: HasherKind::Fast,
        jwt: JwtSettings {
            private_key_path: KEYS.private_key_path.clone(),
            public_key_path: KEYS.public_key_path.clone(),
            ..defaults.jwt
        },
        ..defaults
    }
}

/// A fresh database that disappears with the `TestApp`.
enum TestDb {
    /// Kept only to delete the database with the app.
    Sqlite {
        _dir: TempDir,
    },
    Postgres(String),
    /// Another `TestApp`'s database (see `second_instance`): that app deletes it.
    Shared,
}

pub struct TestApp {
    pub address: String,
    /// The app's clock: it stands still until a test moves it.
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub database_url: String,
    db: TestDb,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (db, database_url) = match backend {
        Backend::Sqlite => {
            let dir = TempDir::new().expect("create a temp dir for the SQLite database");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("app.db").display());
            (TestDb::Sqlite { _dir: dir }, url)
        }
        Backend::Postgres => {
            let name = format!("test_{}", Uuid::now_v7().simple());
            admin_execute(&format!(r#"CREATE DATABASE "{name}""#)).await;
            let url = format!("{POSTGRES_SERVER}/{name}");
            (TestDb::Postgres(name), url)
        }
    };
    let clock = ManualClock::default();
    let mut settings = test_settings(&database_url);
    settings.clock = Clock::Manual(clock.clone());
    configure(&mut settings);
    start(settings, clock, db).await
}

/// Builds and serves the app with `settings` (whose clock is `clock`).
async fn start(settings: Settings, clock: ManualClock, db: TestDb) -> TestApp {
    let database_url = settings.database.url().to_owned();
    let app = Application::build(settings)
        .await
        .unwrap_or_else(|e| panic!("the app failed to start on {database_url}: {e}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        clock,
        client: client(),
        database_url,
        db,
        server,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("build the HTTP client")
}

/// Runs one statement on the PostgreSQL server's maintenance database.
async fn admin_execute(sql: &str) {
    let url = format!("{POSTGRES_SERVER}/postgres");
    let conn = Database::connect(&url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required at {url} (user postgres, trust auth); start it with \
             scripts/services-up.sh postgres: {e}"
        )
    });
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
    conn.close().await.ok();
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if let TestDb::Postgres(name) = &self.db {
            let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
            // Our own runtime on our own thread: Drop cannot await, and this one may be
            // unwinding from a failed assertion.
            let dropped = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a runtime to drop the test database")
                    .block_on(admin_execute(&sql));
            })
            .join();
            if dropped.is_err() && !std::thread::panicking() {
                panic!("could not drop the test database {name}");
            }
        }
    }
}

impl TestApp {
    /// Another instance of the app on this one's database and clock, as a second replica
    /// behind a load balancer would be (its own limiter and caches). Drop it first.
    pub async fn second_instance(&self) -> TestApp {
        let mut settings = test_settings(&self.database_url);
        settings.clock = Clock::Manual(self.clock.clone());
        start(settings, self.clock.clone(), TestDb::Shared).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn register(&self, username: &str, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/users"))
            .json(&json!({ "username": username, "email": email, "password": password }))
            .send()
            .await
            .expect("POST /api/v1/users")
    }

    /// The OAuth2 password grant, form-encoded as Swagger UI sends it.
    pub async fn login(&self, username_or_email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/token/access"))
            .form(&[("username", username_or_email), ("password", password)])
            .send()
            .await
            .expect("POST /api/v1/token/access")
    }

    /// Logs in (password `PASSWORD`) with `User-Agent: user_agent`, opening a session.
    pub async fn login_on(&self, username_or_email: &str, user_agent: &str) -> SessionTokens {
        let resp = self
            .client
            .post(self.url("/api/v1/token/access"))
            .header("user-agent", user_agent)
            .form(&[("username", username_or_email), ("password", PASSWORD)])
            .send()
            .await
            .expect("POST /api/v1/token/access");
        SessionTokens::from(&expect_json(resp, 200).await)
    }

    /// The refresh-token grant, as a form.
    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.client
            .post(self.url("/api/v1/token/access"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .send()
            .await
            .expect("POST /api/v1/token/access (refresh)")
    }

    /// A refresh that must succeed (asserting 200): the new pair.
    pub async fn refreshed(&self, refresh_token: &str) -> SessionTokens {
        SessionTokens::from(&expect_json(self.refresh(refresh_token).await, 200).await)
    }

    /// Logs in (asserting 200): the access token and the refresh token of a new session.
    pub async fn tokens_for(&self, username_or_email: &str, password: &str) -> SessionTokens {
        let body = expect_json(self.login(username_or_email, password).await, 200).await;
        SessionTokens::from(&body)
    }

    pub async fn token_for(&self, username_or_email: &str, password: &str) -> String {
        let body = expect_json(self.login(username_or_email, password).await, 200).await;
        body["access_token"]
            .as_str()
            .expect("access_token is a string")
            .to_owned()
    }

    /// Registers an account (asserting 201) and logs it in: its `User` body and a token.
    pub async fn register_and_login(&self, username: &str, email: &str) -> (Value, String) {
        let user = expect_json(self.register(username, email, PASSWORD).await, 201).await;
        (user, self.token_for(username, PASSWORD).await)
    }

    /// The usual first account, `alice`.
    pub async fn alice(&self) -> (Value, String) {
        self.register_and_login("alice", "alice@example.com").await
    }

    pub async fn get_me(&self, token: &str) -> Response {
        self.client
            .get(self.url("/api/v1/users"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /api/v1/users")
    }

    pub async fn patch_me(&self, token: &str, body: &Value) -> Response {
        self.client
            .patch(self.url("/api/v1/users"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("PATCH /api/v1/users")
    }

    pub async fn delete_me(&self, token: &str, password: &str) -> Response {
        self.client
            .delete(self.url("/api/v1/users"))
            .bearer_auth(token)
            .json(&json!({ "password": password }))
            .send()
            .await
            .expect("DELETE /api/v1/users")
    }

    /// A connection of the test's own to the app's database.
    pub async fn db(&self) -> DatabaseConnection {
        Database::connect(&self.database_url)
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.database_url))
    }

    pub async fn execute(&self, sql: &str) {
        let db = self.db().await;
        db.execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
        db.close().await.ok();
    }

    /// Every `sessions` row, oldest first.
    pub async fn sessions(&self) -> Vec<session::Model> {
        let db = self.db().await;
        let rows = session::Entity::find()
            .order_by_asc(session::Column::Id)
            .all(&db)
            .await
            .expect("read the sessions");
        db.close().await.ok();
        rows
    }

    /// Every `refresh_tokens` row, oldest first.
    pub async fn refresh_tokens(&self) -> Vec<refresh_token::Model> {
        let db = self.db().await;
        let rows = refresh_token::Entity::find()
            .order_by_asc(refresh_token::Column::IssuedAt)
            .all(&db)
            .await
            .expect("read the refresh tokens");
        db.close().await.ok();
        rows
    }

    pub async fn count_users(&self) -> i64 {
        let db = self.db().await;
        let stmt =
            Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM users");
        let row = db
            .query_one_raw(stmt)
            .await
            .expect("count users")
            .expect("one row");
        let n = row.try_get::<i64>("", "n").expect("an integer count");
        db.close().await.ok();
        n
    }

    /// Drops the PostgreSQL database under the running app, as an outage would.
    pub async fn drop_database(&self) {
        let TestDb::Postgres(name) = &self.db else {
            panic!("drop_database needs the Postgres backend");
        };
        admin_execute(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
    }
}

/// The two tokens of one session, as a login or a refresh hands them out.
pub struct SessionTokens {
    pub access: String,
    pub refresh: String,
}

impl From<&Value> for SessionTokens {
    fn from(body: &Value) -> Self {
        let field = |name: &str| {
            body[name]
                .as_str()
                .unwrap_or_else(|| panic!("no {name} in {body}"))
                .to_owned()
        };
        Self {
            access: field("access_token"),
            refresh: field("refresh_token"),
        }
    }
}

impl SessionTokens {
    /// The `sid` claim of the access token: the session's id.
    pub fn session_id(&self) -> String {
        payload_of(&self.access)["sid"]
            .as_str()
            .expect("sid is a string")
            .to_owned()
    }
}

/// Reads the body as JSON after checking the status; the body is in every failure message.
pub async fn expect_json(resp: Response, status: u16) -> Value {
    let actual = resp.status();
    let text = body_text(resp).await;
    assert_eq!(actual.as_u16(), status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"))
}

/// The body as text, checked to carry no password or hash.
pub async fn body_text(resp: Response) -> String {
    let text = resp.text().await.expect("read the response body");
    for secret in [PASSWORD, "$2b$", "$2a$", "$2y$", "password_hash"] {
        assert!(
            !text.contains(secret),
            "the response leaks {secret:?}: {text}"
        );
    }
    text
}

/// Checks an RFC 9457 problem: status, content type, `type` slug, and the fields every
/// problem has; `errors` must be there exactly for a field conflict (409) and 422.
/// Returns the body.
pub async fn assert_problem(resp: Response, status: u16, slug: &str) -> Value {
    let headers = resp.headers().clone();
    let content_type = header(&headers, "content-type");
    let body = expect_json(resp, status).await;
    assert!(
        content_type.starts_with(PROBLEM_JSON),
        "content-type {content_type:?} is not {PROBLEM_JSON}; body: {body}"
    );
    assert_eq!(body["type"], format!("/problems/{slug}"), "body: {body}");
    assert_eq!(body["status"], status, "body: {body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "title: {body}"
    );
    assert!(body["detail"].is_string(), "detail: {body}");
    if slug == "conflict" || status == 422 {
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors[]: {body}"));
        assert!(!errors.is_empty(), "empty errors[]: {body}");
        for error in errors {
            assert!(
                error["field"].is_string() && error["message"].is_string(),
                "{body}"
            );
        }
    } else {
        assert!(body.get("errors").is_none(), "unexpected errors[]: {body}");
    }
    if status == 401 && slug == "unauthorized" {
        let challenge = header(&headers, "www-authenticate");
        assert!(
            challenge.starts_with("Bearer"),
            "WWW-Authenticate: {challenge:?}"
        );
    }
    if status == 503 {
        assert!(
            !header(&headers, "retry-after").is_empty(),
            "503 without Retry-After"
        );
    }
    body
}

/// The `field` of each `errors[]` entry, in order.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A header's value, or "" when absent.
pub fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| v.to_str().expect("a visible-ASCII header").to_owned())
        .unwrap_or_default()
}

/// The field names of a JSON object, sorted, to compare a body's shape with its schema's.
pub fn field_names(object: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = object
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names
}

/// Checks the `User` shape: exactly its six fields, a UUID v7 id, RFC 3339 timestamps.
pub fn assert_user(user: &Value, username: &str, email: &str) {
    assert_eq!(
        field_names(user),
        [
            "created_at",
            "email",
            "email_verified",
            "id",
            "updated_at",
            "username"
        ],
        "user: {user}"
    );
    let id = Uuid::parse_str(user["id"].as_str().expect("id is a string")).expect("id is a UUID");
    assert_eq!(id.get_version_num(), 7, "id is not a UUID v7: {user}");
    assert_eq!(user["username"], username, "user: {user}");
    assert_eq!(user["email"], email, "user: {user}");
    assert!(user["email_verified"].is_boolean(), "user: {user}");
    timestamp(user, "created_at");
    timestamp(user, "updated_at");
}

pub fn timestamp(user: &Value, field: &str) -> chrono::DateTime<chrono::FixedOffset> {
    let raw = user[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string: {user}"));
    chrono::DateTime::parse_from_rfc3339(raw)
        .unwrap_or_else(|e| panic!("{field} {raw:?} is not RFC 3339: {e}"))
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// Claims the app would accept for `sub` in its live session `sid` (take it from a real
/// login with `payload_of`): right issuer and audience, valid for 15 minutes.
pub fn valid_claims(sub: &str, sid: &str) -> Value {
    let now = now_secs();
    json!({
        "sub": sub,
        "sid": sid,
        "iat": now,
        "exp": now + 900,
        "jti": Uuid::now_v7().to_string(),
        "iss": ISSUER,
        "aud": AUDIENCE,
    })
}

/// Signs `claims` with RS256 and the test binary's private key, as the app does.
pub fn forge(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(KEYS.private_pem.as_bytes()).expect("the test private key");
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, &key).expect("sign the claims")
}

/// The payload of a JWT, decoded without any check: what the app put in it.
pub fn payload_of(token: &str) -> Value {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1).expect("a JWS compact token");
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .expect("a base64url payload");
    serde_json::from_slice(&json).expect("a JSON payload")
}

/// Unpadded base64url, as JWT segments are written.
pub fn base64url(bytes: &[u8]) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Asserts that the app refuses `refresh_token` (401 `invalid-refresh-token`); the problem.
pub async fn assert_refresh_refused(app: &TestApp, refresh_token: &str) -> Value {
    assert_problem(
        app.refresh(refresh_token).await,
        401,
        "invalid-refresh-token",
    )
    .await
}

/// `REFRESH_TOKEN_REUSE_GRACE` as the test apps have it (the default).
pub fn reuse_grace() -> std::time::Duration {
    accounts_api::infra::security::SessionSettings::default().reuse_grace
}

/// Asserts that the app refuses `token` as `unauthorized` on `GET /api/v1/users`.
pub async fn assert_token_rejected(app: &TestApp, token: &str) {
    assert_problem(app.get_me(token).await, 401, "unauthorized").await;
}
