//! Second factors: TOTP with recovery codes, the second step of a login, the operations that
//! take a code, administration. Codes are computed here by an RFC 6238 implementation of
//! the test's own (HMAC-SHA-1 from ring), independent of the crate the service uses.

mod admin;
mod enrolment;
mod keys;
mod login;
mod metrics;
mod sensitive;

use chrono::{DateTime, Utc};
use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, expect_json};

pub const MFA_GRANT: &str = "urn:accounts-api:params:oauth:grant-type:mfa";

/// A confirmed TOTP: its secret and the recovery codes shown at confirmation.
pub struct Enrolled {
    pub secret: Vec<u8>,
    pub recovery_codes: Vec<String>,
}

/// RFC 6238 with SHA-1, 6 digits, 30-second steps: the code for the step `at` falls in.
pub fn code_at(secret: &[u8], at: DateTime<Utc>) -> String {
    let step = (at.timestamp() / 30) as u64;
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = ring::hmac::sign(&key, &step.to_be_bytes());
    let mac = mac.as_ref();
    let offset = usize::from(mac[19] & 0x0f);
    let binary = u32::from_be_bytes(mac[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", binary % 1_000_000)
}

/// The base32 secret of an otpauth URI, decoded (RFC 4648, no padding).
pub fn secret_of(otpauth_uri: &str) -> Vec<u8> {
    let query = otpauth_uri.split_once('?').expect("a query").1;
    let encoded = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("secret="))
        .expect("a secret parameter");
    let (mut bits, mut buffer, mut out) = (0u32, 0u64, Vec::new());
    for c in encoded.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            other => panic!("not base32: {}", other as char),
        };
        buffer = (buffer << 5) | u64::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

impl TestApp {
    /// `POST path` with `token` and a JSON body.
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// `DELETE path` with `token` and a JSON body.
    pub async fn delete_as(&self, token: &str, path: &str, body: &Value) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("DELETE")
    }

    /// `GET /api/v1/mfa` as `token`.
    pub async fn mfa_of(&self, token: &str) -> Value {
        let resp = self
            .client
            .get(self.url("/api/v1/mfa"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /api/v1/mfa");
        expect_json(resp, 200).await
    }

    /// Starts and confirms TOTP for the caller of `token` (password `PASSWORD`).
    pub async fn enrol(&self, token: &str) -> Enrolled {
        let started = self
            .post_as(
                token,
                "/api/v1/mfa/totp",
                &json!({"current_password": PASSWORD}),
            )
            .await;
        let started = expect_json(started, 201).await;
        let secret = secret_of(started["otpauth_uri"].as_str().unwrap());
        let code = code_at(&secret, self.clock.now());
        let confirmed = self
            .post_as(token, "/api/v1/mfa/totp/confirm", &json!({"code": code}))
            .await;
        let confirmed = expect_json(confirmed, 200).await;
        let recovery_codes = confirmed["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        Enrolled {
            secret,
            recovery_codes,
        }
    }

    /// The password grant for an account with a second factor: its `mfa-required` problem.
    pub async fn first_step(&self, login: &str) -> Value {
        crate::helpers::assert_problem(self.login(login, PASSWORD).await, 401, "mfa-required").await
    }

    /// The second step with `mfa_token` and `field` (`otp` or `recovery_code`) = `code`.
    pub async fn second_step(&self, mfa_token: &str, field: &str, code: &str) -> Response {
        self.client
            .post(self.url("/api/v1/token/access"))
            .form(&[
                ("grant_type", MFA_GRANT),
                ("mfa_token", mfa_token),
                (field, code),
            ])
            .send()
            .await
            .expect("POST /api/v1/token/access")
    }

    /// Both steps with the current TOTP code; the token response. The clock must have moved
    /// to a new step since the account's last accepted code.
    pub async fn login_two_steps(&self, login: &str, secret: &[u8]) -> Value {
        let challenge = self.first_step(login).await;
        let code = code_at(secret, self.clock.now());
        let token = challenge["mfa_token"].as_str().unwrap();
        expect_json(self.second_step(token, "otp", &code).await, 200).await
    }
}
