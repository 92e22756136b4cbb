use super::dto::TokenRequestBody;
use crate::{
    domain::{FieldError, Password, Validator},
    features::auth::grant_types::{MFA as MFA_GRANT, PASSKEY as PASSKEY_GRANT},
    services::mfa::Code,
};

/// Exchange a login and password (opening a session, or the second step), a refresh token
/// (rotating it), the second step's token and its proof, or a passkey's assertion (opening
/// a session) for an access token and a refresh token.
#[derive(Debug)]
pub(super) enum CreateAccessToken {
    Password { login: String, password: Password },
    RefreshToken { refresh_token: String },
    SecondFactor { mfa_token: String, proof: Proof },
    Passkey { assertion: serde_json::Value },
}

/// What answers a second step: a code, or a passkey's assertion.
#[derive(Debug)]
pub(super) enum Proof {
    Code(Code),
    Passkey(serde_json::Value),
}

const ONE_PROOF: &str = "give exactly one of `otp`, `recovery_code` and `assertion`";

/// An assertion field: the JSON text of a WebAuthn credential object.
fn assertion(raw: Result<String, String>) -> Result<serde_json::Value, String> {
    serde_json::from_str::<serde_json::Value>(&raw?)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| "must be the JSON text of a WebAuthn assertion (an object)".into())
}

impl TryFrom<TokenRequestBody> for CreateAccessToken {
    type Error = Vec<FieldError>;

