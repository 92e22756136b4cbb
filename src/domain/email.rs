use email_address::{EmailAddress, Options};

/// A bare addr-spec (`local@domain`), trimmed and lower-cased, at most 254 characters: no
/// display name, angle brackets, comments, quoted local part or domain literal, and no
/// whitespace or control character anywhere, so it can be written into an SMTP command or a
/// header as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Email(String);

impl Email {
    pub(crate) const MAX_LEN: usize = 254;

    pub(crate) fn parse(raw: &str) -> Result<Self, String> {
        let normalized = raw.trim().to_lowercase();
        if normalized.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters long", Self::MAX_LEN));
        }
        if normalized.chars().any(forbidden) {
            return Err(
                "must be a bare address such as name@example.com: no display name, brackets, \
                 quotes, spaces or control characters"
                    .into(),
            );
        }
        if is_bare_addr_spec(&normalized) {
            Ok(Self(normalized))
        } else {
            Err("is not a valid e-mail address".into())
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_inner(self) -> String {
        self.0
    }
}

/// Whether `address` is a bare addr-spec as `Email` accepts it (any case): the rule the
/// mailer checks again before it writes an address into an SMTP command.
pub(crate) fn is_bare_addr_spec(address: &str) -> bool {
    let strict = Options::default()
        .without_display_text()
        .without_domain_literal();
    address.len() <= Email::MAX_LEN
        && !address.chars().any(forbidden)
        && EmailAddress::parse_with_options(address, strict).is_ok()
}

/// An address with most of it hidden, for telling one mailbox about another: the local
/// part's first two characters (one when shorter than four), the domain's first character
/// and its last label: `new.name@example.org` -> `ne***@e***.org`.
pub(crate) fn mask_address(address: &str) -> String {
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    let shown = if local.chars().count() < 4 { 1 } else { 2 };
    let local: String = local.chars().take(shown).collect();
    let first: String = domain.chars().take(1).collect();
    match domain.rsplit_once('.') {
        Some((_, tld)) => format!("{local}***@{first}***.{tld}"),
        None => format!("{local}***@{first}***"),
    }
}

/// Characters a bare address never holds: whitespace and controls (CR/LF would end an SMTP
/// command), and the delimiters of display names, comments, quoted strings and literals.
fn forbidden(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '<' | '>' | '(' | ')' | '"' | '[' | ']' | '\\' | ',' | ';' | ':'
        )
}

#[cfg(test)]
mod tests {
    use super::{Email, is_bare_addr_spec, mask_address};

    #[test]
    fn masks_all_but_a_hint_of_the_address() {
        assert_eq!(mask_address("new.name@example.org"), "ne***@e***.org");
        assert_eq!(mask_address("bob@mail.example.co.uk"), "b***@m***.uk");
        assert_eq!(mask_address("a@localhost"), "a***@l***");
    }

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

    #[test]
    fn refuses_everything_but_a_bare_addr_spec() {
        for bad in [
            "x\r\nRCPT TO:<injected@victim.example>\r\n <a@b.co>",
            "Victim <victim@example.com>",
            "<victim@example.com>",
            "victim@example.com (comment)",
            "\"a b\"@example.com",
            "\"a\"@example.com",
            "a@[127.0.0.1]",
            "a\n@example.com",
            "a@exa\rmple.com",
            "a\t@example.com",
            "a@example.com\u{0}",
            "a,b@example.com",
            "a;b@example.com",
            "a\\b@example.com",
            "a\u{a0}b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
            assert!(!is_bare_addr_spec(bad), "{bad:?} is not bare");
        }
        for good in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'neil@example.com",
        ] {
            assert!(Email::parse(good).is_ok(), "{good:?} should pass");
            assert!(is_bare_addr_spec(good), "{good:?} is bare");
        }
    }
}
