use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    domain::{AuditAction, FieldError, Validator},
    http::KeysetPage,
};

/// One page of the audit trail, newest first: at most `limit` events older than the last
/// event of the previous page, of the given actor, target and action.
#[derive(Debug)]
pub(super) struct ListAuditEvents {
    pub page: KeysetPage,
    pub actor: Option<Actor>,
    pub target: Option<Uuid>,
    pub action: Option<AuditAction>,
}

impl ListAuditEvents {
    /// The query from its parameters as sent (empty ones count as absent); an unreadable
    /// `cursor` or `actor` is a validation error naming it (both, when both are).
    pub(super) fn parse(
        limit: u32,
        cursor: Option<&str>,
        actor: Option<&str>,
        target: Option<Uuid>,
        action: Option<AuditAction>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let page = KeysetPage::parse(limit, cursor)
            .map_err(|err| v.reject(&err.field, err.message))
            .ok();
        // Empty, as a form sends an unset field, is no filter.
        let actor = actor
            .filter(|a| !a.is_empty())
            .map(|a| v.check("actor", Actor::parse(a)));
        v.finish(|| {
            Some(Self {
                page: page?,
                actor: actor.flatten(),
                target,
                action,
            })
        })
    }
}

/// Who acted: an account, or the system (no account: the CLI, background work, or a
/// request by nobody known, such as a failed login).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Actor {
    Account(Uuid),
    System,
}

impl Actor {
    /// The `actor` parameter: an account id, or `system`.
    fn parse(text: &str) -> Result<Self, String> {
        if text == "system" {
            return Ok(Self::System);
        }
        Uuid::try_parse(text)
            .map(Self::Account)
            .map_err(|_| "must be an account id (a UUID) or `system`".to_owned())
    }

    pub(super) fn of(actor_id: Option<Uuid>) -> Self {
        actor_id.map_or(Self::System, Self::Account)
    }
}

/// One audit event as an administrator reads it.
#[derive(Debug)]
pub(super) struct AuditEventView {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    pub action: AuditAction,
    pub target_id: Option<Uuid>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub detail: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::{Actor, ListAuditEvents};
    use crate::{domain::AuditAction, http::KeysetPage};

    #[test]
    fn actor_is_an_account_id_or_system() {
        let id = Uuid::now_v7();
        assert_eq!(Actor::parse(&id.to_string()), Ok(Actor::Account(id)));
        assert_eq!(Actor::parse("system"), Ok(Actor::System));
        for bad in ["", "System", "root", "42"] {
            assert!(Actor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn each_unreadable_parameter_is_named() {
        let errors = ListAuditEvents::parse(20, Some("garbage"), Some("nobody"), None, None)
            .expect_err("both are invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["cursor", "actor"]);
        let query = ListAuditEvents::parse(20, None, Some("system"), None, None).unwrap();
        assert_eq!(
            (query.page, query.actor),
            (KeysetPage::parse(20, None).unwrap(), Some(Actor::System))
        );
    }

    #[test]
    fn empty_parameters_are_no_filter_and_the_others_pass_through() {
        let target = Uuid::now_v7();
        let query = ListAuditEvents::parse(
            5,
            Some(""),
            Some(""),
            Some(target),
            Some(AuditAction::LoginFailed),
        )
        .unwrap();
        assert_eq!(
            (query.page, query.actor),
            (KeysetPage::parse(5, None).unwrap(), None)
        );
        assert_eq!(
            (query.target, query.action),
            (Some(target), Some(AuditAction::LoginFailed))
        );
    }

    #[test]
    fn an_account_id_is_an_account_actor() {
        let id = Uuid::now_v7();
        let query = ListAuditEvents::parse(20, None, Some(&id.to_string()), None, None).unwrap();
        assert_eq!(query.actor, Some(Actor::Account(id)));
        assert_eq!(
            (Actor::of(Some(id)), Actor::of(None)),
            (Actor::Account(id), Actor::System)
        );
    }
}
