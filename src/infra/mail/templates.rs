use std::{sync::LazyLock, time::Duration};

use minijinja::{
    AutoEscape, Environment, HtmlEscape, Output, State, UndefinedBehavior, Value, context,
    escape_formatter, syntax::SyntaxConfig,
};

use super::Email;
use crate::domain::{EventEnvelope, EventType};

/// What an e-mail with a single-use token carries (address confirmation, password reset):
/// the token and, when configured, the page that takes it.
pub(crate) struct SingleUseLink {
    pub token: String,
    /// The page (`EMAIL_VERIFICATION_URL`, `PASSWORD_RESET_URL`); the link is this with
    /// `token=<token>` appended. `None`: the e-mail shows the bare token.
    pub page_url: Option<String>,
    /// The token's lifetime, as the e-mail states it.
    pub valid_for: Duration,
}

/// A template failed to render; the templates are fixed, so this is a bug (or an e-mail
/// that carries a token asked for without its link).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the e-mail: {0:#}")]
pub(crate) struct RenderError(#[from] minijinja::Error);

/// The e-mail for an event: subject, plain text and HTML from `templates/email/` (`.html`
/// auto-escaped, `.txt` verbatim). Only `user.email_verification_requested` and
/// `user.password_reset_requested` use `link`, which they require.
pub(crate) fn render(
    event: &EventEnvelope,
    link: Option<&SingleUseLink>,
) -> Result<Email, RenderError> {
    let (subject, name) = match event.kind {
        EventType::UserCreated => ("Your account has been created", "user_created"),
        EventType::UserUpdated => ("Your account has been updated", "user_updated"),
        EventType::UserDeleted => ("Your account has been deleted", "user_deleted"),
        EventType::EmailVerificationRequested => (
            "Confirm your e-mail address",
            "email_verification_requested",
        ),
        EventType::PasswordChanged => ("Your password has been changed", "password_changed"),
        EventType::PasswordResetRequested => ("Reset your password", "password_reset_requested"),
    };
    let context = context! {
        username => event.data.username.as_str(),
        link => link.map(|l| context! {
            token => l.token.as_str(),
            url => l.url(),
            valid_for => lifetime(l.valid_for),
        }),
    };
    let render = |extension: &str| {
        TEMPLATES
            .get_template(&format!("{name}.{extension}"))?
            .render(&context)
    };
    Ok(Email {
        to: event.data.email.clone(),
        message_id: format!("{}@accounts-api", event.id),
        subject,
        text: render("txt")?,
        html: render("html")?,
        secret: link.map(|l| l.token.clone()),
    })
}

impl SingleUseLink {
    fn url(&self) -> Option<String> {
        let page = self.page_url.as_deref()?;
        let separator = if page.contains('?') { '&' } else { '?' };
        Some(format!("{page}{separator}token={}", self.token))
    }
}

/// A token's lifetime in words, rounded up: `24 hours`, `1 hour`, `30 minutes`.
fn lifetime(valid_for: Duration) -> String {
    let minutes = valid_for.as_secs().div_ceil(60).max(1);
    let (count, unit) = if minutes % 60 == 0 || minutes > 120 {
        (minutes.div_ceil(60), "hour")
    } else {
        (minutes, "minute")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

/// The templates, embedded at compile time and compiled on first use; minijinja picks the
/// escaping by extension. A variable the context lacks is an error, not an empty string.
static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_loader(|name| Ok(source(name)));
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags take their own line; the files keep their final newline, as mailed before.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build();
    env.set_syntax(syntax.expect("the default delimiters are valid"));
    env.set_formatter(formatter);
    env
});

fn source(name: &str) -> Option<&'static str> {
    macro_rules! embedded {
        ($($file:literal),* $(,)?) => {
            match name {
                $($file => Some(include_str!(concat!("../../../templates/email/", $file))),)*
                _ => None,
            }
        };
    }
    embedded!(
        "user_created.txt",
        "user_created.html",
        "user_updated.txt",
        "user_updated.html",
        "user_deleted.txt",
        "user_deleted.html",
        "email_verification_requested.txt",
        "email_verification_requested.html",
        "password_changed.txt",
        "password_changed.html",
        "password_reset_requested.txt",
        "password_reset_requested.html",
    )
}

/// minijinja's formatter, except that HTML escaping leaves `/` alone (minijinja writes
/// `&#x2f;`): links in the HTML then read exactly as in the text. Sound because a `&` in the
/// input always comes out as `&amp;`, so every `&#x2f;` in the output stands for a `/`.
fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if *state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            let escaped = HtmlEscape(text).to_string();
            Ok(out.write_str(&escaped.replace("&#x2f;", "/"))?)
        }
        _ => escape_formatter(out, state, value),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::Utc;
    use uuid::Uuid;

    use super::{SingleUseLink, lifetime, render};
    use crate::domain::{EventEnvelope, EventType, UserEventData};

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

    /// The guard for the fixed templates: every event renders, with and without a link.
    #[test]
    fn every_event_type_renders() {
        use EventType::*;
        for kind in [
            UserCreated,
            UserUpdated,
            UserDeleted,
            EmailVerificationRequested,
            PasswordChanged,
            PasswordResetRequested,
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
}
