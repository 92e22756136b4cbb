use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use serde_json::Value;
use uuid::Uuid;

use super::query::{Actor, AuditEventView};
use crate::http::Page;

/// What happened, named `<subject>.<event>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename = "AuditAction", remote = "crate::domain::AuditAction")]
pub(super) enum AuditActionName {
    #[oai(rename = "user.signed_up")]
    SignedUp,
    #[oai(rename = "login.succeeded")]
    LoginSucceeded,
    #[oai(rename = "login.failed")]
    LoginFailed,
    #[oai(rename = "session.refresh_reuse_detected")]
    RefreshReuseDetected,
    #[oai(rename = "session.logged_out")]
    LoggedOut,
    #[oai(rename = "session.revoked")]
    SessionRevoked,
    #[oai(rename = "password.changed")]
    PasswordChanged,
    #[oai(rename = "password.reset")]
    PasswordReset,
    #[oai(rename = "password.check_failed")]
    PasswordCheckFailed,
    #[oai(rename = "email.changed")]
    EmailChanged,
    #[oai(rename = "email.confirmed")]
    EmailConfirmed,
    #[oai(rename = "email.unconfirmed")]
    EmailUnconfirmed,
    #[oai(rename = "permission.granted")]
    PermissionGranted,
    #[oai(rename = "permission.revoked")]
    PermissionRevoked,
    #[oai(rename = "permission.change_refused")]
    PermissionChangeRefused,
    #[oai(rename = "account.disabled")]
    AccountDisabled,
    #[oai(rename = "account.enabled")]
    AccountEnabled,
    #[oai(rename = "account.deleted")]
    AccountDeleted,
    #[oai(rename = "account.deletion_refused")]
    AccountDeletionRefused,
    #[oai(rename = "login.mfa_required")]
    LoginMfaRequired,
    #[oai(rename = "mfa.totp_enabled")]
    TotpEnabled,
    #[oai(rename = "mfa.totp_disabled")]
    TotpDisabled,
    #[oai(rename = "mfa.recovery_codes_regenerated")]
    RecoveryCodesRegenerated,
    #[oai(rename = "mfa.recovery_code_used")]
    RecoveryCodeUsed,
    #[oai(rename = "mfa.code_failed")]
    MfaCodeFailed,
    #[oai(rename = "mfa.reset")]
    MfaReset,
    #[oai(rename = "passkey.registered")]
    PasskeyRegistered,
    #[oai(rename = "passkey.renamed")]
    PasskeyRenamed,
    #[oai(rename = "passkey.removed")]
    PasskeyRemoved,
    #[oai(rename = "passkey.counter_regressed")]
    PasskeyCounterRegressed,
    #[oai(rename = "client.created")]
    ClientCreated,
    #[oai(rename = "client.updated")]
    ClientUpdated,
    #[oai(rename = "client.secret_rotated")]
    ClientSecretRotated,
    #[oai(rename = "client.deleted")]
    ClientDeleted,
    #[oai(rename = "consent.granted")]
    ConsentGranted,
    #[oai(rename = "consent.revoked")]
    ConsentRevoked,
    #[oai(rename = "oauth.code_replayed")]
    AuthorizationCodeReplayed,
}

/// Who acted: an `account` (`actor_id`), or the `system` (no account: the CLI, background
/// work, or a request by nobody known, such as a failed login).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename = "AuditActorType", rename_all = "lowercase")]
pub(super) enum ActorType {
    Account,
    System,
}

/// One entry of the audit trail: who did what to which account, when, from where.
// No doc comments on the enum fields: poem-openapi would wrap their `$ref` in an `allOf`
// that client generators (openapi-python-client) cannot read.
#[derive(Object)]
pub(super) struct AuditEvent {
    /// The event id (UUID v7).
    pub id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The account that acted; `null` when `actor_type` is `system`.
    #[oai(nullable)]
    pub actor_id: Option<Uuid>,
    pub actor_type: ActorType,
    pub action: AuditActionName,
    /// The account acted upon (kept after the account is deleted); `null` when there is
    /// none, e.g. a failed login with an unknown name.
    #[oai(nullable)]
    pub target_id: Option<Uuid>,
    /// The client IP of the request (behind trusted proxies, the forwarded one); `null`
    /// when no request caused it.
    #[oai(nullable)]
    pub ip: Option<String>,
    /// The request's `X-Request-Id`; `null` when no request caused it.
    #[oai(nullable)]
    pub request_id: Option<String>,
    /// What the action concerned, e.g. `{"permission": "users:read"}` or
    /// `{"sessions": 2}`; never a secret.
    pub detail: BTreeMap<String, Value>,
}

/// One page of the audit trail, newest first.
#[derive(Object)]
pub(super) struct AuditEventPage {
    /// The events, newest first.
    pub items: Vec<AuditEvent>,
    /// Pass it as `cursor` for the next (older) page; `null` on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<AuditEventView> for AuditEvent {
    fn from(view: AuditEventView) -> Self {
        let (actor_id, actor_type) = match view.actor {
            Actor::Account(id) => (Some(id), ActorType::Account),
            Actor::System => (None, ActorType::System),
        };
        Self {
            id: view.id,
            occurred_at: view.occurred_at,
            actor_id,
            actor_type,
            action: view.action.into(),
            target_id: view.target_id,
            ip: view.ip,
            request_id: view.request_id,
            detail: view.detail.into_iter().collect(),
        }
    }
}

impl From<Page<AuditEventView>> for AuditEventPage {
    fn from(page: Page<AuditEventView>) -> Self {
        Self {
            items: page.items.into_iter().map(AuditEvent::from).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        }
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ToJSON;
    use strum::IntoEnumIterator;

    use super::AuditActionName;
    use crate::domain::AuditAction;

    #[test]
    fn the_names_are_the_domain_ones() {
        for action in AuditAction::iter() {
            let name = AuditActionName::from(action);
            assert_eq!(name.to_json(), Some(action.as_str().into()));
            assert_eq!(AuditAction::from(name), action);
        }
    }
}
