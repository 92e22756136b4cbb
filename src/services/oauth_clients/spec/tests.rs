use super::{ClientChange, ClientSpec, RawClient};
use crate::domain::oauth::{ClientType, GrantType, Scope};

fn raw() -> RawClient {
    RawClient {
        name: "  Web app ".into(),
        client_type: "public".into(),
        redirect_uris: vec!["https://app.example.com/callback".into()],
        ..RawClient::default()
    }
}

fn described(errors: Vec<crate::domain::FieldError>) -> Vec<String> {
    errors
        .into_iter()
        .map(|error| format!("{}: {}", error.field, error.message))
        .collect()
}

#[test]
fn defaults_are_the_code_flow_with_refresh_and_openid_scopes() {
    let spec = ClientSpec::parse(raw()).unwrap();
    assert_eq!(spec.name, "Web app");
    assert_eq!(spec.client_type, ClientType::Public);
    assert_eq!(
        spec.grant_types,
        [GrantType::AuthorizationCode, GrantType::RefreshToken]
    );
    assert_eq!(
        spec.allowed_scopes,
        [Scope::OpenId, Scope::Profile, Scope::Email]
    );
    assert!(!spec.first_party);
}

#[test]
fn every_bad_field_is_named_at_once() {
    let errors = ClientSpec::parse(RawClient {
        name: "\u{7}".into(),
        client_type: "secret".into(),
        redirect_uris: vec![
            "https://ok.example/cb".into(),
            "https://*.example/cb".into(),
        ],
        post_logout_redirect_uris: vec!["javascript:alert(1)".into()],
        allowed_scopes: Some(vec!["openid".into(), "admin".into()]),
        grant_types: Some(vec!["implicit".into()]),
        first_party: false,
    })
    .unwrap_err();
    assert_eq!(
        described(errors),
        [
            "name: must not hold control characters",
            "client_type: must be one of: public, confidential",
            "redirect_uris: item 1: must not hold a wildcard (*): redirect URIs match exactly",
            "post_logout_redirect_uris: item 0: must be https, http on a loopback host, or a \
             private-use scheme named after a domain (com.example.app:/callback)",
            "allowed_scopes: unknown scope \"admin\"",
            "grant_types: unknown grant type \"implicit\"; one of: authorization_code, \
             refresh_token, password",
        ]
    );
}

#[test]
fn the_password_grant_is_for_first_party_clients_and_the_code_flow_needs_a_redirect() {
    let third_party = RawClient {
        redirect_uris: vec![],
        grant_types: Some(vec!["password".into(), "authorization_code".into()]),
        ..raw()
    };
    assert_eq!(
        described(ClientSpec::parse(third_party).unwrap_err()),
        [
            "grant_types: password is allowed only for first-party clients",
            "redirect_uris: the authorization_code grant needs at least one redirect URI",
        ]
    );
    let first_party = RawClient {
        redirect_uris: vec![],
        grant_types: Some(vec!["password".into(), "refresh_token".into()]),
        first_party: true,
        ..raw()
    };
    assert!(ClientSpec::parse(first_party).is_ok());
}

#[test]
fn a_change_is_checked_with_what_it_leaves_and_names_what_changed() {
    use crate::{infra::db::entities::oauth_client, services::oauth_clients::Client};
    let now = chrono::Utc::now();
    let client = Client::from(oauth_client::Model {
        id: uuid::Uuid::now_v7(),
        name: "Web app".into(),
        client_type: "public".into(),
        secret_hash: None,
        secret_set_at: None,
        redirect_uris: "https://app.example.com/callback".into(),
        post_logout_redirect_uris: String::new(),
        allowed_scopes: "openid email".into(),
        grant_types: "authorization_code refresh_token".into(),
        first_party: true,
        created_at: now,
        updated_at: now,
    });
    let (changed, fields) = ClientChange {
        name: Some("Web app".into()),
        allowed_scopes: Some(vec!["openid".into()]),
        ..ClientChange::default()
    }
    .apply_to(client.clone())
    .unwrap();
    assert_eq!(fields, ["allowed_scopes"]);
    assert_eq!(changed.allowed_scopes, [Scope::OpenId]);

    let errors = ClientChange {
        grant_types: Some(vec!["password".into()]),
        first_party: Some(false),
        ..ClientChange::default()
    }
    .apply_to(client.clone())
    .unwrap_err();
    assert_eq!(
        described(errors),
        ["grant_types: password is allowed only for first-party clients"]
    );
    let errors = ClientChange {
        redirect_uris: Some(vec![]),
        ..ClientChange::default()
    }
    .apply_to(client)
    .unwrap_err();
    assert_eq!(
        described(errors),
        ["redirect_uris: the authorization_code grant needs at least one redirect URI"]
    );
}
