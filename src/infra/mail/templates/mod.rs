//! The e-mails: minijinja templates, built in for `en` and `de` (`templates/email/<locale>/`),
//! each replaceable by a file of the same name in `EMAIL_TEMPLATES_DIR`. All are compiled,
//! checked for unknown variables and rendered with sample data when they load, so a broken
//! override stops start-up with its file and line, never an e-mail at send time.

mod sample;
mod sources;
mod variables;

use std::{borrow::Cow, path::PathBuf, time::Duration};

use minijinja::{
    AutoEscape, Environment, HtmlEscape, Output, State, UndefinedBehavior, Value, context,
    escape_formatter, syntax::SyntaxConfig,
};

pub(crate) use self::sample::sample;
use self::sources::{Origin, PARTS, Sources};
use super::{Email, EmailSettings};
use crate::domain::{EventEnvelope, EventType, mask_address};

/// Every kind of e-mail and its templates' name.
pub(crate) const KINDS: [(EventType, &str); 15] = [
    (EventType::UserCreated, "user_created"),
    (EventType::UserUpdated, "user_updated"),
    (EventType::UserDeleted, "user_deleted"),
    (
        EventType::EmailVerificationRequested,
        "email_verification_requested",
    ),
    (EventType::EmailChanged, "email_changed"),
    (EventType::PasswordChanged, "password_changed"),
    (
        EventType::PasswordResetRequested,
        "password_reset_requested",
    ),
    (EventType::NewSignIn, "new_sign_in"),
    (EventType::MfaEnabled, "mfa_enabled"),
    (EventType::MfaDisabled, "mfa_disabled"),
    (EventType::MfaReset, "mfa_reset"),
    (EventType::RecoveryCodeUsed, "recovery_code_used"),
    (EventType::PasskeyAdded, "passkey_added"),
    (EventType::PasskeyRemoved, "passkey_removed"),
    (EventType::PasskeySignInRefused, "passkey_sign_in_refused"),
];

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

/// A template that cannot be used: start-up stops with this.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("e-mail template {path}:{line}: {reason}")]
    Invalid {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("cannot read the e-mail templates at {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: not an e-mail template of this service (EMAIL_TEMPLATES_DIR holds files named \
         like the built-in ones, e.g. user_created.html, and folders named by locale, e.g. de/)"
    )]
    Unknown { path: PathBuf },
}

impl TemplateError {
    fn invalid(origin: &Origin, err: &minijinja::Error) -> Self {
        Self::Invalid {
            path: origin.to_string(),
            line: err.line().unwrap_or(1),
            reason: err.detail().unwrap_or(&err.kind().to_string()).to_owned(),
        }
    }
}

