use std::{fs, path::Path, time::Duration};

use strum::IntoEnumIterator;

use super::{KINDS, TemplateError, Templates, lifetime, sample};
use crate::{
    domain::EventType,
    infra::mail::{Email, EmailSettings},
};

/// The shipped locales.
const SHIPPED: [&str; 2] = ["en", "de"];

fn built_in() -> Templates {
    Templates::load(&EmailSettings::default(), "support@example.com").unwrap()
}

/// `files` (name, text) written into a fresh folder, loaded as overrides.
fn with_overrides(files: &[(&str, &str)]) -> Result<Templates, TemplateError> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let settings = EmailSettings {
        templates_dir: Some(dir.path().to_owned()),
        ..EmailSettings::default()
    };
    Templates::load(&settings, "support@example.com")
}

fn render(templates: &Templates, kind: EventType, locale: Option<&str>, full: bool) -> Email {
    let (mut event, link) = sample(kind, full);
    event.data.locale = locale.map(Into::into);
    templates.render(&event, link.as_ref()).unwrap()
}

#[test]
fn every_event_type_has_templates() {
    for kind in EventType::iter() {
        assert!(KINDS.iter().any(|(k, _)| *k == kind), "{kind:?}");
    }
}

/// Every kind in every shipped locale, with and without the optional values: every
/// variable filled, nothing left of the template language, the account named, and the
/// link (or the bare token) present in both parts.
#[test]
fn every_kind_renders_fully_in_every_shipped_locale() {
    let templates = built_in();
    assert_eq!(templates.locales(), ["de", "en"]);
    for locale in SHIPPED {
        for (kind, name) in KINDS {
            for full in [true, false] {
                let email = render(&templates, kind, Some(locale), full);
                let what = format!("{locale}/{name} (full: {full})");
                assert!(
                    !email.subject.is_empty() && !email.subject.contains('\n'),
                    "{what}"
                );
                for part in [&email.subject, &email.text, &email.html] {
                    for leftover in ["{{", "}}", "{%", "%}", "{#", "undefined"] {
                        assert!(!part.contains(leftover), "{what}: {leftover} in {part}");
                    }
                }
                // A value left out renders as `none` (the HTML's styles say `none` too).
                let words = |part: &str| {
                    part.split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.eq_ignore_ascii_case("none"))
                };
                assert!(
                    !words(&email.subject) && !words(&email.text),
                    "{what}: {}",
                    email.text
                );
                for part in [&email.text, &email.html] {
                    for fact in ["ada", "ada@example.com", "Accounts", "support@example.com"] {
                        assert!(part.contains(fact), "{what}: no {fact} in {part}");
                    }
                }
                assert!(email.html.contains(&format!("lang=\"{locale}\"")), "{what}");
                let (_, link) = sample(kind, full);
                if let Some(link) = link {
                    let shown = link.url().unwrap_or_else(|| link.token.clone());
                    assert!(email.text.contains(&shown), "{what}: {}", email.text);
                    assert!(email.html.contains(&shown), "{what}: {}", email.html);
                    if let Some(url) = link.url() {
                        // The button and the link written out beside it.
                        let href = format!("href=\"{url}\"");
                        assert_eq!(email.html.matches(&href).count(), 2, "{what}");
                    }
                }
            }
        }
    }
}

/// The second language is complete: no part of any kind is the English one.
#[test]
fn the_german_e_mails_are_all_translated() {
    let templates = built_in();
    for (kind, name) in KINDS {
        let (en, de) = (
            render(&templates, kind, Some("en"), true),
            render(&templates, kind, Some("de"), true),
        );
        assert_ne!(en.subject, de.subject, "{name}");
        assert_ne!(en.text, de.text, "{name}");
        assert_ne!(en.html, de.html, "{name}");
    }
}

#[test]
fn a_locale_falls_back_to_its_language_then_to_english() {
    let templates = built_in();
    let subject = |locale| render(&templates, EventType::UserCreated, locale, true).subject;
    let (en, de) = (subject(Some("en")), subject(Some("de")));
    assert_eq!(subject(Some("de-AT")), de);
    assert_eq!(subject(Some("DE-at")), de);
    assert_eq!(subject(Some("pt-BR")), en);
    assert_eq!(subject(None), en);
}

#[test]
fn user_values_are_escaped_in_html_and_the_token_is_kept_from_logs() {
    let templates = built_in();
    let (mut event, link) = sample(EventType::EmailVerificationRequested, false);
    event.data.username = "a<b".into();
    let email = templates.render(&event, link.as_ref()).unwrap();
    assert!(email.html.contains("a&lt;b") && !email.html.contains("a<b"));
    assert!(email.text.contains("a<b"));
    let token = link.unwrap().token;
    assert_eq!(email.secret.as_deref(), Some(token.as_str()));
    assert!(!email.loggable_text().contains(&token));
    assert_eq!(email.sender_name, "Accounts");
}

