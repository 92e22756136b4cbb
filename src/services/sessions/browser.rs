//! Browser sessions (the hosted pages' cookie) and the sessions an OAuth client gets by
//! exchanging an authorization code. Both are `sessions` rows, so the session list,
//! revocation, disabling an account and the pruner treat them as every other session.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};
use uuid::Uuid;

use super::{
    Login, SessionError, issue_refresh_token,
    sign_in_notice::{NewSignInSettings, note_sign_in},
};
use crate::{
    domain::{Permission, oauth::Scope, oauth::parse_scopes},
    infra::{
        clock::later,
        db::entities::{refresh_token, session, user, user_permission},
        security::{AccessToken, OneTimeToken, SessionSettings, TokenService},
        telemetry::metrics,
    },
};

/// A live browser session, found by its cookie.
#[derive(Clone, Debug)]
pub(crate) struct BrowserSession {
    pub id: Uuid,
    pub user_id: Uuid,
    /// When its login was proven.
    pub auth_time: DateTime<Utc>,
}

/// Opens a browser session for a proven `login` in `txn` (begun with `db::begin_write`):
/// the row, keyed by the SHA-256 of the cookie value returned here; it has no refresh token.
pub(crate) async fn open_browser(
    txn: &DatabaseTransaction,
    settings: &SessionSettings,
    notice: &NewSignInSettings,
    login: Login<'_>,
    now: DateTime<Utc>,
) -> Result<(BrowserSession, String), DbErr> {
    let Login {
        account,
        device,
        amr,
    } = login;
    note_sign_in(txn, notice, account, &device, now).await?;
    let cookie = OneTimeToken::generate();
    let row = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(later(now, settings.ttl)),
        revoked_at: Set(None),
        user_agent: Set(device.user_agent),
        ip: Set(device.ip),
        amr: Set(amr.as_str().to_owned()),
        browser_token_hash: Set(Some(cookie.hash)),
        client_id: Set(None),
        scopes: Set(None),
    }
    .insert(txn)
    .await?;
    metrics::session_opened();
    Ok((browser_session(&row), cookie.token))
}

/// The live browser session `cookie` names, its account enabled.
pub(crate) async fn find_browser(
    db: &impl ConnectionTrait,
    settings: &SessionSettings,
    cookie: &str,
    now: DateTime<Utc>,
) -> Result<Option<BrowserSession>, DbErr> {
    let found = session::Entity::find()
        .find_also_related(user::Entity)
        .filter(session::Column::BrowserTokenHash.eq(OneTimeToken::hash(cookie)))
        .filter(session::live(now, settings.idle_timeout))
        .filter(user::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    Ok(found.map(|(row, _)| browser_session(&row)))
}

fn browser_session(row: &session::Model) -> BrowserSession {
    BrowserSession {
        id: row.id,
        user_id: row.user_id,
        auth_time: row.created_at,
    }
}

/// What an exchanged authorization code grants: whose, to which client, which scopes, and
/// how the browser session's login was proven.
pub(crate) struct ClientGrant<'a> {
    pub user_id: Uuid,
    pub client_id: Uuid,
    /// The granted scopes, space-separated.
    pub scopes: &'a str,
    pub amr: &'a str,
    /// Whether the client gets a refresh token.
    pub refresh: bool,
}

/// What a client's session hands out at its opening.
pub(crate) struct ClientTokens {
    pub session_id: Uuid,
    pub access: AccessToken,
    pub refresh_token: Option<String>,
}

/// Opens the session an exchanged code grants, in `txn`: its access token carries the
/// account's permissions that the scopes name, and so will every refresh.
pub(crate) async fn open_for_client(
    txn: &DatabaseTransaction,
    tokens: &TokenService,
    settings: &SessionSettings,
    grant: ClientGrant<'_>,
    device: super::Device,
    now: DateTime<Utc>,
) -> Result<ClientTokens, SessionError> {
    let row = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(grant.user_id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(later(now, settings.ttl)),
        revoked_at: Set(None),
        user_agent: Set(device.user_agent),
        ip: Set(device.ip),
        amr: Set(grant.amr.to_owned()),
        browser_token_hash: Set(None),
        client_id: Set(Some(grant.client_id)),
        scopes: Set(Some(grant.scopes.to_owned())),
    }
    .insert(txn)
    .await?;
    let refresh_token = match grant.refresh {
        true => Some(issue_refresh_token(txn, row.id, now).await?),
        false => None,
    };
    let permissions = permissions_of(txn, &row).await?;
    let access = tokens.issue(row.user_id, row.claims(), &permissions, now)?;
    metrics::session_opened();
    Ok(ClientTokens {
        session_id: row.id,
        access,
        refresh_token,
    })
}

/// The permissions a session's tokens carry: the account's, narrowed to the granted scopes
/// for a client's session.
pub(super) async fn permissions_of(
    db: &impl ConnectionTrait,
    row: &session::Model,
) -> Result<Vec<Permission>, DbErr> {
    let held = user_permission::of(db, row.user_id).await?;
    Ok(narrowed(held, row.scopes.as_deref()))
}

/// `held` narrowed to the permission scopes of `scopes` (space-separated), when given.
pub(crate) fn narrowed(held: Vec<Permission>, scopes: Option<&str>) -> Vec<Permission> {
    let Some(scopes) = scopes else {
        return held;
    };
    let granted = parse_scopes(scopes).unwrap_or_default();
    held.into_iter()
        .filter(|p| granted.contains(&Scope::Permission(*p)))
        .collect()
}

/// The client and granted scopes of a client's session (opened by an exchanged code);
/// `None` for any other session, or none at all.
pub(crate) async fn client_grant_of(
    db: &impl ConnectionTrait,
    session_id: Uuid,
) -> Result<Option<(Uuid, String)>, DbErr> {
    let row = session::Entity::find_by_id(session_id).one(db).await?;
    Ok(row.and_then(|row| Some((row.client_id?, row.scopes?))))
}

/// The session a refresh token belongs to: its client's session grant, as
/// `client_grant_of` (`None` for an unknown token or a session of no client).
pub(crate) async fn client_grant_of_refresh_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<(Uuid, String)>, DbErr> {
    let row = refresh_token::Entity::find_by_id(OneTimeToken::hash(token))
        .one(db)
        .await?;
    match row {
        Some(row) => client_grant_of(db, row.session_id).await,
        None => Ok(None),
    }
}

/// The `amr` of the live browser session `session_id`; `None` once it has ended.
pub(crate) async fn live_browser_amr(
    db: &impl ConnectionTrait,
    settings: &SessionSettings,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let row = session::Entity::find_by_id(session_id)
        .filter(session::live(now, settings.idle_timeout))
        .one(db)
        .await?;
    Ok(row.map(|row| row.amr))
}
