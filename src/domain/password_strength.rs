//! How hard a new password is to guess (NIST SP 800-63B 5.1.1.2): zxcvbn's score, with what
//! the account itself gives away (its username, its e-mail address and the address's local
//! part) counted as words an attacker tries first.

use std::fmt;

use super::Password;

/// `PASSWORD_MIN_SCORE`: the lowest zxcvbn score (0 to 4) a new password may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinScore(u8);

impl MinScore {
    /// zxcvbn's best score: more than 10^10 guesses.
    pub const MAX: u8 = 4;

    /// `Err` (saying what is allowed) above 4.
    pub fn new(score: u8) -> Result<Self, String> {
        if score <= Self::MAX {
            Ok(Self(score))
        } else {
            Err(format!("must be between 0 and {}", Self::MAX))
        }
    }

    /// The score, 0 to 4.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// 3 (at least 10^8 guesses): zxcvbn's own "safely unguessable" threshold for online attacks
/// with some margin; 4 refuses many memorable passphrases.
impl Default for MinScore {
    fn default() -> Self {
        Self(3)
    }
}

/// What a password must not be built from: the account's own names, as zxcvbn user inputs
/// (public for the benchmark).
#[derive(Clone, Debug)]
pub struct PasswordContext(Vec<String>);

impl PasswordContext {
    /// The username, the address and the address's local part (`alice.smith` of
    /// `alice.smith@example.com`).
    pub fn of(username: &str, email: &str) -> Self {
        let mut inputs = vec![username.to_owned(), email.to_owned()];
        inputs.extend(email.split_once('@').map(|(local, _)| local.to_owned()));
        Self(inputs)
    }

    /// The words zxcvbn matches the password against, besides its own lists.
    pub fn user_inputs(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }
}

/// A password zxcvbn rates below the minimum; `Display` is the field error, which names the
/// rule and the score but never the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TooGuessable {
    score: u8,
    min: MinScore,
    /// zxcvbn's own warning ("This is a top-100 common password."), when it gives one.
    warning: Option<String>,
}

impl fmt::Display for TooGuessable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "is too easy to guess (zxcvbn score {} of {}, at least {} needed)",
            self.score,
            MinScore::MAX,
            self.min.get()
        )?;
        match &self.warning {
            Some(warning) => write!(f, ": {warning}"),
            None => Ok(()),
        }
    }
}

/// `Err` when zxcvbn rates `password` below `min`. CPU work that grows with the length (see
/// BENCHMARKS.md, "Password strength"): async callers run it on the blocking pool.
pub(crate) fn assess(
    password: &Password,
    context: &PasswordContext,
    min: MinScore,
) -> Result<(), TooGuessable> {
    let estimate = zxcvbn::zxcvbn(password.expose(), &context.user_inputs());
    let score = u8::from(estimate.score());
    if score >= min.get() {
        return Ok(());
    }
    Err(TooGuessable {
        score,
        min,
        warning: estimate
            .feedback()
            .and_then(|feedback| feedback.warning())
            .map(|warning| warning.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::{MinScore, PasswordContext, assess};
    use crate::domain::Password;

    fn check(password: &str, username: &str, email: &str) -> Result<(), String> {
        let password = Password::parse(password.into()).expect("a valid length");
        assess(
            &password,
            &PasswordContext::of(username, email),
            MinScore::default(),
        )
        .map_err(|refusal| refusal.to_string())
    }

    #[test]
    fn common_passwords_are_refused_naming_the_score_and_zxcvbn_warning() {
        for common in ["password1", "qwertyuiop", "iloveyou123", "letmein2024"] {
            let err = check(common, "zed", "zed@example.com").unwrap_err();
            assert!(
                err.starts_with("is too easy to guess (zxcvbn score "),
                "{err}"
            );
            assert!(err.contains("of 4, at least 3 needed)"), "{err}");
            assert!(!err.contains(common), "the password is not echoed: {err}");
        }
        let err = check("password1", "zed", "zed@example.com").unwrap_err();
        assert!(err.ends_with("common password."), "{err}");
    }

    #[test]
    fn passwords_built_from_the_account_are_refused() {
        for (password, username, email) in [
            ("alice2024", "alice", "a@example.com"),
            ("alicealice", "alice", "a@example.com"),
            ("quintessa99!", "quintessa", "q@example.com"),
            ("zorblax.fen", "someone", "zorblax.fen@example.com"),
        ] {
            assert!(
                check(password, username, email).is_err(),
                "{password} from {username} / {email}"
            );
        }
        // The same words are fine for another account.
        assert!(check("zorblax.fen-kettle", "someone", "x@example.com").is_ok());
    }

    #[test]
    fn a_strong_passphrase_passes() {
        assert_eq!(
            check("violet-anchor-drizzle-42", "alice", "alice@example.com"),
            Ok(())
        );
    }

    #[test]
    fn the_minimum_is_zero_to_four_and_zero_accepts_anything_long_enough() {
        assert!(MinScore::new(4).is_ok() && MinScore::new(5).is_err());
        let password = Password::parse("password".into()).unwrap();
        let context = PasswordContext::of("alice", "alice@example.com");
        assert!(assess(&password, &context, MinScore::new(0).unwrap()).is_ok());
    }
}
