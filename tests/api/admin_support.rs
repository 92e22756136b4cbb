//! The vocabulary of the permission, administration and audit tests: accounts holding
//! permissions, and the audit trail as rows.

use accounts_api::infra::db::entities::audit_event;
use reqwest::Response;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, expect_json};

/// Every permission, as the API names them.
pub const ALL_PERMISSIONS: [&str; 4] = ["users:read", "users:write", "sessions:revoke", "audit:read"];

impl TestApp {
    /// Grants `permissions` to the account `user_id` straight in the database (as
    /// `manage users grant` does).
    pub async fn grant(&self, user_id: &str, permissions: &[&str]) {
        for permission in permissions {
            self.execute(&format!(
                "INSERT INTO user_permissions (user_id, permission, granted_at) \
                 VALUES ('{user_id}', '{permission}', CURRENT_TIMESTAMP)"
            ))
            .await;
        }
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
