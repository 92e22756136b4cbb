//! What an authorization request needs next: the sign-in page, the consent page, or the
//! redirect back to the client with a code or an error. The authorization endpoint and the
//! hosted pages all end here, so the rules are written once.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use super::{CodeGrant, consents, issue_code};
use crate::{
    domain::oauth::{
        AuthorizeRequest, OAuthError, OAuthErrorCode, Prompt, error_url, response_url,
    },
    services::{oauth_clients::Client, sessions::BrowserSession},
};

/// Where the browser goes next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The sign-in page.
    SignIn,
    /// The consent page.
    Consent,
    /// Back to the client: a code, or an error.
    Redirect(String),
}

impl Next {
    /// The path of the page this step shows for the pending request `handle`; `None` for a
    /// redirect to the client.
    pub(crate) fn page(&self, handle: &str) -> Option<String> {
        let path = match self {
            Self::SignIn => "/oauth2/sign-in",
            Self::Consent => "/oauth2/consent",
            Self::Redirect(_) => return None,
        };
        Some(format!("{path}?request={handle}"))
    }
}

/// An authorization request in progress: for which client, and the issuer that answers.
pub(crate) struct Authorizing<'a> {
    pub db: &'a DatabaseConnection,
    pub client: &'a Client,
    pub request: &'a AuthorizeRequest,
    /// `JWT_ISSUER`, sent back as `iss` (RFC 9207).
    pub issuer: &'a str,
    pub now: DateTime<Utc>,
}

/// What the browser has done for this request so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Done {
    /// It signed in just now (so `prompt=login` and `max_age` are satisfied).
    pub signed_in: bool,
    /// It approved the consent page just now.
    pub consented: bool,
}

impl Authorizing<'_> {
    /// The next step for a browser with `session` (its live browser session, if any).
    pub(crate) async fn next(
        &self,
        session: Option<&BrowserSession>,
        done: Done,
    ) -> Result<Next, DbErr> {
        let prompt = self.request.prompt;
        let session = session.filter(|s| done.signed_in || !self.needs_login(s));
        let Some(session) = session else {
            return Ok(self.page_or(Next::SignIn, OAuthErrorCode::LoginRequired));
        };
        let needs_consent = !self.client.first_party
            && !done.consented
            && (prompt.forces_consent()
                || !consents::covers(
                    self.db,
                    session.user_id,
                    self.client.client_id,
                    &self.request.scopes(),
                )
                .await?);
        if needs_consent {
            return Ok(self.page_or(Next::Consent, OAuthErrorCode::ConsentRequired));
        }
        let grant = CodeGrant {
            client_id: self.client.client_id,
            user_id: session.user_id,
            session_id: session.id,
            redirect_uri: &self.request.redirect_uri,
            scopes: &self.request.scope,
            nonce: self.request.nonce.as_deref(),
            code_challenge: &self.request.code_challenge,
            auth_time: session.auth_time,
        };
        let code = issue_code(self.db, &grant, self.now).await?;
        Ok(Next::Redirect(self.respond(&[("code", &code)])))
    }

    /// Whether `session` must sign in again: `prompt=login`, or `max_age` has passed since
    /// its login.
    fn needs_login(&self, session: &BrowserSession) -> bool {
        let too_old = self.request.max_age.is_some_and(|max_age| {
            let max_age = TimeDelta::seconds(i64::try_from(max_age).unwrap_or(i64::MAX));
            session.auth_time + max_age < self.now
        });
        self.request.prompt.forces_login() || too_old
    }

    /// `page`, or with `prompt=none` the error `code` sent back.
    fn page_or(&self, page: Next, code: OAuthErrorCode) -> Next {
        match self.request.prompt {
            Prompt::None => Next::Redirect(self.error(&OAuthError::new(
                code,
                "prompt=none, and a page would have been needed",
            ))),
            _ => page,
        }
    }

    /// The redirect carrying `error`.
    pub(crate) fn error(&self, error: &OAuthError) -> String {
        let request = self.request;
        error_url(
            &request.redirect_uri,
            error,
            request.state.as_deref(),
            self.issuer,
        )
    }

    /// `redirect_uri` with `params`, then `state` (when sent) and `iss`.
    fn respond(&self, params: &[(&str, &str)]) -> String {
        let mut all = params.to_vec();
        if let Some(state) = self.request.state.as_deref() {
            all.push(("state", state));
        }
        all.push(("iss", self.issuer));
        response_url(&self.request.redirect_uri, &all)
    }
}
