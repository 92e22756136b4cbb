use uuid::Uuid;

use super::dto::UpdateAdminUserRequest;
use crate::domain::{FieldError, Validator};

/// A change `actor` (an administrator) makes to the account `target`: at least one field.
#[derive(Debug)]
pub(super) struct UpdateUser {
    pub actor: Uuid,
    pub target: Uuid,
    pub disabled: Option<bool>,
    pub email_verified: Option<bool>,
}

impl UpdateUser {
    pub(super) fn parse(
        actor: Uuid,
        target: Uuid,
        request: UpdateAdminUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let (disabled, email_verified) = (request.disabled.value(), request.email_verified.value());
        if disabled.is_none() && email_verified.is_none() {
            v.reject("disabled", "give disabled or email_verified to change");
            v.reject(
                "email_verified",
                "give disabled or email_verified to change",
            );
        }
        let disabled = disabled.map(|d| v.check("disabled", d));
        let email_verified = email_verified.map(|e| v.check("email_verified", e));
        v.finish(|| {
            Some(Self {
                actor,
                target,
                disabled: disabled.flatten(),
                email_verified: email_verified.flatten(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::UpdateUser;
    use crate::{
        domain::FieldError,
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<UpdateUser, Vec<FieldError>> {
        UpdateUser::parse(Uuid::nil(), Uuid::max(), body(json))
    }

    #[test]
    fn an_empty_body_is_an_error_on_both_fields() {
        assert_eq!(
            fields(&parse(json!({})).unwrap_err()),
            ["disabled", "email_verified"]
        );
    }

    #[test]
    fn either_field_alone_is_a_change_for_the_actor_on_the_target() {
        let command = parse(json!({"disabled": true})).unwrap();
        assert_eq!((command.actor, command.target), (Uuid::nil(), Uuid::max()));
        assert_eq!(
            (command.disabled, command.email_verified),
            (Some(true), None)
        );
        let command = parse(json!({"email_verified": false})).unwrap();
        assert_eq!(
            (command.disabled, command.email_verified),
            (None, Some(false))
        );
    }

    #[test]
    fn null_and_non_booleans_are_field_errors_on_each_field() {
        let errors = parse(json!({"disabled": null, "email_verified": "true"})).unwrap_err();
        assert_eq!(
            described(errors),
            [
                "disabled: must be a boolean",
                "email_verified: must be a boolean"
            ]
        );
    }
}
