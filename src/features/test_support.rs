//! What the slices' unit tests share: a request body as a client sends it, field errors as
//! a reader checks them, and an account as the bearer check reads it.

use chrono::Utc;
use poem_openapi::types::ParseFromJSON;
use serde_json::Value;
use uuid::Uuid;

use crate::{domain::FieldError, infra::db::entities::user};

/// A request DTO parsed from a JSON body, as the route receives it.
pub(crate) fn body<T: ParseFromJSON>(json: Value) -> T {
    T::parse_from_json(Some(json)).unwrap_or_else(|_| panic!("parsing a request body never fails"))
}

/// Each field error as `field: message`, in the order the command found them.
pub(crate) fn described(errors: Vec<FieldError>) -> Vec<String> {
    errors
        .into_iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect()
}

/// The account `alice` (`alice@example.com`), confirmed and enabled.
pub(crate) fn account() -> user::Model {
    let now = Utc::now();
    user::Model {
        id: Uuid::now_v7(),
        username: "alice".into(),
        email: "alice@example.com".into(),
        password_hash: user::PasswordHash("x".into()),
        email_verified: true,
        disabled_at: None,
        locale: None,
        created_at: now,
        updated_at: now,
    }
}

/// The fields `errors` name, in order.
pub(crate) fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}
