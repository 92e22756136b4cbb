//! The OAuth client registry: registering, changing and deleting clients and making their
//! secrets, each audited in the transaction that makes it. The admin API and `manage
//! clients` both come here.

mod spec;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryOrder, QuerySelect, Set,
};
use secrecy::SecretString;
use uuid::Uuid;

pub(crate) use spec::{ClientChange, ClientSpec, MAX_NAME, MAX_URIS, RawClient};

use crate::{
    domain::{
        AuditAction,
        oauth::{ClientType, GrantType, RedirectUri, Scope},
    },
    infra::{
        db::{self, entities::oauth_client},
        security::OneTimeToken,
    },
    services::audit::{AuditEntry, Provenance},
};

/// A registered client as the registry hands it out: never its secret; the secret's hash
/// only to compare a presented secret with (`secret_matches`), redacted from `Debug`.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub client_id: Uuid,
    pub name: String,
    pub client_type: ClientType,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub allowed_scopes: Vec<Scope>,
    pub grant_types: Vec<GrantType>,
    pub first_party: bool,
    /// When the current secret was made; `None` for a public client.
    pub secret_set_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Hex SHA-256 of the secret, compared by `secret_matches`, never handed out.
    secret_hash: Option<SecretHash>,
}

/// A stored secret's hash, which `Debug` does not print.
#[derive(Clone)]
struct SecretHash(String);

impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

impl Client {
    /// Whether `presented` is the confidential client's secret (hashes compared in constant
    /// time); never for a public client.
    pub(crate) fn secret_matches(&self, presented: &str) -> bool {
        self.secret_hash.as_ref().is_some_and(|stored| {
            constant_time_eq::constant_time_eq(
                OneTimeToken::hash(presented).as_bytes(),
                stored.0.as_bytes(),
            )
        })
    }
}

impl From<oauth_client::Model> for Client {
    /// Rows are written only through `ClientSpec`, so every stored name parses; one that
    /// does not (a hand-edited row) is left out rather than failing the read.
    fn from(row: oauth_client::Model) -> Self {
        fn list<T>(stored: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
            stored.split(' ').filter_map(parse).collect()
        }
        Self {
            client_id: row.id,
            name: row.name,
            client_type: row.client_type.parse().unwrap_or(ClientType::Public),
            redirect_uris: list(&row.redirect_uris, |uri| RedirectUri::parse(uri).ok()),
            post_logout_redirect_uris: list(&row.post_logout_redirect_uris, |uri| {
                RedirectUri::parse(uri).ok()
            }),
            allowed_scopes: list(&row.allowed_scopes, |scope| scope.parse().ok()),
            grant_types: list(&row.grant_types, |grant| grant.parse().ok()),
            first_party: row.first_party,
            secret_set_at: row.secret_set_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            secret_hash: row.secret_hash.map(SecretHash),
        }
    }
}

/// Why a secret could not be made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SecretError {
    #[error("no client has this client_id")]
    NotFound,
    #[error("a public client has no secret")]
    PublicClient,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChangeError {
    #[error("no client has this client_id")]
    NotFound,
    #[error("invalid change")]
    Invalid(Vec<crate::domain::FieldError>),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Who changes the registry, from where, when: an administrator (`None`: `manage`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Actor<'a> {
    pub account: Option<Uuid>,
    pub provenance: &'a Provenance,
    pub now: DateTime<Utc>,
}

/// Registers a client; a confidential one gets its secret, returned here once and stored
/// only as its hash.
pub(crate) async fn register(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    spec: ClientSpec,
) -> Result<(Client, Option<SecretString>), DbErr> {
    let secret = (spec.client_type == ClientType::Confidential).then(OneTimeToken::generate);
    let row = oauth_client::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(spec.name),
        client_type: Set(spec.client_type.as_str().to_owned()),
        secret_hash: Set(secret.as_ref().map(|secret| secret.hash.clone())),
        secret_set_at: Set(secret.as_ref().map(|_| actor.now)),
        redirect_uris: Set(join(&spec.redirect_uris, RedirectUri::as_str)),
        post_logout_redirect_uris: Set(join(&spec.post_logout_redirect_uris, RedirectUri::as_str)),
        allowed_scopes: Set(join(&spec.allowed_scopes, |scope| scope.as_str())),
        grant_types: Set(join(&spec.grant_types, |grant| grant.as_str())),
        first_party: Set(spec.first_party),
        created_at: Set(actor.now),
        updated_at: Set(actor.now),
    };
    let txn = db::begin_write(db).await?;
    let row = row.insert(&txn).await?;
    audited(AuditAction::ClientCreated, actor, &row)
        .record(&txn, actor.provenance, actor.now)
        .await?;
    txn.commit().await?;
    Ok((row.into(), secret.map(|secret| secret.token.into())))
}

