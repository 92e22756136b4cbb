//! `PathSegment<T>`: a typed path segment whose parsing never fails, so the slice decides
//! what a malformed one means (poem-openapi would answer 400 before the slice runs, naming an
//! internal `param1`); the document still shows `T`'s schema. `ResourceId` is the UUID of
//! `/sessions/{id}`: a segment that is not a UUID names no resource, so the slice answers 404
//! as it does for an unknown id.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchemaRef, Registry},
    types::{ParseFromParameter, ParseResult, Type},
};
use uuid::Uuid;

/// The value a path segment names; `None` when it does not parse as a `T`.
#[derive(Debug)]
pub(crate) struct PathSegment<T>(Option<T>);

/// The id a path names.
pub(crate) type ResourceId = PathSegment<Uuid>;

impl<T: Copy> PathSegment<T> {
    /// The value, or `None` when the segment was not one.
    pub(crate) fn get(&self) -> Option<T> {
        self.0
    }
}

impl<T: Type + ParseFromParameter> Type for PathSegment<T> {
    const IS_REQUIRED: bool = true;
    type RawValueType = T;
    type RawElementValueType = T;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
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

impl<T: Type + ParseFromParameter> ParseFromParameter for PathSegment<T> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Self(T::parse_from_parameter(value).ok()))
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
