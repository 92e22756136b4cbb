//! The new-sign-in notice: a login from a device the account has not used within
//! `NEW_SIGNIN_LOOKBACK` mails the owner when, from what and where (`user.new_sign_in`).
//! Devices are remembered by a hash of their browser family, system and network
//! (`domain::SignInDevice`). An account's first login is the anchor and mails nothing: there
//! is no device yet to compare with.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};
use serde::Deserialize;
use smart_default::SmartDefault;

use super::Device;
use crate::{
    domain::{EventEnvelope, EventType, SignInDevice, SignInNotice, UserEventData},
    infra::{
        clock::earlier,
        db::entities::{known_device, user},
        events::outbox,
        security::sha256_hex,
        setting::{http_url, positive_seconds},
    },
};

/// The new-sign-in notice (`NEW_SIGNIN_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct NewSignInSettings {
    /// `NEW_SIGNIN_NOTICE`: `false` mails nothing and remembers no device.
    #[default(true)]
    pub notice: bool,
    /// `NEW_SIGNIN_LOOKBACK`: a device unused for longer counts as new again.
    #[default(Duration::from_secs(90 * 24 * 3600))]
    #[serde(deserialize_with = "positive_seconds")]
    pub lookback: Duration,
    /// `NEW_SIGNIN_SESSIONS_URL`: the page listing the account's sessions, linked from the
    /// e-mail; `None`: the e-mail names the session list without a link.
    #[serde(deserialize_with = "http_url")]
    pub sessions_url: Option<String>,
}

/// Remembers the device of `account`'s login at `now` and, when the account has signed in
/// before but not from this device within the lookback, records `user.new_sign_in`; whether
/// it did. Call it in the login's transaction.
pub(crate) async fn note_sign_in(
    txn: &impl ConnectionTrait,
    settings: &NewSignInSettings,
    account: &user::Model,
    device: &Device,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if !settings.notice {
        return Ok(false);
    }
    let seen = SignInDevice::of(device.user_agent.as_deref(), device.ip.as_deref());
    let key = sha256_hex(&seen.key());
    let last_seen = known_device::Entity::find_by_id((account.id, key.clone()))
        .one(txn)
        .await?
        .map(|known| known.last_seen_at);
    let new = match last_seen {
        Some(at) => at < earlier(now, settings.lookback),
        None => {
            known_device::Entity::find()
                .filter(known_device::Column::UserId.eq(account.id))
                .count(txn)
                .await?
                > 0
        }
    };
    remember(txn, account, key, now).await?;
    if new {
        let sign_in = SignInNotice {
            device: seen.describe(),
            ip: device.ip.clone(),
            sessions_url: settings.sessions_url.clone(),
        };
        let data = UserEventData {
            sign_in: Some(sign_in),
            ..UserEventData::from(account)
        };
        let event = EventEnvelope::new(EventType::NewSignIn, data, now);
        outbox::append(txn, &event).await?;
    }
    Ok(new)
}

/// Forgets the devices unused for longer than the lookback (they would count as new anyway),
/// except each account's most recent one, which stays its anchor: a later login from a
/// forgotten device is still news. How many went.
pub(crate) async fn forget_unused(
    db: &impl ConnectionTrait,
    settings: &NewSignInSettings,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let newer = Alias::new("newer");
    let seen_since = Query::select()
        .expr(Expr::val(1))
        .from_as(known_device::Entity, newer.clone())
        .and_where(
            Expr::col((newer.clone(), known_device::Column::UserId))
                .equals((known_device::Entity, known_device::Column::UserId)),
        )
        .and_where(
            Expr::col((newer, known_device::Column::LastSeenAt)).gt(Expr::col((
                known_device::Entity,
                known_device::Column::LastSeenAt,
            ))),
        )
        .to_owned();
    let deleted = known_device::Entity::delete_many()
        .filter(known_device::Column::LastSeenAt.lt(earlier(now, settings.lookback)))
        .filter(Expr::exists(seen_since))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Stores (or refreshes) the device's latest login.
async fn remember(
    txn: &impl ConnectionTrait,
    account: &user::Model,
    key: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = known_device::ActiveModel {
        user_id: Set(account.id),
        device: Set(key),
        last_seen_at: Set(now),
    };
    let upsert = OnConflict::columns([known_device::Column::UserId, known_device::Column::Device])
        .update_column(known_device::Column::LastSeenAt)
        .to_owned();
    known_device::Entity::insert(row)
        .on_conflict(upsert)
        .exec_without_returning(txn)
        .await
        .map(drop)
}
