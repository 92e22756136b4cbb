use std::time::Duration;

use chrono::Utc;
use uuid::Uuid;

use super::{SingleUseLink, lifetime, render};
use crate::domain::{EventEnvelope, EventType, SignInNotice, UserEventData};

fn event(kind: EventType, username: &str) -> EventEnvelope {
    EventEnvelope {
        version: 1,
        id: Uuid::now_v7(),
        kind,
        occurred_at: Utc::now(),
        data: UserEventData {
            user_id: Uuid::now_v7(),
            username: username.into(),
            email: "a@example.com".into(),
            new_email: (kind == EventType::EmailChanged).then(|| "new.name@example.org".into()),
            sign_in: (kind == EventType::NewSignIn).then(|| SignInNotice {
                device: "Firefox on Linux".into(),
                ip: Some("203.0.113.7".into()),
                sessions_url: None,
            }),
            recovery_codes_left: (kind == EventType::RecoveryCodeUsed).then_some(7),
            passkey_name: kind
                .as_str()
                .starts_with("user.passkey_")
                .then(|| "Laptop".into()),
        },
    }
}

fn link(page_url: Option<&str>, hours: u64) -> SingleUseLink {
    SingleUseLink {
        token: "tok-123".into(),
        page_url: page_url.map(Into::into),
        valid_for: Duration::from_secs(hours * 3600),
    }
}

#[test]
fn fills_in_the_user_and_escapes_html() {
    let email = render(&event(EventType::UserCreated, "a<b"), None).unwrap();
    assert_eq!(
        (email.to.as_str(), email.subject),
        ("a@example.com", "Your account has been created")
    );
    assert!(email.text.starts_with("Hello, a<b!"));
    assert!(email.html.contains("a&lt;b") && !email.html.contains("a<b"));
    assert_eq!(email.secret, None);
}

#[test]
fn the_confirmation_carries_the_token_or_a_link_to_it() {
    let requested = event(EventType::EmailVerificationRequested, "ann");
    let bare = render(&requested, Some(&link(None, 24))).unwrap();
    assert!(
        bare.text.contains("valid for 24 hours:\n\ntok-123"),
        "{}",
        bare.text
    );
    assert_eq!(bare.secret.as_deref(), Some("tok-123"));
    let logged = bare.loggable_text();
    assert!(
        !logged.contains("tok-123") && logged.contains("withheld"),
        "{logged}"
    );
    let linked = render(
        &requested,
        Some(&link(Some("https://app.test/confirm?x=1"), 24)),
    )
    .unwrap();
    assert!(
        linked
            .text
            .contains("https://app.test/confirm?x=1&token=tok-123")
    );
    assert!(
        linked
            .html
            .contains("href=\"https://app.test/confirm?x=1&amp;token=tok-123\"")
    );
}

#[test]
fn the_reset_e_mail_carries_the_token_or_a_link_to_it() {
    let requested = event(EventType::PasswordResetRequested, "ann");
    let bare = render(&requested, Some(&link(None, 1))).unwrap();
    assert_eq!(bare.subject, "Reset your password");
    assert!(
        bare.text.contains("valid for 1 hour:\n\ntok-123"),
        "{}",
        bare.text
    );
    assert!(!bare.loggable_text().contains("tok-123"));
    let linked = render(&requested, Some(&link(Some("https://app.test/reset"), 1))).unwrap();
    assert!(
        linked
            .text
            .contains("https://app.test/reset?token=tok-123\n"),
        "{}",
        linked.text
    );
    assert!(
        linked
            .html
            .contains("href=\"https://app.test/reset?token=tok-123\""),
        "{}",
        linked.html
    );
    assert!(linked.text.contains("within 1 hour"), "{}", linked.text);
}

#[test]
fn the_password_changed_e_mail_carries_no_token() {
    let email = render(&event(EventType::PasswordChanged, "ann"), None).unwrap();
    assert_eq!(email.subject, "Your password has been changed");
    assert!(email.text.contains("password"), "{}", email.text);
    assert_eq!(email.secret, None);
}

#[test]
fn lifetimes_read_in_words_rounded_up() {
    let secs = Duration::from_secs;
    for (valid_for, words) in [
        (secs(24 * 3600), "24 hours"),
        (secs(3600), "1 hour"),
        (secs(2 * 3600), "2 hours"),
        (secs(90 * 60), "90 minutes"),
        (secs(30 * 60), "30 minutes"),
        (secs(61), "2 minutes"),
        (secs(60), "1 minute"),
        (secs(1), "1 minute"),
        (secs(3 * 3600 + 1), "4 hours"),
    ] {
        assert_eq!(lifetime(valid_for), words, "{valid_for:?}");
    }
}

#[test]
fn the_old_address_is_told_of_the_new_one_masked() {
    let email = render(&event(EventType::EmailChanged, "ann"), None).unwrap();
    assert_eq!(email.to, "a@example.com");
    assert_eq!(email.subject, "Your e-mail address has been changed");
    for body in [&email.text, &email.html] {
        assert!(body.contains("ne***@e***.org"), "{body}");
        assert!(!body.contains("new.name"), "{body}");
    }
}

/// The guard for the fixed templates: every event renders, with and without a link.
#[test]
fn every_event_type_renders() {
    use EventType::*;
    for kind in [
        UserCreated,
        UserUpdated,
        UserDeleted,
        EmailVerificationRequested,
        EmailChanged,
        PasswordChanged,
        PasswordResetRequested,
        NewSignIn,
    ] {
        for page_url in [None, Some("https://app.test/confirm")] {
            let email = render(&event(kind, "ann"), Some(&link(page_url, 24)));
            let email = email.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert!(email.text.starts_with("Hello, ann!\n"), "{}", email.text);
            assert!(email.html.ends_with("</body></html>\n"), "{}", email.html);
        }
    }
    for kind in [EmailVerificationRequested, PasswordResetRequested] {
        let missing = render(&event(kind, "ann"), None);
        assert!(missing.is_err(), "{kind:?}: the e-mail needs its token");
    }
}

#[test]
fn a_new_sign_in_says_when_from_what_and_where_and_links_the_sessions_when_configured() {
    let mut event = event(EventType::NewSignIn, "ann");
    let email = render(&event, None).unwrap();
    assert_eq!(email.subject, "New sign-in to your account");
    let at = event.occurred_at.format("%Y-%m-%d %H:%M UTC").to_string();
    for body in [&email.text, &email.html] {
        for fact in [
            at.as_str(),
            "Firefox on Linux",
            "203.0.113.7",
            "session list",
        ] {
            assert!(body.contains(fact), "{fact}: {body}");
        }
    }
    let sessions = "https://app.test/account/sessions";
    event.data.sign_in.as_mut().unwrap().sessions_url = Some(sessions.into());
    let email = render(&event, None).unwrap();
    assert!(email.text.contains(sessions), "{}", email.text);
    assert!(
        email.html.contains(&format!("<a href=\"{sessions}\">")),
        "{}",
        email.html
    );
}

#[test]
fn a_used_recovery_code_says_how_many_are_left() {
    let email = render(&event(EventType::RecoveryCodeUsed, "ann"), None).unwrap();
    assert_eq!(email.subject, "A recovery code was used on your account");
    assert!(
        email.text.contains("You have 7 recovery codes left"),
        "{}",
        email.text
    );
    assert!(
        email
            .html
            .contains("<strong>7</strong> recovery codes left"),
        "{}",
        email.html
    );
}
