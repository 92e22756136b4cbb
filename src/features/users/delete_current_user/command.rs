use super::dto::DeleteUserRequest;
use crate::{
    domain::{FieldError, Password, Permission, Validator},
    http::Authenticated,
    infra::db::entities::user,
};

/// Delete the caller's account, confirmed by its password.
#[derive(Debug)]
pub(super) struct DeleteUser {
    /// The caller's account, as the bearer check read it with the session.
    pub account: user::Model,
    /// Whether the account holds `users:write` (the last such account is not deleted).
    pub holds_users_write: bool,
    pub password: Password,
    /// The second-factor code, needed when the account has one.
    pub code: Option<String>,
}

impl DeleteUser {
    /// Any string is checked against the hash (no policy: old accounts keep working).
    pub(super) fn parse(
        caller: Authenticated,
        request: DeleteUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let password = v.check("password", request.password.value());
        let code = request.code.value().and_then(|code| v.check("code", code));
        v.finish(|| {
            Some(Self {
                holds_users_write: caller.may(Permission::UsersWrite),
                account: caller.account,
                password: Password::unchecked(password?),
                code,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::DeleteUser;
    use crate::{
        domain::{FieldError, Permission},
        features::test_support::{account, body, described},
        http::Authenticated,
    };

    fn parse(permissions: Vec<Permission>, json: Value) -> Result<DeleteUser, Vec<FieldError>> {
        let caller = Authenticated {
            account: account(),
            session_id: Uuid::now_v7(),
            permissions,
        };
        DeleteUser::parse(caller, body(json))
    }

    #[test]
    fn any_string_is_taken_as_the_password_without_the_sign_up_rules() {
        let command = parse(vec![], json!({"password": "x"})).unwrap();
        assert_eq!(command.password.expose(), "x");
        assert_eq!(command.account.username, "alice");
    }

    #[test]
    fn the_command_says_whether_the_caller_holds_users_write() {
        let holds = |permissions| parse(permissions, json!({"password": "pw"})).unwrap();
        assert!(holds(vec![Permission::UsersRead, Permission::UsersWrite]).holds_users_write);
        assert!(!holds(vec![Permission::UsersRead]).holds_users_write);
    }

    #[test]
    fn a_missing_or_mistyped_password_is_a_field_error_naming_it() {
        let missing = parse(vec![], json!({"password": null})).unwrap_err();
        assert_eq!(described(missing), ["password: is required"]);
        let mistyped = parse(vec![], json!({"password": 1234})).unwrap_err();
        assert_eq!(described(mistyped), ["password: must be a string"]);
    }

    #[test]
    fn a_second_factor_code_is_taken_when_given() {
        let command = parse(vec![], json!({"password": "pw", "code": "123456"})).unwrap();
        assert_eq!(command.code.as_deref(), Some("123456"));
        let mistyped = parse(vec![], json!({"password": "pw", "code": 123456})).unwrap_err();
        assert_eq!(described(mistyped), ["code: must be a string"]);
    }
}