#[test]
fn an_e_mail_that_carries_a_token_needs_it() {
    let templates = built_in();
    for kind in [
        EventType::EmailVerificationRequested,
        EventType::PasswordResetRequested,
    ] {
        let (event, _) = sample(kind, true);
        assert!(templates.render(&event, None).is_err(), "{kind:?}");
    }
}

#[test]
fn the_old_address_is_told_of_the_new_one_masked() {
    let email = render(&built_in(), EventType::EmailChanged, None, true);
    assert_eq!(email.to, "ada@example.com");
    for body in [&email.text, &email.html] {
        assert!(body.contains("ad***@e***.org"), "{body}");
        assert!(!body.contains("ada.lovelace"), "{body}");
    }
}

#[test]
fn a_new_sign_in_says_when_from_what_and_where() {
    let email = render(&built_in(), EventType::NewSignIn, None, true);
    for body in [&email.text, &email.html] {
        for fact in [
            "2026-12-07 09:30 UTC",
            "Firefox on Linux",
            "203.0.113.7",
            "https://app.example.com/account/sessions",
        ] {
            assert!(body.contains(fact), "{fact}: {body}");
        }
    }
}

#[test]
fn lifetimes_are_rounded_up_to_minutes_or_hours() {
    let secs = Duration::from_secs;
    for (valid_for, count, unit) in [
        (secs(24 * 3600), 24, "hour"),
        (secs(3600), 1, "hour"),
        (secs(90 * 60), 90, "minute"),
        (secs(61), 2, "minute"),
        (secs(1), 1, "minute"),
        (secs(3 * 3600 + 1), 4, "hour"),
    ] {
        let words = lifetime(valid_for);
        let (n, u) = (
            words.get_attr("count").unwrap(),
            words.get_attr("unit").unwrap(),
        );
        assert_eq!(
            (n.as_i64(), u.as_str()),
            (Some(count), Some(unit)),
            "{valid_for:?}"
        );
    }
}

#[test]
fn an_override_replaces_one_template_and_leaves_the_others() {
    let built_in = built_in();
    let templates = with_overrides(&[(
        "user_created.subject.txt",
        "Welcome to {{ product.name }}, {{ account.username }}\n",
    )])
    .unwrap();
    let email = render(&templates, EventType::UserCreated, None, true);
    assert_eq!(email.subject, "Welcome to Accounts, ada");
    let before = render(&built_in, EventType::UserCreated, None, true);
    assert_eq!((email.text, email.html), (before.text, before.html));
    // The German one is its own, and every other kind is untouched.
    for (kind, _) in KINDS {
        let de = |t| render(t, kind, Some("de"), true).subject;
        assert_eq!(de(&templates), de(&built_in), "{kind:?}");
    }
}

#[test]
fn a_locale_folder_adds_a_language_the_rest_falling_back_to_english() {
    let templates = with_overrides(&[(
        "fr/user_created.subject.txt",
        "Bienvenue, {{ account.username }}",
    )])
    .unwrap();
    assert_eq!(templates.locales(), ["de", "en", "fr"]);
    let email = render(&templates, EventType::UserCreated, Some("fr-CA"), true);
    assert_eq!(email.subject, "Bienvenue, ada");
    let en = render(&templates, EventType::UserCreated, Some("en"), true);
    assert_eq!(email.text, en.text);
}

/// `(path ending, line, reason fragment)` of a refused override.
fn refusal(files: &[(&str, &str)]) -> (String, usize, String) {
    match with_overrides(files) {
        Err(TemplateError::Invalid { path, line, reason }) => (path, line, reason),
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted {files:?}"),
    }
}

#[test]
fn a_broken_override_is_refused_with_its_file_and_line() {
    let (path, line, _) = refusal(&[("user_created.html", "<p>\n<p>\n{% if x %}\n")]);
    assert!(
        path.ends_with("user_created.html") && Path::new(&path).is_absolute(),
        "{path}"
    );
    assert_eq!(line, 3);

    let (path, line, reason) =
        refusal(&[("de/user_updated.txt", "Hallo\n{{ account.nickname }}\n")]);
    assert!(path.ends_with("de/user_updated.txt"), "{path}");
    assert_eq!(line, 2);
    assert!(
        reason.contains("unknown variable `account.nickname`"),
        "{reason}"
    );

    // A variable of another kind of e-mail.
    let (_, line, reason) = refusal(&[("user_created.html", "{{ link.url }}")]);
    assert_eq!(line, 1);
    assert!(reason.contains("`link.url`"), "{reason}");

    // Fails only when rendered: caught with the sample data at load.
    let (path, _, _) = refusal(&[("layout.txt", "{{ account.username + 1 }}")]);
    assert!(path.ends_with("layout.txt"), "{path}");
}

#[test]
fn a_file_that_is_no_template_is_refused() {
    for name in ["user_craeted.html", "de/x/user_created.html", "notes.md"] {
        match with_overrides(&[(name, "x")]) {
            Err(TemplateError::Unknown { .. }) => {}
            other => panic!("{name}: {:?}", other.err()),
        }
    }
}
