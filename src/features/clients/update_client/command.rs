use uuid::Uuid;

use super::dto::UpdateClientRequest;
use crate::{
    domain::{FieldError, Validator},
    services::oauth_clients::ClientChange,
};

/// The fields a change may give, in the order the body lists them.
const FIELDS: [&str; 6] = [
    "name",
    "redirect_uris",
    "post_logout_redirect_uris",
    "allowed_scopes",
    "grant_types",
    "first_party",
];

/// A change `actor` (an administrator) makes to the client `client_id`: at least one field,
/// each of the right type; the registry checks the values against the stored client.
#[derive(Debug)]
pub(super) struct UpdateClient {
    pub actor: Uuid,
    pub client_id: Uuid,
    pub change: ClientChange,
}

impl UpdateClient {
    pub(super) fn parse(
        actor: Uuid,
        client_id: Uuid,
        request: UpdateClientRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let name = request.name.value();
        let redirect_uris = request.redirect_uris.value();
        let post_logout = request.post_logout_redirect_uris.value();
        let scopes = request.allowed_scopes.value();
        let grants = request.grant_types.value();
        let first_party = request.first_party.value();
        let given = [
            name.is_some(),
            redirect_uris.is_some(),
            post_logout.is_some(),
            scopes.is_some(),
            grants.is_some(),
            first_party.is_some(),
        ];
        if !given.contains(&true) {
            for field in FIELDS {
                v.reject(
                    field,
                    format!("give one of {} to change", FIELDS.join(", ")),
                );
            }
        }
        let change = ClientChange {
            name: name.and_then(|name| v.check("name", name)),
            redirect_uris: redirect_uris.and_then(|uris| v.check("redirect_uris", uris)),
            post_logout_redirect_uris: post_logout
                .and_then(|uris| v.check("post_logout_redirect_uris", uris)),
            allowed_scopes: scopes.and_then(|scopes| v.check("allowed_scopes", scopes)),
            grant_types: grants.and_then(|grants| v.check("grant_types", grants)),
            first_party: first_party.and_then(|first| v.check("first_party", first)),
        };
        v.finish(|| {
            Some(Self {
                actor,
                client_id,
                change,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use uuid::Uuid;

    use super::{FIELDS, UpdateClient};
    use crate::{
        domain::FieldError,
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<UpdateClient, Vec<FieldError>> {
        UpdateClient::parse(Uuid::nil(), Uuid::max(), body(json))
    }

    #[test]
    fn an_empty_body_is_an_error_on_every_field() {
        assert_eq!(fields(&parse(json!({})).unwrap_err()), FIELDS);
    }

    #[test]
    fn a_type_sent_along_is_no_change() {
        let errors = parse(json!({"client_type": "public"})).unwrap_err();
        assert_eq!(fields(&errors), FIELDS);
    }

    #[test]
    fn only_the_fields_given_are_changed() {
        let command = parse(json!({"name": "New", "first_party": true})).unwrap();
        assert_eq!(
            (command.actor, command.client_id),
            (Uuid::nil(), Uuid::max())
        );
        assert_eq!(command.change.name.as_deref(), Some("New"));
        assert_eq!(command.change.first_party, Some(true));
        assert!(command.change.redirect_uris.is_none());
        assert!(command.change.grant_types.is_none());
        let command = parse(json!({"allowed_scopes": []})).unwrap();
        assert_eq!(command.change.allowed_scopes, Some(vec![]));
    }

    #[test]
    fn null_and_mistyped_fields_are_field_errors_on_each_field() {
        let errors = parse(json!({
            "name": null,
            "redirect_uris": [1],
            "grant_types": "password",
            "first_party": 1
        }))
        .unwrap_err();
        assert_eq!(
            described(errors),
            [
                "name: must be a string",
                "redirect_uris: must be an array of strings",
                "grant_types: must be an array of strings",
                "first_party: must be a boolean",
            ]
        );
    }
}
