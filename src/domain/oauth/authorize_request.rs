//! The authorization request's parameter rules (RFC 6749 §4.1.1, RFC 7636, OpenID Connect
//! Core §3.1.2.1), in the two stages the endpoint answers differently: the client and its
//! redirect URI (an error there is shown, never redirected), then the rest (redirected).

use serde::{Deserialize, Serialize};

use super::{
    CodeChallenge, RedirectUri, Scope,
    error::{OAuthError, OAuthErrorCode},
    parse_scopes,
};

/// The longest `state`, `nonce` or `login_hint` kept.
pub const MAX_PARAM_LEN: usize = 512;

/// What `prompt` asks (OpenID Connect Core §3.1.2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Prompt {
    /// Sign in or consent only when needed.
    #[default]
    Default,
    /// No page at all: an error when one would be needed.
    None,
    /// Sign in again, whatever the browser session.
    Login,
    /// Ask for consent again.
    Consent,
    /// Sign in again and ask for consent again.
    LoginAndConsent,
}

impl Prompt {
    /// Whether a fresh sign-in is asked.
    pub fn forces_login(self) -> bool {
        matches!(self, Self::Login | Self::LoginAndConsent)
    }

    /// Whether the consent page is asked even when consent was remembered.
    pub fn forces_consent(self) -> bool {
        matches!(self, Self::Consent | Self::LoginAndConsent)
    }
}

/// The parameters after the client and redirect URI, as received.
#[derive(Debug, Default)]
pub struct RawAuthorizeParams<'a> {
    /// `response_type`.
    pub response_type: Option<&'a str>,
    /// `scope`.
    pub scope: Option<&'a str>,
    /// `state`.
    pub state: Option<&'a str>,
    /// `nonce`.
    pub nonce: Option<&'a str>,
    /// `code_challenge`.
    pub code_challenge: Option<&'a str>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<&'a str>,
    /// `prompt`.
    pub prompt: Option<&'a str>,
    /// `max_age`.
    pub max_age: Option<&'a str>,
    /// `login_hint`.
    pub login_hint: Option<&'a str>,
    /// `response_mode`.
    pub response_mode: Option<&'a str>,
    /// Whether a `request` (a request object) was sent.
    pub request_object: bool,
    /// Whether a `request_uri` was sent.
    pub request_uri: bool,
}

/// A valid authorization request, kept while its pages are shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// The redirect URI exactly as requested (it matched a registered one).
    pub redirect_uri: String,
    /// The requested scopes, space-separated, each allowed to the client.
    pub scope: String,
    /// Echoed on the redirect.
    pub state: Option<String>,
    /// Echoed in the id_token.
    pub nonce: Option<String>,
    /// The S256 challenge.
    pub code_challenge: String,
    /// What `prompt` asked.
    pub prompt: Prompt,
    /// Seconds since the sign-in beyond which the account must sign in again.
    pub max_age: Option<u64>,
    /// The login to fill in on the sign-in page.
    pub login_hint: Option<String>,
}

impl AuthorizeRequest {
    /// The requested scopes.
    pub fn scopes(&self) -> Vec<Scope> {
        parse_scopes(&self.scope).unwrap_or_default()
    }
}

/// The first stage: the requested redirect URI, when it is one of the client's. Without
/// one, the request names no trustworthy place to send an error to.
pub fn check_redirect_uri<'a>(
    registered: &[RedirectUri],
    requested: Option<&'a str>,
) -> Result<&'a str, String> {
    let requested = requested.ok_or("redirect_uri is required")?;
    if registered.iter().any(|uri| uri.matches(requested)) {
        Ok(requested)
    } else {
        Err("redirect_uri is not one the client registered".into())
    }
}

