use uuid::Uuid;

use super::dto::UpdateUserRequest;
use crate::domain::{Email, FieldError, Username, Validator};

/// A valid change to the caller's account: at least one field.
#[derive(Debug)]
pub(super) struct UpdateUser {
    pub user_id: Uuid,
    pub username: Option<Username>,
    pub email: Option<Email>,
}

impl UpdateUser {
    pub(super) fn parse(
        user_id: Uuid,
        request: UpdateUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        if request.username.is_none() && request.email.is_none() {
            v.reject("username", "give a username or an email to change");
            v.reject("email", "give a username or an email to change");
        }
        let username = request.username.map(|u| {
            let username = u.value().and_then(|u| Username::parse(&u));
            v.check("username", username)
        });
        let email = request.email.map(|e| {
            let email = e.value().and_then(|e| Email::parse(&e));
            v.check("email", email)
        });
        v.finish(|| {
            Some(Self {
                user_id,
                username: username.flatten(),
                email: email.flatten(),
            })
        })
    }
}
