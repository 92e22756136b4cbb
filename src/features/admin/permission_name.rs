//! A permission as an operation's path names it: documented as an enum of the names, and
//! refused with a 422 naming the `permission` field when it is none of them.

use poem_openapi::Enum;

use crate::{
    domain::{FieldError, Permission},
    http::{ApiError, PathSegment},
};

/// A permission's name: `users:read` (list and read any account), `users:write` (change,
/// disable or delete any account, grant and revoke permissions), `sessions:revoke` (end
/// any account's sessions), `audit:read` (read the audit trail), `clients:write` (register,
/// change and delete OAuth clients).
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
    #[oai(rename = "clients:write")]
    ClientsWrite,
}

/// The `{permission}` path segment; the document shows the `Permission` enum.
pub(super) type PermissionParam = PathSegment<PermissionName>;

/// The permission `segment` names, or 422 on the `permission` field.
pub(super) fn permission_of(segment: &PermissionParam) -> Result<Permission, ApiError> {
    segment.get().map(Permission::from).ok_or_else(|| {
        let names = Permission::NAMES.join(", ");
        let message = format!("not a permission's name; one of {names}");
        ApiError::validation(vec![FieldError::new("permission", message)])
    })
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{ParseFromParameter, ToJSON};
    use strum::IntoEnumIterator;

    use super::{PermissionName, PermissionParam, permission_of};
    use crate::domain::Permission;

    #[test]
    fn the_names_are_the_domain_ones() {
        for permission in Permission::iter() {
            let name = PermissionName::from(permission);
            assert_eq!(name.to_json(), Some(permission.as_str().into()));
            let parsed = PermissionParam::parse_from_parameter(permission.as_str());
            assert_eq!(
                parsed.ok().map(|p| permission_of(&p).ok()),
                Some(Some(permission))
            );
        }
    }

    #[test]
    fn anything_else_parses_and_is_refused_on_the_permission_field() {
        for other in ["", "admin", "users:READ", "users"] {
            let parsed = PermissionParam::parse_from_parameter(other).expect("parses");
            let problem = permission_of(&parsed).expect_err(other).problem();
            let errors = problem.errors.expect("errors");
            assert_eq!(errors[0].field, "permission", "{other:?}");
        }
    }

    #[test]
    fn an_unknown_name_is_a_422_whose_message_lists_every_name() {
        let parsed = PermissionParam::parse_from_parameter("root").expect("parses");
        let problem = permission_of(&parsed).expect_err("unknown").problem();
        assert_eq!(problem.status, 422);
        let message = &problem.errors.expect("errors")[0].message;
        for name in Permission::NAMES {
            assert!(message.contains(name), "{message:?} lacks {name}");
        }
    }
}
