//! What the hosted forms' posts share: taking up their pending request for this browser
//! (the CSRF check), the checks a sign-in needs, and going on once a session is open.

use chrono::{DateTime, Utc};
use poem_openapi::payload::Html;
use sea_orm::DatabaseTransaction;

use crate::{
    features::oidc::pages::{self, Opening, SignInPage},
    http::{ApiError, AppState, BrowserCookies, PageResponse},
    services::{
        audit::Provenance,
        oidc::{self, Done, Resumed},
        sessions::{BrowserSession, Login},
        sign_in::{self, PasswordCheck},
    },
};

/// How a sign-in form's proof (a password, a code, a passkey) went.
pub(super) enum Proof {
    /// A browser session, and its cookie's value.
    Session(BrowserSession, String),
    /// Refused, in words for the page.
    Refused(&'static str),
}

/// Opens the browser session of a proven `login` in `txn` (audited) and commits it.
pub(super) async fn open_session(
    txn: DatabaseTransaction,
    opening: &Opening<'_>,
    login: Login<'_>,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<Proof, ApiError> {
    let (sessions, notice) = (opening.sessions, opening.new_sign_in);
    let (session, cookie) =
        sign_in::open_browser_session(&txn, sessions, notice, login, provenance, now).await?;
    txn.commit().await?;
    Ok(Proof::Session(session, cookie))
}

/// A form posted for a live pending request, with this browser's CSRF token.
pub(super) struct Posted {
    pub resumed: Resumed,
    /// The pending request's handle.
    pub handle: String,
    pub csrf: String,
}

impl Posted {
    /// The pending request `handle` names, for a form carrying `csrf`; `Err` holds the
    /// page to answer instead: 400 when the request is unknown or expired, 403 when the
    /// token is not this browser's or the request's.
    pub(super) async fn take_up(
        state: &AppState,
        cookies: &BrowserCookies,
        handle: Option<String>,
        csrf: Option<String>,
    ) -> Result<Result<Self, PageResponse>, ApiError> {
        let handle = handle.unwrap_or_default();
        let Some(resumed) = oidc::resume(&state.db, &handle, state.clock.now()).await? else {
            return Ok(Err(pages::expired()));
        };
        let csrf = csrf.filter(|csrf| pages::csrf_ok(cookies, Some(csrf), &resumed.pending));
        let Some(csrf) = csrf else {
            return Ok(Err(PageResponse::forbidden()));
        };
        Ok(Ok(Self {
            resumed,
            handle,
            csrf,
        }))
    }

    /// After a sign-in opened `session`: its cookie (`cookie` the value), and a redirect
    /// to where the request goes next (the consent page, or the client with a code).
    pub(super) async fn signed_in(
        &self,
        state: &AppState,
        cookies: &BrowserCookies,
        session: &BrowserSession,
        cookie: &str,
    ) -> Result<PageResponse, ApiError> {
        let done = Done {
            signed_in: true,
            consented: false,
        };
        let location = self.proceed(state, session, done).await?;
        let cookie = cookies.set_session(cookie, state.sessions.ttl.as_secs());
        Ok(PageResponse::Redirect(location, Some(cookie)))
    }

    /// The answer to a proof: signed in and on, or the form again (`form` renders it with
    /// the refusal).
    pub(super) async fn answer(
        &self,
        state: &AppState,
        cookies: &BrowserCookies,
        proof: Proof,
        form: impl FnOnce(&'static str) -> Html<String>,
    ) -> Result<PageResponse, ApiError> {
        match proof {
            Proof::Session(session, cookie) => {
                self.signed_in(state, cookies, &session, &cookie).await
            }
            Proof::Refused(message) => Ok(PageResponse::Page(form(message), None)),
        }
    }

    /// The request's sign-in form.
    pub(super) fn sign_in_page<'a>(&'a self, state: &AppState) -> SignInPage<'a> {
        SignInPage {
            client_name: &self.resumed.client.name,
            handle: &self.handle,
            csrf: &self.csrf,
            passkeys: state.passkeys.configured(),
        }
    }

    /// Where the request goes next, now that `done` happened in `session`.
    pub(super) async fn proceed(
        &self,
        state: &AppState,
        session: &BrowserSession,
        done: Done,
    ) -> Result<String, ApiError> {
        let (issuer, now) = (state.tokens.issuer(), state.clock.now());
        let (resumed, handle) = (&self.resumed, &self.handle);
        Ok(oidc::proceed(&state.db, resumed, handle, session, done, issuer, now).await?)
    }
}

/// How the pages check a password or a second step: as the token endpoint does.
pub(super) fn password_check(state: &AppState) -> PasswordCheck<'_> {
    PasswordCheck {
        db: &state.db,
        clock: &state.clock,
        hasher: &state.hasher,
        limits: &state.limits,
        require_verified_email: state.require_verified_email,
    }
}

/// What opening a browser session needs, from the state.
pub(super) fn opening(state: &AppState) -> Opening<'_> {
    Opening {
        sessions: &state.sessions,
        new_sign_in: &state.new_sign_in,
    }
}
