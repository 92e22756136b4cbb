use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::{command::Grant, id_token::IdToken};
use crate::{
    domain::oauth::{GrantType, OAuthError, OAuthErrorCode, Scope, parse_scopes},
    http::ApiError,
    infra::{
        db::{SingleStatementDb, entities::user},
        security::{AccessToken, SessionSettings, TokenService},
    },
    services::{
        audit::Provenance,
        oauth_clients::Client,
        oidc::{self, Exchange, RedeemError},
        sessions::{self, ClientGrant, Device, RotateError, Rotation},
    },
};

/// What the token endpoint reads.
pub(super) struct Issuing<'a> {
    pub db: &'a DatabaseConnection,
    /// Where a refresh runs as one statement (`sessions::Rotation`).
    pub single_statement_db: &'a SingleStatementDb,
    pub tokens: &'a TokenService,
    pub sessions: &'a SessionSettings,
    /// `REQUIRE_VERIFIED_EMAIL`.
    pub require_verified_email: bool,
    pub provenance: &'a Provenance,
    pub now: DateTime<Utc>,
}

/// The tokens a grant issued.
pub(super) struct Issued {
    pub access: AccessToken,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// A refusal in OAuth's words, or a failure that is none of the client's doing.
pub(super) enum Refused {
    OAuth(OAuthError),
    Api(ApiError),
}

impl<E: Into<ApiError>> From<E> for Refused {
    fn from(err: E) -> Self {
        Self::Api(err.into())
    }
}

fn invalid_grant(description: &str) -> Refused {
    Refused::OAuth(OAuthError::new(OAuthErrorCode::InvalidGrant, description))
}

/// Runs `grant` for the authenticated `client`.
pub(super) async fn issue(
    with: &Issuing<'_>,
    client: &Client,
    grant: Grant,
    device: Device,
) -> Result<Issued, Refused> {
    let needed = match grant {
        Grant::AuthorizationCode { .. } => GrantType::AuthorizationCode,
        Grant::RefreshToken { .. } => GrantType::RefreshToken,
    };
    if !client.grant_types.contains(&needed) {
        return Err(Refused::OAuth(OAuthError::new(
            OAuthErrorCode::UnauthorizedClient,
            format!("the client may not use the {needed} grant"),
        )));
    }
    match grant {
        Grant::AuthorizationCode {
            code,
            redirect_uri,
            code_verifier,
        } => {
            let exchange = Exchange {
                code: &code,
                client_id: client.client_id,
                redirect_uri: redirect_uri.as_deref(),
                code_verifier: code_verifier.as_deref(),
            };
            exchange_code(with, client, &exchange, device).await
        }
        Grant::RefreshToken { refresh_token } => refresh(with, client, &refresh_token).await,
    }
}

/// The authorization code grant: the code redeemed once (a replay ends what the first
/// exchange opened), then a session of the client's opened in the same transaction, with a
/// refresh token for `offline_access` or a first-party client, and an id_token for `openid`.
async fn exchange_code(
    with: &Issuing<'_>,
    client: &Client,
    exchange: &Exchange<'_>,
    device: Device,
) -> Result<Issued, Refused> {
    let (code, txn) = match oidc::redeem(with.db, exchange, with.provenance, with.now).await {
        Ok(redeemed) => redeemed,
        Err(RedeemError::Invalid(why)) => return Err(invalid_grant(why)),
        Err(RedeemError::Replayed) => {
            return Err(invalid_grant(
                "the code was already used; what it issued is revoked",
            ));
        }
        Err(RedeemError::Database(err)) => return Err(err.into()),
    };
    let account = user::Entity::find_by_id(code.user_id)
        .one(&txn)
        .await?
        .filter(|account| account.disabled_at.is_none())
        .ok_or_else(|| invalid_grant("the account is disabled"))?;
    let amr = sessions::live_browser_amr(&txn, with.sessions, code.session_id, with.now)
        .await?
        .ok_or_else(|| invalid_grant("the sign-in that authorized the code has ended"))?;
    let scopes = parse_scopes(&code.scopes).unwrap_or_default();
    let refresh = client.grant_types.contains(&GrantType::RefreshToken)
        && (client.first_party || scopes.contains(&Scope::OfflineAccess));
    let grant = ClientGrant {
        user_id: account.id,
        client_id: client.client_id,
        scopes: &code.scopes,
        amr: &amr,
        refresh,
    };
    let opened =
        sessions::open_for_client(&txn, with.tokens, with.sessions, grant, device, with.now)
            .await?;
    oidc::record_issued(&txn, &code.code_hash, opened.session_id).await?;
    txn.commit().await?;
    let id_token = match scopes.contains(&Scope::OpenId) {
        true => Some(
            IdToken {
                account: &account,
                code: &code,
                scopes: &scopes,
                amr: &amr,
                access_token: &opened.access.token,
                now: with.now,
            }
            .sign(with.tokens)?,
        ),
        false => None,
    };
    Ok(Issued {
        access: opened.access,
        refresh_token: opened.refresh_token,
        id_token,
        scope: code.scopes.clone(),
    })
}

/// The refresh token grant: a token of this client's session, rotated with the reuse
/// detection every session has (`sessions::rotate`); the scopes stay those granted.
async fn refresh(
    with: &Issuing<'_>,
    client: &Client,
    refresh_token: &str,
) -> Result<Issued, Refused> {
    let granted = sessions::client_grant_of_refresh_token(with.db, refresh_token).await?;
    let Some((_, scope)) = granted.filter(|(owner, _)| *owner == client.client_id) else {
        return Err(invalid_grant(
            "the refresh token is unknown or another client's",
        ));
    };
    let rotation = Rotation {
        db: with.db,
        single_statement_db: with.single_statement_db,
        tokens: with.tokens,
        settings: with.sessions,
        require_verified_email: with.require_verified_email,
    };
    let rotated = sessions::rotate(&rotation, refresh_token, with.provenance, with.now).await;
    match rotated {
        Ok(tokens) => Ok(Issued {
            access: tokens.access,
            refresh_token: Some(tokens.refresh_token),
            id_token: None,
            scope,
        }),
        Err(RotateError::Refused) => Err(invalid_grant(
            "the refresh token is unknown, already used, or its session has ended",
        )),
        Err(RotateError::EmailNotVerified(_)) => Err(invalid_grant(
            "the account's e-mail address is not confirmed",
        )),
        Err(RotateError::Database(err)) => Err(err.into()),
        Err(RotateError::Token(err)) => Err(err.into()),
    }
}
