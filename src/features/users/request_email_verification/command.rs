use crate::infra::db::entities::user;

/// Send the account a new confirmation e-mail.
#[derive(Debug)]
pub(super) struct RequestEmailVerification {
    /// The caller's account, as the bearer check read it with the session.
    pub account: user::Model,
}
