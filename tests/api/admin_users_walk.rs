//! `GET /api/v1/admin/users`: a walk through every page sees every account exactly once
//! while others sign up.

use std::{collections::HashSet, sync::Arc};

use accounts_api::infra::db::entities::user;
use chrono::TimeDelta;
use sea_orm::EntityTrait;
use tokio::sync::watch;
use uuid::Uuid;

use crate::{
    admin_users::spawn_unlimited,
    admin_users_pagination::{MAX_PAGES, account, insert, list, position},
    helpers::{Backend, PASSWORD, expect_json},
};

mod every_account_is_walked_once_while_others_sign_up {
    use crate::helpers::Backend;

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite() {
        super::every_account_is_walked_once_while_others_sign_up(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::every_account_is_walked_once_while_others_sign_up(Backend::Postgres).await;
    }
}

const SEEDED: i64 = 250;
const SIGN_UPS: usize = 60;

async fn every_account_is_walked_once_while_others_sign_up(backend: Backend) {
    let app = Arc::new(spawn_unlimited(backend).await);
    let (root, admin) = app.admin().await;
    // Around the clock's time, pairs sharing a timestamp: the accounts that sign up during
    // the walk (at the clock's time, as the administrator did) land among them, past the
    // first page: those that sign up before the walk passes them are seen, the others not.
    let now = position(&root).0;
    let seeds = (0..SEEDED)
        .map(|i| {
            let name = format!("seed{i:03}");
            let at = now + TimeDelta::seconds(i / 2 - SEEDED / 4);
            account(&name, &format!("{name}@example.com"), at)
        })
        .collect();
    insert(&app, seeds).await;
    let db = app.db().await;
    let before: HashSet<Uuid> = user::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|account| account.id)
        .collect();
    db.close().await.ok();
    assert_eq!(before.len(), 251);

    let (progress, mut signed_up) = watch::channel(0);
    let signer = tokio::spawn({
        let app = app.clone();
        async move {
            for i in 1..=SIGN_UPS {
                let (name, email) = (format!("new{i:03}"), format!("new{i:03}@example.com"));
                expect_json(app.register(&name, &email, PASSWORD).await, 201).await;
                progress.send_replace(i);
            }
        }
    });
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        assert!(pages < MAX_PAGES, "no last page after {pages} pages");
        // Each page is read after at least one more sign-up, while others go on.
        let last = *signed_up.borrow_and_update();
        signed_up
            .wait_for(|&n| n > last || n == SIGN_UPS)
            .await
            .unwrap();
        let mut query = vec![("limit", "100")];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor.as_str()));
        }
        let page = list(&app, &admin, &query).await;
        pages += 1;
        seen.extend(page["items"].as_array().unwrap().iter().map(position));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    signer.await.unwrap();

    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "in (created_at, id) order, no repeats"
    );
    let walked: HashSet<Uuid> = seen.iter().map(|(_, id)| *id).collect();
    let missed: Vec<_> = before.difference(&walked).collect();
    assert!(missed.is_empty(), "accounts missed: {missed:?}");
    assert!(
        walked.len() > before.len(),
        "those signed up ahead of the walk are seen too"
    );
    assert!(
        pages >= 3,
        "{pages} pages of 100 for {} accounts",
        seen.len()
    );
}
