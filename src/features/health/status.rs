use poem_openapi::Enum;

/// One check's state, shared by the health slices.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub(crate) enum CheckStatus {
    Ok,
    /// Serving, with a dependency down (e.g. rate limiting off while Redis is unreachable).
    Degraded,
    Unavailable,
    /// Switched off by configuration.
    Disabled,
}