    fn try_from(body: TokenRequestBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let grant_type = match body.grant_type.value() {
            None => Some("password".to_owned()),
            Some(grant_type) => v.check("grant_type", grant_type),
        };
        if let Some(scope) = body.scope.value() {
            v.check("scope", scope);
        }
        let required = |field: Option<Result<String, String>>| {
            field.unwrap_or_else(|| Err("is required".into()))
        };
        match grant_type.as_deref() {
            Some("refresh_token") => {
                let refresh_token = v.check("refresh_token", required(body.refresh_token.value()));
                v.finish(|| {
                    Some(Self::RefreshToken {
                        refresh_token: refresh_token?,
                    })
                })
            }
            Some("password") => {
                let login = v.check("username", required(body.username.value()));
                let password = v.check("password", required(body.password.value()));
                v.finish(|| {
                    Some(Self::Password {
                        login: login?,
                        password: Password::unchecked(password?),
                    })
                })
            }
            Some(MFA_GRANT) => {
                let mfa_token = v.check("mfa_token", required(body.mfa_token.value()));
                let proofs = (
                    body.otp.value(),
                    body.recovery_code.value(),
                    body.assertion.value(),
                );
                let proof = match proofs {
                    (Some(otp), None, None) => v
                        .check("otp", otp)
                        .map(|otp| Proof::Code(Code::Totp(otp.replace(' ', "")))),
                    (None, Some(code), None) => v
                        .check("recovery_code", code)
                        .map(|code| Proof::Code(Code::Recovery(code))),
                    (None, None, Some(raw)) => {
                        v.check("assertion", assertion(raw)).map(Proof::Passkey)
                    }
                    _ => {
                        v.reject("otp", ONE_PROOF);
                        None
                    }
                };
                v.finish(|| {
                    Some(Self::SecondFactor {
                        mfa_token: mfa_token?,
                        proof: proof?,
                    })
                })
            }
            Some(PASSKEY_GRANT) => {
                let assertion = v.check(
                    "assertion",
                    required(body.assertion.value()).and_then(|raw| assertion(Ok(raw))),
                );
                v.finish(|| {
                    Some(Self::Passkey {
                        assertion: assertion?,
                    })
                })
            }
            Some(_) => {
                v.reject(
                    "grant_type",
                    format!(
                        "must be `password`, `refresh_token`, `{MFA_GRANT}` or `{PASSKEY_GRANT}`"
                    ),
                );
                v.finish(|| None)
            }
            None => v.finish(|| None),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{CreateAccessToken, Proof, TokenRequestBody};
    use crate::{
        domain::FieldError,
        features::test_support::{body, described},
        services::mfa::Code,
    };

    fn parse(json: Value) -> Result<CreateAccessToken, Vec<FieldError>> {
        CreateAccessToken::try_from(body::<TokenRequestBody>(json))
    }

    fn password_grant(json: Value) -> (String, String) {
        match parse(json) {
            Ok(CreateAccessToken::Password { login, password }) => {
                (login, password.expose().to_owned())
            }
            other => panic!("not a password grant: {other:?}"),
        }
    }

    #[test]
    fn without_a_grant_type_it_is_the_password_grant() {
        let grant = password_grant(json!({"username": "alice", "password": "pw"}));
        assert_eq!(grant, ("alice".into(), "pw".into()));
    }

    #[test]
    fn the_password_grant_may_be_named_and_ignores_a_scope() {
        let json =
            json!({"grant_type": "password", "username": "a@b.c", "password": "x", "scope": "any"});
        assert_eq!(password_grant(json), ("a@b.c".into(), "x".into()));
    }

    #[test]
    fn the_refresh_token_grant_needs_only_the_refresh_token() {
        let parsed = parse(json!({"grant_type": "refresh_token", "refresh_token": "r1"}));
        let Ok(CreateAccessToken::RefreshToken { refresh_token }) = parsed else {
            panic!("not a refresh-token grant: {parsed:?}");
        };
        assert_eq!(refresh_token, "r1");
    }

    #[test]
    fn the_password_grant_names_each_missing_field() {
        assert_eq!(
            described(parse(json!({})).unwrap_err()),
            ["username: is required", "password: is required"]
        );
    }

    #[test]
    fn the_refresh_token_grant_names_a_missing_refresh_token_and_nothing_else() {
        let errors = parse(json!({"grant_type": "refresh_token"})).unwrap_err();
        assert_eq!(described(errors), ["refresh_token: is required"]);
    }

    #[test]
    fn an_unknown_grant_type_is_a_field_error_naming_grant_type() {
        let errors = parse(json!({"grant_type": "client_credentials"})).unwrap_err();
        assert_eq!(
            described(errors),
            [
                "grant_type: must be `password`, `refresh_token`, `urn:accounts-api:params:oauth:grant-type:mfa` or `urn:accounts-api:params:oauth:grant-type:passkey`"
            ]
        );
    }

    #[test]
    fn the_second_step_takes_its_token_and_an_otp_or_a_recovery_code() {
        let grant = "urn:accounts-api:params:oauth:grant-type:mfa";
        let otp = parse(json!({"grant_type": grant, "mfa_token": "t", "otp": "123456"}));
        assert!(matches!(
            otp,
            Ok(CreateAccessToken::SecondFactor { mfa_token, proof: Proof::Code(Code::Totp(otp)) })
                if mfa_token == "t" && otp == "123456"
        ));
        let recovery =
            parse(json!({"grant_type": grant, "mfa_token": "t", "recovery_code": "abcde-fghjk"}));
        assert!(matches!(
            recovery,
            Ok(CreateAccessToken::SecondFactor { proof: Proof::Code(Code::Recovery(code)), .. }) if code == "abcde-fghjk"
        ));
    }

    #[test]
    fn the_second_step_needs_its_token_and_exactly_one_code() {
        let grant = "urn:accounts-api:params:oauth:grant-type:mfa";
        let neither = parse(json!({"grant_type": grant})).unwrap_err();
        assert_eq!(
            described(neither),
            [
                "mfa_token: is required",
                "otp: give exactly one of `otp`, `recovery_code` and `assertion`"
            ]
        );
        let both =
            parse(json!({"grant_type": grant, "mfa_token": "t", "otp": "1", "recovery_code": "2"}));
        assert_eq!(
            described(both.unwrap_err()),
            ["otp: give exactly one of `otp`, `recovery_code` and `assertion`"]
        );
    }

    #[test]
    fn a_passkey_grant_or_second_step_takes_an_assertion_as_json_text() {
        let passkey = "urn:accounts-api:params:oauth:grant-type:passkey";
        let parsed = parse(json!({"grant_type": passkey, "assertion": r#"{"id":"x"}"#}));
        assert!(
            matches!(parsed, Ok(CreateAccessToken::Passkey { assertion }) if assertion["id"] == "x")
        );
        let mfa = "urn:accounts-api:params:oauth:grant-type:mfa";
        let second = parse(json!({"grant_type": mfa, "mfa_token": "t", "assertion": "{}"}));
        assert!(matches!(
            second,
            Ok(CreateAccessToken::SecondFactor {
                proof: Proof::Passkey(_),
                ..
            })
        ));
        for bad in [
            json!({"grant_type": passkey}),
            json!({"grant_type": passkey, "assertion": "[1]"}),
        ] {
            let errors = described(parse(bad).unwrap_err());
            assert!(errors[0].starts_with("assertion: "), "{errors:?}");
        }
    }

    #[test]
    fn a_mistyped_grant_type_is_named_and_no_grant_is_guessed() {
        let errors = parse(json!({"grant_type": 1, "username": "alice", "password": "pw"}));
        assert_eq!(
            described(errors.unwrap_err()),
            ["grant_type: must be a string"]
        );
    }

    #[test]
    fn every_mistyped_field_is_reported() {
        let errors = parse(json!({"scope": 1, "username": null, "password": false})).unwrap_err();
        assert_eq!(
            described(errors),
            [
                "scope: must be a string",
                "username: must be a string",
                "password: must be a string"
            ]
        );
    }

    #[test]
    fn a_form_missing_a_field_reports_it_as_required() {
        // The form reads through serde, where a missing field is `Default`.
        let form: TokenRequestBody = serde_json::from_value(json!({"username": "alice"})).unwrap();
        let errors = CreateAccessToken::try_from(form).unwrap_err();
        assert_eq!(described(errors), ["password: is required"]);
    }
}
