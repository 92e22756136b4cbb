use pwhash::bcrypt::{self, BcryptSetup, BcryptVariant};

use crate::{domain::Password, infra::db::entities::user::PasswordHash};

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(#[from] pwhash::error::Error),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// bcrypt (`$2b$`) at a configurable cost, run on tokio's blocking pool so that hashing
/// never stalls the async workers.
pub struct PasswordHasher {
    cost: u32,
    /// Checked when the account does not exist, so that both answers take as long.
    dummy_hash: String,
}

impl PasswordHasher {
    pub fn new(cost: u32) -> Result<Self, HashError> {
        let dummy_hash = hash_blocking(cost, "not-a-real-password")?;
        Ok(Self { cost, dummy_hash })
    }

    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let (cost, password) = (self.cost, password.clone());
        let hash =
            tokio::task::spawn_blocking(move || hash_blocking(cost, password.expose())).await??;
        Ok(PasswordHash(hash))
    }

    /// True when `password` matches `hash`; with no hash it burns the same time and says no.
    pub async fn verify(
        &self,
        password: &Password,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, HashError> {
        let known = hash.is_some();
        let hash = hash.map_or_else(|| self.dummy_hash.clone(), |h| h.0.clone());
        let password = password.clone();
        let matches =
            tokio::task::spawn_blocking(move || bcrypt::verify(password.expose(), &hash)).await?;
        Ok(known && matches)
    }
}

fn hash_blocking(cost: u32, password: &str) -> Result<String, pwhash::error::Error> {
    let setup = BcryptSetup {
        salt: None,
        cost: Some(cost),
        variant: Some(BcryptVariant::V2b),
    };
    bcrypt::hash_with(setup, password)
}

#[cfg(test)]
mod tests {
    use super::PasswordHasher;
    use crate::domain::Password;

    #[tokio::test]
    async fn hashes_with_salt_and_verifies() {
        let hasher = PasswordHasher::new(4).unwrap();
        let password = Password::parse("correct horse".into()).unwrap();
        let (a, b) = (
            hasher.hash(&password).await.unwrap(),
            hasher.hash(&password).await.unwrap(),
        );
        assert!(a.0.starts_with("$2b$04$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(hasher.verify(&password, Some(&a)).await.unwrap());
        let wrong = Password::unchecked("Correct horse".into());
        assert!(!hasher.verify(&wrong, Some(&a)).await.unwrap());
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        let hasher = PasswordHasher::new(4).unwrap();
        let guess = Password::unchecked("not-a-real-password".into());
        assert!(!hasher.verify(&guess, None).await.unwrap());
    }
}
