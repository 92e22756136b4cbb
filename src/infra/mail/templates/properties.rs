//! Over generated values (proptest): whatever a user put in their username, address,
//! device or passkey name renders inert in every e-mail. The HTML part holds exactly the
//! markup characters (`<`, `>`, `"`, `'`) the same e-mail holds with plain values, so no
//! value opens a tag or leaves an attribute; the subject is one line; a recipient that could
//! break a header line is one the mailer refuses.

use std::time::Duration;

use chrono::Utc;
use proptest::prelude::*;
use strum::IntoEnumIterator;
use uuid::Uuid;

use super::{SingleUseLink, render};
use crate::domain::{EventEnvelope, EventType, SignInNotice, UserEventData, is_bare_addr_spec};

/// The values a user controls, as one e-mail carries them.
#[derive(Clone, Debug)]
struct Values {
    username: String,
    email: String,
    new_email: String,
    device: String,
    passkey_name: String,
    token: String,
}

fn event(kind: EventType, values: &Values) -> EventEnvelope {
    EventEnvelope {
        version: 1,
        id: Uuid::nil(),
        kind,
        occurred_at: Utc::now(),
        data: UserEventData {
            user_id: Uuid::nil(),
            username: values.username.clone(),
            email: values.email.clone(),
            new_email: Some(values.new_email.clone()),
            sign_in: Some(SignInNotice {
                device: values.device.clone(),
                ip: Some("203.0.113.7".into()),
                sessions_url: Some("https://app.example/sessions".into()),
            }),
            recovery_codes_left: Some(3),
            passkey_name: Some(values.passkey_name.clone()),
        },
    }
}

/// `(html, subject, to)` of `kind`'s e-mail with `values`.
fn rendered(kind: EventType, values: &Values) -> (String, &'static str, String) {
    let link = SingleUseLink {
        token: values.token.clone(),
        page_url: Some("https://app.example/confirm".into()),
        valid_for: Duration::from_secs(3600),
    };
    let email = render(&event(kind, values), Some(&link)).unwrap();
    (email.html, email.subject, email.to)
}

fn markup(html: &str) -> [usize; 4] {
    ['<', '>', '"', '\''].map(|c| html.matches(c).count())
}

/// Text meant to break out: tags, quotes, entities, line breaks, header names.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z<>\"'&;=/ \r\n]{0,24}",
        Just("\"><script>alert(1)</script>".to_owned()),
        Just("x\r\nBcc: eve@example.com".to_owned()),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn what_a_user_wrote_renders_inert_in_every_email(
        username in hostile(), email in hostile(), new_email in hostile(),
        device in hostile(), passkey_name in hostile(),
    ) {
        let plain = Values {
            username: "ann".into(), email: "ann@example.com".into(),
            new_email: "new@example.org".into(), device: "Firefox on Linux".into(),
            passkey_name: "Laptop".into(), token: "tok".into(),
        };
        let values = Values { username, email, new_email, device, passkey_name, ..plain.clone() };
        for kind in EventType::iter() {
            let (html, subject, to) = rendered(kind, &values);
            prop_assert_eq!(markup(&html), markup(&rendered(kind, &plain).0), "{:?}", kind);
            prop_assert!(!subject.contains(['\r', '\n']));
            // The mailer writes the recipient only when it is a bare address (smtp.rs).
            prop_assert_eq!(&to, &values.email);
            prop_assert!(!is_bare_addr_spec(&to) || !to.contains(['\r', '\n']));
        }
    }
}
