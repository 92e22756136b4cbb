use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    domain::oauth::response_url,
    infra::security::TokenService,
    services::{oauth_clients, sessions},
};

/// A logout request's parameters.
pub(super) struct Logout {
    pub id_token_hint: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
    pub client_id: Option<String>,
}

/// How the logout ended.
pub(super) enum LoggedOut {
    /// Signed out; back to the client's registered post-logout URI.
    Redirect(String),
    /// Signed out; no place to go back to.
    Page,
    /// Nothing was ended: why, in words for the page.
    Refused(&'static str),
}

/// Ends the browser session an id_token of ours names (`sid`, expired tokens accepted, as
/// the spec allows), then sends the browser to `post_logout_redirect_uri` when the token's
/// client registered it exactly. Without a valid `id_token_hint` nothing is ended: a logout
/// cannot be forced on a browser by another site (no confirmation page is offered yet).
pub(super) async fn end_session(
    db: &DatabaseConnection,
    tokens: &TokenService,
    logout: &Logout,
    now: DateTime<Utc>,
) -> Result<LoggedOut, DbErr> {
    let hint = logout.id_token_hint.as_deref();
    let Some(hint) = hint.and_then(|token| tokens.id_token_hint(token)) else {
        return Ok(LoggedOut::Refused(
            "Signing out needs the id_token_hint of a sign-in at this service.",
        ));
    };
    if logout
        .client_id
        .as_deref()
        .is_some_and(|id| id != hint.aud.to_string())
    {
        return Ok(LoggedOut::Refused(
            "client_id is not the id_token's audience.",
        ));
    }
    let back = match logout.post_logout_redirect_uri.as_deref() {
        None => None,
        Some(uri) => {
            let client = oauth_clients::find(db, hint.aud).await?;
            let registered = client.is_some_and(|client| {
                client
                    .post_logout_redirect_uris
                    .iter()
                    .any(|r| r.as_str() == uri)
            });
            if !registered {
                return Ok(LoggedOut::Refused(
                    "post_logout_redirect_uri is not one the application registered.",
                ));
            }
            Some(uri)
        }
    };
    sessions::end(db, hint.sub, hint.sid, now).await?;
    Ok(match back {
        Some(uri) => {
            let state = logout.state.as_deref().map(|state| ("state", state));
            LoggedOut::Redirect(response_url(uri, &state.into_iter().collect::<Vec<_>>()))
        }
        None => LoggedOut::Page,
    })
}
