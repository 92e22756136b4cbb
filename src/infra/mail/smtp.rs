use std::time::Duration;

use mail_send::{
    Credentials, SmtpClient, SmtpClientBuilder,
    mail_builder::MessageBuilder,
    smtp::message::{IntoMessage, Message},
};
use parking_lot::Mutex;
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpStream,
};
use tokio_rustls::client::TlsStream;

use secrecy::ExposeSecret;

use super::{Email, MailError, SmtpSettings, SmtpTls};
use crate::{
    domain::is_bare_addr_spec,
    infra::telemetry::metrics::{self, SecurityRefusal},
};

/// The longest one exchange with the server (a command, the data, opening a session) may
/// take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle SMTP sessions kept for reuse.
const MAX_IDLE_SESSIONS: usize = 16;
/// How long a reused session may take to answer `MAIL FROM` before it is taken for dead and
/// a new one opened: a server answers in milliseconds, and a session that stalled while idle
/// never does (the fault drills' SMTP stall: with the whole 10 s timeout for each of the 16
/// idle sessions, mail stopped for minutes after the network healed).
const REUSED_ANSWER: Duration = Duration::from_secs(3);

/// Sends over reused SMTP sessions: opening a session costs a TCP (and maybe TLS) handshake
/// and the greeting, far more than one message (MailDev: ~110 ms against ~4 ms). A session
/// that fails is dropped. A reused one whose `MAIL FROM` fails is replaced once by a fresh
/// one, since the server may have closed it while idle; a failure later on is not retried
/// here, as the server may already hold the message.
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

    /// Sends `email`; a recipient that is not a bare addr-spec (an injected CR/LF would start
    /// a command of its own) is never written to the wire: a permanent refusal. The sender
    /// was checked at start-up.
    pub(crate) async fn send(&self, email: &Email) -> Result<(), MailError> {
        if !is_bare_addr_spec(&email.to) {
            metrics::security_refusal(SecurityRefusal::UnsafeRecipient);
            return Err(MailError::Refused {
                permanent: true,
                reason: "the recipient is not a bare address; nothing was sent".into(),
            });
        }
        let message = self.message(email).into_message().map_err(classify)?;
        let reused = self.idle.lock().pop();
        let mut session = match reused {
            Some(mut session) => {
                match tokio::time::timeout(REUSED_ANSWER, session.open_envelope(&message)).await {
                    Ok(Ok(())) => session,
                    _ => {
                        // They went idle together: one that died says the others did too.
                        self.idle.lock().clear();
                        self.connect_and_open(&message).await?
                    }
                }
            }
            None => self.connect_and_open(&message).await?,
        };
        session.hand_over(&message).await.map_err(classify)?;
        let mut idle = self.idle.lock();
        if idle.len() < MAX_IDLE_SESSIONS {
            idle.push(session);
        }
        Ok(())
    }

    fn message<'a>(&'a self, email: &'a Email) -> MessageBuilder<'a> {
        MessageBuilder::new()
            .from((email.sender_name.as_str(), self.settings.sender.as_str()))
            .to(email.to.as_str())
            .message_id(email.message_id.as_str())
            .subject(email.subject.as_str())
            .text_body(email.text.as_str())
            .html_body(email.html.as_str())
    }

    async fn connect_and_open(&self, message: &Message<'_>) -> Result<Session, MailError> {
        let mut session = self.connect().await?;
        session.open_envelope(message).await.map_err(classify)?;
        Ok(session)
    }

    async fn connect(&self) -> Result<Session, MailError> {
        let s = &self.settings;
        let mut builder = SmtpClientBuilder::new(s.host.as_str(), s.port)
            .map_err(MailError::Unreachable)?
            .implicit_tls(s.tls == SmtpTls::Implicit)
            .timeout(SMTP_TIMEOUT);
        if let Some((user, password)) = s.credentials() {
            builder = builder.credentials(Credentials::new(user, password.expose_secret()));
        }
        // No Nagle: a message's last lines would otherwise wait for the server's delayed ACK
        // of its first (40 ms a message on Linux; the pipeline ran at 300 e-mails/s).
        let session = async {
            match s.tls {
                SmtpTls::None => builder.connect_plain().await.map(|client| {
                    client.stream.set_nodelay(true).ok();
                    Session::Plain(client)
                }),
                SmtpTls::StartTls | SmtpTls::Implicit => builder.connect().await.map(|client| {
                    client.stream.get_ref().0.set_nodelay(true).ok();
                    Session::Tls(Box::new(client))
                }),
            }
        };
        // mail-send bounds the plain connection's TCP connect but not its wait for the
        // greeting: a server (or a connection) that accepts and never greets would hold this
        // send, and the worker's delivery behind it, for good (the fault drills' SMTP stall).
        tokio::time::timeout(SMTP_TIMEOUT, session)
            .await
            .map_err(|_| MailError::Unreachable("no greeting within the SMTP timeout".into()))?
            .map_err(classify)
    }
}

impl Session {
    /// `MAIL FROM`: nothing of the message has reached the server yet.
    async fn open_envelope(&mut self, message: &Message<'_>) -> mail_send::Result<()> {
        let from = &message.mail_from;
        match self {
            Self::Plain(client) => client.mail_from(&from.email, &from.parameters).await,
            Self::Tls(client) => client.mail_from(&from.email, &from.parameters).await,
        }
    }

    /// `RCPT TO` for each recipient, then `DATA`; done when the server answers 250.
    async fn hand_over(&mut self, message: &Message<'_>) -> mail_send::Result<()> {
        match self {
            Self::Plain(client) => Self::recipients_and_data(client, message).await,
            Self::Tls(client) => Self::recipients_and_data(client.as_mut(), message).await,
        }
    }

    async fn recipients_and_data<T: AsyncRead + AsyncWrite + Unpin>(
        client: &mut SmtpClient<T>,
        message: &Message<'_>,
    ) -> mail_send::Result<()> {
        for rcpt in &message.rcpt_to {
            client.rcpt_to(&rcpt.email, &rcpt.parameters).await?;
        }
        client.data(message.body.as_ref()).await.map(drop)
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

#[cfg(test)]
mod tests;
