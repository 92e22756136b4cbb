use base64::{Engine, engine::general_purpose::STANDARD};
use sea_orm::{DatabaseConnection, DbErr};

use super::command::ClientCredentials;
use crate::{
    domain::oauth::ClientType,
    services::oauth_clients::{self, Client},
};

/// `Authorization: Basic` credentials (RFC 6749 §2.3.1: each part form-urlencoded first).
pub(super) fn basic_credentials(header: Option<&str>) -> Option<(String, String)> {
    let encoded = header?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

fn form_decode(part: &str) -> String {
    url::form_urlencoded::parse(part.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default()
}

/// The client that `credentials` prove: a confidential client by its secret, a public one
/// by its id alone (a public client cannot send a secret, nor a confidential one omit it).
pub(super) async fn authenticate(
    db: &DatabaseConnection,
    credentials: &ClientCredentials,
) -> Result<Option<Client>, DbErr> {
    let Some(client_id) = credentials.client_id() else {
        return Ok(None);
    };
    let Some(client) = oauth_clients::find(db, client_id).await? else {
        return Ok(None);
    };
    let proven = match (credentials, client.client_type) {
        (
            ClientCredentials::Basic { secret, .. } | ClientCredentials::Post { secret, .. },
            ClientType::Confidential,
        ) => client.secret_matches(secret),
        (ClientCredentials::None { .. }, ClientType::Public) => true,
        _ => false,
    };
    Ok(proven.then_some(client))
}

#[cfg(test)]
mod tests {
    use super::basic_credentials;

    #[test]
    fn basic_credentials_are_decoded() {
        // "my%20id:s%3Ac" in base64.
        let header = "Basic bXklMjBpZDpzJTNBYw==";
        assert_eq!(
            basic_credentials(Some(header)),
            Some(("my id".into(), "s:c".into()))
        );
        assert_eq!(basic_credentials(Some("Bearer x")), None);
        assert_eq!(basic_credentials(None), None);
    }
}
