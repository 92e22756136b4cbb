/// Why a password could not be hashed or checked; shared by the hasher and its gate.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Hash(#[from] pwhash::error::Error),
    /// The hashing thread dropped the work (it panicked).
    #[error("password hashing stopped before it answered")]
    Lost,
    /// Every hashing slot is busy and the queue is full (see `HashGate`).
    #[error("too many passwords are being checked at once")]
    Busy,
}
