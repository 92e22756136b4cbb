//! Whatever a user put in their username, address, device or passkey name renders inert in
//! every e-mail: the HTML part holds exactly the markup characters (`<`, `>`, `"`, `'`) the
//! same e-mail holds with plain values, so no value opens a tag or leaves an attribute; the
//! subject is one line; a recipient that could break a header line is one the mailer refuses.

use std::{sync::LazyLock, time::Duration};

use chrono::Utc;
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::{
    domain::{EventEnvelope, EventType, SignInNotice, UserEventData, is_bare_addr_spec},
    infra::mail::{EmailSettings, SingleUseLink, Templates},
};

/// The values an e-mail carries that a user wrote: username, address, new address, device,
/// passkey name.
pub type UserValues<'a> = [&'a str; 5];

/// The built-in templates.
static TEMPLATES: LazyLock<Templates> = LazyLock::new(|| {
    Templates::load(&EmailSettings::default(), "accounts@example.com").expect("built-in templates")
});

const PLAIN: UserValues<'static> = [
    "ann",
    "ann@example.com",
    "new@example.org",
    "Firefox on Linux",
    "Laptop",
];

/// `data`: the five values, separated by NUL.
pub fn template(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(5, '\0');
    let values = [(); 5].map(|()| parts.next().unwrap_or_default());
    renders_inert(values);
}

/// Every kind of e-mail, rendered with `values`, keeps the invariant.
pub fn renders_inert(values: UserValues<'_>) {
    for kind in EventType::iter() {
        let (html, subject, to) = rendered(kind, values);
        assert_eq!(
            markup(&html),
            markup(&rendered(kind, PLAIN).0),
            "{kind:?}: {html}"
        );
        assert!(!subject.contains(['\r', '\n']));
        // The mailer writes the recipient only when it is a bare address (smtp.rs).
        assert_eq!(to, values[1]);
        assert!(!is_bare_addr_spec(&to) || !to.contains(['\r', '\n']));
    }
}

/// `(html, subject, to)` of `kind`'s e-mail carrying `values`.
fn rendered(kind: EventType, values: UserValues<'_>) -> (String, String, String) {
    let [username, email, new_email, device, passkey_name] = values;
    let event = EventEnvelope {
        version: 1,
        id: Uuid::nil(),
        kind,
        occurred_at: Utc::now(),
        data: UserEventData {
            user_id: Uuid::nil(),
            username: username.into(),
            email: email.into(),
            new_email: Some(new_email.into()),
            sign_in: Some(SignInNotice {
                device: device.into(),
                ip: Some("203.0.113.7".into()),
                sessions_url: Some("https://app.example/sessions".into()),
            }),
            recovery_codes_left: Some(3),
            passkey_name: Some(passkey_name.into()),
            locale: None,
        },
    };
    let link = SingleUseLink {
        token: "tok".into(),
        page_url: Some("https://app.example/confirm".into()),
        valid_for: Duration::from_secs(3600),
    };
    let email = TEMPLATES.render(&event, Some(&link)).unwrap();
    (email.html, email.subject, email.to)
}

fn markup(html: &str) -> [usize; 4] {
    ['<', '>', '"', '\''].map(|c| html.matches(c).count())
}
