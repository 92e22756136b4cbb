//! The database work behind `manage users ...`: finding an account by its login, changing
//! it (permissions, disabled, second factors) as the system, audited like an administrator's change, and
//! listing accounts with their permissions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    domain::{Permission, is_bare_addr_spec},
    infra::db::entities::{user, user_permission},
    services::{
        administration::{self as admin, Change},
        audit::Provenance,
    },
};

/// What `manage users` changes on an account.
#[derive(Clone, Copy, Debug)]
pub enum AccountChange {
    Grant(Permission),
    Revoke(Permission),
    Disable,
    Enable,
    /// Remove every second factor (TOTP, recovery codes and passkeys).
    ResetMfa,
}

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("no account has the username or e-mail {0:?}")]
    UnknownLogin(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// One account as `users list` shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub user: user::Model,
    /// Permission names in [`Permission`]'s order (names it does not know, last).
    pub permissions: Vec<String>,
}

/// The account whose username or e-mail is `login`, case-insensitively (as the token
/// endpoint finds it).
pub async fn find_by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<user::Model, UsersError> {
    user::find_by_login(db, &user::normalize_login(login))
        .await?
        .ok_or_else(|| UsersError::UnknownLogin(login.to_owned()))
}

/// Applies `change` to the account named by `login`, as the system (no actor, no request),
/// in one transaction with its audit row; what happened, as one line.
pub async fn apply(
    db: &DatabaseConnection,
    login: &str,
    change: AccountChange,
    now: DateTime<Utc>,
) -> Result<String, UsersError> {
    let account = find_by_login(db, login).await?;
    let name = &account.username;
    let provenance = Provenance::none();
    let by_system = Change {
        actor: None,
        provenance: &provenance,
        now,
    };
    let txn = db.begin().await?;
    let message = match change {
        AccountChange::Grant(p) => match admin::grant(&txn, account.id, p, by_system).await? {
            true => format!("granted {p} to {name}"),
            false => format!("{name} already has {p}; nothing to do"),
        },
        AccountChange::Revoke(p) => match admin::revoke(&txn, account.id, p, by_system).await? {
            true => format!("revoked {p} from {name}"),
            false => format!("{name} does not have {p}; nothing to do"),
        },
        AccountChange::Disable => {
            match admin::set_disabled(&txn, account.id, true, by_system).await? {
                true => format!("disabled {name}; its sessions have ended"),
                false => format!("{name} is already disabled; nothing to do"),
            }
        }
        AccountChange::Enable => {
            match admin::set_disabled(&txn, account.id, false, by_system).await? {
                true => format!("enabled {name}"),
                false => format!("{name} is not disabled; nothing to do"),
            }
        }
        AccountChange::ResetMfa => match admin::reset_mfa(&txn, &account, by_system).await? {
            true => format!("removed every second factor of {name}; the owner is mailed"),
            false => format!("{name} has no second factor; nothing to do"),
        },
    };
    txn.commit().await?;
    Ok(message)
}

/// Up to `limit` accounts in order of creation, those whose username or e-mail starts with
/// `prefix` (case-insensitively) when one is given; `true` when more matched.
pub async fn list(
    db: &DatabaseConnection,
    prefix: Option<&str>,
    limit: u64,
) -> Result<(Vec<Listed>, bool), DbErr> {
    let mut query = user::Entity::find()
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .limit(limit + 1);
    if let Some(prefix) = prefix {
        let Some(matching) = user::login_starts_with(prefix) else {
            return Ok((Vec::new(), false));
        };
        query = query.filter(matching);
    }
    let mut users = query.all(db).await?;
    let more = users.len() as u64 > limit;
    users.truncate(limit as usize);

    let mut granted: HashMap<_, Vec<String>> = HashMap::new();
    if !users.is_empty() {
        let rows = user_permission::Entity::find()
            .filter(user_permission::Column::UserId.is_in(users.iter().map(|u| u.id)))
            .all(db)
            .await?;
        for row in rows {
            granted.entry(row.user_id).or_default().push(row.permission);
        }
    }
    let listed = users
        .into_iter()
        .map(|user| {
            let mut permissions = granted.remove(&user.id).unwrap_or_default();
            permissions.sort_by_key(|name| {
                (
                    name.parse::<Permission>()
                        .map_or(usize::MAX, |p| p as usize),
                    name.clone(),
                )
            });
            Listed { user, permissions }
        })
        .collect();
    Ok((listed, more))
}

/// Accounts read per query by `unsafe_addresses`.
const SCAN_BATCH: u64 = 1_000;

/// Every account whose stored e-mail is not a bare addr-spec (written before the rule, or
/// by hand): id, username and address, in id order, read in batches.
pub async fn unsafe_addresses(
    db: &DatabaseConnection,
) -> Result<Vec<(Uuid, String, String)>, DbErr> {
    let (mut found, mut after) = (Vec::new(), None);
    loop {
        let mut query = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::Username,
                user::Column::Email,
            ])
            .order_by_asc(user::Column::Id)
            .limit(SCAN_BATCH);
        if let Some(last) = after {
            query = query.filter(user::Column::Id.gt(last));
        }
        let batch: Vec<(Uuid, String, String)> = query.into_tuple().all(db).await?;
        after = batch.last().map(|(id, _, _)| *id);
        let done = (batch.len() as u64) < SCAN_BATCH;
        found.extend(
            batch
                .into_iter()
                .filter(|(_, _, email)| !is_bare_addr_spec(email)),
        );
        if done {
            return Ok(found);
        }
    }
}

/// One tab-separated line per account, and a note when `more` than `limit` match.
pub(super) fn render_list(accounts: &[Listed], more: bool, limit: u64) -> String {
    let mut lines: Vec<String> = accounts
        .iter()
        .map(|listed| {
            let permissions = match listed.permissions.is_empty() {
                true => "-".to_owned(),
                false => listed.permissions.join(","),
            };
            let user = &listed.user;
            format!(
                "{}\t{}\t{}\t{permissions}",
                user.id, user.username, user.email
            )
        })
        .collect();
    if accounts.is_empty() {
        lines.push("no accounts match".to_owned());
    }
    if more {
        lines.push(format!(
            "(only the first {limit} accounts are shown; narrow them with --q)"
        ));
    }
    lines.join("\n")
}

/// `Err` (exit status 1) when any address breaks the rule; each is `{:?}`-quoted, so a
/// stored CR/LF cannot move the terminal's cursor or forge a line.
pub(super) fn render_unsafe_addresses(
    found: Vec<(Uuid, String, String)>,
) -> Result<String, String> {
    if found.is_empty() {
        return Ok("every stored e-mail address is a bare address".to_owned());
    }
    let mut lines = vec![format!(
        "{} stored e-mail address(es) are not bare addresses (the mailer refuses them); \
         correct them, or have their owners change them:",
        found.len()
    )];
    lines.extend(
        found
            .iter()
            .map(|(id, username, email)| format!("{id}\t{username}\t{email:?}")),
    );
    Err(lines.join("\n"))
}
