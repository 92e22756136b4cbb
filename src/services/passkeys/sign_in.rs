//! Signing in with a passkey: without a username (a discoverable credential names its
//! account), or as the second step of a password login (options bound to its `mfa_token`).

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication,
    PublicKeyCredential, RequestChallengeResponse, WebauthnError,
};

use super::{
    PasskeyError, Passkeys,
    ceremony::{self, Binding, Kind},
    store,
};
use crate::infra::db::entities::passkey;

/// A verified assertion: whose passkey signed, and which.
pub(crate) struct Asserted {
    pub user_id: Uuid,
    pub passkey: passkey::Model,
}

/// Opens a sign-in without a username: request options with an empty allow list.
pub(crate) async fn start_sign_in(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    now: DateTime<Utc>,
) -> Result<RequestChallengeResponse, PasskeyError> {
    let (mut options, state) = passkeys
        .relying_party()?
        .start_discoverable_authentication()?;
    // The caller picks the mediation (a modal dialog, or conditional UI in a login form).
    options.mediation = None;
    let challenge = &options.public_key.challenge;
    ceremony::save(db, Kind::SignIn, challenge, Binding::default(), &state, now).await?;
    Ok(options)
}

/// Opens the second step of `user_id`'s password login (its `mfa_token` hashed as
/// `mfa_token_hash`): request options listing the account's passkeys.
pub(crate) async fn start_second_factor(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    user_id: Uuid,
    mfa_token_hash: String,
    now: DateTime<Utc>,
) -> Result<RequestChallengeResponse, PasskeyError> {
    let relying_party = passkeys.relying_party()?;
    let credentials: Vec<Passkey> = store::all_of(db, user_id)
        .await?
        .into_iter()
        .map(|(_, credential)| credential)
        .collect();
    if credentials.is_empty() {
        return Err(PasskeyError::NoPasskeys);
    }
    let (options, state) = relying_party.start_passkey_authentication(&credentials)?;
    let binding = Binding {
        user_id: Some(user_id),
        mfa_token_hash: Some(mfa_token_hash),
    };
    let challenge = &options.public_key.challenge;
    ceremony::save(db, Kind::SecondFactor, challenge, binding, &state, now).await?;
    Ok(options)
}

/// Verifies a sign-in without a username: takes its ceremony (single use), finds the
/// passkey by the user handle and credential id, checks the signature, origin, RP ID, user
/// verification and counter, and records the use.
pub(crate) async fn finish_sign_in(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    assertion: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Asserted, PasskeyError> {
    let relying_party = passkeys.relying_party()?;
    let assertion = parse(assertion)?;
    let taken = ceremony::take::<DiscoverableAuthentication>(
        db,
        Kind::SignIn,
        &assertion.response.client_data_json,
        now,
    )
    .await?;
    let (user_id, credential_id) = relying_party
        .identify_discoverable_authentication(&assertion)
        .map_err(|_| PasskeyError::UnknownPasskey)?;
    let (row, credential) = store::by_credential(db, user_id, credential_id).await?;
    let verified =
        relying_party.finish_discoverable_authentication_v2(&assertion, taken.state, &credential);
    record(db, row, credential, verified, now).await
}

/// Verifies the second step of `user_id`'s password login: the ceremony must have been
/// opened for the same `mfa_token`; then as `finish_sign_in`.
pub(crate) async fn finish_second_factor(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    user_id: Uuid,
    mfa_token_hash: &str,
    assertion: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Asserted, PasskeyError> {
    let relying_party = passkeys.relying_party()?;
    let assertion = parse(assertion)?;
    let taken = ceremony::take::<PasskeyAuthentication>(
        db,
        Kind::SecondFactor,
        &assertion.response.client_data_json,
        now,
    )
    .await?;
    let bound = taken.binding.user_id == Some(user_id)
        && taken.binding.mfa_token_hash.as_deref() == Some(mfa_token_hash);
    if !bound {
        return Err(PasskeyError::NoCeremony);
    }
    let (row, credential) = store::by_credential(db, user_id, &assertion.raw_id).await?;
    let verified = relying_party.finish_passkey_authentication(&assertion, &taken.state);
    record(db, row, credential, verified, now).await
}

fn parse(assertion: serde_json::Value) -> Result<PublicKeyCredential, PasskeyError> {
    serde_json::from_value(assertion).map_err(|err| PasskeyError::Malformed(err.to_string()))
}

/// Turns webauthn-rs's verdict into the use recorded, or the refusal; a counter that did
/// not go up (there, or against a concurrent sign-in) is `CounterRegressed`.
async fn record(
    db: &impl ConnectionTrait,
    row: passkey::Model,
    mut credential: Passkey,
    verified: Result<AuthenticationResult, WebauthnError>,
    now: DateTime<Utc>,
) -> Result<Asserted, PasskeyError> {
    let regressed = || PasskeyError::CounterRegressed {
        user_id: row.user_id,
        passkey_id: row.id,
    };
    let result = match verified {
        Ok(result) => result,
        Err(WebauthnError::CredentialPossibleCompromise) => return Err(regressed()),
        Err(err) => return Err(err.into()),
    };
    credential.update_credential(&result);
    if !store::record_use(db, &row, &credential, now).await? {
        return Err(regressed());
    }
    Ok(Asserted {
        user_id: row.user_id,
        passkey: row,
    })
}
