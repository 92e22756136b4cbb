//! The `openidconnect` crate as an independent relying party: it discovers the provider by
//! its issuer URL, builds the authorization request (PKCE S256, state, nonce), exchanges the
//! code, validates the id_token (signature by the JWKS, `iss`, `aud`, `exp`, nonce, at_hash),
//! reads userinfo and refreshes, all by its own rules rather than the tests'.

use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    core::{
        CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreTokenResponse,
        CoreUserInfoClaims,
    },
};
use serde_json::json;

use super::{Browser, REDIRECT_URI, Rp, alice, sign_in};
use crate::helpers::{Backend, TestApp, reuse_grace, spawn_app_at_own_issuer};

both_backends!(
    a_public_client_signs_in_by_the_crates_rules,
    a_confidential_client_authenticates_with_basic,
);

/// The relying party's own HTTP client: no redirects followed (OAuth's rule for back
/// channels).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client of the crate's, configured by discovery from the app's issuer URL (which it
/// checks against the document's `issuer`), with `rp`'s id and secret.
pub type Discovered = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

pub async fn discovered(app: &TestApp, rp: &Rp, http: &reqwest::Client) -> Discovered {
    let issuer = IssuerUrl::new(app.address.clone()).unwrap();
    let metadata = CoreProviderMetadata::discover_async(issuer.clone(), http)
        .await
        .expect("discovery by the issuer URL");
    assert_eq!(metadata.issuer(), &issuer);
    let (id, secret) = (ClientId::new(rp.client_id.clone()), rp.secret.clone());
    CoreClient::from_provider_metadata(metadata, id, secret.map(ClientSecret::new))
        .set_redirect_uri(RedirectUrl::new(REDIRECT_URI.into()).unwrap())
}

/// The crate's authorization URL for `scopes` (PKCE S256, state, nonce) and its secrets.
pub fn authorization(
    client: &Discovered,
    scopes: &[&str],
) -> (url::Url, CsrfToken, Nonce, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(scopes.iter().map(|scope| Scope::new((*scope).into())))
        .set_pkce_challenge(challenge)
        .url();
    (url, state, nonce, verifier)
}

/// The crate's exchange of `code` with its PKCE `verifier` (and the client's secret, if any).
pub async fn exchange(
    client: &Discovered,
    http: &reqwest::Client,
    code: &str,
    verifier: PkceCodeVerifier,
) -> CoreTokenResponse {
    client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .unwrap()
        .set_pkce_verifier(verifier)
        .request_async(http)
        .await
        .expect("the code exchange")
}

async fn a_public_client_signs_in_by_the_crates_rules(backend: Backend) {
    let app = spawn_app_at_own_issuer(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let http = http_client();
    let client = discovered(&app, &rp, &http).await;
    let (url, state, nonce, verifier) =
        authorization(&client, &["email", "profile", "offline_access"]);

    let back = sign_in(&app, &mut Browser::new(), url.as_str()).await;
    assert_eq!(&back["state"], state.secret());
    assert_eq!(back["iss"], app.address, "RFC 9207's iss is the issuer");
    let tokens = exchange(&client, &http, &back["code"], verifier).await;

    let id_token = tokens.id_token().expect("an id_token");
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &nonce)
        .expect("the id_token passes the crate's checks");
    let at_hash = AccessTokenHash::from_token(
        tokens.access_token(),
        id_token.signing_alg().unwrap(),
        id_token.signing_key(&verifier).unwrap(),
    )
    .unwrap();
    assert_eq!(claims.access_token_hash(), Some(&at_hash));
    assert_eq!(
        claims.email().map(|e| e.as_str()),
        Some("alice@example.com")
    );
    assert!(claims.auth_time().is_some());

    let userinfo: CoreUserInfoClaims = client
        .user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .unwrap()
        .request_async(&http)
        .await
        .expect("userinfo for the id_token's subject");
    assert_eq!(
        userinfo.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );

    let refresh = tokens
        .refresh_token()
        .expect("offline_access gives a refresh token");
    let refreshed = client
        .exchange_refresh_token(refresh)
        .unwrap()
        .request_async(&http)
        .await
        .expect("the refresh");
    assert_ne!(
        refreshed.access_token().secret(),
        tokens.access_token().secret()
    );
    // Past the grace that covers two tabs refreshing at once, a spent token is refused.
    app.clock
        .advance(reuse_grace() + std::time::Duration::from_secs(1));
    let again = client
        .exchange_refresh_token(refresh)
        .unwrap()
        .request_async(&http)
        .await;
    assert!(again.is_err(), "a spent refresh token is refused");
}

async fn a_confidential_client_authenticates_with_basic(backend: Backend) {
    let app = spawn_app_at_own_issuer(backend).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({"client_type": "confidential"})).await;
    assert!(rp.secret.is_some(), "a confidential client's secret");
    let http = http_client();
    let client = discovered(&app, &rp, &http).await;
    let (url, _, nonce, verifier) = authorization(&client, &[]);
    let back = sign_in(&app, &mut Browser::new(), url.as_str()).await;
    // The crate sends client_secret_basic, the first method discovery lists.
    let tokens = exchange(&client, &http, &back["code"], verifier).await;
    let claims = tokens
        .id_token()
        .unwrap()
        .claims(&client.id_token_verifier(), &nonce)
        .unwrap();
    assert_eq!(claims.audiences()[0].as_str(), rp.client_id);
}
