//! `AtLeastOne<T>`: a request object of which at least one field (write-only ones, such as a
//! confirming password, aside) must be given. The schema
//! says so with `anyOf`, one complete object per field in which that field is required
//! (bare `{required: [..]}` alternatives make openapi-typescript give up and type the body
//! `unknown`), which poem-openapi's derive cannot; the command still enforces it (422).

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef, Registry},
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

pub(crate) struct AtLeastOne<T>(pub T);

impl<T: Type> Type for AtLeastOne<T> {
    const IS_REQUIRED: bool = T::IS_REQUIRED;
    type RawValueType = T::RawValueType;
    type RawElementValueType = T::RawElementValueType;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
        if let Some(schema) = registry.schemas.get_mut(&*T::name()) {
            let properties = std::mem::take(&mut schema.properties);
            // Write-only fields (a confirming password) are no change of their own.
            let changes = properties.iter().filter(
                |(_, field)| !matches!(field, MetaSchemaRef::Inline(field) if field.write_only),
            );
            schema.any_of = changes
                .map(|(name, _)| {
                    MetaSchemaRef::Inline(Box::new(MetaSchema {
                        properties: properties.clone(),
                        required: vec![name],
                        ..MetaSchema::new("object")
                    }))
                })
                .collect();
        }
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_raw_value()
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        self.0.raw_element_iter()
    }
}

impl<T: ParseFromJSON> ParseFromJSON for AtLeastOne<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        T::parse_from_json(value)
            .map(Self)
            .map_err(ParseError::propagate)
    }
}

impl<T: ToJSON> ToJSON for AtLeastOne<T> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}
