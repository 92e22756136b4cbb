//! The vocabulary of the permission, administration and audit tests: accounts holding
//! permissions, and the audit trail as rows.

use accounts_api::infra::db::entities::{audit_event, user_permission};
use chrono::Utc;
use reqwest::Response;
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, expect_json};

/// Every permission, as the API names them.
pub const ALL_PERMISSIONS: [&str; 4] =
    ["users:read", "users:write", "sessions:revoke", "audit:read"];

impl TestApp {
    /// Grants `permissions` to the account `user_id` straight in the database (as
    /// `manage users grant` does), through the entity: SQLite keeps a UUID as a blob, which
    /// a UUID written as text in SQL would not match.
    pub async fn grant(&self, user_id: &str, permissions: &[&str]) {
        let user_id: Uuid = user_id.parse().expect("a UUID");
        let db = self.db().await;
        for permission in permissions {
            user_permission::ActiveModel {
                user_id: Set(user_id),
                permission: Set((*permission).to_owned()),
                granted_at: Set(Utc::now()),
            }
            .insert(&db)
            .await
            .unwrap_or_else(|e| panic!("grant {permission}: {e}"));
        }
        db.close().await.ok();
    }

    /// Registers `username`, grants it `permissions`, and logs it in (after the grant, so
    /// the token carries them): its `User` body and a token.
    pub async fn account_with(&self, username: &str, permissions: &[&str]) -> (Value, String) {
        let email = format!("{username}@example.com");
        let user = expect_json(self.register(username, &email, PASSWORD).await, 201).await;
        self.grant(user["id"].as_str().expect("an id"), permissions)
            .await;
        (user, self.token_for(username, PASSWORD).await)
    }

    /// An administrator holding every permission.
    pub async fn admin(&self) -> (Value, String) {
        self.account_with("root_admin", &ALL_PERMISSIONS).await
    }

    /// Every audit row, oldest first.
    pub async fn audit_rows(&self) -> Vec<audit_event::Model> {
        let db = self.db().await;
        let rows = audit_event::Entity::find()
            .order_by_asc(audit_event::Column::OccurredAt)
            .order_by_asc(audit_event::Column::Id)
            .all(&db)
            .await
            .expect("read the audit trail");
        db.close().await.ok();
        rows
    }

    /// The audit rows of `action`, oldest first.
    pub async fn audit_rows_of(&self, action: &str) -> Vec<audit_event::Model> {
        let mut rows = self.audit_rows().await;
        rows.retain(|row| row.action == action);
        rows
    }

    /// `method path` as `token`, with an optional JSON body.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self
            .client
            .request(method.clone(), self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }
}
