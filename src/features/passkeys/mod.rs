//! The caller's passkeys (`services::passkeys`): register, list, rename, delete; the options
//! of a passkey sign-in (the grant itself is at the token endpoint); and the documents that
//! let the mobile apps share them.

mod create_passkey;
mod delete_passkey;
pub(super) mod dto;
mod get_apple_app_site_association;
mod get_asset_links;
mod list_passkeys;
mod start_passkey_authentication;
mod start_passkey_registration;
mod update_passkey;

/// This area's slices, in document order.
pub(super) type Slices = (
    start_passkey_registration::StartPasskeyRegistrationRoute,
    create_passkey::CreatePasskeyRoute,
    list_passkeys::ListPasskeysRoute,
    update_passkey::UpdatePasskeyRoute,
    delete_passkey::DeletePasskeyRoute,
    start_passkey_authentication::StartPasskeyAuthenticationRoute,
    get_apple_app_site_association::GetAppleAppSiteAssociationRoute,
    get_asset_links::GetAssetLinksRoute,
);
