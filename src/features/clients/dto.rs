//! What this area's slices share: a client as the API shows it (never its secret), and the
//! rules of the fields a registration and a change both take.

use chrono::{DateTime, Utc};
use poem_openapi::{
    Object,
    registry::{MetaSchema, MetaSchemaRef, Registry},
    types::Type,
};
use serde_json::Value;
use uuid::Uuid;

use super::names::{ClientTypeName, GrantTypeName};
use crate::{
    domain::oauth::{RedirectUri, Scope},
    http::{ListRules, StringRules},
    services::oauth_clients::{self, MAX_NAME, MAX_URIS},
};

/// A registered client: its registration, never its secret or the secret's hash.
// No doc comments on the enum fields: poem-openapi would wrap their `$ref` in an `allOf`
// that client generators (openapi-python-client) cannot read.
#[derive(Debug, Object)]
pub(super) struct Client {
    /// The `client_id` (UUID v7).
    pub client_id: Uuid,
    /// The name the consent page shows.
    pub name: String,
    pub client_type: ClientTypeName,
    /// Where the authorization endpoint may send the browser back; a request's
    /// `redirect_uri` must equal one exactly (any port on a loopback IP literal).
    pub redirect_uris: Vec<String>,
    /// Where RP-initiated logout may send the browser back.
    pub post_logout_redirect_uris: Vec<String>,
    /// The scopes the client may ask for: `openid`, `profile`, `email`,
    /// `offline_access`, or a permission's name.
    pub allowed_scopes: Vec<String>,
    pub grant_types: Vec<GrantTypeName>,
    /// Whether it is one of the team's own applications (no consent page; it may use the
    /// `password` grant).
    pub first_party: bool,
    /// When the current secret was made; `null` for a public client, which has none.
    #[oai(nullable)]
    pub secret_set_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<oauth_clients::Client> for Client {
    fn from(client: oauth_clients::Client) -> Self {
        Self {
            client_id: client.client_id,
            name: client.name,
            client_type: client.client_type.into(),
            redirect_uris: strings(&client.redirect_uris, RedirectUri::as_str),
            post_logout_redirect_uris: strings(
                &client.post_logout_redirect_uris,
                RedirectUri::as_str,
            ),
            allowed_scopes: strings(&client.allowed_scopes, |scope| scope.as_str()),
            grant_types: client.grant_types.into_iter().map(Into::into).collect(),
            first_party: client.first_party,
            secret_set_at: client.secret_set_at,
            created_at: client.created_at,
            updated_at: client.updated_at,
        }
    }
}

fn strings<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|item| name(item).to_owned()).collect()
}

/// A client's name: 1 to 100 characters (after trimming), no control characters.
pub(super) struct NameRules;

impl StringRules for NameRules {
    const MIN_LENGTH: Option<usize> = Some(1);
    const MAX_LENGTH: Option<usize> = Some(MAX_NAME);
}

/// Redirect URIs: at most 20, each absolute and at most 2000 characters.
pub(super) struct RedirectUris;

impl ListRules for RedirectUris {
    const MAX_ITEMS: Option<usize> = Some(MAX_URIS);

    fn items() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            format: Some("uri"),
            max_length: Some(RedirectUri::MAX_LEN),
            ..MetaSchema::new("string")
        }))
    }
}

/// Scope names: every scope this service knows.
pub(super) struct Scopes;

impl ListRules for Scopes {
    fn items() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            enum_items: Scope::all().map(|s| Value::from(s.as_str())).collect(),
            ..MetaSchema::new("string")
        }))
    }
}

/// Grant type names.
pub(super) struct GrantTypes;

impl ListRules for GrantTypes {
    fn items() -> MetaSchemaRef {
        GrantTypeName::schema_ref()
    }

    fn register(registry: &mut Registry) {
        GrantTypeName::register(registry);
    }
}
