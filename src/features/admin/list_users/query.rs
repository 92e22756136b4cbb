use chrono::{DateTime, Utc};

use crate::http::KeysetPage;

/// A page of accounts in creation order, narrowed by every filter given.
#[derive(Debug)]
pub(super) struct ListUsers {
    /// How many accounts, after the last one of the previous page.
    pub page: KeysetPage,
    /// A prefix of the username or the e-mail address, in any case.
    pub login_prefix: Option<String>,
    pub email_verified: Option<bool>,
    pub disabled: Option<bool>,
    /// With (`true`) or without (`false`) a second factor.
    pub mfa: Option<bool>,
    /// Exclusive bounds on `created_at`.
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}
