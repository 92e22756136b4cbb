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
