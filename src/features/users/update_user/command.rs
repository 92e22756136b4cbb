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
        let (username, email) = (request.username.value(), request.email.value());
        if username.is_none() && email.is_none() {
            v.reject("username", "give a username or an email to change");
            v.reject("email", "give a username or an email to change");
        }
        let username = username.map(|u| v.check("username", u.and_then(|u| Username::parse(&u))));
        let email = email.map(|e| v.check("email", e.and_then(|e| Email::parse(&e))));
        v.finish(|| {
            Some(Self {
                user_id,
                username: username.flatten(),
                email: email.flatten(),
            })
        })
    }
}
