use std::time::Duration;

use mail_send::{Credentials, SmtpClient, SmtpClientBuilder, mail_builder::MessageBuilder};
use parking_lot::Mutex;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::{Email, MailError};
use secrecy::ExposeSecret;

use super::{SmtpSettings, SmtpTls};

/// Idle SMTP sessions kept for reuse.
const MAX_IDLE_SESSIONS: usize = 16;

/// Sends over reused SMTP sessions: opening a session costs a TCP (and maybe TLS) handshake
/// and the greeting, far more than one message (MailDev: ~110 ms against ~4 ms). A session
/// that fails is dropped; a reused one that fails is retried once on a fresh session,
/// since the server may have closed it while idle.
pub(crate) struct SmtpMailer {
    settings: SmtpSettings,
    idle: Mutex<Vec<Session>>,
}

enum Session {
    Plain(SmtpClient<TcpStream>),
    Tls(Box<SmtpClient<TlsStream<TcpStream>>>),
}

impl SmtpMailer {
    pub(crate) fn new(settings: SmtpSettings) -> Self {
        Self {
            settings,
            idle: Mutex::new(Vec::new()),
        }
    }

    pub(crate) async fn send(&self, email: &Email) -> Result<(), MailError> {
        let reused = self.idle.lock().pop();
        let (mut session, was_reused) = match reused {
            Some(session) => (session, true),
            None => (self.connect().await?, false),
        };
        let mut result = session.send(self.message(email)).await;
        if result.is_err() && was_reused {
            session = self.connect().await?;
            result = session.send(self.message(email)).await;
        }
        result.map_err(classify)?;
        let mut idle = self.idle.lock();
        if idle.len() < MAX_IDLE_SESSIONS {
            idle.push(session);
        }
        Ok(())
    }

    fn message<'a>(&'a self, email: &'a Email) -> MessageBuilder<'a> {
        MessageBuilder::new()
            .from(self.settings.sender.as_str())
            .to(email.to.as_str())
            .message_id(email.message_id.as_str())
            .subject(email.subject)
            .text_body(email.text.as_str())
            .html_body(email.html.as_str())
    }

    async fn connect(&self) -> Result<Session, MailError> {
        let s = &self.settings;
        let mut builder = SmtpClientBuilder::new(s.host.as_str(), s.port)
            .map_err(MailError::Unreachable)?
            .implicit_tls(s.tls == SmtpTls::Implicit)
            .timeout(Duration::from_secs(10));
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder =
                builder.credentials(Credentials::new(user.as_str(), password.expose_secret()));
        }
        // No Nagle: a message's last lines would otherwise wait for the server's delayed ACK
        // of its first (40 ms a message on Linux; the pipeline ran at 300 e-mails/s).
        let session = match s.tls {
            SmtpTls::None => builder.connect_plain().await.map(|client| {
                client.stream.set_nodelay(true).ok();
                Session::Plain(client)
            }),
            SmtpTls::StartTls | SmtpTls::Implicit => builder.connect().await.map(|client| {
                client.stream.get_ref().0.set_nodelay(true).ok();
                Session::Tls(Box::new(client))
            }),
        };
        session.map_err(classify)
    }
}

impl Session {
    async fn send(&mut self, message: MessageBuilder<'_>) -> mail_send::Result<()> {
        match self {
            Self::Plain(client) => client.send(message).await.map(drop),
            Self::Tls(client) => client.send(message).await.map(drop),
        }
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
