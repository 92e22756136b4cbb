//! Scopes a client may be allowed and ask for: OpenID Connect's and the permissions.

use std::{fmt, str::FromStr};

use crate::domain::Permission;

/// `openid`, `profile`, `email`, `offline_access`, or a permission's name (`users:read`...):
/// a token carries a permission only when the account holds it and the scope was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    OpenId,
    Profile,
    Email,
    OfflineAccess,
    Permission(Permission),
}

impl Scope {
    /// OpenID Connect's scopes, the names a scope list may hold besides the permissions.
    pub const OPENID_NAMES: [&'static str; 4] = ["openid", "profile", "email", "offline_access"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenId => "openid",
            Self::Profile => "profile",
            Self::Email => "email",
            Self::OfflineAccess => "offline_access",
            Self::Permission(permission) => permission.as_str(),
        }
    }

    /// Every scope: OpenID Connect's, then the permissions.
    pub fn all() -> impl Iterator<Item = Self> {
        [
            Self::OpenId,
            Self::Profile,
            Self::Email,
            Self::OfflineAccess,
        ]
        .into_iter()
        .chain(<Permission as strum::IntoEnumIterator>::iter().map(Self::Permission))
    }
}

impl FromStr for Scope {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::all()
            .find(|scope| scope.as_str() == name)
            .ok_or_else(|| format!("unknown scope {name:?}"))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A space-separated scope list (RFC 6749 §3.3) in order, without repeats; an unknown name
/// is an error naming it.
pub fn parse_scopes(list: &str) -> Result<Vec<Scope>, String> {
    let mut scopes = Vec::new();
    for name in list.split(' ').filter(|name| !name.is_empty()) {
        let scope = name.parse()?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    use super::{Scope, parse_scopes};
    use crate::domain::Permission;

    #[test]
    fn parses_openid_and_permission_scopes() {
        assert_eq!(
            parse_scopes("openid  email users:read openid"),
            Ok(vec![
                Scope::OpenId,
                Scope::Email,
                Scope::Permission(Permission::UsersRead)
            ])
        );
        assert_eq!(parse_scopes(""), Ok(vec![]));
        assert_eq!(
            parse_scopes("openid admin"),
            Err("unknown scope \"admin\"".to_owned())
        );
        for scope in Scope::all() {
            assert_eq!(scope.as_str().parse(), Ok(scope));
        }
    }
}
