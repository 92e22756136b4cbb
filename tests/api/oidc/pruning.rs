//! The session pruner forgets pending authorization requests past their 10 minutes and
//! authorization codes an hour past their expiry.

use std::time::{Duration, Instant};

use accounts_api::infra::db::entities::{oauth_authorization_code, oauth_pending_request};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::{Browser, Rp, alice, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app_with};

both_backends!(the_pruner_forgets_expired_codes_and_pending_requests);

/// How many codes and pending requests are stored.
async fn stored(app: &TestApp) -> (u64, u64) {
    let db = app.db().await;
    let codes = oauth_authorization_code::Entity::find()
        .count(&db)
        .await
        .unwrap();
    let pending = oauth_pending_request::Entity::find()
        .count(&db)
        .await
        .unwrap();
    (codes, pending)
}

async fn the_pruner_forgets_expired_codes_and_pending_requests(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.sessions.prune_interval = Duration::from_millis(50);
    })
    .await;
    alice(&app).await;
    let rp = Rp::register(&app, json!({})).await;
    sign_in(
        &app,
        &mut Browser::new(),
        &Rp::url(&app, &rp.params("openid")),
    )
    .await;
    Browser::new()
        .get(&Rp::url(&app, &rp.params("openid")))
        .await;
    assert_eq!(stored(&app).await, (1, 1), "a code and a parked request");
    app.clock.advance(Duration::from_secs(2 * 3600));
    let deadline = Instant::now() + Duration::from_secs(60);
    let left = loop {
        let left = stored(&app).await;
        if left == (0, 0) || Instant::now() > deadline {
            break left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(left, (0, 0));
}
