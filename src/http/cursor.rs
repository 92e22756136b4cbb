//! Keyset pagination: a page ends at a row, and the next page starts after it. The position
//! travels as an opaque cursor (base64url of the row's timestamp and id), so the query is
//! `WHERE (at, id) > (cursor.at, cursor.id)` on an index, however deep the page (`paging`
//! writes it). The timestamp keeps nanoseconds: SQLite stores them, and a cursor rounded to
//! microseconds would repeat a row.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::FieldError;

/// The position of the last row of a page: its sort timestamp and id (the tie-break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The row's sort timestamp.
    pub at: DateTime<Utc>,
    /// The row's id.
    pub id: Uuid,
}

impl Cursor {
    /// The position of a row with this timestamp and id.
    pub(crate) fn new(at: DateTime<Utc>, id: Uuid) -> Self {
        Self { at, id }
    }

    /// The opaque form handed to clients.
    pub(crate) fn encode(&self) -> String {
        let nanos = self.at.timestamp_nanos_opt().unwrap_or(i64::MAX);
        URL_SAFE_NO_PAD.encode(format!("{nanos}.{}", self.id.simple()))
    }

    /// The `cursor` query parameter: absent or empty (`?cursor=`, as a form sends it) is the
    /// first page; anything but a cursor this service handed out is a 422 naming it.
    pub(super) fn from_param(param: Option<&str>) -> Result<Option<Self>, FieldError> {
        param
            .filter(|text| !text.is_empty())
            .map(Self::decode)
            .transpose()
    }

    /// A cursor this service handed out; anything else is a 422 on the `cursor` parameter.
    pub(crate) fn decode(text: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("cursor", "not a cursor this service handed out");
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
        let (nanos, id) = text.split_once('.').ok_or_else(invalid)?;
        let at = DateTime::from_timestamp_nanos(nanos.parse().map_err(|_| invalid())?);
        let id = Uuid::try_parse(id).map_err(|_| invalid())?;
        Ok(Self { at, id })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::Cursor;

    #[test]
    fn a_cursor_round_trips_to_the_nanosecond() {
        let at = DateTime::<Utc>::from_timestamp_nanos(1_764_000_000_123_456_789);
        let cursor = Cursor::new(at, Uuid::now_v7());
        let text = cursor.encode();
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Cursor::decode(&text), Ok(cursor));
    }

    #[test]
    fn an_empty_or_absent_cursor_is_the_first_page() {
        assert_eq!(Cursor::from_param(None), Ok(None));
        assert_eq!(Cursor::from_param(Some("")), Ok(None));
        assert!(Cursor::from_param(Some("x")).is_err());
    }

    #[test]
    fn anything_else_is_refused_on_the_cursor_field() {
        for text in ["", "!!", "bm90LWEtY3Vyc29y", "MTIzLm5vdC1hLXV1aWQ", "eC4x"] {
            let err = Cursor::decode(text).expect_err(text);
            assert_eq!(err.field, "cursor");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_cursor_decodes_to_what_was_encoded(nanos: i64, id: u128) {
            let cursor = Cursor::new(DateTime::from_timestamp_nanos(nanos), Uuid::from_u128(id));
            proptest::prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
        }

        /// Any other text is refused on the `cursor` field (a 422), never a panic; what does
        /// decode is a cursor in its own right.
        #[test]
        fn any_text_is_a_cursor_or_refused_on_its_field(
            text in proptest::prop_oneof![".*", "[A-Za-z0-9_-]{0,60}"]
        ) {
            match Cursor::decode(&text) {
                Ok(cursor) => {
                    proptest::prop_assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor))
                }
                Err(err) => proptest::prop_assert_eq!(err.field, "cursor"),
            }
        }
    }
}
