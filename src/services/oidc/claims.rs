//! The claims of the granted scopes, as the id_token and the userinfo endpoint give them.

use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    domain::oauth::{Scope, parse_scopes},
    infra::db::entities::user,
    services::sessions,
};

/// `sub`, then `email` and `email_verified` for `email`, `preferred_username`, `name` and
/// (when the account has one) `locale` for `profile`.
pub(crate) fn scoped_claims(account: &user::Model, scopes: &[Scope]) -> Map<String, Value> {
    let mut claims = Map::new();
    claims.insert("sub".into(), account.id.to_string().into());
    if scopes.contains(&Scope::Email) {
        claims.insert("email".into(), account.email.clone().into());
        claims.insert("email_verified".into(), account.email_verified.into());
    }
    if scopes.contains(&Scope::Profile) {
        claims.insert("preferred_username".into(), account.username.clone().into());
        claims.insert("name".into(), account.username.clone().into());
        if let Some(locale) = &account.locale {
            claims.insert("locale".into(), locale.clone().into());
        }
    }
    claims
}

/// The UserInfo claims for the caller of a session (`account`'s `session_id`): those of the
/// scopes its client was granted; `None` when the session is no client's or lacks `openid`.
pub(crate) async fn userinfo_claims(
    db: &impl ConnectionTrait,
    account: &user::Model,
    session_id: Uuid,
) -> Result<Option<Map<String, Value>>, DbErr> {
    let granted = sessions::client_grant_of(db, session_id).await?;
    let scopes = granted
        .map(|(_, scopes)| parse_scopes(&scopes).unwrap_or_default())
        .filter(|scopes| scopes.contains(&Scope::OpenId));
    Ok(scopes.map(|scopes| scoped_claims(account, &scopes)))
}
