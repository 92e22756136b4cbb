//! `Permitted<P>`: the guard of an operation that needs a permission. It is `Authenticated`
//! plus the check, and it declares the permission in the OpenAPI document as the scope of
//! the operation's OAuth2 requirement (folded there by `MergedApi`), so the document and the
//! check cannot disagree.

use std::marker::PhantomData;

use poem::{Request, RequestBody};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions, registry::Registry};

use super::{auth::Authenticated, error::ApiError};
use crate::domain::Permission;

/// A permission as a type, for `Permitted<P>`.
pub(crate) trait Requirement: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// The permission types an operation's signature names: `Permitted<can::ReadUsers>`.
pub(crate) mod can {
    use super::{Permission, Requirement};

    macro_rules! requirements {
        ($($marker:ident => $permission:ident),+ $(,)?) => {$(
            #[doc = concat!("Needs `Permission::", stringify!($permission), "`.")]
            pub(crate) struct $marker;
            impl Requirement for $marker {
                const PERMISSION: Permission = Permission::$permission;
            }
        )+};
    }

    requirements!(
        ReadUsers => UsersRead,
        WriteUsers => UsersWrite,
        RevokeSessions => SessionsRevoke,
        ReadAudit => AuditRead,
        WriteClients => ClientsWrite,
    );
}

/// An authenticated caller holding `P`'s permission; otherwise 403 `missing-permission`.
pub(crate) struct Permitted<P> {
    pub caller: Authenticated,
    requirement: PhantomData<P>,
}

impl<'a, P: Requirement> ApiExtractor<'a> for Permitted<P> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::SecurityScheme];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        Authenticated::register(registry);
    }

    /// The caller's schemes, then the permission's name: `MergedApi` moves it into the
    /// OAuth2 requirement's scopes.
    fn security_schemes() -> Vec<&'static str> {
        let mut names = Authenticated::security_schemes();
        names.push(P::PERMISSION.as_str());
        names
    }

    async fn from_request(
        req: &'a Request,
        body: &mut RequestBody,
        param_opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let caller = Authenticated::from_request(req, body, param_opts).await?;
        if !caller.may(P::PERMISSION) {
            return Err(ApiError::missing_permission(P::PERMISSION).into());
        }
        Ok(Self {
            caller,
            requirement: PhantomData,
        })
    }
}
