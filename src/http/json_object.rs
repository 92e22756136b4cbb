//! `JsonObject`: a required request-body field that must be a JSON object whose members the
//! slice reads itself (a WebAuthn credential). Like `JsonString`, parsing never fails: a
//! missing, `null` or non-object value is kept as such, so the slice reports it as a 422 field
//! error; the document marks the field required, of type object.

use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

/// `None`: left out or `null`; `Some(Err)`: not an object.
pub(crate) struct JsonObject(Option<Result<Value, ()>>);

impl JsonObject {
    /// The object, or why the field is refused.
    pub(crate) fn value(self) -> Result<Value, String> {
        self.0
            .ok_or_else(|| "is required".to_owned())?
            .map_err(|()| "must be an object".to_owned())
    }
}

impl Type for JsonObject {
    const IS_REQUIRED: bool = true;
    type RawValueType = Value;
    type RawElementValueType = Value;

    fn name() -> Cow<'static, str> {
        "object".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let any = MetaSchemaRef::Inline(Box::new(MetaSchema::ANY));
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            additional_properties: Some(Box::new(any)),
            ..MetaSchema::new("object")
        }))
    }

    fn as_raw_value(&self) -> Option<&Value> {
        self.0.as_ref().and_then(|value| value.as_ref().ok())
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for JsonObject {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Ok(Self(match value {
            None | Some(Value::Null) => None,
            Some(object @ Value::Object(_)) => Some(Ok(object)),
            Some(_) => Some(Err(())),
        }))
    }
}

impl ToJSON for JsonObject {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().cloned()
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::{Value, json};

    use super::JsonObject;

    fn parsed(value: Option<Value>) -> Result<Value, String> {
        JsonObject::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    #[test]
    fn only_objects_are_values() {
        assert_eq!(parsed(Some(json!({"id": "x"}))), Ok(json!({"id": "x"})));
        for other in [json!("x"), json!(1), json!([])] {
            assert_eq!(parsed(Some(other)), Err("must be an object".into()));
        }
        for missing in [None, Some(Value::Null)] {
            assert_eq!(parsed(missing), Err("is required".into()));
        }
    }
}