/// A template failed to render at send time (it rendered at start-up with sample data, so
/// this is a bug, or an e-mail that carries a token asked for without its link).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the e-mail: {0:#}")]
pub(crate) struct RenderError(#[from] minijinja::Error);

/// The loaded, checked templates.
pub(crate) struct Templates {
    env: Environment<'static>,
    sources: std::sync::Arc<Sources>,
    /// `EMAIL_PRODUCT_NAME`.
    product_name: String,
    /// `product` in the templates: name, url, logo_url, support_address.
    product: Value,
}

impl Templates {
    /// Loads the built-in templates and the overrides of `settings`, and checks them all;
    /// `sender` (`SMTP_SENDER`) is the support address when none is set.
    pub(crate) fn load(settings: &EmailSettings, sender: &str) -> Result<Self, TemplateError> {
        let sources = std::sync::Arc::new(Sources::load(settings.templates_dir.as_deref())?);
        let templates = Self {
            env: environment(sources.clone()),
            sources,
            product_name: settings.product_name.clone(),
            product: context! {
                name => &settings.product_name,
                url => &settings.product_url,
                logo_url => &settings.logo_url,
                support_address => settings.support_address.as_deref().unwrap_or(sender),
            },
        };
        templates.check()?;
        Ok(templates)
    }

    /// Every template compiles and uses only its variables; every kind renders in every
    /// locale with sample data, with and without the optional values.
    fn check(&self) -> Result<(), TemplateError> {
        for name in self.sources.names() {
            let source = self.sources.resolve(name).expect("a listed name resolves");
            variables::check(&self.env, name, &source.origin, &source.text)?;
        }
        for locale in self.sources.locales() {
            for (kind, _) in KINDS {
                for full in [true, false] {
                    let (mut event, link) = sample(kind, full);
                    event.data.locale = Some(locale.clone());
                    self.render(&event, link.as_ref())
                        .map_err(|RenderError(err)| self.invalid(&err))?;
                }
            }
        }
        Ok(())
    }

    /// `err` located in the file it came from.
    fn invalid(&self, err: &minijinja::Error) -> TemplateError {
        let origin = (err.name())
            .and_then(|name| self.sources.resolve(name))
            .map_or_else(
                || Origin::BuiltIn(err.name().unwrap_or("?").to_owned()),
                |s| s.origin.clone(),
            );
        TemplateError::invalid(&origin, err)
    }

    /// The locales with templates of their own (`en`, `de` and the overrides' folders).
    pub(crate) fn locales(&self) -> Vec<String> {
        self.sources.locales()
    }

    /// The e-mail for an event, in its account's language (else its language's, else
    /// English): subject, plain text and HTML. Only `user.email_verification_requested`
    /// and `user.password_reset_requested` use `link`, which they require.
    pub(crate) fn render(
        &self,
        event: &EventEnvelope,
        link: Option<&SingleUseLink>,
    ) -> Result<Email, RenderError> {
        let kind = KINDS
            .iter()
            .find(|(kind, _)| *kind == event.kind)
            .map(|(_, name)| *name)
            .expect("every kind has templates");
        let data = &event.data;
        // `occurred_at`, and the sign-in's time (the same instant) in its notice.
        let at = event.occurred_at.format("%Y-%m-%d %H:%M UTC").to_string();
        let name = |part| {
            self.sources
                .find(data.locale.as_deref(), &format!("{kind}.{part}"))
        };
        let html_name = name("html");
        let locale = html_name.split_once('/').map_or("en", |(locale, _)| locale);
        let context = context! {
            product => &self.product,
            account => context! { username => data.username.as_str(), email => data.email.as_str() },
            occurred_at => &at,
            locale,
            new_email => data.new_email.as_deref().map(mask_address),
            sign_in => data.sign_in.as_ref().map(|s| context! {
                at => &at,
                device => s.device.as_str(),
                ip => s.ip.as_deref(),
                sessions_url => s.sessions_url.as_deref(),
            }),
            recovery_codes_left => data.recovery_codes_left,
            passkey_name => data.passkey_name.as_deref(),
            link => link.map(|l| context! {
                token => l.token.as_str(),
                url => l.url(),
                valid_for => lifetime(l.valid_for),
            }),
        };
        let [subject, text, html] = PARTS.map(|part| {
            self.env
                .get_template(&name(part))
                .and_then(|template| template.render(&context))
        });
        Ok(Email {
            to: data.email.clone(),
            message_id: format!("{}@accounts-api", event.id),
            sender_name: self.product_name.clone(),
            subject: one_line(&subject?),
            text: text?,
            html: html?,
            secret: link.map(|l| l.token.clone()),
        })
    }
}

impl SingleUseLink {
    fn url(&self) -> Option<String> {
        let page = self.page_url.as_deref()?;
        let separator = if page.contains('?') { '&' } else { '?' };
        Some(format!("{page}{separator}token={}", self.token))
    }
}

/// A token's lifetime, rounded up, for the templates to word: `{count: 24, unit: "hour"}`,
/// `{count: 30, unit: "minute"}`.
fn lifetime(valid_for: Duration) -> Value {
    let minutes = valid_for.as_secs().div_ceil(60).max(1);
    let (count, unit) = if minutes % 60 == 0 || minutes > 120 {
        (minutes.div_ceil(60), "hour")
    } else {
        (minutes, "minute")
    };
    context! { count, unit }
}

/// A subject on one line: any run of whitespace or control characters is one space.
fn one_line(subject: &str) -> String {
    subject
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The engine over `sources`: minijinja picks the escaping by extension (`.html` escaped),
/// a variable the context lacks is an error, and names in `extends`, `import` and `include`
/// are the including template's locale's.
fn environment(sources: std::sync::Arc<Sources>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(move |name| Ok(sources.resolve(name).map(|s| s.text.clone())));
    env.set_path_join_callback(|name, parent| match parent.split_once('/') {
        Some((locale, _)) if !name.contains('/') => Cow::Owned(format!("{locale}/{name}")),
        _ => Cow::Borrowed(name),
    });
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // Block tags take their own line; the files keep their final newline.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build();
    env.set_syntax(syntax.expect("the default delimiters are valid"));
    env.set_auto_escape_callback(|name| match name.ends_with(".html") {
        true => AutoEscape::Html,
        false => AutoEscape::None,
    });
    env.set_formatter(formatter);
    env
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
mod properties;
#[cfg(test)]
mod tests;
