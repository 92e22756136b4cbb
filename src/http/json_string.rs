//! `JsonString`: a request-body string that must be a JSON string. poem-openapi's `String`
//! also accepts numbers and booleans (turning `12345` into `"12345"`), which would let a
//! client's type bug create data instead of getting a 400.

use std::borrow::Cow;

use poem_openapi::{
    registry::MetaSchemaRef,
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde::Deserialize;
use serde_json::Value;

/// No `Debug`: it may hold a password.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct JsonString(String);

impl JsonString {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_inner(self) -> String {
        self.0
    }
}

impl Type for JsonString {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl ParseFromJSON for JsonString {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(s)) => Ok(Self(s)),
            other => Err(ParseError::expected_type(other.unwrap_or_default())),
        }
    }
}

impl ToJSON for JsonString {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::JsonString;

    #[test]
    fn only_strings_parse() {
        let parsed = JsonString::parse_from_json(Some(json!("x")));
        assert!(matches!(parsed, Ok(s) if s.as_str() == "x"));
        for other in [
            json!(12345),
            json!(true),
            json!(null),
            json!(["x"]),
            json!({"x": 1}),
        ] {
            assert!(JsonString::parse_from_json(Some(other)).is_err());
        }
        assert!(JsonString::parse_from_json(None).is_err());
    }
}
