//! Registering a passkey: creation options for `navigator.credentials.create` (a resident
//! key, the account's passkeys excluded), then the authenticator's answer.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;
use webauthn_rs::prelude::{
    CreationChallengeResponse, Credential, PasskeyRegistration, RegisterPublicKeyCredential,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use super::{
    PasskeyError, Passkeys,
    ceremony::{self, Binding, Kind},
    store,
};
use crate::infra::db::{
    entities::{passkey, user},
    violated_constraint,
};

/// Opens a registration for `account` (replacing an unfinished one): the creation options.
pub(crate) async fn start_registration(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<CreationChallengeResponse, PasskeyError> {
    let relying_party = passkeys.relying_party()?;
    let excluded = store::credential_ids(db, account.id).await?;
    let (mut options, state) = relying_party.start_passkey_registration(
        account.id,
        &account.username,
        &account.username,
        Some(excluded),
    )?;
    // A discoverable credential, so that it can sign in without a username.
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
    }
    ceremony::forget_registrations(db, account.id).await?;
    let binding = Binding {
        user_id: Some(account.id),
        ..Binding::default()
    };
    let challenge = &options.public_key.challenge;
    ceremony::save(db, Kind::Registration, challenge, binding, &state, now).await?;
    Ok(options)
}

/// Takes `account`'s open registration that `credential` answers, verifies it (origin,
/// RP ID, challenge, user verification) and stores the passkey as `name`.
pub(crate) async fn finish_registration(
    db: &impl ConnectionTrait,
    passkeys: &Passkeys,
    account: &user::Model,
    credential: serde_json::Value,
    name: String,
    now: DateTime<Utc>,
) -> Result<passkey::Model, PasskeyError> {
    let relying_party = passkeys.relying_party()?;
    let credential: RegisterPublicKeyCredential = serde_json::from_value(credential)
        .map_err(|err| PasskeyError::Malformed(err.to_string()))?;
    let taken = ceremony::take::<PasskeyRegistration>(
        db,
        Kind::Registration,
        &credential.response.client_data_json,
        now,
    )
    .await?;
    if taken.binding.user_id != Some(account.id) {
        return Err(PasskeyError::NoCeremony);
    }
    let registered = relying_party.finish_passkey_registration(&credential, &taken.state)?;
    let internals = Credential::from(registered.clone());
    // What the browser reported: webauthn-rs keeps transports only from an attestation,
    // and registration asks for none.
    let transports = credential
        .response
        .transports
        .iter()
        .flatten()
        .filter_map(|transport| serde_json::to_value(transport).ok())
        .filter_map(|value| value.as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join(",");
    let row = passkey::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.id),
        credential_id: Set(URL_SAFE_NO_PAD.encode(registered.cred_id())),
        name: Set(name),
        credential: Set(serde_json::to_string(&registered).map_err(PasskeyError::state)?),
        sign_count: Set(i64::from(internals.counter)),
        backup_eligible: Set(internals.backup_eligible),
        backed_up: Set(internals.backup_state),
        transports: Set(transports),
        created_at: Set(now),
        last_used_at: Set(None),
    };
    row.insert(db).await.map_err(|err| {
        if violated_constraint(&err) == Some("ux_passkeys_credential_id") {
            PasskeyError::AlreadyRegistered
        } else {
            err.into()
        }
    })
}