/// The client `client_id`, if one is registered.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    client_id: Uuid,
) -> Result<Option<Client>, DbErr> {
    Ok(oauth_client::Entity::find_by_id(client_id)
        .one(db)
        .await?
        .map(Client::from))
}

/// The first `limit` clients in registration order, after `after` when given.
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Client>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut select = oauth_client::Entity::find().order_by_asc(oauth_client::Column::Id);
    if let Some(after) = after {
        select = select.filter(oauth_client::Column::Id.gt(after));
    }
    let rows = select.limit(limit).all(db).await?;
    Ok(rows.into_iter().map(Client::from).collect())
}

/// Applies `change` to the client, checked against what it leaves (a password grant needs a
/// first-party client; the authorization code grant a redirect URI); audited with the
/// names of the fields that changed, when any did.
pub(crate) async fn update(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    client_id: Uuid,
    change: ClientChange,
) -> Result<Client, ChangeError> {
    let txn = db::begin_write(db).await?;
    let row = oauth_client::Entity::find_by_id(client_id)
        .one(&txn)
        .await?
        .ok_or(ChangeError::NotFound)?;
    let (updated, changed) = change
        .apply_to(Client::from(row.clone()))
        .map_err(ChangeError::Invalid)?;
    if changed.is_empty() {
        return Ok(Client::from(row));
    }
    let mut active = row.into_active_model();
    active.name = Set(updated.name.clone());
    active.redirect_uris = Set(join(&updated.redirect_uris, RedirectUri::as_str));
    active.post_logout_redirect_uris = Set(join(
        &updated.post_logout_redirect_uris,
        RedirectUri::as_str,
    ));
    active.allowed_scopes = Set(join(&updated.allowed_scopes, |scope| scope.as_str()));
    active.grant_types = Set(join(&updated.grant_types, |grant| grant.as_str()));
    active.first_party = Set(updated.first_party);
    active.updated_at = Set(actor.now);
    let row = active.update(&txn).await?;
    audited(AuditAction::ClientUpdated, actor, &row)
        .with("changed", changed)
        .record(&txn, actor.provenance, actor.now)
        .await?;
    txn.commit().await?;
    Ok(row.into())
}

/// Makes a confidential client a new secret, returned here once; the old one stops working
/// at once.
pub(crate) async fn rotate_secret(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    client_id: Uuid,
) -> Result<SecretString, SecretError> {
    let txn = db::begin_write(db).await?;
    let row = oauth_client::Entity::find_by_id(client_id)
        .one(&txn)
        .await?
        .ok_or(SecretError::NotFound)?;
    if row.client_type != ClientType::Confidential.as_str() {
        return Err(SecretError::PublicClient);
    }
    let secret = OneTimeToken::generate();
    let mut active = row.into_active_model();
    active.secret_hash = Set(Some(secret.hash));
    active.secret_set_at = Set(Some(actor.now));
    active.updated_at = Set(actor.now);
    let row = active.update(&txn).await?;
    audited(AuditAction::ClientSecretRotated, actor, &row)
        .record(&txn, actor.provenance, actor.now)
        .await?;
    txn.commit().await?;
    Ok(secret.token.into())
}

/// Deletes the client; `false` when none has the id.
pub(crate) async fn delete(
    db: &DatabaseConnection,
    actor: Actor<'_>,
    client_id: Uuid,
) -> Result<bool, DbErr> {
    let txn = db::begin_write(db).await?;
    let Some(row) = oauth_client::Entity::find_by_id(client_id)
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    oauth_client::Entity::delete_by_id(client_id)
        .exec(&txn)
        .await?;
    audited(AuditAction::ClientDeleted, actor, &row)
        .record(&txn, actor.provenance, actor.now)
        .await?;
    txn.commit().await?;
    Ok(true)
}

fn audited(action: AuditAction, actor: Actor<'_>, row: &oauth_client::Model) -> AuditEntry {
    AuditEntry::new(action)
        .by(actor.account)
        .with("client_id", row.id.to_string())
        .with("client_name", row.name.clone())
}

fn join<T>(items: &[T], name: impl Fn(&T) -> &str) -> String {
    items.iter().map(name).collect::<Vec<_>>().join(" ")
}
