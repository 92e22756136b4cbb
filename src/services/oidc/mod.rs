//! OpenID Provider state the authorization and token endpoints share: pending authorization
//! requests, authorization codes and remembered consent.

mod authorization;
mod claims;
mod codes;
mod consents;
mod pending;
mod resume;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub(crate) use authorization::{Authorizing, Done, Next};
pub(crate) use claims::{scoped_claims, userinfo_claims};
pub(crate) use codes::{CodeGrant, Exchange, RedeemError, issue_code, record_issued, redeem};
pub(crate) use consents::{Consent, list as consents, remember, revoke as revoke_consent};
pub(crate) use pending::{PENDING_TTL, Pending, find, forget, park};
pub(crate) use resume::{Resumed, proceed, resume};

use crate::infra::db::entities::{oauth_authorization_code, oauth_pending_request};

/// How long a code is kept after it expires, so that a late replay still revokes what its
/// exchange issued.
const CODE_RETENTION: TimeDelta = TimeDelta::hours(1);

/// Forgets pending requests past their TTL and codes an hour past theirs; how many.
pub(crate) async fn forget_expired(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let codes = oauth_authorization_code::Entity::delete_many()
        .filter(oauth_authorization_code::Column::ExpiresAt.lt(now - CODE_RETENTION))
        .exec(db)
        .await?;
    let pending = oauth_pending_request::Entity::delete_many()
        .filter(oauth_pending_request::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(codes.rows_affected + pending.rows_affected)
}
