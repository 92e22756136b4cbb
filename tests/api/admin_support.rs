//! The vocabulary of the permission, administration and audit tests: accounts holding
//! permissions, and the audit trail as rows.

use accounts_api::infra::db::entities::{audit_event, user, user_permission};
use chrono::Utc;
use reqwest::Response;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, expect_json};

/// Every permission, as the API names them.
pub const ALL_PERMISSIONS: [&str; 5] = [
    "users:read",
    "users:write",
    "sessions:revoke",
    "audit:read",
    "clients:write",
];

impl TestApp {
    /// Grants `permissions` to the account `user_id` straight in the database (through
    /// the entity: SQLite stores UUIDs as blobs, so SQL text literals would not match).
    pub async fn grant(&self, user_id: &str, permissions: &[&str]) {
        let db = self.db().await;
        for permission in permissions {
            user_permission::ActiveModel {
                user_id: Set(user_id.parse().expect("a UUID")),
                permission: Set((*permission).to_owned()),
                granted_at: Set(Utc::now()),
            }
            .insert(&db)
            .await
            .unwrap_or_else(|e| panic!("grant {permission} to {user_id}: {e}"));
        }
        db.close().await.ok();
    }

    /// Revokes `permission` from the account `user_id` straight in the database.
    pub async fn revoke(&self, user_id: &str, permission: &str) {
        let db = self.db().await;
        user_permission::Entity::delete_many()
            .filter(user_permission::Column::UserId.eq(user_id.parse::<Uuid>().expect("a UUID")))
            .filter(user_permission::Column::Permission.eq(permission))
            .exec(&db)
            .await
            .expect("revoke");
        db.close().await.ok();
    }

    /// Disables the account `user_id` straight in the database, ending no session (as
    /// only the bearer check's own test of the account would then refuse its tokens).
    pub async fn disable_in_database(&self, user_id: &str) {
        let db = self.db().await;
        user::Entity::update_many()
            .col_expr(user::Column::DisabledAt, Expr::value(Some(Utc::now())))
            .filter(user::Column::Id.eq(user_id.parse::<Uuid>().expect("a UUID")))
            .exec(&db)
            .await
            .expect("disable");
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
