//! A permission as an operation's path names it: documented as an enum of the names, and
//! refused with a 422 naming the `permission` field when it is none of them.

use std::borrow::Cow;

use poem_openapi::{
    Enum,
    registry::{MetaSchemaRef, Registry},
    types::{ParseFromParameter, ParseResult, Type},
};

use crate::{
    domain::{FieldError, Permission},
    http::ApiError,
};

/// A permission's name: `users:read` (list and read any account), `users:write` (change,
/// disable or delete any account, grant and revoke permissions), `sessions:revoke` (end
/// any account's sessions), `audit:read` (read the audit trail).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename = "Permission", remote = "crate::domain::Permission")]
pub(super) enum PermissionName {
    #[oai(rename = "users:read")]
    UsersRead,
    #[oai(rename = "users:write")]
    UsersWrite,
    #[oai(rename = "sessions:revoke")]
    SessionsRevoke,
    #[oai(rename = "audit:read")]
    AuditRead,
}

/// The `{permission}` path segment. Parsing never fails, so the slice answers 422 naming
/// `permission` (poem-openapi would answer 400 naming its internal `param1`); the document
/// still shows the `Permission` enum.
#[derive(Debug)]
pub(super) struct PermissionParam(Option<PermissionName>);

impl PermissionParam {
    /// The permission named, or 422 on the `permission` field.
    pub(super) fn get(&self) -> Result<Permission, ApiError> {
        self.0.map(Permission::from).ok_or_else(|| {
            let names = Permission::NAMES.join(", ");
            let message = format!("not a permission's name; one of {names}");
            ApiError::validation(vec![FieldError::new("permission", message)])
        })
    }
}

impl Type for PermissionParam {
    const IS_REQUIRED: bool = true;
    type RawValueType = PermissionName;
    type RawElementValueType = PermissionName;

    fn name() -> Cow<'static, str> {
        PermissionName::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        PermissionName::schema_ref()
    }

    fn register(registry: &mut Registry) {
        PermissionName::register(registry);
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

impl ParseFromParameter for PermissionParam {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Self(PermissionName::parse_from_parameter(value).ok()))
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{ParseFromParameter, ToJSON};
    use strum::IntoEnumIterator;

    use super::{PermissionName, PermissionParam};
    use crate::domain::Permission;

    #[test]
    fn the_names_are_the_domain_ones() {
        for permission in Permission::iter() {
            let name = PermissionName::from(permission);
            assert_eq!(name.to_json(), Some(permission.as_str().into()));
            let parsed = PermissionParam::parse_from_parameter(permission.as_str());
            assert_eq!(parsed.ok().map(|p| p.get().ok()), Some(Some(permission)));
        }
    }

    #[test]
    fn anything_else_parses_and_is_refused_on_the_permission_field() {
        for other in ["", "admin", "users:READ", "users"] {
            let parsed = PermissionParam::parse_from_parameter(other).expect("parses");
            let problem = parsed.get().expect_err(other).problem();
            let errors = problem.errors.expect("errors");
            assert_eq!(errors[0].field, "permission", "{other:?}");
        }
    }
}
