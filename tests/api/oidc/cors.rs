//! With `CORS_ORIGINS` set (the SPAs' origins, not this service's), the hosted pages still
//! work: their form posts and their script's call are same-origin, which is no CORS request;
//! the token endpoint, which SPAs call from their own origin, is still CORS's.

use serde_json::json;

use super::{Browser, REDIRECT_URI, Rp, alice, hidden, location, open_sign_in};
use crate::helpers::{Backend, PASSWORD, header, spawn_app_with};

both_backends!(a_same_origin_sign_in_form_signs_in_under_cors);

async fn a_same_origin_sign_in_form_signs_in_under_cors(backend: Backend) {
    let spa = "https://spa.example.com";
    let app = spawn_app_with(backend, |s| s.server.cors_origins = vec![spa.into()]).await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    let mut browser = Browser::new();
    let page = open_sign_in(&app, &mut browser, &Rp::url(&app, &rp.params("openid"))).await;
    let (request, csrf) = (hidden(&page, "request"), hidden(&page, "csrf"));
    let form = [
        ("request", request.as_str()),
        ("csrf", csrf.as_str()),
        ("login", "alice"),
        ("password", PASSWORD),
    ];
    let cookies = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let posted = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/oauth2/sign-in"))
        .header("origin", &app.address)
        .header("cookie", cookies)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(header(posted.headers(), "referrer-policy"), "same-origin");
    assert!(location(&app, &posted).starts_with(REDIRECT_URI));
    // The passkey script's call to the API from the page, same-origin too.
    let options = app
        .client
        .post(app.url("/api/v1/passkeys/authentication"))
        .header("origin", &app.address)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(options.status(), 200);

    // The token endpoint answers the SPA's origin, and not another site's.
    let token = |origin: &'static str| {
        app.client
            .post(app.url("/oauth2/token"))
            .header("origin", origin)
            .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
            .send()
    };
    let from_spa = token(spa).await.unwrap();
    assert_eq!(
        header(from_spa.headers(), "access-control-allow-origin"),
        spa
    );
    let from_elsewhere = token("https://evil.example").await.unwrap();
    assert!(
        from_elsewhere
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
