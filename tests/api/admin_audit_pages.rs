//! `GET /api/v1/admin/audit`, page after page: newest first by time then id, no event twice
//! and none skipped however the trail grows meanwhile, narrowed by actor (an account or
//! `system`), target and action, each filter paging like the whole trail.

use std::time::Duration;

use accounts_api::infra::db::entities::audit_event;
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    admin_audit::{ids, page, spawn},
    helpers::{Backend, TestApp},
};

both_backends!(
    pages_walk_the_trail_newest_first_without_duplicates_or_gaps,
    events_are_filtered_by_actor_target_and_action,
);

/// The ids of `rows`, newest first, as the API orders them.
fn newest_first(mut rows: Vec<audit_event::Model>) -> Vec<String> {
    rows.sort_by_key(|row| std::cmp::Reverse((row.occurred_at, row.id)));
    rows.iter().map(|row| row.id.to_string()).collect()
}

/// Writes an audit row straight into the table, as the app would.
async fn insert(app: &TestApp, row: audit_event::ActiveModel) {
    let db = app.db().await;
    row.insert(&db).await.expect("insert an audit row");
    db.close().await.ok();
}

/// A row by the system (no actor, no request) on `target`.
fn system_row(
    id: Uuid,
    at: DateTime<Utc>,
    action: &str,
    target: Option<Uuid>,
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: Set(id),
        occurred_at: Set(at),
        actor_id: Set(None),
        action: Set(action.to_owned()),
        target_id: Set(target),
        ip: Set(None),
        request_id: Set(None),
        detail: Set(json!({"permission": "audit:read"})),
    }
}

async fn pages_walk_the_trail_newest_first_without_duplicates_or_gaps(backend: Backend) {
    let app = spawn(backend).await;
    let (_, auditor) = app.account_with("auditor", &["audit:read"]).await;
    // 45 older events, in threes sharing an instant (the id breaks the tie), their ids in
    // another order than their times.
    let start = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap()
        - TimeDelta::hours(1);
    for i in 0..45_u32 {
        let id = Uuid::from_u128((u128::from(i * 17 % 45) << 64) | 0x7000_8000_0000_0000);
        let at = start + TimeDelta::seconds(i64::from(i / 3));
        insert(&app, system_row(id, at, "permission.granted", None)).await;
    }
    let expected = newest_first(app.audit_rows().await);
    assert_eq!(
        expected.len(),
        47,
        "the auditor's sign-up and login, and ours"
    );

    let first = page(&app, "", &auditor).await;
    assert_eq!(ids(&first), expected[..20], "20 by default");
    let mut seen = Vec::new();
    let mut query = "limit=7".to_owned();
    let mut pages = 0;
    loop {
        let body = page(&app, &query, &auditor).await;
        pages += 1;
        seen.extend(ids(&body));
        if pages == 1 {
            // An event recorded meanwhile is newer than every page still to come.
            app.clock.advance(Duration::from_secs(1));
            assert_eq!(app.login("auditor", "wrong-password").await.status(), 401);
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => query = format!("limit=7&cursor={cursor}"),
            None => {
                assert_eq!(body["items"].as_array().map(Vec::len), Some(5), "{body}");
                break;
            }
        }
    }
    assert_eq!(pages, 7);
    assert_eq!(seen, expected);
    let now = page(&app, "limit=1", &auditor).await;
    assert_eq!(now["items"][0]["action"], "login.failed", "{now}");
    assert_eq!(
        page(&app, "limit=100", &auditor).await["next_cursor"],
        Value::Null
    );
}

async fn events_are_filtered_by_actor_target_and_action(backend: Backend) {
    let app = spawn(backend).await;
    let (auditor, token) = app
        .account_with("auditor", &["audit:read", "users:read", "users:write"])
        .await;
    let auditor: Uuid = auditor["id"].as_str().unwrap().parse().unwrap();
    let (bob, _) = app.account_with("bob", &[]).await;
    let bob: Uuid = bob["id"].as_str().unwrap().parse().unwrap();
    let path = format!("/api/v1/admin/users/{bob}/permissions/users:read");
    assert_eq!(
        app.call(Method::PUT, &path, &token, None).await.status(),
        204
    );
    assert_eq!(app.login("bob", "wrong-password").await.status(), 401);
    let system = Uuid::now_v7();
    let latest = app.audit_rows().await.last().unwrap().occurred_at;
    let row = system_row(
        system,
        latest + TimeDelta::seconds(1),
        "permission.granted",
        Some(bob),
    );
    insert(&app, row).await;
    let rows = app.audit_rows().await;

    let matching = |keep: &dyn Fn(&audit_event::Model) -> bool| {
        newest_first(rows.iter().filter(|row| keep(row)).cloned().collect())
    };
    let cases: [(String, Vec<String>); 6] = [
        (
            format!("actor={auditor}"),
            matching(&|r| r.actor_id == Some(auditor)),
        ),
        ("actor=system".into(), matching(&|r| r.actor_id.is_none())),
        (
            format!("target={bob}"),
            matching(&|r| r.target_id == Some(bob)),
        ),
        (
            "action=permission.granted".into(),
            matching(&|r| r.action == "permission.granted"),
        ),
        (
            "actor=system&action=permission.granted".into(),
            vec![system.to_string()],
        ),
        (format!("actor={}", Uuid::now_v7()), Vec::new()),
    ];
    for (query, expected) in cases {
        let body = page(&app, &format!("{query}&limit=100"), &token).await;
        assert_eq!(ids(&body), expected, "{query}: {body}");
    }
    let by_system = page(&app, "actor=system&limit=100", &token).await;
    assert_eq!(
        by_system["items"].as_array().map(Vec::len),
        Some(2),
        "{by_system}"
    );
    for event in by_system["items"].as_array().unwrap() {
        assert_eq!(
            (&event["actor_type"], &event["actor_id"]),
            (&json!("system"), &Value::Null)
        );
    }
    let inserted = &by_system["items"][0];
    assert_eq!(inserted["id"], system.to_string());
    assert_eq!(
        (&inserted["ip"], &inserted["request_id"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(inserted["detail"], json!({"permission": "audit:read"}));
    let failed = &by_system["items"][1];
    assert_eq!(failed["action"], "login.failed");
    assert_eq!(failed["target_id"], bob.to_string());
    assert_eq!(failed["detail"], json!({"reason": "invalid_credentials"}));

    // A filter pages like the whole trail.
    let signups = matching(&|r| r.action == "user.signed_up");
    let first = page(&app, "action=user.signed_up&limit=1", &token).await;
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = page(
        &app,
        &format!("action=user.signed_up&limit=1&cursor={cursor}"),
        &token,
    )
    .await;
    assert_eq!([ids(&first), ids(&second)].concat(), signups);
    assert_eq!(second["next_cursor"], Value::Null);
}
