use pwhash::bcrypt::{self, BcryptSetup, BcryptVariant};
use rand::{RngCore, rngs::OsRng};

use super::{
    hash_error::HashError,
    hash_gate::{HashGate, HashTurn},
    one_time_token::sha256_hex,
};
use crate::{domain::Password, infra::db::entities::user::PasswordHash};

/// Which hasher to build. Only bcrypt is ever used outside tests: start-up refuses `Fast`
/// in production.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HasherKind {
    #[default]
    Bcrypt,
    /// Salted SHA-256: fast enough that tests do not wait on hashing. Never in production.
    Fast,
}

/// bcrypt (`$2b$`) at a configurable cost, run on `HashGate`'s low-priority threads so that
/// hashing never stalls the async workers, at most `PASSWORD_HASH_CONCURRENCY` at once; or
/// the fast test hasher.
pub struct PasswordHasher {
    kind: HasherKind,
    cost: u32,
    /// Checked when the account does not exist, so that both answers take as long.
    dummy_hash: String,
    gate: HashGate,
}

/// The fast hasher's prefix: `$fast$<salt>$<sha256 hex of salt and password>`.
const FAST_PREFIX: &str = "$fast$";

impl PasswordHasher {
    pub(crate) fn new(kind: HasherKind, cost: u32, gate: HashGate) -> Result<Self, HashError> {
        let dummy_hash = hash_blocking(kind, cost, "not-a-real-password")?;
        Ok(Self {
            kind,
            cost,
            dummy_hash,
            gate,
        })
    }

    pub(crate) async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let (kind, cost, password) = (self.kind, self.cost, password.clone());
        let hash = match kind {
            HasherKind::Fast => hash_blocking(kind, cost, password.expose())?,
            HasherKind::Bcrypt => {
                self.gate
                    .run(move || hash_blocking(kind, cost, password.expose()))
                    .await??
            }
        };
        Ok(PasswordHash(hash))
    }

    /// A place in line for a `verify_in` to come (`Busy` at once when the queue is full and
    /// no slot is free), holding no slot meanwhile; `None` for the fast test hasher, which
    /// needs none.
    pub(crate) fn turn(&self) -> Result<Option<HashTurn<'_>>, HashError> {
        match self.kind {
            HasherKind::Fast => Ok(None),
            HasherKind::Bcrypt => self.gate.turn().map(Some),
        }
    }

    /// True when `password` matches `hash`; with no hash it burns the same time and says no.
    /// A password over `Password::MAX_BYTES` never matches: bcrypt ignores bytes past 72, so
    /// its first 72 would otherwise pass for it.
    pub(crate) async fn verify(
        &self,
        password: &Password,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, HashError> {
        let turn = self.turn()?;
        self.verify_in(turn, password, hash).await
    }

    /// `verify` with a place in line taken beforehand with `turn`.
    pub(crate) async fn verify_in(
        &self,
        turn: Option<HashTurn<'_>>,
        password: &Password,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, HashError> {
        let known = hash.is_some() && password.expose().len() <= Password::MAX_BYTES;
        let hash = hash.map_or_else(|| self.dummy_hash.clone(), |h| h.0.clone());
        let matches = match self.kind {
            HasherKind::Fast => hash
                .strip_prefix(FAST_PREFIX)
                .is_some_and(|salted| verify_fast(password.expose(), salted)),
            HasherKind::Bcrypt => {
                let password = password.clone();
                let work = move || bcrypt::verify(password.expose(), &hash);
                match turn {
                    Some(turn) => turn.slot().await?.run(work).await?,
                    None => self.gate.run(work).await?,
                }
            }
        };
        Ok(known && matches)
    }
}

fn hash_blocking(kind: HasherKind, cost: u32, password: &str) -> Result<String, HashError> {
    match kind {
        HasherKind::Bcrypt => {
            let setup = BcryptSetup {
                salt: None,
                cost: Some(cost),
                variant: Some(BcryptVariant::V2b),
            };
            Ok(bcrypt::hash_with(setup, password)?)
        }
        HasherKind::Fast => {
            let mut salt = [0u8; 8];
            OsRng.fill_bytes(&mut salt);
            let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
            let digest = sha256_hex(&format!("{salt}{password}"));
            Ok(format!("{FAST_PREFIX}{salt}${digest}"))
        }
    }
}

fn verify_fast(password: &str, salted: &str) -> bool {
    salted
        .split_once('$')
        .is_some_and(|(salt, digest)| sha256_hex(&format!("{salt}{password}")) == digest)
}

#[cfg(test)]
mod tests {
    use super::{HasherKind, PasswordHasher};
    use crate::domain::Password;
    use crate::infra::security::hash_gate::HashGate;

    #[tokio::test]
    async fn hashes_with_salt_and_verifies() {
        for (kind, prefix) in [
            (HasherKind::Bcrypt, "$2b$04$"),
            (HasherKind::Fast, "$fast$"),
        ] {
            let hasher = PasswordHasher::new(
                kind,
                4,
                HashGate::new(1, 8, std::time::Duration::from_secs(60)),
            )
            .unwrap();
            let password = Password::parse("correct horse".into()).unwrap();
            let (a, b) = (
                hasher.hash(&password).await.unwrap(),
                hasher.hash(&password).await.unwrap(),
            );
            assert!(a.0.starts_with(prefix), "{kind:?}");
            assert_ne!(a, b, "each hash has its own salt");
            assert!(hasher.verify(&password, Some(&a)).await.unwrap());
            let wrong = Password::unchecked("Correct horse".into());
            assert!(!hasher.verify(&wrong, Some(&a)).await.unwrap());
        }
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        for kind in [HasherKind::Bcrypt, HasherKind::Fast] {
            let hasher = PasswordHasher::new(
                kind,
                4,
                HashGate::new(1, 8, std::time::Duration::from_secs(60)),
            )
            .unwrap();
            let guess = Password::unchecked("not-a-real-password".into());
            assert!(!hasher.verify(&guess, None).await.unwrap());
        }
    }

    #[tokio::test]
    async fn a_password_past_72_bytes_never_matches_its_first_72() {
        for kind in [HasherKind::Bcrypt, HasherKind::Fast] {
            let hasher = PasswordHasher::new(
                kind,
                4,
                HashGate::new(1, 8, std::time::Duration::from_secs(60)),
            )
            .unwrap();
            let first_72 = "x".repeat(Password::MAX_BYTES);
            let hash = hasher
                .hash(&Password::unchecked(first_72.clone()))
                .await
                .unwrap();
            let longer = Password::unchecked(format!("{first_72}y"));
            assert!(
                !hasher.verify(&longer, Some(&hash)).await.unwrap(),
                "{kind:?}"
            );
        }
    }
}
