//! The audit trail's vocabulary: what happened to an account.

/// A security-relevant action, named `<subject>.<event>` on the wire and in the database;
/// strum owns the spelling.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::VariantNames,
)]
pub enum AuditAction {
    #[strum(serialize = "user.signed_up")]
    SignedUp,
    #[strum(serialize = "login.succeeded")]
    LoginSucceeded,
    /// Wrong password, unknown account, or an account that may not log in.
    #[strum(serialize = "login.failed")]
    LoginFailed,
    /// A spent refresh token replayed after the grace window: its session was revoked.
    #[strum(serialize = "session.refresh_reuse_detected")]
    RefreshReuseDetected,
    /// The caller ended its own current session.
    #[strum(serialize = "session.logged_out")]
    LoggedOut,
    /// A session ended by its owner from elsewhere, by revocation, or by an administrator.
    #[strum(serialize = "session.revoked")]
    SessionRevoked,
    #[strum(serialize = "password.changed")]
    PasswordChanged,
    #[strum(serialize = "password.reset")]
    PasswordReset,
    /// A wrong current password confirming a sensitive change (password, e-mail, deletion);
    /// `operation` names it.
    #[strum(serialize = "password.check_failed")]
    PasswordCheckFailed,
    #[strum(serialize = "email.changed")]
    EmailChanged,
    #[strum(serialize = "email.confirmed")]
    EmailConfirmed,
    /// An administrator marked the address unconfirmed.
    #[strum(serialize = "email.unconfirmed")]
    EmailUnconfirmed,
    #[strum(serialize = "permission.granted")]
    PermissionGranted,
    #[strum(serialize = "permission.revoked")]
    PermissionRevoked,
    /// An administrator tried to grant or revoke a permission they do not hold themselves.
    #[strum(serialize = "permission.change_refused")]
    PermissionChangeRefused,
    #[strum(serialize = "account.disabled")]
    AccountDisabled,
    #[strum(serialize = "account.enabled")]
    AccountEnabled,
    #[strum(serialize = "account.deleted")]
    AccountDeleted,
    /// The owner tried to delete the last enabled account holding `users:write`.
    #[strum(serialize = "account.deletion_refused")]
    AccountDeletionRefused,
    /// A right password for an account with a second factor: the second step was asked for.
    #[strum(serialize = "login.mfa_required")]
    LoginMfaRequired,
    #[strum(serialize = "mfa.totp_enabled")]
    TotpEnabled,
    #[strum(serialize = "mfa.totp_disabled")]
    TotpDisabled,
    #[strum(serialize = "mfa.recovery_codes_regenerated")]
    RecoveryCodesRegenerated,
    #[strum(serialize = "mfa.recovery_code_used")]
    RecoveryCodeUsed,
    /// A wrong second-factor code (at login, or confirming a change); `operation` names where.
    #[strum(serialize = "mfa.code_failed")]
    MfaCodeFailed,
    /// An administrator removed every second factor of the account.
    #[strum(serialize = "mfa.reset")]
    MfaReset,
    #[strum(serialize = "passkey.registered")]
    PasskeyRegistered,
    #[strum(serialize = "passkey.renamed")]
    PasskeyRenamed,
    #[strum(serialize = "passkey.removed")]
    PasskeyRemoved,
    /// A valid passkey signature whose counter did not go up (a cloned authenticator?):
    /// the sign-in was refused.
    #[strum(serialize = "passkey.counter_regressed")]
    PasskeyCounterRegressed,
    /// An OAuth client registered; `client_id` and `client_name` in the detail, as for the
    /// three below.
    #[strum(serialize = "client.created")]
    ClientCreated,
    /// `changed` lists the fields whose value changed.
    #[strum(serialize = "client.updated")]
    ClientUpdated,
    /// A confidential client's secret replaced; the old one stopped working.
    #[strum(serialize = "client.secret_rotated")]
    ClientSecretRotated,
    #[strum(serialize = "client.deleted")]
    ClientDeleted,
    /// The account let a third-party client have scopes (`client_id`, the added `scopes`).
    #[strum(serialize = "consent.granted")]
    ConsentGranted,
    /// The account withdrew a client's consent; `sessions` the client held that ended.
    #[strum(serialize = "consent.revoked")]
    ConsentRevoked,
    /// An authorization code presented a second time: the session its first exchange
    /// opened was ended (`client_id`, `session_id`).
    #[strum(serialize = "oauth.code_replayed")]
    AuthorizationCodeReplayed,
}

impl AuditAction {
    /// Every action's name, in declaration order.
    pub const NAMES: &'static [&'static str] = <Self as strum::VariantNames>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use strum::IntoEnumIterator;

    use super::AuditAction;

    #[test]
    fn names_round_trip_and_are_namespaced() {
        for action in AuditAction::iter() {
            let name = action.as_str();
            assert_eq!(AuditAction::from_str(name), Ok(action));
            assert!(name.contains('.') && name.len() <= 64, "{name}");
        }
        assert_eq!(AuditAction::LoginFailed.to_string(), "login.failed");
    }
}
