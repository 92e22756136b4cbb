use super::Email;
use crate::infra::events::{EventEnvelope, EventType};

/// The e-mail for an event: subject, plain text and HTML from `templates/email/`.
pub fn render(event: &EventEnvelope) -> Email {
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
    };
    let username = &event.data.username;
    Email {
        to: event.data.email.clone(),
        subject,
        text: text.replace("{username}", username),
        html: html.replace("{username}", &escape_html(username)),
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

    use super::render;
    use crate::infra::events::{EventEnvelope, EventType, UserEventData};

    #[test]
    fn fills_in_the_user_and_escapes_html() {
        let event = EventEnvelope {
            version: 1,
            id: Uuid::now_v7(),
            kind: EventType::UserCreated,
            occurred_at: Utc::now(),
            data: UserEventData {
                user_id: Uuid::now_v7(),
                username: "a<b".into(),
                email: "a@example.com".into(),
            },
        };
        let email = render(&event);
        assert_eq!(
            (email.to.as_str(), email.subject),
            ("a@example.com", "Your account has been created")
        );
        assert!(email.text.starts_with("Hello, a<b!"));
        assert!(email.html.contains("a&lt;b") && !email.html.contains("a<b"));
    }
}
