//! The requests the tests send, as methods of `TestApp`, and the tokens a login answers.

use accounts_api::infra::{
    clock::Clock,
    db::entities::{outbox, refresh_token, session},
};
use reqwest::Response;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Statement,
};
use serde_json::{Value, json};

use super::*;

impl TestApp {
    /// Another instance of the app on this one's database and clock, as a second replica
    /// behind a load balancer would be (its own limiter and caches). Drop it first.
    pub async fn second_instance(&self) -> TestApp {
        self.second_instance_with(|_| {}).await
    }

    /// `second_instance`, with `configure` applied to its settings.
    pub async fn second_instance_with(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = test_settings(&self.database_url);
        settings.clock = Clock::Manual(self.clock.clone());
        configure(&mut settings);
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

    /// `GET /api/v1/health`.
    pub async fn health(&self) -> Response {
        self.client
            .get(self.url("/api/v1/health"))
            .send()
            .await
            .expect("GET /api/v1/health")
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

    /// The payloads of the outbox's events of `event_type` (`user.email_changed`), in the
    /// order they were recorded.
    pub async fn outbox_events(&self, event_type: &str) -> Vec<Value> {
        let db = self.db().await;
        let rows = outbox::Entity::find()
            .filter(outbox::Column::EventType.eq(event_type))
            .order_by_asc(outbox::Column::Id)
            .all(&db)
            .await
            .expect("read the outbox");
        db.close().await.ok();
        rows.into_iter()
            .map(|row| serde_json::from_str(&row.payload).expect("a JSON payload"))
            .collect()
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
        force_drop_database(name).await;
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
