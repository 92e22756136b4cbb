//! `JsonString`: a request-body field that must be a JSON string. poem-openapi's `String`
//! also accepts numbers and booleans (turning `12345` into `"12345"`), which would let a
//! client's type bug create data. Parsing a `JsonString` never fails: a missing or `null`
//! value, or one of another type, is kept as such, so the command reports it as a 422 field
//! error (`is required`, `must be a string`) together with every other field's, as FastAPI
//! does. The document still marks the field required, of type string, with the rules
//! `R` states (lengths, pattern, format), which the command enforces. `OptionalString` is
//! the same for a field that may be left out (but not `null`: the schema does not allow it,
//! and poem-openapi's `Option` would read `null` as left out).

use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The rules a string field's schema states, so that clients can check before sending.
pub(crate) trait StringRules: Send + Sync + 'static {
    const MIN_LENGTH: Option<usize> = None;
    const MAX_LENGTH: Option<usize> = None;
    const PATTERN: Option<&'static str> = None;
    const FORMAT: Option<&'static str> = None;
    /// The only values allowed, when not empty.
    const ONE_OF: &'static [&'static str] = &[];
    /// A value to show in the document, when one helps.
    const EXAMPLE: Option<&'static str> = None;
}

/// Any string.
pub(crate) struct AnyString;

impl StringRules for AnyString {}

/// No `Debug`: it may hold a password. `None`: left out (or `null`, when required).
pub(crate) struct JsonString<R = AnyString, const REQUIRED: bool = true>(
    Option<Result<String, ()>>,
    PhantomData<R>,
);

/// A string field that may be left out.
pub(crate) type OptionalString<R = AnyString> = JsonString<R, false>;

impl<R> JsonString<R, true> {
    /// The string, or why the field is refused.
    pub(crate) fn value(self) -> Result<String, String> {
        self.0
            .ok_or_else(|| "is required".to_owned())?
            .map_err(|()| not_a_string())
    }
}

impl<R> JsonString<R, false> {
    /// `None` when left out, else the string or why it is refused.
    pub(crate) fn value(self) -> Option<Result<String, String>> {
        self.0.map(|value| value.map_err(|()| not_a_string()))
    }
}

fn not_a_string() -> String {
    "must be a string".into()
}

impl<R, const REQUIRED: bool> Default for JsonString<R, REQUIRED> {
    fn default() -> Self {
        Self(None, PhantomData)
    }
}

/// Form fields are strings; a missing one is `Default` (set `#[serde(default)]`).
impl<'de, R, const REQUIRED: bool> Deserialize<'de> for JsonString<R, REQUIRED> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Self(Some(Ok(value)), PhantomData))
    }
}

impl<R: StringRules, const REQUIRED: bool> Type for JsonString<R, REQUIRED> {
    const IS_REQUIRED: bool = REQUIRED;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            min_length: R::MIN_LENGTH,
            max_length: R::MAX_LENGTH,
            pattern: R::PATTERN.map(str::to_owned),
            format: R::FORMAT,
            enum_items: R::ONE_OF.iter().map(|v| Value::from(*v)).collect(),
            example: R::EXAMPLE.map(Value::from),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_ref().and_then(|value| value.as_ref().ok())
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<R: StringRules, const REQUIRED: bool> ParseFromJSON for JsonString<R, REQUIRED> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let value = match value {
            None => None,
            Some(Value::Null) if REQUIRED => None,
            Some(Value::String(s)) => Some(Ok(s)),
            Some(_) => Some(Err(())),
        };
        Ok(Self(value, PhantomData))
    }
}

impl<R: StringRules, const REQUIRED: bool> ToJSON for JsonString<R, REQUIRED> {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().cloned().map(Value::String)
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::{Value, json};

    use super::{JsonString, OptionalString};

    fn required(value: Option<Value>) -> Result<String, String> {
        <JsonString>::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    fn optional(value: Option<Value>) -> Option<Result<String, String>> {
        <OptionalString>::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    #[test]
    fn only_strings_are_values() {
        assert_eq!(required(Some(json!("x"))), Ok("x".into()));
        for other in [json!(12345), json!(true), json!(["x"]), json!({"x": 1})] {
            assert_eq!(required(Some(other)), Err("must be a string".into()));
        }
        for missing in [None, Some(json!(null))] {
            assert_eq!(required(missing), Err("is required".into()));
        }
    }

    #[test]
    fn an_optional_field_may_be_left_out_but_not_null() {
        assert_eq!(optional(None), None);
        assert_eq!(optional(Some(json!("x"))), Some(Ok("x".into())));
        for other in [json!(null), json!(1)] {
            assert_eq!(optional(Some(other)), Some(Err("must be a string".into())));
        }
    }
}
