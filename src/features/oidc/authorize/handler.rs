use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use super::query::AuthorizeQuery;
use crate::{
    domain::oauth::{GrantType, check_params, check_redirect_uri, error_url},
    infra::security::SessionSettings,
    services::{
        oauth_clients,
        oidc::{self, Authorizing, Done, Next},
        sessions,
    },
};

/// What the authorization endpoint answers.
pub(super) enum Authorized {
    /// No registered client, or a redirect URI it did not register: shown, never redirected.
    Refused(String),
    /// Back to the client, with a code or an error.
    Redirect(String),
    /// A hosted page of the parked request, and the CSRF token its forms need.
    Page { location: String, csrf: String },
}

/// What the endpoint reads.
pub(super) struct Authorize<'a> {
    pub db: &'a DatabaseConnection,
    pub sessions: &'a SessionSettings,
    /// `JWT_ISSUER`.
    pub issuer: &'a str,
    pub now: DateTime<Utc>,
}

/// Judges the request: the client and its redirect URI first (an error there is shown),
/// then the rest (an error is sent back to the redirect URI). A valid request goes on as
/// `oidc::Authorizing` decides: a code at once for a browser signed in (and consented, for
/// a third-party client), else the sign-in or consent page with the request parked.
pub(super) async fn authorize(
    with: &Authorize<'_>,
    query: &AuthorizeQuery,
    session_cookie: Option<&str>,
) -> Result<Authorized, DbErr> {
    let client = match query.client_id() {
        Some(id) => oauth_clients::find(with.db, id).await?,
        None => None,
    };
    let Some(client) = client else {
        return Ok(Authorized::Refused(
            "The application that sent you here is not registered.".into(),
        ));
    };
    let redirect_uri = check_redirect_uri(&client.redirect_uris, query.redirect_uri.as_deref());
    let Ok(redirect_uri) = redirect_uri else {
        return Ok(Authorized::Refused(
            "The application that sent you here gave an address to return to that it did not \
             register."
                .into(),
        ));
    };
    let may_use_code = client.grant_types.contains(&GrantType::AuthorizationCode);
    let checked = check_params(
        redirect_uri,
        &query.rest(),
        &client.allowed_scopes,
        may_use_code,
    );
    let request = match checked {
        Ok(request) => request,
        Err(error) => {
            let state = query.state.as_deref();
            return Ok(Authorized::Redirect(error_url(
                redirect_uri,
                &error,
                state,
                with.issuer,
            )));
        }
    };
    let session = match session_cookie {
        Some(cookie) => sessions::find_browser(with.db, with.sessions, cookie, with.now).await?,
        None => None,
    };
    let authorizing = Authorizing {
        db: with.db,
        client: &client,
        request: &request,
        issuer: with.issuer,
        now: with.now,
    };
    let next = authorizing.next(session.as_ref(), Done::default()).await?;
    if let Next::Redirect(url) = next {
        return Ok(Authorized::Redirect(url));
    }
    let parked = oidc::park(with.db, client.client_id, &request, with.now).await?;
    Ok(Authorized::Page {
        location: next.page(&parked.handle).unwrap_or_default(),
        csrf: parked.csrf,
    })
}
