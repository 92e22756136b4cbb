//! `Locale`: an account's language, a well-formed BCP 47 tag (RFC 5646) of the common shape
//! `language[-Script][-REGION][-variant...]`, kept in canonical case.
//!
//! Refused on purpose, to keep the type small: extended language subtags (`zh-yue`),
//! extensions (`-u-...`), private use (`-x-...`) and grandfathered tags (`i-klingon`). No
//! language of ours needs them, and a browser's `Accept-Language` rarely carries them.

/// A language tag such as `de-AT` or `zh-Hant-TW`: language lower-case, script title-case,
/// region upper-case, variants lower-case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locale(String);

impl Locale {
    /// The longest tag kept (and the column's length).
    pub const MAX_LEN: usize = 35;
    /// The accepted syntax as a pattern (any case), for documents; `parse` checks the same.
    pub const PATTERN: &str = "^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$";

    /// Parses a tag in any case (`EN-us`) into its canonical form (`en-US`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters long", Self::MAX_LEN));
        }
        let refused = || "must be a BCP 47 language tag such as `de` or `de-AT`".to_owned();
        let mut subtags = raw.split('-');
        let language = subtags
            .next()
            .filter(|s| is_language(s))
            .ok_or_else(refused)?;
        let mut tag = language.to_ascii_lowercase();
        // 0: a script may follow, 1: a region, 2: only variants.
        let mut stage = 0;
        for subtag in subtags {
            let (next, canonical) = if stage < 1 && is_script(subtag) {
                (1, title_case(subtag))
            } else if stage < 2 && is_region(subtag) {
                (2, subtag.to_ascii_uppercase())
            } else if is_variant(subtag) {
                (2, subtag.to_ascii_lowercase())
            } else {
                return Err(refused());
            };
            stage = next;
            tag.push('-');
            tag.push_str(&canonical);
        }
        Ok(Self(tag))
    }

    /// The canonical tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical tag, owned.
    pub fn into_inner(self) -> String {
        self.0
    }

    /// The tags to look a translation up by, most specific first (RFC 4647's lookup):
    /// `zh-Hant-TW` gives `zh-Hant-TW`, `zh-Hant`, `zh`. No default is added: the mail
    /// engine appends `en` itself.
    pub fn fallbacks(&self) -> Vec<&str> {
        let cuts = self.0.match_indices('-').map(|(at, _)| at).rev();
        std::iter::once(self.as_str())
            .chain(cuts.map(|at| &self.0[..at]))
            .collect()
    }
}

fn is_language(s: &str) -> bool {
    matches!(s.len(), 2 | 3 | 5..=8) && s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn is_script(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn is_region(s: &str) -> bool {
    let bytes = s.as_bytes();
    match bytes.len() {
        2 => bytes.iter().all(u8::is_ascii_alphabetic),
        3 => bytes.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

fn is_variant(s: &str) -> bool {
    let bytes = s.as_bytes();
    let alphanumeric = bytes.iter().all(u8::is_ascii_alphanumeric);
    match bytes.len() {
        5..=8 => alphanumeric,
        4 => alphanumeric && bytes[0].is_ascii_digit(),
        _ => false,
    }
}

/// `latn` -> `Latn` (ASCII only, as `is_script` checked).
fn title_case(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    lower[..1].to_ascii_uppercase() + &lower[1..]
}

#[cfg(test)]
mod tests {
    use super::Locale;

    fn canonical(raw: &str) -> String {
        Locale::parse(raw)
            .unwrap_or_else(|e| panic!("{raw:?}: {e}"))
            .into_inner()
    }

    #[test]
    fn well_formed_tags_come_out_in_canonical_case() {
        for (raw, want) in [
            ("en", "en"),
            ("EN-us", "en-US"),
            ("de-AT", "de-AT"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("SR-LATN", "sr-Latn"),
            ("es-419", "es-419"),
            ("ast", "ast"),
            ("de-CH-1996", "de-CH-1996"),
            ("sl-ROZAJ-biske", "sl-rozaj-biske"),
            ("hy-Latn-IT-arevela", "hy-Latn-IT-arevela"),
            ("abcde-Abcd-AB-12345678-1abc", "abcde-Abcd-AB-12345678-1abc"),
        ] {
            assert_eq!(canonical(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn malformed_tags_are_refused() {
        for bad in [
            "",
            "e",
            "engl",
            "toolonglang",
            "en-",
            "-en",
            "en--US",
            "en_US",
            "en US",
            "en-US-Latn",
            "en-U",
            "en-x123",
            "en-abcd-efgh",
            "en-US-GB",
            "zh-yue",
            "en-u-ca-gregory",
            "en-x-private",
            "i-klingon",
            "*",
            "de-ÄT",
            "12",
        ] {
            assert!(Locale::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn at_most_35_characters() {
        let longest = "abcdefgh-Abcd-123-12345678-abcdefgh";
        assert_eq!(longest.len(), Locale::MAX_LEN);
        assert_eq!(canonical(longest), longest);
        let over = format!("{longest}-1abc");
        assert!(Locale::parse(&over).unwrap_err().contains("35"));
    }

    #[test]
    fn fallbacks_go_from_the_whole_tag_to_the_language() {
        let fallbacks = |raw: &str| {
            let locale = Locale::parse(raw).unwrap();
            locale
                .fallbacks()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(fallbacks("de-at"), ["de-AT", "de"]);
        assert_eq!(fallbacks("zh-Hant-TW"), ["zh-Hant-TW", "zh-Hant", "zh"]);
        assert_eq!(fallbacks("fr"), ["fr"]);
    }
}
