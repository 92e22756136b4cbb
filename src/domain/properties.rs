//! The invariants of the parsers that take outside input (asserted in `crate::fuzzing`, which
//! the fuzz targets share), over generated input (proptest): what parses is what the rest of
//! the service may rely on, and nothing panics.

use proptest::prelude::*;

use super::{Locale, Username};

/// Strings near the edge of an address: the characters that delimit, quote, fold or break
/// a header line, around one or two `@`.
fn address_like() -> impl Strategy<Value = String> {
    let part = "[a-zA-Z0-9._%+<>()\"\\[\\]\\\\,;: \t\r\n\u{0}\u{85}\u{2028}é-]{0,24}";
    (part, prop::option::of(part), part).prop_map(|(local, middle, domain)| match middle {
        Some(middle) => format!("{local}@{middle}@{domain}"),
        None => format!("{local}@{domain}"),
    })
}

proptest! {
    #[test]
    fn a_parsed_address_is_a_bare_addr_spec_that_parses_to_itself(
        raw in prop_oneof![
            " ?[A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,15}\\.[a-zA-Z]{2,6} ?",
            address_like(),
            any::<String>(),
        ]
    ) {
        crate::fuzzing::email(raw.as_bytes());
    }

    #[test]
    fn a_parsed_username_is_within_its_alphabet_and_bounds(
        raw in prop_oneof!["[A-Za-z0-9_.-]{0,40}", "[A-Za-z0-9_.;@ é\u{0}-]{0,40}", any::<String>()]
    ) {
        crate::fuzzing::username(raw.as_bytes());
        let pattern = regex::Regex::new(Username::PATTERN).unwrap();
        let in_bounds = (Username::MIN_LEN..=Username::MAX_LEN).contains(&raw.chars().count());
        prop_assert_eq!(Username::parse(&raw).is_ok(), in_bounds && pattern.is_match(&raw));
    }

    #[test]
    fn a_parsed_password_is_within_bcrypts_bytes_and_never_shown(
        raw in prop_oneof!["[a-z\u{0}é😀 ]{0,80}", any::<String>()]
    ) {
        crate::fuzzing::password(raw.as_bytes());
    }

    #[test]
    fn a_parsed_locale_is_canonical_short_and_plain_and_parses_to_itself(
        raw in prop_oneof![
            "[A-Za-z]{2,3}(-[A-Za-z]{4})?(-[A-Za-z]{2}|-[0-9]{3})?(-[A-Za-z0-9]{5,8}|-[0-9][A-Za-z0-9]{3}){0,3}",
            "[A-Za-z0-9*_ ;=.é-]{0,40}",
            any::<String>(),
        ]
    ) {
        let pattern = regex::Regex::new(Locale::PATTERN).unwrap();
        let well_formed = raw.len() <= Locale::MAX_LEN && pattern.is_match(&raw);
        match Locale::parse(&raw) {
            Ok(locale) => {
                let text = locale.as_str();
                prop_assert!(well_formed, "{:?} accepted", raw);
                prop_assert!(text.len() <= Locale::MAX_LEN);
                prop_assert!(text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
                prop_assert!(text.eq_ignore_ascii_case(&raw));
                prop_assert_eq!(Locale::parse(text), Ok(locale.clone()));
                prop_assert_eq!(Locale::parse(&raw.to_ascii_uppercase()), Ok(locale.clone()));
                prop_assert_eq!(locale.fallbacks().last().copied(), text.split('-').next());
            }
            Err(_) => prop_assert!(!well_formed, "{:?} refused", raw),
        }
    }
}
