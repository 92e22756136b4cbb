use super::{Prompt, RawAuthorizeParams, check_params, check_redirect_uri, response_url};
use crate::domain::{
    Permission,
    oauth::{OAuthErrorCode, RedirectUri, Scope},
};

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const ALLOWED: [Scope; 3] = [
    Scope::OpenId,
    Scope::Email,
    Scope::Permission(Permission::UsersRead),
];

fn valid() -> RawAuthorizeParams<'static> {
    RawAuthorizeParams {
        response_type: Some("code"),
        scope: Some("openid email"),
        state: Some("s1"),
        nonce: Some("n1"),
        code_challenge: Some(CHALLENGE),
        code_challenge_method: Some("S256"),
        ..RawAuthorizeParams::default()
    }
}

fn code_of(raw: &RawAuthorizeParams<'_>) -> OAuthErrorCode {
    check_params("https://app.example/cb", raw, &ALLOWED, true)
        .unwrap_err()
        .code
}

#[test]
fn a_valid_request_keeps_what_it_needs() {
    let request = check_params("https://app.example/cb", &valid(), &ALLOWED, true).unwrap();
    assert_eq!(request.scope, "openid email");
    assert_eq!(request.state.as_deref(), Some("s1"));
    assert_eq!(request.nonce.as_deref(), Some("n1"));
    assert_eq!(request.prompt, Prompt::Default);
    assert_eq!(request.scopes(), [Scope::OpenId, Scope::Email]);
}

#[test]
fn the_redirect_uri_must_be_registered_exactly() {
    let registered = [RedirectUri::parse("https://app.example/cb").unwrap()];
    assert!(check_redirect_uri(&registered, Some("https://app.example/cb")).is_ok());
    for wrong in [
        None,
        Some("https://evil.example/cb"),
        Some("https://app.example/cb/more"),
        Some("https://app.example/c"),
        Some("https://app.example@evil.example/cb"),
        Some("https://app.example/%63b"),
        Some("https://app.example/cb?x=1"),
    ] {
        assert!(check_redirect_uri(&registered, wrong).is_err(), "{wrong:?}");
    }
}

#[test]
fn refusals_carry_their_oauth_codes() {
    let mut raw = valid();
    raw.response_type = Some("token");
    assert_eq!(code_of(&raw), OAuthErrorCode::UnsupportedResponseType);
    let mut raw = valid();
    raw.request_object = true;
    assert_eq!(code_of(&raw), OAuthErrorCode::RequestNotSupported);
    let mut raw = valid();
    raw.request_uri = true;
    assert_eq!(code_of(&raw), OAuthErrorCode::RequestUriNotSupported);
    let mut raw = valid();
    raw.code_challenge = None;
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidRequest);
    let mut raw = valid();
    raw.code_challenge_method = Some("plain");
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidRequest);
    let mut raw = valid();
    raw.scope = Some("openid profile");
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidScope);
    let mut raw = valid();
    raw.scope = Some("openid nonsense");
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidScope);
    let mut raw = valid();
    raw.prompt = Some("none login");
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidRequest);
    let mut raw = valid();
    raw.max_age = Some("-1");
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidRequest);
    let long = "x".repeat(513);
    let mut raw = valid();
    raw.state = Some(&long);
    assert_eq!(code_of(&raw), OAuthErrorCode::InvalidRequest);
    let err = check_params("https://app.example/cb", &valid(), &ALLOWED, false).unwrap_err();
    assert_eq!(err.code, OAuthErrorCode::UnauthorizedClient);
}

#[test]
fn prompt_values_combine_but_none_stands_alone() {
    let prompt = |p| {
        let mut raw = valid();
        raw.prompt = Some(p);
        check_params("https://app.example/cb", &raw, &ALLOWED, true).map(|r| r.prompt)
    };
    assert_eq!(prompt("none"), Ok(Prompt::None));
    assert_eq!(prompt("login"), Ok(Prompt::Login));
    assert_eq!(prompt("consent login"), Ok(Prompt::LoginAndConsent));
    assert!(prompt("select_account").is_err());
}

#[test]
fn the_response_keeps_the_registered_query_and_encodes_the_values() {
    assert_eq!(
        response_url(
            "https://app.example/cb",
            &[("code", "a b"), ("state", "x&y")]
        ),
        "https://app.example/cb?code=a+b&state=x%26y"
    );
    assert_eq!(
        response_url("https://app.example/cb?tenant=1", &[("code", "c")]),
        "https://app.example/cb?tenant=1&code=c"
    );
}
