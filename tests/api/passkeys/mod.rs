//! Passkeys: registration, sign-in without a username, the second step of a password login,
//! renaming and deleting, and the attacks a ceremony must survive (a replayed or expired
//! challenge, a foreign origin or RP ID, a cloned authenticator). The authenticator is
//! 1Password's software one (the `passkey` crate), independent of webauthn-rs.

mod admin;
mod ceremonies;
mod manage;
mod second_factor;
mod sign_in;

use std::collections::HashMap;

use passkey::{
    authenticator::{
        Authenticator, CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck,
        UserValidationMethod,
    },
    client::{Client, DefaultClientData},
    crypto::rust_crypto::RustCryptoBackend,
    types::{
        Passkey,
        ctap2::{Aaguid, Ctap2Error, StatusCode, make_credential},
        webauthn,
    },
};
use public_suffix::PublicSuffixList;
use reqwest::Response;
use serde_json::{Value, json};
use webauthn_rs::prelude::Url;

use crate::helpers::{PASSKEY_ORIGIN, PASSWORD, TestApp, expect_json};

pub const PASSKEY_GRANT: &str = "urn:accounts-api:params:oauth:grant-type:passkey";

/// A user who is always there and always verified (a PIN or a fingerprint, in real life).
struct AlwaysVerified;

#[async_trait::async_trait]
impl UserValidationMethod for AlwaysVerified {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// The authenticator's credentials, by id. passkey-rs's own `MemoryStore` finds a credential
/// only by an allow list; this one also offers every credential of the RP ID for an empty
/// one, as a discoverable-credential authenticator does.
#[derive(Clone, Default)]
pub struct Store {
    passkeys: HashMap<Vec<u8>, Passkey>,
    /// A careless authenticator: it offers its credentials for any RP ID.
    any_rp_id: bool,
}

#[async_trait::async_trait]
impl CredentialStore for Store {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        allow_credentials: Option<&[webauthn::PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        _user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        let found: Vec<Passkey> = match allow_credentials {
            Some(allowed) if !allowed.is_empty() => allowed
                .iter()
                .filter_map(|descriptor| self.passkeys.get(&*descriptor.id))
                .cloned()
                .collect(),
            _ => self
                .passkeys
                .values()
                .filter(|p| self.any_rp_id || p.rp_id == rp_id)
                .cloned()
                .collect(),
        };
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        passkey: Passkey,
        _user: make_credential::PublicKeyCredentialUserEntity,
        _rp: make_credential::PublicKeyCredentialRpEntity,
        _options: make_credential::Options,
    ) -> Result<(), StatusCode> {
        self.passkeys
            .insert(passkey.credential_id.clone().into(), passkey);
        Ok(())
    }

    async fn update_credential(&mut self, passkey: &Passkey) -> Result<(), StatusCode> {
        self.passkeys
            .insert(passkey.credential_id.clone().into(), passkey.clone());
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

/// A software authenticator and the browser (WebAuthn client) in front of it, at `origin`.
pub struct Device {
    client: Client<Store, AlwaysVerified, RustCryptoBackend, PublicSuffixList, ()>,
    origin: Url,
}

impl Device {
    /// A device at the service's origin whose credentials keep a signature counter.
    pub fn new() -> Self {
        Self::with(Store::default(), PASSKEY_ORIGIN)
    }

    /// A device with `store`'s credentials, at `origin`.
    pub fn with(store: Store, origin: &str) -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            store,
            AlwaysVerified,
            RustCryptoBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(true);
        Self {
            client: Client::new(authenticator),
            origin: Url::parse(origin).unwrap(),
        }
    }

    /// A copy of this device's credentials (a cloned authenticator).
    pub fn clone_at(&self, origin: &str) -> Self {
        Self::with(self.client.authenticator().store().clone(), origin)
    }

    /// Answers creation `options` (`{publicKey: ...}`): the `RegistrationResponseJSON`.
    pub async fn create(&mut self, options: &Value) -> Value {
        let request: webauthn::CredentialCreationOptions =
            serde_json::from_value(options.clone()).expect("creation options passkey-rs reads");
        let created = self
            .client
            .register(&self.origin, request, DefaultClientData)
            .await
            .expect("the authenticator creates a credential");
        serde_json::to_value(created).unwrap()
    }

    /// This device, offering its credentials for any RP ID.
    pub fn any_rp_id(self) -> Self {
        let mut store = self.client.authenticator().store().clone();
        store.any_rp_id = true;
        Self::with(store, self.origin.as_str())
    }

    /// Answers request `options`: the assertion as JSON text.
    pub async fn get(&mut self, options: &Value) -> String {
        self.try_get(options)
            .await
            .expect("the authenticator signs")
    }

    /// Answers request `options`, or why the client or authenticator would not.
    pub async fn try_get(&mut self, options: &Value) -> Result<String, String> {
        let request: webauthn::CredentialRequestOptions =
            serde_json::from_value(options.clone()).expect("request options passkey-rs reads");
        let asserted = self
            .client
            .authenticate(&self.origin, request, DefaultClientData)
            .await
            .map_err(|err| format!("{err:?}"))?;
        Ok(serde_json::to_string(&asserted).unwrap())
    }
}

impl TestApp {
    /// `POST /api/v1/passkeys/registration` as `token`, with the password: the options.
    pub async fn registration_options(&self, token: &str) -> Value {
        let resp = self
            .post_as(
                token,
                "/api/v1/passkeys/registration",
                &json!({"current_password": PASSWORD}),
            )
            .await;
        expect_json(resp, 200).await
    }

    /// Registers a passkey of `device` for the caller of `token`: the passkey.
    pub async fn add_passkey(&self, token: &str, device: &mut Device, name: &str) -> Value {
        let options = self.registration_options(token).await;
        let credential = device.create(&options).await;
        let resp = self.create_passkey(token, &credential, name).await;
        expect_json(resp, 201).await
    }

    pub async fn create_passkey(&self, token: &str, credential: &Value, name: &str) -> Response {
        let body = json!({"credential": credential, "name": name});
        self.post_as(token, "/api/v1/passkeys", &body).await
    }

    /// `POST /api/v1/passkeys/authentication` with `body`: the response.
    pub async fn authentication_options(&self, body: &Value) -> Response {
        self.client
            .post(self.url("/api/v1/passkeys/authentication"))
            .json(body)
            .send()
            .await
            .expect("POST /api/v1/passkeys/authentication")
    }

    /// The passkey grant with `assertion`.
    pub async fn passkey_grant(&self, assertion: &str) -> Response {
        self.client
            .post(self.url("/api/v1/token/access"))
            .form(&[("grant_type", PASSKEY_GRANT), ("assertion", assertion)])
            .send()
            .await
            .expect("POST /api/v1/token/access")
    }

    /// A sign-in without a username on `device`: the assertion it sent and the response.
    pub async fn sign_in_with(&self, device: &mut Device) -> (String, Response) {
        let options = expect_json(self.authentication_options(&json!({})).await, 200).await;
        let assertion = device.get(&options).await;
        let resp = self.passkey_grant(&assertion).await;
        (assertion, resp)
    }

    /// `GET path` as `token`: the JSON body of a 200.
    pub async fn get_json_as(&self, token: &str, path: &str) -> Value {
        let resp = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        expect_json(resp, 200).await
    }
}

impl TestApp {
    /// `PATCH path` with `token` and a JSON body.
    pub async fn patch_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }
}
