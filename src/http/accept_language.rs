//! The language an `Accept-Language` header prefers most, for a new account that names
//! none. The header is the client's guess, never an error: a malformed one, or one naming no
//! tag `Locale` accepts, is no preference.

use crate::domain::Locale;

/// The highest-weighted well-formed tag of `header` (the first of equal weights; `*` and
/// `q=0` never), or `None`.
pub(crate) fn preferred_locale(header: Option<&str>) -> Option<Locale> {
    preferred(header.unwrap_or_default().split(','))
}

/// The preferred locale of `ranges` (`de-AT;q=0.8` each).
fn preferred<'a>(ranges: impl Iterator<Item = &'a str>) -> Option<Locale> {
    let mut best: Option<(u16, Locale)> = None;
    for range in ranges {
        let mut parts = range.split(';').map(str::trim);
        let tag = parts.next().unwrap_or_default();
        let weight = match (parts.next(), parts.next()) {
            (None, _) => 1000,
            (Some(parameter), None) => match weight(parameter) {
                Some(weight) => weight,
                None => continue,
            },
            (Some(_), Some(_)) => continue,
        };
        let Ok(locale) = Locale::parse(tag) else {
            continue;
        };
        if weight > 0 && best.as_ref().is_none_or(|(top, _)| weight > *top) {
            best = Some((weight, locale));
        }
    }
    best.map(|(_, locale)| locale)
}

/// A range's one parameter as a weight in thousandths (`q=0.8` is 800); `None` when it is
/// not a well-formed `q` (RFC 9110's qvalue), which makes the range malformed.
fn weight(parameter: &str) -> Option<u16> {
    let (name, value) = parameter.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("q") {
        return None;
    }
    let (whole, fraction) = value.trim().split_once('.').unwrap_or((value.trim(), ""));
    let digits = fraction.len() <= 3 && fraction.bytes().all(|b| b.is_ascii_digit());
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" if digits => Some(thousandths),
        "1" if digits && thousandths == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::preferred;

    fn of(header: &str) -> Option<String> {
        preferred(header.split(',')).map(|locale| locale.into_inner())
    }

    #[test]
    fn the_highest_weight_wins_and_the_first_of_equals() {
        assert_eq!(of("de-AT"), Some("de-AT".into()));
        assert_eq!(of("fr;q=0.5, EN-gb;q=0.9, de"), Some("de".into()));
        assert_eq!(of("fr;q=0.5, en-gb;q=0.9"), Some("en-GB".into()));
        assert_eq!(of("it;q=0.7,es;q=0.7"), Some("it".into()));
        assert_eq!(of(" nl ; Q=1.000 , de;q=1"), Some("nl".into()));
        assert_eq!(of("de;q=0.001"), Some("de".into()));
    }

    #[test]
    fn wildcards_zero_weights_and_malformed_ranges_are_passed_over() {
        assert_eq!(of("*, fr;q=0.1"), Some("fr".into()));
        assert_eq!(of("de;q=0, fr;q=0.2"), Some("fr".into()));
        assert_eq!(of("en_US, x-klingon, pt;q=0.3"), Some("pt".into()));
        for ignored in [
            "de;q=1.5",
            "de;q=0.1234",
            "de;q=",
            "de;q=abc",
            "de;level=1",
            "de;q=0.5;q=0.6",
        ] {
            assert_eq!(
                of(&format!("{ignored}, sv;q=0.05")),
                Some("sv".into()),
                "{ignored}"
            );
        }
    }

    #[test]
    fn a_header_without_a_usable_tag_is_no_preference() {
        for header in ["", "*", "de;q=0", ";;;,,,", "en-US-Latn", "😀"] {
            assert_eq!(of(header), None, "{header:?}");
        }
    }
}
