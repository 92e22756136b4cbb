use uuid::Uuid;

/// Send the account a new confirmation e-mail.
#[derive(Debug)]
pub(super) struct RequestEmailVerification {
    pub user_id: Uuid,
}
