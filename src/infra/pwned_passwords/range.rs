//! Reading a range answer: one `SUFFIX:COUNT` line per hash that starts with the prefix
//! asked for (35 hex digits, any case; CRLF or LF). With `Add-Padding: true` the answer also
//! carries random suffixes counted 0, which never match.

/// A SHA-1 in hex is 40 digits; the API answers with the 35 after the 5 of the prefix.
const SUFFIX_LEN: usize = 35;

/// Whether `suffix` (the last 35 hex digits of the password's SHA-1) is among the breached
/// hashes of `body`; `Err` says why the answer is not one (never quoting it).
pub(super) fn breached(body: &str, suffix: &str) -> Result<bool, String> {
    let mut found = false;
    let mut lines = 0;
    for (number, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (hash, count) = line
            .split_once(':')
            .ok_or_else(|| format!("line {} is not SUFFIX:COUNT", number + 1))?;
        let count: u64 = count
            .trim()
            .parse()
            .map_err(|_| format!("line {} has no count", number + 1))?;
        if hash.len() != SUFFIX_LEN || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("line {} has no 35-digit hex suffix", number + 1));
        }
        lines += 1;
        found |= count > 0 && hash.eq_ignore_ascii_case(suffix);
    }
    if lines == 0 {
        // A real range is never empty (and padding alone would fill it).
        return Err("an empty range".into());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::breached;

    const SUFFIX: &str = "1E4C9B93F3F0682250B6CF8331B7EE68FD8";

    #[test]
    fn a_listed_suffix_matches_in_any_case_and_with_crlf() {
        let body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n\
                    1e4c9b93f3f0682250b6cf8331b7ee68fd8:3730471\r\n\
                    011053FD0102E94D6AE2F8B83D76FAF94F6:13\r\n";
        assert_eq!(breached(body, SUFFIX), Ok(true));
        assert_eq!(breached(&body.replace("\r\n", "\n"), SUFFIX), Ok(true));
        assert_eq!(
            breached(&body.to_uppercase(), &SUFFIX.to_lowercase()),
            Ok(true)
        );
    }

    #[test]
    fn padding_lines_never_match_and_other_suffixes_are_clean() {
        let padded = format!("{SUFFIX}:0\r\n0018A45C4D1DEF81644B54AB7F969B88D65:2");
        assert_eq!(breached(&padded, SUFFIX), Ok(false));
        let other = "0018A45C4D1DEF81644B54AB7F969B88D65:2\n";
        assert_eq!(breached(other, SUFFIX), Ok(false));
    }

    #[test]
    fn anything_else_is_not_an_answer() {
        for bad in [
            "",
            "\r\n",
            "<html>rate limited</html>",
            "1E4C9B93F3F0682250B6CF8331B7EE68FD8",
            "1E4C9B93F3F0682250B6CF8331B7EE68FD8:many",
            "1E4C9B:3",
            "ZZZZ9B93F3F0682250B6CF8331B7EE68FD8:3",
        ] {
            assert!(breached(bad, SUFFIX).is_err(), "{bad:?}");
        }
    }
}
