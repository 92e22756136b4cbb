//! Sample e-mails: what the templates are checked with when they load, and what
//! `manage emails preview` renders.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::SingleUseLink;
use crate::domain::{EventEnvelope, EventType, SignInNotice, UserEventData};

/// An event of `kind` for a sample account, and the link it carries if any; `full`: every
/// optional value is set (else every one is left out: no IP, no page for the token).
pub(crate) fn sample(kind: EventType, full: bool) -> (EventEnvelope, Option<SingleUseLink>) {
    let occurred_at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 30, 0).unwrap();
    let data = UserEventData {
        user_id: Uuid::nil(),
        username: "ada".into(),
        email: "ada@example.com".into(),
        locale: None,
        new_email: Some("ada.lovelace@example.org".into()),
        sign_in: Some(SignInNotice {
            device: "Firefox on Linux".into(),
            ip: full.then(|| "203.0.113.7".into()),
            sessions_url: full.then(|| "https://app.example.com/account/sessions".into()),
        }),
        recovery_codes_left: Some(7),
        passkey_name: Some("Work laptop".into()),
    };
    let link = matches!(
        kind,
        EventType::EmailVerificationRequested | EventType::PasswordResetRequested
    )
    .then(|| SingleUseLink {
        token: "Zm9yIHRoZSBwcmV2aWV3IG9ubHk".into(),
        page_url: full.then(|| "https://app.example.com/confirm".into()),
        valid_for: Duration::from_secs(24 * 3600),
    });
    let event = EventEnvelope {
        version: EventEnvelope::VERSION,
        id: Uuid::nil(),
        kind,
        occurred_at,
        data,
    };
    (event, link)
}
