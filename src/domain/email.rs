use std::str::FromStr;

use email_address::EmailAddress;

/// A syntactically valid address, trimmed and lower-cased, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Email(String);

impl Email {
    pub(crate) const MAX_LEN: usize = 254;

    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let normalized = raw.trim().to_lowercase();
        if normalized.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters long", Self::MAX_LEN));
        }
        match EmailAddress::from_str(&normalized) {
            Ok(_) => Ok(Self(normalized)),
            Err(_) => Err("is not a valid e-mail address".into()),
        }
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
    use super::Email;

    #[test]
    fn trims_and_lower_cases() {
        assert_eq!(
            Email::parse("  Bob@Example.COM ").unwrap().as_str(),
            "bob@example.com"
        );
    }

    #[test]
    fn rejects_invalid_and_overlong_addresses() {
        let overlong = format!("{}@example.com", "a".repeat(250));
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a b@example.com",
            overlong.as_str(),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
