//! `ResourceId`: a UUID in a path (`/sessions/{id}`). Parsing never fails: a segment that
//! is not a UUID names no resource, so the slice answers 404 as it does for an unknown id
//! (poem-openapi's own `Uuid` would answer 400 before the slice runs). The document still
//! says `format: uuid`.

use std::borrow::Cow;

use poem_openapi::{
    registry::MetaSchemaRef,
    types::{ParseFromParameter, ParseResult, Type},
};
use uuid::Uuid;

/// The id a path names; `None` when the segment is not a UUID.
pub(crate) struct ResourceId(Option<Uuid>);

impl ResourceId {
    /// The UUID, or `None` when the segment was not one (no resource has such an id).
    pub(crate) fn get(&self) -> Option<Uuid> {
        self.0
    }
}

impl Type for ResourceId {
    const IS_REQUIRED: bool = true;
    type RawValueType = Uuid;
    type RawElementValueType = Uuid;

    fn name() -> Cow<'static, str> {
        Uuid::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        Uuid::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_ref()
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromParameter for ResourceId {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Self(Uuid::parse_str(value).ok()))
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromParameter;
    use uuid::Uuid;

    use super::ResourceId;

    #[test]
    fn anything_parses_and_only_a_uuid_has_a_value() {
        let id = Uuid::now_v7();
        let parsed = ResourceId::parse_from_parameter(&id.to_string());
        assert_eq!(parsed.ok().and_then(|p| p.get()), Some(id));
        for other in ["current", "", "42", "not-a-uuid"] {
            let parsed = ResourceId::parse_from_parameter(other);
            assert!(parsed.is_ok_and(|p| p.get().is_none()), "{other:?}");
        }
    }
}
