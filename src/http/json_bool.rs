//! `OptionalBool`: a request-body field that may be left out, and otherwise must be a JSON
//! boolean. poem-openapi's `Option<bool>` reads `null` as left out and refuses any other
//! type with a 400 for the whole body; parsing an `OptionalBool` never fails, so the command
//! reports `null` or a string as a 422 field error together with every other field's (as
//! `JsonString` does for strings). The document says `type: boolean`, not required.

use std::borrow::Cow;

use poem_openapi::{
    registry::MetaSchemaRef,
    types::{ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

/// `None`: left out; else the boolean, or `Err` for any other JSON value (`null` too).
pub(crate) struct OptionalBool(Option<Result<bool, ()>>);

impl OptionalBool {
    /// `None` when left out, else the boolean or why the field is refused.
    pub(crate) fn value(self) -> Option<Result<bool, String>> {
        self.0
            .map(|value| value.map_err(|()| "must be a boolean".to_owned()))
    }
}

impl Type for OptionalBool {
    const IS_REQUIRED: bool = false;
    type RawValueType = bool;
    type RawElementValueType = bool;

    fn name() -> Cow<'static, str> {
        bool::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        bool::schema_ref()
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

impl ParseFromJSON for OptionalBool {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Ok(Self(value.map(|value| value.as_bool().ok_or(()))))
    }
}

impl ToJSON for OptionalBool {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().copied().map(Value::Bool)
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::{Value, json};

    use super::OptionalBool;

    fn parse(value: Option<Value>) -> Option<Result<bool, String>> {
        OptionalBool::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    #[test]
    fn only_booleans_are_values_and_the_field_may_be_left_out() {
        assert_eq!(parse(None), None);
        assert_eq!(parse(Some(json!(true))), Some(Ok(true)));
        assert_eq!(parse(Some(json!(false))), Some(Ok(false)));
        for other in [json!(null), json!("true"), json!(1), json!([true])] {
            assert_eq!(parse(Some(other)), Some(Err("must be a boolean".into())));
        }
    }
}
