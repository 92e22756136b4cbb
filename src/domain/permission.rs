//! What an account may do beyond its own data; granted per account, none by default.

/// A permission, named `<resource>:<action>` on the wire and in the database; strum owns
/// the spelling.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::VariantNames,
    strum::EnumMessage,
)]
pub enum Permission {
    /// List and read any account.
    #[strum(serialize = "users:read")]
    UsersRead,
    /// Change, disable or delete any account, and grant or revoke permissions.
    #[strum(serialize = "users:write")]
    UsersWrite,
    /// End any account's sessions.
    #[strum(serialize = "sessions:revoke")]
    SessionsRevoke,
    /// Read the audit trail.
    #[strum(serialize = "audit:read")]
    AuditRead,
    /// Register, change and delete OAuth clients, and make their secrets.
    #[strum(serialize = "clients:write")]
    ClientsWrite,
}

impl Permission {
    /// Every permission's name, in declaration order.
    pub const NAMES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the permission allows: its doc comment, shown in Swagger UI's Authorize dialog.
    pub fn description(self) -> &'static str {
        strum::EnumMessage::get_documentation(&self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use strum::IntoEnumIterator;

    use super::Permission;

    #[test]
    fn names_round_trip() {
        for permission in Permission::iter() {
            let name = permission.to_string();
            assert_eq!(name, permission.as_str());
            assert_eq!(Permission::from_str(&name), Ok(permission));
        }
    }

    #[test]
    fn the_names_are_the_documented_ones() {
        assert_eq!(
            Permission::NAMES,
            [
                "users:read",
                "users:write",
                "sessions:revoke",
                "audit:read",
                "clients:write"
            ]
        );
        assert_eq!(Permission::UsersWrite.to_string(), "users:write");
        assert_eq!(Permission::AuditRead.description(), "Read the audit trail.");
    }

    #[test]
    fn unknown_or_misspelled_names_are_refused() {
        for name in [
            "",
            "users",
            "users:READ",
            "Users:read",
            " users:read",
            "admin",
        ] {
            assert!(Permission::from_str(name).is_err(), "{name:?}");
        }
    }
}
