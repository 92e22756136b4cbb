//! The OpenID Provider: the authorization endpoint and its hosted pages (sign-in, second
//! step, consent), the token endpoint, userinfo, RP-initiated logout and discovery.

mod authorize;
mod confirm_end_session;
mod create_oauth_token;
mod end_session;
mod get_consent_page;
mod get_openid_configuration;
mod get_sign_in_page;
mod get_userinfo;
mod pages;
mod post_userinfo;
mod posted;
mod submit_consent;
mod submit_passkey_sign_in;
mod submit_second_step;
mod submit_sign_in;
mod userinfo;

/// This area's slices, in document order: the authorization endpoint and its pages, then
/// the endpoints clients call (two tuples: `Default` stops at twelve).
pub(super) type Slices = (
    (
        authorize::AuthorizeRoute,
        get_sign_in_page::GetSignInPageRoute,
        submit_sign_in::SubmitSignInRoute,
        submit_passkey_sign_in::SubmitPasskeySignInRoute,
        submit_second_step::SubmitSecondStepRoute,
        get_consent_page::GetConsentPageRoute,
        submit_consent::SubmitConsentRoute,
    ),
    (
        create_oauth_token::CreateOauthTokenRoute,
        get_userinfo::GetUserinfoRoute,
        post_userinfo::PostUserinfoRoute,
        end_session::EndSessionRoute,
        confirm_end_session::ConfirmEndSessionRoute,
        get_openid_configuration::GetOpenidConfigurationRoute,
    ),
);
