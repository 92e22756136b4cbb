use super::Email;
use crate::domain::{EventEnvelope, EventType};

/// What a confirmation e-mail carries: the single-use token and, when configured, the page
/// that takes it.
pub struct Confirmation {
    pub token: String,
    /// `EMAIL_VERIFICATION_URL`; the link is this with `token=<token>` appended.
    pub page_url: Option<String>,
    pub valid_for_hours: u64,
}

/// The e-mail for an event: subject, plain text and HTML from `templates/email/`. Only
/// `user.email_verification_requested` uses `confirmation`.
pub fn render(event: &EventEnvelope, confirmation: Option<&Confirmation>) -> Email {
    let (subject, text, html) = match event.kind {
        EventType::UserCreated => (
            "Your account has been created",
            include_str!("../../../templates/email/user_created.txt"),
            include_str!("../../../templates/email/user_created.html"),
        ),
        EventType::UserUpdated => (
            "Your account has been updated",
            include_str!("../../../templates/email/user_updated.txt"),
            include_str!("../../../templates/email/user_updated.html"),
        ),
        EventType::UserDeleted => (
            "Your account has been deleted",
            include_str!("../../../templates/email/user_deleted.txt"),
            include_str!("../../../templates/email/user_deleted.html"),
        ),
        EventType::EmailVerificationRequested => (
            "Confirm your e-mail address",
            include_str!("../../../templates/email/email_verification_requested.txt"),
            include_str!("../../../templates/email/email_verification_requested.html"),
        ),
    };
    let username = &event.data.username;
    let (confirmation_text, confirmation_html) =
        confirmation.map_or_else(Default::default, Confirmation::blocks);
    Email {
        to: event.data.email.clone(),
        subject,
        text: text
            .replace("{username}", username)
            .replace("{confirmation}", &confirmation_text),
        html: html
            .replace("{username}", &escape_html(username))
            .replace("{confirmation}", &confirmation_html),
        secret: confirmation.map(|c| c.token.clone()),
    }
}

impl Confirmation {
    fn link(&self) -> Option<String> {
        let page = self.page_url.as_deref()?;
        let separator = if page.contains('?') { '&' } else { '?' };
        Some(format!("{page}{separator}token={}", self.token))
    }

    /// The text and HTML that replace `{confirmation}`.
    fn blocks(&self) -> (String, String) {
        let hours = self.valid_for_hours;
        match self.link() {
            Some(link) => (
                format!("Open this link within {hours} hours to confirm it:\n\n{link}"),
                format!(
                    "<p><a href=\"{0}\">Confirm my e-mail address</a> (valid for {hours} hours)</p>\n<p>{0}</p>",
                    escape_html(&link)
                ),
            ),
            None => (
                format!(
                    "Your confirmation token, valid for {hours} hours:\n\n{}",
                    self.token
                ),
                format!(
                    "<p>Your confirmation token, valid for {hours} hours:</p>\n<p><code>{}</code></p>",
                    self.token
                ),
            ),
        }
    }
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

    #[test]
    fn fills_in_the_user_and_escapes_html() {
        let email = render(&event(EventType::UserCreated, "a<b"), None);
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
        let confirmation = |page_url: Option<&str>| Confirmation {
            token: "tok-123".into(),
            page_url: page_url.map(Into::into),
            valid_for_hours: 24,
        };
        let requested = event(EventType::EmailVerificationRequested, "ann");
        let bare = render(&requested, Some(&confirmation(None)));
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
        );
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
}
