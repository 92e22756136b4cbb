use std::fmt;

/// A plaintext password on its way to the hasher: 8 to 72 bytes (bcrypt reads no further,
/// so longer ones are refused rather than silently truncated) and no NUL characters.
/// `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Password(String);

impl Password {
    pub(crate) const MIN_BYTES: usize = 8;
    pub(crate) const MAX_BYTES: usize = 72;
    /// No NUL characters, as a pattern for documents; `parse` checks the same.
    pub(crate) const PATTERN: &str = r"^[^\u0000]*$";

    pub(crate) fn parse(raw: String) -> Result<Self, String> {
        if raw.len() < Self::MIN_BYTES || raw.len() > Self::MAX_BYTES {
            return Err(format!(
                "must be {} to {} bytes long",
                Self::MIN_BYTES,
                Self::MAX_BYTES
            ));
        }
        if raw.contains('\0') {
            return Err("must not contain NUL characters".into());
        }
        Ok(Self(raw))
    }

    /// A password as submitted for checking, without the policy (old accounts keep working).
    pub(crate) fn unchecked(raw: String) -> Self {
        Self(raw)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::Password;

    #[test]
    fn enforces_byte_bounds_not_char_bounds() {
        assert!(Password::parse("x".repeat(72)).is_ok());
        assert!(Password::parse("x".repeat(73)).is_err());
        assert!(Password::parse("é".repeat(37)).is_err()); // 74 bytes, 37 chars
        assert!(Password::parse("short".into()).is_err());
    }

    #[test]
    fn refuses_nul_and_hides_itself_in_debug() {
        assert!(Password::parse("abc\0defgh".into()).is_err());
        let shown = format!("{:?}", Password::parse("hunter22hunter".into()).unwrap());
        assert!(!shown.contains("hunter"));
    }
}
