//! The variables each template may use, checked when the templates load: a name no e-mail
//! of that kind carries stops start-up instead of failing at send time.

use minijinja::Environment;

use super::{KINDS, TemplateError, sources::Origin};
use crate::domain::EventType;

/// What every e-mail carries.
const EVERY_EMAIL: &[&str] = &[
    "product",
    "product.name",
    "product.url",
    "product.logo_url",
    "product.support_address",
    "account",
    "account.username",
    "account.email",
    "occurred_at",
    "locale",
];

/// Names of the engine's and of Jinja itself, never the e-mail's.
const ENGINE: &[&str] = &[
    "range",
    "dict",
    "namespace",
    "debug",
    "super",
    "self",
    "loop",
    "caller",
    "varargs",
    "kwargs",
];

/// What only e-mails of `kind` carry besides.
fn of_kind(kind: EventType) -> &'static [&'static str] {
    match kind {
        EventType::EmailChanged => &["new_email"],
        EventType::NewSignIn => &[
            "sign_in",
            "sign_in.at",
            "sign_in.device",
            "sign_in.ip",
            "sign_in.sessions_url",
        ],
        EventType::RecoveryCodeUsed => &["recovery_codes_left"],
        EventType::PasskeyAdded | EventType::PasskeyRemoved | EventType::PasskeySignInRefused => {
            &["passkey_name"]
        }
        EventType::EmailVerificationRequested | EventType::PasswordResetRequested => &[
            "link",
            "link.token",
            "link.url",
            "link.valid_for",
            "link.valid_for.count",
            "link.valid_for.unit",
        ],
        EventType::UserCreated
        | EventType::UserUpdated
        | EventType::UserDeleted
        | EventType::PasswordChanged
        | EventType::MfaEnabled
        | EventType::MfaDisabled
        | EventType::MfaReset => &[],
    }
}

/// Refuses the template `name` (`<locale>/<file>`, read from `origin`) if it uses a variable
/// its e-mails do not carry: a kind's part what that kind carries, a shared file (layout,
/// macros) what every e-mail carries.
pub(super) fn check(
    env: &Environment<'_>,
    name: &str,
    origin: &Origin,
    text: &str,
) -> Result<(), TemplateError> {
    let file = name.split_once('/').map_or(name, |(_, file)| file);
    let kind = KINDS
        .iter()
        .find(|(_, kind)| file.split_once('.').is_some_and(|(stem, _)| stem == *kind))
        .map(|(kind, _)| *kind);
    let template = env
        .get_template(name)
        .map_err(|err| TemplateError::invalid(origin, &err))?;
    let mut used: Vec<String> = template.undeclared_variables(true).into_iter().collect();
    used.sort();
    let unknown = used.into_iter().find(|variable| {
        let root = variable.split('.').next().unwrap_or_default();
        !ENGINE.contains(&root)
            && !EVERY_EMAIL.contains(&variable.as_str())
            && !kind.is_some_and(|kind| of_kind(kind).contains(&variable.as_str()))
    });
    match unknown {
        None => Ok(()),
        Some(variable) => Err(TemplateError::Invalid {
            path: origin.to_string(),
            line: line_of(text, &variable),
            reason: format!(
                "unknown variable `{variable}` (this template may use: {})",
                allowed(kind).join(", ")
            ),
        }),
    }
}

/// What a template of `kind` (or a shared one) may use, the leaves only.
fn allowed(kind: Option<EventType>) -> Vec<&'static str> {
    let all = EVERY_EMAIL.iter().chain(kind.map_or(&[][..], of_kind));
    let names: Vec<&str> = all.copied().collect();
    names
        .iter()
        .filter(|name| {
            !names
                .iter()
                .any(|other| other.starts_with(&format!("{name}.")))
        })
        .copied()
        .collect()
}

/// The first line (from 1) naming `variable`, or its first part.
fn line_of(text: &str, variable: &str) -> usize {
    let root = variable.split('.').next().unwrap_or(variable);
    [variable, root]
        .iter()
        .find_map(|needle| text.lines().position(|line| line.contains(needle)))
        .map_or(1, |index| index + 1)
}
