//! A WebAuthn ceremony between its options and its answer, kept in the database so that any
//! instance can finish what another started. It is found by the challenge the answer signs
//! back (the client sends nothing else), taken once, and lives 5 minutes.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use super::PasskeyError;
use crate::infra::{clock::later, db::entities::webauthn_ceremony};

/// How long the options of a ceremony can be answered.
pub(crate) const CEREMONY_TTL: Duration = Duration::from_secs(5 * 60);

/// What a ceremony is for; an answer is only taken by the step it was started for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Registration,
    SignIn,
    SecondFactor,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::SignIn => "sign_in",
            Self::SecondFactor => "second_factor",
        }
    }
}

/// Who a ceremony belongs to: an account (registration, second step), the second step's
/// token, or nobody yet (a sign-in without a username).
#[derive(Default)]
pub(super) struct Binding {
    pub user_id: Option<Uuid>,
    pub mfa_token_hash: Option<String>,
}

/// A ceremony taken by its answer.
pub(super) struct Taken<S> {
    pub binding: Binding,
    pub state: S,
}

/// Keeps the `state` of a ceremony whose options carry `challenge`.
pub(super) async fn save(
    db: &impl ConnectionTrait,
    kind: Kind,
    challenge: &[u8],
    binding: Binding,
    state: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), PasskeyError> {
    let state = serde_json::to_string(state).map_err(PasskeyError::state)?;
    webauthn_ceremony::ActiveModel {
        challenge: Set(URL_SAFE_NO_PAD.encode(challenge)),
        kind: Set(kind.as_str().to_owned()),
        user_id: Set(binding.user_id),
        mfa_token_hash: Set(binding.mfa_token_hash),
        state: Set(state),
        created_at: Set(now),
        expires_at: Set(later(now, CEREMONY_TTL)),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Forgets `user_id`'s unfinished registrations: a new one replaces them.
pub(super) async fn forget_registrations(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), DbErr> {
    webauthn_ceremony::Entity::delete_many()
        .filter(webauthn_ceremony::Column::Kind.eq(Kind::Registration.as_str()))
        .filter(webauthn_ceremony::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(drop)
}

/// Takes the live ceremony of `kind` whose challenge `client_data_json` signs back: one
/// answer per ceremony, whatever races (the row is deleted, and only the deleting request
/// goes on). `NoCeremony` when it is unknown, expired, used, or of another kind.
pub(super) async fn take<S: DeserializeOwned>(
    db: &impl ConnectionTrait,
    kind: Kind,
    client_data_json: &[u8],
    now: DateTime<Utc>,
) -> Result<Taken<S>, PasskeyError> {
    let challenge = challenge_of(client_data_json).ok_or(PasskeyError::NoCeremony)?;
    let row = webauthn_ceremony::Entity::find_by_id(challenge.clone())
        .filter(webauthn_ceremony::Column::Kind.eq(kind.as_str()))
        .filter(webauthn_ceremony::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .ok_or(PasskeyError::NoCeremony)?;
    let deleted = webauthn_ceremony::Entity::delete_by_id(challenge)
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(PasskeyError::NoCeremony);
    }
    Ok(Taken {
        binding: Binding {
            user_id: row.user_id,
            mfa_token_hash: row.mfa_token_hash,
        },
        state: serde_json::from_str(&row.state).map_err(PasskeyError::state)?,
    })
}

/// Forgets the ceremonies nobody answered in time (the pruner's pass); how many.
pub(crate) async fn forget_expired(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let expired = webauthn_ceremony::Entity::delete_many()
        .filter(webauthn_ceremony::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(expired.rows_affected)
}

/// The challenge a client signed, normalised to unpadded base64url (the stored key).
fn challenge_of(client_data_json: &[u8]) -> Option<String> {
    let client_data: serde_json::Value = serde_json::from_slice(client_data_json).ok()?;
    let challenge = client_data.get("challenge")?.as_str()?;
    let bytes = URL_SAFE_NO_PAD
        .decode(challenge.trim_end_matches('='))
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::challenge_of;

    #[test]
    fn the_challenge_is_read_from_the_client_data_padded_or_not() {
        let data = br#"{"type":"webauthn.get","challenge":"AAEC","origin":"https://a.example"}"#;
        assert_eq!(challenge_of(data).as_deref(), Some("AAEC"));
        let padded = br#"{"challenge":"AAE="}"#;
        assert_eq!(challenge_of(padded).as_deref(), Some("AAE"));
        for bad in [
            &b"not json"[..],
            br#"{"challenge":1}"#,
            br#"{"challenge":"*"}"#,
        ] {
            assert_eq!(challenge_of(bad), None);
        }
    }
}
