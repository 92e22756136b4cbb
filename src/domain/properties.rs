//! The invariants of the parsers that take outside input, over generated input (proptest):
//! what parses is what the rest of the service may rely on, and nothing panics.

use proptest::prelude::*;

use super::{Email, Password, Username, is_bare_addr_spec};

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
        if let Ok(email) = Email::parse(&raw) {
            let text = email.as_str();
            prop_assert!(text.len() <= Email::MAX_LEN);
            prop_assert!(!text.chars().any(|c| c.is_whitespace() || c.is_control()), "{text:?}");
            let delimiters = ['<', '>', '"', '(', ')', ',', ';', ':', '\\'];
            prop_assert!(!text.contains(delimiters), "{text:?}");
            prop_assert_eq!(text.matches('@').count(), 1, "{:?}", text);
            prop_assert!(is_bare_addr_spec(text));
            prop_assert_eq!(Email::parse(text), Ok(email.clone()));
        }
    }

    #[test]
    fn a_parsed_username_is_within_its_alphabet_and_bounds(
        raw in prop_oneof!["[A-Za-z0-9_.-]{0,40}", "[A-Za-z0-9_.;@ é\u{0}-]{0,40}", any::<String>()]
    ) {
        let pattern = regex::Regex::new(Username::PATTERN).unwrap();
        match Username::parse(&raw) {
            Ok(name) => {
                let name = name.into_inner();
                prop_assert_eq!(&name, &raw);
                prop_assert!((Username::MIN_LEN..=Username::MAX_LEN).contains(&name.len()));
                prop_assert!(pattern.is_match(&name));
            }
            Err(_) => prop_assert!(
                !pattern.is_match(&raw)
                    || !(Username::MIN_LEN..=Username::MAX_LEN).contains(&raw.chars().count())
            ),
        }
    }

    #[test]
    fn a_parsed_password_is_within_bcrypts_bytes_and_never_shown(
        raw in prop_oneof!["[a-z\u{0}é😀 ]{0,80}", any::<String>()]
    ) {
        let accepted = (Password::MIN_BYTES..=Password::MAX_BYTES).contains(&raw.len())
            && !raw.contains('\0');
        match Password::parse(raw.clone()) {
            Ok(password) => {
                prop_assert!(accepted);
                prop_assert_eq!(password.expose(), raw.as_str());
                prop_assert_eq!(format!("{password:?}"), "Password(***)");
            }
            Err(_) => prop_assert!(!accepted),
        }
    }
}
