use std::time::Duration;

use mail_send::{Credentials, SmtpClientBuilder, mail_builder::MessageBuilder};

use super::{Email, MailError};
use crate::config::{SmtpSettings, SmtpTls};

/// One SMTP session per message: no idle connection to go stale between bursts.
pub struct SmtpMailer {
    settings: SmtpSettings,
}

impl SmtpMailer {
    pub fn new(settings: SmtpSettings) -> Self {
        Self { settings }
    }

    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let s = &self.settings;
        let message = MessageBuilder::new()
            .from(s.sender.as_str())
            .to(email.to.as_str())
            .subject(email.subject)
            .text_body(email.text.as_str())
            .html_body(email.html.as_str());
        let mut builder = SmtpClientBuilder::new(s.host.as_str(), s.port)
            .map_err(MailError::Unreachable)?
            .implicit_tls(s.tls == SmtpTls::Implicit)
            .timeout(Duration::from_secs(10));
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(user.as_str(), password.as_str()));
        }
        let result = match s.tls {
            SmtpTls::None => match builder.connect_plain().await {
                Ok(mut client) => client.send(message).await,
                Err(e) => Err(e),
            },
            SmtpTls::StartTls | SmtpTls::Implicit => match builder.connect().await {
                Ok(mut client) => client.send(message).await,
                Err(e) => Err(e),
            },
        };
        result.map(drop).map_err(classify)
    }
}

fn classify(err: mail_send::Error) -> MailError {
    match err {
        mail_send::Error::UnexpectedReply(reply) => MailError::Refused {
            permanent: reply.code() >= 500,
            reason: reply.to_string(),
        },
        other => MailError::Unreachable(other.to_string()),
    }
}
