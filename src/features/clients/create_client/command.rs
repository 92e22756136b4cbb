use uuid::Uuid;

use super::dto::NewClient;
use crate::{
    domain::{FieldError, Validator},
    services::oauth_clients::{ClientSpec, RawClient},
};

/// `actor` (an administrator) registers a client that passed every check.
#[derive(Debug)]
pub(super) struct CreateClient {
    pub actor: Uuid,
    pub spec: ClientSpec,
}

impl CreateClient {
    /// The registration as sent: a field missing or of the wrong type is an error of its
    /// own, and every other field is checked as the registry checks it, all at once.
    pub(super) fn parse(actor: Uuid, request: NewClient) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let raw = RawClient {
            name: v.check("name", request.name.value()).unwrap_or_default(),
            client_type: v
                .check("client_type", request.client_type.value())
                .unwrap_or_default(),
            redirect_uris: v
                .check("redirect_uris", request.redirect_uris.value())
                .unwrap_or_default(),
            post_logout_redirect_uris: request
                .post_logout_redirect_uris
                .value()
                .and_then(|uris| v.check("post_logout_redirect_uris", uris))
                .unwrap_or_default(),
            allowed_scopes: request
                .allowed_scopes
                .value()
                .map(|scopes| v.check("allowed_scopes", scopes).unwrap_or_default()),
            grant_types: request
                .grant_types
                .value()
                .map(|grants| v.check("grant_types", grants).unwrap_or_default()),
            first_party: request
                .first_party
                .value()
                .and_then(|first_party| v.check("first_party", first_party))
                .unwrap_or_default(),
        };
        let mut errors = v.finish(|| Some(())).err().unwrap_or_default();
        match ClientSpec::parse(raw) {
            Ok(spec) if errors.is_empty() => Ok(Self { actor, spec }),
            Ok(_) => Err(errors),
            Err(invalid) => {
                // A field already refused for its type is not refused again for its value.
                let more: Vec<_> = invalid
                    .into_iter()
                    .filter(|error| errors.iter().all(|typed| typed.field != error.field))
                    .collect();
                errors.extend(more);
                Err(errors)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::CreateClient;
    use crate::{
        domain::{
            FieldError,
            oauth::{ClientType, GrantType, Scope},
        },
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<CreateClient, Vec<FieldError>> {
        CreateClient::parse(Uuid::nil(), body(json))
    }

    #[test]
    fn the_three_required_fields_make_a_client_with_the_defaults() {
        let command = parse(json!({
            "name": "Web",
            "client_type": "public",
            "redirect_uris": ["https://app.example.com/callback"]
        }))
        .unwrap();
        let spec = command.spec;
        assert_eq!(command.actor, Uuid::nil());
        assert_eq!(
            (spec.name.as_str(), spec.client_type),
            ("Web", ClientType::Public)
        );
        assert!(spec.post_logout_redirect_uris.is_empty());
        assert_eq!(
            spec.allowed_scopes,
            [Scope::OpenId, Scope::Profile, Scope::Email]
        );
        assert_eq!(
            spec.grant_types,
            [GrantType::AuthorizationCode, GrantType::RefreshToken]
        );
        assert!(!spec.first_party);
    }

    #[test]
    fn missing_null_and_mistyped_fields_are_field_errors_naming_them() {
        let errors = parse(json!({
            "client_type": 1,
            "redirect_uris": "https://app.example.com/callback",
            "post_logout_redirect_uris": null,
            "allowed_scopes": [1],
            "grant_types": {},
            "first_party": "yes"
        }))
        .unwrap_err();
        assert_eq!(
            described(errors),
            [
                "name: is required",
                "client_type: must be a string",
                "redirect_uris: must be an array of strings",
                "post_logout_redirect_uris: must be an array of strings",
                "allowed_scopes: must be an array of strings",
                "grant_types: must be an array of strings",
                "first_party: must be a boolean",
            ]
        );
    }

    #[test]
    fn type_errors_and_the_registry_s_checks_are_reported_together() {
        let errors = parse(json!({
            "name": 7,
            "client_type": "secret",
            "redirect_uris": ["https://*.example.com/callback"],
            "grant_types": ["implicit"]
        }))
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            ["name", "client_type", "redirect_uris", "grant_types"]
        );
        assert_eq!(errors[0].message, "must be a string");
    }
}
