//! Outgoing e-mail: SMTP through mail-send, or a mailer that only logs (the embedded
//! default), and the templates the e-mails are rendered from (`templates/email/`).

mod settings;
mod smtp;
mod templates;

pub use settings::{EmailSettings, SmtpSettings, SmtpTls};
pub(crate) use smtp::SmtpMailer;
pub use templates::TemplateError;
pub(crate) use templates::{KINDS, SingleUseLink, Templates, sample};

/// A rendered message.
pub(crate) struct Email {
    pub to: String,
    /// `<event id>@accounts-api`: the same for every send of one event, so a copy sent again
    /// (the SMTP server accepted it, and the worker died before recording that) is one
    /// message to the receiving side, which deduplicates by Message-ID.
    pub message_id: String,
    /// The display name of `From:` (`EMAIL_PRODUCT_NAME`).
    pub sender_name: String,
    /// One line.
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A token inside the text: the log mailer masks it.
    pub secret: Option<String>,
}

impl Email {
    /// The plain text with its secret masked, fit for a log.
    pub(crate) fn loggable_text(&self) -> String {
        match &self.secret {
            Some(secret) => self.text.replace(secret, "[token withheld from logs]"),
            None => self.text.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum MailError {
    /// The server could not be reached or dropped us: nothing is wrong with the message.
    #[error("SMTP server unreachable: {0}")]
    Unreachable(String),
    /// The server refused this message; `permanent` for 5xx replies.
    #[error("SMTP server refused the message: {reason}")]
    Refused { permanent: bool, reason: String },
}

pub(crate) enum Mailer {
    Smtp(SmtpMailer),
    /// Logs recipient, subject and text instead of sending.
    Log,
}

impl Mailer {
    /// SMTP when configured, else the log mailer.
    pub(crate) fn from_settings(smtp: Option<SmtpSettings>) -> Self {
        smtp.map_or(Self::Log, |settings| Self::Smtp(SmtpMailer::new(settings)))
    }

    pub(crate) async fn send(&self, email: &Email) -> Result<(), MailError> {
        match self {
            Self::Smtp(smtp) => smtp.send(email).await,
            Self::Log => {
                let text = email.loggable_text();
                tracing::info!(recipient = %email.to, subject = %email.subject, %text, "e-mail (log mailer)");
                Ok(())
            }
        }
    }
}
