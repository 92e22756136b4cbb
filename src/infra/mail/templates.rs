use std::sync::LazyLock;

use minijinja::{
    AutoEscape, Environment, HtmlEscape, Output, State, UndefinedBehavior, Value, context,
    escape_formatter, syntax::SyntaxConfig,
};

use super::Email;
use crate::domain::{EventEnvelope, EventType};

/// What a confirmation e-mail carries: the single-use token and, when configured, the page
/// that takes it.
pub(crate) struct Confirmation {
    pub token: String,
    /// `EMAIL_VERIFICATION_URL`; the link is this with `token=<token>` appended.
    pub page_url: Option<String>,
    pub valid_for_hours: u64,
}

/// A template failed to render; the templates are fixed, so this is a bug (or a
/// confirmation e-mail asked for without its confirmation).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the e-mail: {0:#}")]
pub(crate) struct RenderError(#[from] minijinja::Error);

/// The e-mail for an event: subject, plain text and HTML from `templates/email/` (`.html`
/// auto-escaped, `.txt` verbatim). Only `user.email_verification_requested` uses
/// `confirmation`, which it requires.
pub(crate) fn render(
    event: &EventEnvelope,
    confirmation: Option<&Confirmation>,
) -> Result<Email, RenderError> {
    let (subject, name) = match event.kind {
        EventType::UserCreated => ("Your account has been created", "user_created"),
        EventType::UserUpdated => ("Your account has been updated", "user_updated"),
        EventType::UserDeleted => ("Your account has been deleted", "user_deleted"),
        EventType::EmailVerificationRequested => (
            "Confirm your e-mail address",
            "email_verification_requested",
        ),
    };
    let context = context! {
        username => event.data.username.as_str(),
        confirmation => confirmation.map(|c| context! {
            token => c.token.as_str(),
            link => c.link(),
            hours => c.valid_for_hours,
        }),
    };
    let render = |extension: &str| {
        TEMPLATES
            .get_template(&format!("{name}.{extension}"))?
            .render(&context)
    };
    Ok(Email {
        to: event.data.email.clone(),
        subject,
        text: render("txt")?,
        html: render("html")?,
        secret: confirmation.map(|c| c.token.clone()),
    })
}

impl Confirmation {
    fn link(&self) -> Option<String> {
        let page = self.page_url.as_deref()?;
        let separator = if page.contains('?') { '&' } else { '?' };
        Some(format!("{page}{separator}token={}", self.token))
    }
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
    use chrono::Utc;
    use uuid::Uuid;

    use super::{Confirmation, render};
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

    fn confirmation(page_url: Option<&str>) -> Confirmation {
        Confirmation {
            token: "tok-123".into(),
            page_url: page_url.map(Into::into),
            valid_for_hours: 24,
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
        let bare = render(&requested, Some(&confirmation(None))).unwrap();
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
            Some(&confirmation(Some("https://app.test/confirm?x=1"))),
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

    /// The guard for the fixed templates: every event renders, with and without a link.
    #[test]
    fn every_event_type_renders() {
        use EventType::*;
        for kind in [
            UserCreated,
            UserUpdated,
            UserDeleted,
            EmailVerificationRequested,
        ] {
            for page_url in [None, Some("https://app.test/confirm")] {
                let email = render(&event(kind, "ann"), Some(&confirmation(page_url)));
                let email = email.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                assert!(email.text.starts_with("Hello, ann!\n"), "{}", email.text);
                assert!(email.html.ends_with("</body></html>\n"), "{}", email.html);
            }
        }
        let missing = render(&event(EmailVerificationRequested, "ann"), None);
        assert!(missing.is_err(), "a confirmation e-mail needs its token");
    }
}
