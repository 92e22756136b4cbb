use std::{sync::LazyLock, time::Duration};

use minijinja::{
    AutoEscape, Environment, HtmlEscape, Output, State, UndefinedBehavior, Value, context,
    escape_formatter, syntax::SyntaxConfig,
};

use super::Email;
use crate::domain::{EventEnvelope, EventType, mask_address};

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
        EventType::EmailChanged => ("Your e-mail address has been changed", "email_changed"),
        EventType::PasswordChanged => ("Your password has been changed", "password_changed"),
        EventType::PasswordResetRequested => ("Reset your password", "password_reset_requested"),
        EventType::NewSignIn => ("New sign-in to your account", "new_sign_in"),
        EventType::MfaEnabled => ("Two-step sign-in is on", "mfa_enabled"),
        EventType::MfaDisabled => ("Two-step sign-in is off", "mfa_disabled"),
        EventType::MfaReset => (
            "An administrator turned off your two-step sign-in",
            "mfa_reset",
        ),
        EventType::RecoveryCodeUsed => (
            "A recovery code was used on your account",
            "recovery_code_used",
        ),
        EventType::PasskeyAdded => ("A passkey was added to your account", "passkey_added"),
        EventType::PasskeyRemoved => ("A passkey was removed from your account", "passkey_removed"),
        EventType::PasskeySignInRefused => (
            "A passkey sign-in to your account was refused",
            "passkey_sign_in_refused",
        ),
    };
    let context = context! {
        username => event.data.username.as_str(),
        new_email => event.data.new_email.as_deref().map(mask_address),
        sign_in => event.data.sign_in.as_ref().map(|s| context! {
            at => event.occurred_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            device => s.device.as_str(),
            ip => s.ip.as_deref(),
            sessions_url => s.sessions_url.as_deref(),
        }),
        recovery_codes_left => event.data.recovery_codes_left,
        passkey_name => event.data.passkey_name.as_deref(),
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
        "email_changed.txt",
        "email_changed.html",
        "password_changed.txt",
        "password_changed.html",
        "password_reset_requested.txt",
        "password_reset_requested.html",
        "new_sign_in.txt",
        "new_sign_in.html",
        "mfa_enabled.txt",
        "mfa_enabled.html",
        "mfa_disabled.txt",
        "mfa_disabled.html",
        "mfa_reset.txt",
        "mfa_reset.html",
        "recovery_code_used.txt",
        "recovery_code_used.html",
        "passkey_added.txt",
        "passkey_added.html",
        "passkey_removed.txt",
        "passkey_removed.html",
        "passkey_sign_in_refused.txt",
        "passkey_sign_in_refused.html",
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
mod properties;
#[cfg(test)]
mod tests;
