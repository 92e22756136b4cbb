/// 3 to 32 characters of `[A-Za-z0-9_.-]`; unique regardless of case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Username(String);

impl Username {
    pub(crate) const MIN_LEN: usize = 3;
    pub(crate) const MAX_LEN: usize = 32;
    /// The alphabet as a pattern, for documents; `parse` checks the same set.
    pub(crate) const PATTERN: &str = "^[A-Za-z0-9_.-]+$";

    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let len = raw.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(format!(
                "must be {} to {} characters long",
                Self::MIN_LEN,
                Self::MAX_LEN
            ));
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err("may contain only letters, digits, '_', '.' and '-'".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Username;

    #[test]
    fn accepts_the_allowed_alphabet_within_bounds() {
        for ok in ["abc", "A.b-c_9", &"x".repeat(32)] {
            assert_eq!(Username::parse(ok).unwrap().into_inner(), ok);
        }
    }

    #[test]
    fn rejects_bad_length_and_characters() {
        for bad in [
            "ab",
            &"x".repeat(33),
            "has space",
            "emoji😀x",
            "semi;colon",
            "",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
