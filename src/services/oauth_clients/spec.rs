//! What a client's registration may hold, checked the same way for the admin API and
//! `manage clients`: every field's errors at once, named by the API's field names.

use crate::domain::{
    FieldError, Validator,
    oauth::{ClientType, GrantType, RedirectUri, Scope},
};

use super::Client;

/// The most redirect URIs (and post-logout redirect URIs) a client may register.
pub(crate) const MAX_URIS: usize = 20;
/// The longest client name, in characters.
pub(crate) const MAX_NAME: usize = 100;
/// The scopes a client is allowed when its registration names none.
pub(crate) const DEFAULT_SCOPES: [Scope; 3] = [Scope::OpenId, Scope::Profile, Scope::Email];
/// The grant types a client is allowed when its registration names none.
pub(crate) const DEFAULT_GRANTS: [GrantType; 2] =
    [GrantType::AuthorizationCode, GrantType::RefreshToken];

/// A registration as sent, before any check.
#[derive(Debug, Default)]
pub(crate) struct RawClient {
    pub name: String,
    pub client_type: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// `None`: [`DEFAULT_SCOPES`].
    pub allowed_scopes: Option<Vec<String>>,
    /// `None`: [`DEFAULT_GRANTS`].
    pub grant_types: Option<Vec<String>>,
    pub first_party: bool,
}

/// A registration that passed every check.
#[derive(Clone, Debug)]
pub(crate) struct ClientSpec {
    pub name: String,
    pub client_type: ClientType,
    pub redirect_uris: Vec<RedirectUri>,
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub allowed_scopes: Vec<Scope>,
    pub grant_types: Vec<GrantType>,
    pub first_party: bool,
}

impl ClientSpec {
    pub(crate) fn parse(raw: RawClient) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let name = v.check("name", parse_name(&raw.name));
        let client_type = v.check(
            "client_type",
            raw.client_type
                .parse::<ClientType>()
                .map_err(|_| format!("must be one of: {}", ClientType::NAMES.join(", "))),
        );
        let redirect_uris = v.check("redirect_uris", parse_uris(&raw.redirect_uris));
        let post_logout = v.check(
            "post_logout_redirect_uris",
            parse_uris(&raw.post_logout_redirect_uris),
        );
        let scopes = v.check(
            "allowed_scopes",
            raw.allowed_scopes
                .map_or(Ok(DEFAULT_SCOPES.to_vec()), |scopes| parse_scopes(&scopes)),
        );
        let grants = v.check(
            "grant_types",
            raw.grant_types
                .map_or(Ok(DEFAULT_GRANTS.to_vec()), |grants| parse_grants(&grants)),
        );
        if let Some(grants) = &grants {
            check_grants(&mut v, grants, redirect_uris.as_deref(), raw.first_party);
        }
        v.finish(|| {
            Some(Self {
                name: name?,
                client_type: client_type?,
                redirect_uris: redirect_uris?,
                post_logout_redirect_uris: post_logout?,
                allowed_scopes: scopes?,
                grant_types: grants?,
                first_party: raw.first_party,
            })
        })
    }
}

/// A change to a registered client: the fields given replace the stored ones. The type
/// cannot change (a public client has no secret to keep; register a new client).
#[derive(Debug, Default)]
pub(crate) struct ClientChange {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub allowed_scopes: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub first_party: Option<bool>,
}

impl ClientChange {
    /// `client` with the change made, and the names of the fields whose value changed; the
    /// result is checked as a registration is.
    pub(crate) fn apply_to(
        self,
        mut client: Client,
    ) -> Result<(Client, Vec<&'static str>), Vec<FieldError>> {
        let mut v = Validator::default();
        let mut changed = Vec::new();
        let mut set = |field: &'static str, differs: bool| {
            if differs {
                changed.push(field);
            }
        };
        if let Some(name) = self
            .name
            .and_then(|name| v.check("name", parse_name(&name)))
        {
            set("name", name != client.name);
            client.name = name;
        }
        let uris = self.redirect_uris.map(|uris| parse_uris(&uris));
        if let Some(uris) = uris.and_then(|uris| v.check("redirect_uris", uris)) {
            set("redirect_uris", uris != client.redirect_uris);
            client.redirect_uris = uris;
        }
        let uris = self.post_logout_redirect_uris.map(|uris| parse_uris(&uris));
        if let Some(uris) = uris.and_then(|uris| v.check("post_logout_redirect_uris", uris)) {
            set(
                "post_logout_redirect_uris",
                uris != client.post_logout_redirect_uris,
            );
            client.post_logout_redirect_uris = uris;
        }
        let scopes = self.allowed_scopes.map(|scopes| parse_scopes(&scopes));
        if let Some(scopes) = scopes.and_then(|scopes| v.check("allowed_scopes", scopes)) {
            set("allowed_scopes", scopes != client.allowed_scopes);
            client.allowed_scopes = scopes;
        }
        let grants = self.grant_types.map(|grants| parse_grants(&grants));
        if let Some(grants) = grants.and_then(|grants| v.check("grant_types", grants)) {
            set("grant_types", grants != client.grant_types);
            client.grant_types = grants;
        }
        if let Some(first_party) = self.first_party {
            set("first_party", first_party != client.first_party);
            client.first_party = first_party;
        }
        check_grants(
            &mut v,
            &client.grant_types,
            Some(client.redirect_uris.as_slice()),
            client.first_party,
        );
        v.finish(|| Some((client, changed)))
    }
}

fn parse_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(format!("must be 1 to {MAX_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("must not hold control characters".into());
    }
    Ok(name.to_owned())
}

fn parse_uris(raw: &[String]) -> Result<Vec<RedirectUri>, String> {
    if raw.len() > MAX_URIS {
        return Err(format!("at most {MAX_URIS}"));
    }
    let mut uris: Vec<RedirectUri> = Vec::with_capacity(raw.len());
    for (index, item) in raw.iter().enumerate() {
        let uri = RedirectUri::parse(item).map_err(|err| format!("item {index}: {err}"))?;
        if uris.contains(&uri) {
            return Err(format!("item {index}: listed twice"));
        }
        uris.push(uri);
    }
    Ok(uris)
}

fn parse_scopes(raw: &[String]) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::with_capacity(raw.len());
    for name in raw {
        let scope: Scope = name.parse()?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
}

fn parse_grants(raw: &[String]) -> Result<Vec<GrantType>, String> {
    if raw.is_empty() {
        return Err("name at least one".into());
    }
    let mut grants = Vec::with_capacity(raw.len());
    for name in raw {
        let grant: GrantType = name.parse().map_err(|_| {
            format!(
                "unknown grant type {name:?}; one of: {}",
                GrantType::NAMES.join(", ")
            )
        })?;
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    Ok(grants)
}

/// The rules between fields: the password grant only for first-party clients (OAuth 2.1
/// removes it; the team's own apps may keep it), the code flow only with a redirect URI
/// (`None`: the URIs were invalid, already reported).
fn check_grants(
    v: &mut Validator,
    grants: &[GrantType],
    uris: Option<&[RedirectUri]>,
    first_party: bool,
) {
    if grants.contains(&GrantType::Password) && !first_party {
        v.reject(
            "grant_types",
            "password is allowed only for first-party clients",
        );
    }
    if grants.contains(&GrantType::AuthorizationCode) && uris.is_some_and(<[_]>::is_empty) {
        v.reject(
            "redirect_uris",
            "the authorization_code grant needs at least one redirect URI",
        );
    }
}

#[cfg(test)]
mod tests;
