//! Recovery codes: ten per account, `xxxxx-xxxxx` from an alphabet without look-alikes (50
//! bits each), shown once and stored as SHA-256 of the account id and the code, so a leaked
//! table gives nothing and a code is good for its own account only. Typed with or without
//! the dash, in either case, with spaces.

use chrono::{DateTime, Utc};
use rand::{Rng, rngs::OsRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::infra::{db::entities::recovery_code, security::sha256_hex};

/// How many codes an account gets.
pub(crate) const RECOVERY_CODES: usize = 10;
/// Lower-case letters and digits without `0 o 1 l i`: 31 symbols.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const HALF: usize = 5;

/// Voids `user_id`'s codes and issues a new set, returned in the clear this once.
pub(crate) async fn replace_recovery_codes(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    delete_all(txn, user_id).await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| generate()).collect();
    let rows = codes.iter().map(|code| recovery_code::ActiveModel {
        code_hash: Set(hash(user_id, code)),
        user_id: Set(user_id),
        created_at: Set(now),
        used_at: Set(None),
    });
    recovery_code::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(codes)
}

/// Spends `code` of `user_id` if it is one of its unused codes; whether it was. Two requests
/// racing with one code: one update finds it unused, the other finds nothing.
pub(super) async fn spend(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(normalized) = normalize(code) else {
        return Ok(false);
    };
    let spent = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::CodeHash.eq(hash(user_id, &normalized)))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(spent.rows_affected == 1)
}

pub(super) async fn delete_all(txn: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    let deleted = recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    Ok(deleted.rows_affected)
}

fn generate() -> String {
    let symbol = || char::from(ALPHABET[OsRng.gen_range(0..ALPHABET.len())]);
    let first: String = (0..HALF).map(|_| symbol()).collect();
    let second: String = (0..HALF).map(|_| symbol()).collect();
    format!("{first}-{second}")
}

/// The code as generated (`xxxxx-xxxxx`), whatever the case, dashes or spaces typed; `None`
/// for anything that cannot be a code.
fn normalize(typed: &str) -> Option<String> {
    let symbols: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let valid = symbols.len() == 2 * HALF && symbols.bytes().all(|b| ALPHABET.contains(&b));
    valid.then(|| format!("{}-{}", &symbols[..HALF], &symbols[HALF..]))
}

fn hash(user_id: Uuid, normalized: &str) -> String {
    sha256_hex(&format!("{user_id}:{normalized}"))
}

#[cfg(test)]
mod tests {
    use super::{ALPHABET, generate, normalize};

    #[test]
    fn codes_are_two_groups_of_five_from_the_alphabet() {
        let code = generate();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(code.replace('-', "").bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(generate(), generate());
    }

    #[test]
    fn a_code_reads_the_same_with_or_without_dash_in_either_case() {
        for typed in [
            "abcde-fghjk",
            "ABCDE-FGHJK",
            "abcdefghjk",
            " abcde fghjk ",
            "AbCdEfGhJk",
        ] {
            assert_eq!(normalize(typed).as_deref(), Some("abcde-fghjk"), "{typed}");
        }
    }

    #[test]
    fn anything_else_is_no_code() {
        for typed in [
            "",
            "abcde-fghj",
            "abcde-fghjkm",
            "abcde-fghj0",
            "123456",
            "äbcde-fghjk",
        ] {
            assert_eq!(normalize(typed), None, "{typed}");
        }
    }
}
