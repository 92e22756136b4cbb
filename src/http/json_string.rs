//! `JsonString`: a request-body field that must be a JSON string. poem-openapi's `String`
//! also accepts numbers and booleans (turning `12345` into `"12345"`), which would let a
//! client's type bug create data. Parsing a `JsonString` never fails: a missing or `null`
//! value, or one of another type, is kept as such, so the command reports it as a 422 field
//! error (`is required`, `must be a string`) together with every other field's, as FastAPI
//! does. The document still marks the field required, of type string, with the rules
//! `R` states (lengths, pattern, format), which the command enforces.

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
}

/// Any string.
pub(crate) struct AnyString;

impl StringRules for AnyString {}

/// No `Debug`: it may hold a password.
pub(crate) struct JsonString<R = AnyString>(Option<Result<String, ()>>, PhantomData<R>);

impl<R> Default for JsonString<R> {
    fn default() -> Self {
        Self(None, PhantomData)
    }
}

impl<R> JsonString<R> {
    /// The string, or why the field is refused.
    pub(crate) fn value(self) -> Result<String, String> {
        match self.0 {
            Some(Ok(value)) => Ok(value),
            Some(Err(())) => Err("must be a string".into()),
            None => Err("is required".into()),
        }
    }
}

/// Form fields are strings; a missing one is `Default` (set `#[serde(default)]`).
impl<'de, R> Deserialize<'de> for JsonString<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|value| Self(Some(Ok(value)), PhantomData))
    }
}

impl<R: StringRules> Type for JsonString<R> {
    const IS_REQUIRED: bool = true;
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

impl<R: StringRules> ParseFromJSON for JsonString<R> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let value = match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(Ok(s)),
            Some(_) => Some(Err(())),
        };
        Ok(Self(value, PhantomData))
    }
}

impl<R: StringRules> ToJSON for JsonString<R> {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().cloned().map(Value::String)
    }
}

/// An optional string field: left out, it is `None`; `null` or another type is refused
/// (`must be a string`), since the schema does not allow `null`. poem-openapi's `Option`
/// would read `null` as left out.
pub(crate) struct OptionalString<R = AnyString>(Option<JsonString<R>>);

impl<R> OptionalString<R> {
    /// `None` when left out, else the string or why it is refused.
    pub(crate) fn value(self) -> Option<Result<String, String>> {
        self.0.map(|field| match field.0 {
            Some(Ok(value)) => Ok(value),
            _ => Err("must be a string".into()),
        })
    }
}

impl<R> Default for OptionalString<R> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, R> Deserialize<'de> for OptionalString<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        JsonString::deserialize(deserializer).map(|field| Self(Some(field)))
    }
}

impl<R: StringRules> Type for OptionalString<R> {
    const IS_REQUIRED: bool = false;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        JsonString::<R>::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_ref().and_then(JsonString::as_raw_value)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<R: StringRules> ParseFromJSON for OptionalString<R> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Ok(Self(match value {
            None => None,
            Some(Value::String(s)) => Some(JsonString(Some(Ok(s)), PhantomData)),
            Some(_) => Some(JsonString(Some(Err(())), PhantomData)),
        }))
    }
}

impl<R: StringRules> ToJSON for OptionalString<R> {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().cloned().map(Value::String)
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::JsonString;

    fn parsed(value: Option<serde_json::Value>) -> Result<String, String> {
        <JsonString>::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    #[test]
    fn only_strings_are_values() {
        assert_eq!(parsed(Some(json!("x"))), Ok("x".into()));
        for other in [json!(12345), json!(true), json!(["x"]), json!({"x": 1})] {
            assert_eq!(parsed(Some(other)), Err("must be a string".into()));
        }
        for missing in [None, Some(json!(null))] {
            assert_eq!(parsed(missing), Err("is required".into()));
        }
    }
}
