use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::{SessionTokens, issue_refresh_token};
use crate::{
    http::{ApiError, Device},
    infra::{
        clock::later,
        db::entities::session,
        security::{SessionSettings, TokenService},
    },
};

/// Opens a session for a login on `device`: the row, its first refresh token and an access
/// token naming it.
pub(crate) async fn open(
    db: &impl ConnectionTrait,
    tokens: &TokenService,
    settings: &SessionSettings,
    user_id: Uuid,
    device: Device,
    now: DateTime<Utc>,
) -> Result<SessionTokens, ApiError> {
    let session = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(later(now, settings.ttl)),
        revoked_at: Set(None),
        user_agent: Set(device.user_agent),
        ip: Set(device.ip),
    }
    .insert(db)
    .await?;
    let refresh_token = issue_refresh_token(db, session.id, now).await?;
    Ok(SessionTokens {
        access: tokens.issue(user_id, session.id, now)?,
        refresh_token,
    })
}
