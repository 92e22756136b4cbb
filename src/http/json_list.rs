//! `JsonList`: a request-body field that must be a JSON array of strings. poem-openapi's
//! `Vec<String>` refuses a missing field, `null` or another type with a 400 for the whole
//! body; parsing a `JsonList` never fails, so the command reports it as a 422 field error
//! together with every other field's (as `JsonString` does for strings). The document states
//! the rules `R` gives (the items' schema, at most so many), which the command enforces.
//! `OptionalList` is the same for a field that may be left out (but not `null`).

use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef, Registry},
    types::{ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

/// The rules a list field's schema states, so that clients can check before sending.
pub(crate) trait ListRules: Send + Sync + 'static {
    const MAX_ITEMS: Option<usize> = None;

    /// The schema of each item: any string unless a list says more.
    fn items() -> MetaSchemaRef {
        String::schema_ref()
    }

    /// Registers the schemas `items` refers to.
    fn register(_registry: &mut Registry) {}
}

/// `None`: left out (or `null`, when required); `Some(Err)`: not an array of strings.
pub(crate) struct JsonList<R, const REQUIRED: bool = true>(
    Option<Result<Vec<String>, ()>>,
    PhantomData<R>,
);

/// A list field that may be left out.
pub(crate) type OptionalList<R> = JsonList<R, false>;

impl<R> JsonList<R, true> {
    /// The strings, or why the field is refused.
    pub(crate) fn value(self) -> Result<Vec<String>, String> {
        self.0
            .ok_or_else(|| "is required".to_owned())?
            .map_err(|()| not_a_list())
    }
}

impl<R> JsonList<R, false> {
    /// `None` when left out, else the strings or why they are refused.
    pub(crate) fn value(self) -> Option<Result<Vec<String>, String>> {
        self.0.map(|value| value.map_err(|()| not_a_list()))
    }
}

fn not_a_list() -> String {
    "must be an array of strings".into()
}

impl<R: ListRules, const REQUIRED: bool> Type for JsonList<R, REQUIRED> {
    const IS_REQUIRED: bool = REQUIRED;
    type RawValueType = Vec<String>;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        <Vec<String>>::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            items: Some(Box::new(R::items())),
            max_items: R::MAX_ITEMS,
            ..MetaSchema::new("array")
        }))
    }

    fn register(registry: &mut Registry) {
        R::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        self.0.as_ref().and_then(|value| value.as_ref().ok())
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter().flatten())
    }
}

impl<R: ListRules, const REQUIRED: bool> ParseFromJSON for JsonList<R, REQUIRED> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let strings = |items: Vec<Value>| {
            items
                .into_iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s),
                    _ => Err(()),
                })
                .collect()
        };
        let value = match value {
            None => None,
            Some(Value::Null) if REQUIRED => None,
            Some(Value::Array(items)) => Some(strings(items)),
            Some(_) => Some(Err(())),
        };
        Ok(Self(value, PhantomData))
    }
}

impl<R: ListRules, const REQUIRED: bool> ToJSON for JsonList<R, REQUIRED> {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value()
            .map(|items| items.iter().cloned().map(Value::String).collect())
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::{Value, json};

    use super::{JsonList, ListRules, OptionalList};

    struct Any;

    impl ListRules for Any {}

    fn required(value: Option<Value>) -> Result<Vec<String>, String> {
        <JsonList<Any>>::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    fn optional(value: Option<Value>) -> Option<Result<Vec<String>, String>> {
        <OptionalList<Any>>::parse_from_json(value)
            .unwrap_or_else(|_| panic!("parsing never fails"))
            .value()
    }

    #[test]
    fn only_arrays_of_strings_are_values() {
        assert_eq!(
            required(Some(json!(["a", "b"]))),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(required(Some(json!([]))), Ok(vec![]));
        for other in [json!("a"), json!(["a", 1]), json!([null]), json!({"a": 1})] {
            assert_eq!(
                required(Some(other)),
                Err("must be an array of strings".into())
            );
        }
        for missing in [None, Some(json!(null))] {
            assert_eq!(required(missing), Err("is required".into()));
        }
    }

    #[test]
    fn an_optional_list_may_be_left_out_but_not_null() {
        assert_eq!(optional(None), None);
        assert_eq!(optional(Some(json!(["a"]))), Some(Ok(vec!["a".into()])));
        for other in [json!(null), json!(true)] {
            assert_eq!(
                optional(Some(other)),
                Some(Err("must be an array of strings".into()))
            );
        }
    }
}
