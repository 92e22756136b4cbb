use chrono::{DateTime, Utc};

use crate::{http::Cursor, infra::db::entities::user};

/// A page of at most `limit` accounts in creation order, after `after`, narrowed by every
/// filter given.
#[derive(Debug)]
pub(super) struct ListUsers {
    pub limit: u64,
    /// The last account of the previous page.
    pub after: Option<Cursor>,
    /// A prefix of the username or the e-mail address, in any case.
    pub login_prefix: Option<String>,
    pub email_verified: Option<bool>,
    pub disabled: Option<bool>,
    /// Exclusive bounds on `created_at`.
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

/// One page, and where the next one starts when there is one.
#[derive(Debug)]
pub(super) struct UserPage {
    pub items: Vec<user::Model>,
    pub next: Option<Cursor>,
}
