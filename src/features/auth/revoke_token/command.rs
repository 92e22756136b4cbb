use super::dto::RevokeTokenRequestBody;
use crate::domain::{FieldError, Validator};

/// The kinds of token that can be revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokenKind {
    Refresh,
    Access,
}

/// Revoke `token`, trying the hinted kind first.
#[derive(Debug)]
pub(super) struct RevokeToken {
    pub token: String,
    pub hint: Option<TokenKind>,
}

impl RevokeToken {
    /// The kinds to try, the hinted one first (refresh tokens first without a hint).
    pub(super) fn kinds(&self) -> [TokenKind; 2] {
        match self.hint {
            Some(TokenKind::Access) => [TokenKind::Access, TokenKind::Refresh],
            _ => [TokenKind::Refresh, TokenKind::Access],
        }
    }
}

impl TryFrom<RevokeTokenRequestBody> for RevokeToken {
    type Error = Vec<FieldError>;

    fn try_from(body: RevokeTokenRequestBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let token = v.check("token", body.token.value());
        let hint = match body.token_type_hint.value() {
            None => None,
            Some(hint) => v.check("token_type_hint", hint),
        };
        let hint = match hint.as_deref() {
            Some("refresh_token") => Some(TokenKind::Refresh),
            Some("access_token") => Some(TokenKind::Access),
            // RFC 7009 2.1: an unknown hint is ignored.
            _ => None,
        };
        v.finish(|| {
            Some(Self {
                token: token?,
                hint,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::{RevokeToken, RevokeTokenRequestBody, TokenKind};

    fn parse(body: serde_json::Value) -> Result<RevokeToken, Vec<String>> {
        let body = RevokeTokenRequestBody::parse_from_json(Some(body))
            .unwrap_or_else(|_| panic!("parsing never fails"));
        RevokeToken::try_from(body).map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn the_hint_orders_the_kinds_and_an_unknown_one_is_ignored() {
        let kinds = |hint| {
            parse(json!({"token": "t", "token_type_hint": hint}))
                .unwrap()
                .kinds()
        };
        assert_eq!(
            kinds("access_token"),
            [TokenKind::Access, TokenKind::Refresh]
        );
        assert_eq!(
            kinds("refresh_token"),
            [TokenKind::Refresh, TokenKind::Access]
        );
        assert_eq!(kinds("id_token"), [TokenKind::Refresh, TokenKind::Access]);
        let unhinted = parse(json!({"token": "t"})).unwrap();
        assert_eq!((unhinted.token.as_str(), unhinted.hint), ("t", None));
    }

    #[test]
    fn a_missing_token_and_a_mistyped_field_are_named() {
        assert_eq!(parse(json!({})).unwrap_err(), ["token"]);
        assert_eq!(
            parse(json!({"token": 1, "token_type_hint": false})).unwrap_err(),
            ["token", "token_type_hint"]
        );
    }

    #[test]
    fn a_null_token_is_required_and_a_null_hint_is_not_a_string() {
        let body = RevokeTokenRequestBody::parse_from_json(Some(
            json!({"token": null, "token_type_hint": null}),
        ))
        .unwrap_or_else(|_| panic!("parsing never fails"));
        let errors = RevokeToken::try_from(body).unwrap_err();
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["is required", "must be a string"]);
    }

    #[test]
    fn a_form_without_a_token_reports_it_as_required() {
        // The form reads through serde, where a missing field is `Default`.
        let form: RevokeTokenRequestBody = serde_json::from_value(json!({})).unwrap();
        let errors = RevokeToken::try_from(form).unwrap_err();
        assert_eq!((errors[0].field.as_str(), errors.len()), ("token", 1));
    }
}