/// The second stage: the rest of the request, for a client allowed `allowed` scopes that
/// `may_use_code` (its grant types hold `authorization_code`).
pub fn check_params(
    redirect_uri: &str,
    raw: &RawAuthorizeParams<'_>,
    allowed: &[Scope],
    may_use_code: bool,
) -> Result<AuthorizeRequest, OAuthError> {
    use OAuthErrorCode::{
        InvalidRequest, InvalidScope, RequestNotSupported, RequestUriNotSupported,
        UnauthorizedClient, UnsupportedResponseType,
    };
    let invalid = |what: String| OAuthError::new(InvalidRequest, what);
    match raw.response_type {
        None => return Err(invalid("response_type is required".into())),
        Some("code") => {}
        Some(_) => {
            return Err(OAuthError::new(
                UnsupportedResponseType,
                "only response_type=code is supported",
            ));
        }
    }
    if !may_use_code {
        return Err(OAuthError::new(
            UnauthorizedClient,
            "the client may not use the authorization code grant",
        ));
    }
    // OpenID Connect Core §6.1, §6.2: an OP without request objects says so.
    if raw.request_object {
        let why = "request objects are not supported: send the parameters in the query";
        return Err(OAuthError::new(RequestNotSupported, why));
    }
    if raw.request_uri {
        let why = "request_uri is not supported: send the parameters in the query";
        return Err(OAuthError::new(RequestUriNotSupported, why));
    }
    if raw.response_mode.is_some_and(|mode| mode != "query") {
        return Err(invalid("only response_mode=query is supported".into()));
    }
    let bounded = |name: &str, value: Option<&str>| match value {
        Some(value) if value.len() > MAX_PARAM_LEN => Err(invalid(format!(
            "{name} must be at most {MAX_PARAM_LEN} characters"
        ))),
        value => Ok(value.map(str::to_owned)),
    };
    let state = bounded("state", raw.state)?;
    let nonce = bounded("nonce", raw.nonce)?;
    let login_hint = bounded("login_hint", raw.login_hint)?;
    let code_challenge =
        CodeChallenge::parse(raw.code_challenge, raw.code_challenge_method).map_err(invalid)?;
    let scopes =
        parse_scopes(raw.scope.unwrap_or("")).map_err(|e| OAuthError::new(InvalidScope, e))?;
    if let Some(scope) = scopes.iter().find(|scope| !allowed.contains(scope)) {
        return Err(OAuthError::new(
            InvalidScope,
            format!("the client may not ask for {scope}"),
        ));
    }
    let prompt = parse_prompt(raw.prompt).map_err(invalid)?;
    let max_age = raw
        .max_age
        .map(|age| age.parse::<u64>())
        .transpose()
        .map_err(|_| invalid("max_age must be a number of seconds".into()))?;
    let scope = scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(AuthorizeRequest {
        redirect_uri: redirect_uri.to_owned(),
        scope,
        state,
        nonce,
        code_challenge: code_challenge.as_str().to_owned(),
        prompt,
        max_age,
        login_hint,
    })
}

/// The redirect back to the client: `redirect_uri` with `params` added to its query
/// (response_mode=query), after any query it already has.
pub fn response_url(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let separator = match redirect_uri.contains('?') {
        true => '&',
        false => '?',
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{redirect_uri}{separator}{query}")
}

/// The redirect carrying `error` (RFC 6749 §4.1.2.1), with `state` when the request sent
/// one and `iss` (RFC 9207).
pub fn error_url(redirect_uri: &str, error: &OAuthError, state: Option<&str>, iss: &str) -> String {
    let mut params = vec![
        ("error", error.code.as_str()),
        ("error_description", error.description.as_str()),
    ];
    params.extend(state.map(|state| ("state", state)));
    params.push(("iss", iss));
    response_url(redirect_uri, &params)
}

/// `prompt`: space-separated `none`, `login`, `consent`; `none` stands alone.
fn parse_prompt(raw: Option<&str>) -> Result<Prompt, String> {
    let values: Vec<&str> = raw
        .unwrap_or("")
        .split(' ')
        .filter(|v| !v.is_empty())
        .collect();
    let (mut login, mut consent, mut none) = (false, false, false);
    for value in &values {
        match *value {
            "login" => login = true,
            "consent" => consent = true,
            "none" => none = true,
            other => return Err(format!("prompt {other:?} is not supported")),
        }
    }
    match (none, login, consent) {
        (true, false, false) => Ok(Prompt::None),
        (true, _, _) => Err("prompt=none cannot be combined".into()),
        (false, true, true) => Ok(Prompt::LoginAndConsent),
        (false, true, false) => Ok(Prompt::Login),
        (false, false, true) => Ok(Prompt::Consent),
        (false, false, false) => Ok(Prompt::Default),
    }
}

#[cfg(test)]
mod tests;
