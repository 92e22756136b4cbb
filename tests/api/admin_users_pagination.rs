//! `GET /api/v1/admin/users`: every account a page at a time in creation order (keyset
//! pagination), the filters, the parameters refused.

use accounts_api::infra::db::entities::user::{self, PasswordHash};
use chrono::{DateTime, TimeDelta, Utc};
use reqwest::{Method, Response};
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    admin_users::{id_of, spawn_unlimited},
    helpers::{Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, field_names},
};

both_backends!(
    a_page_is_lean_in_creation_order_and_twenty_long_by_default,
    the_login_prefix_is_literal_and_in_any_case,
    accounts_are_filtered_by_state_and_creation_time,
    bad_parameters_are_refused_naming_them,
);

/// Never checked: these accounts never log in.
const FAKE_HASH: &str = "$2b$04$aaaaaaaaaaaaaaaaaaaaaOaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// An account row as sign-up writes it, created at `created_at`, without hashing anything.
pub(crate) fn account(username: &str, email: &str, created_at: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username.to_owned()),
        email: Set(email.to_owned()),
        password_hash: Set(PasswordHash(FAKE_HASH.to_owned())),
        email_verified: Set(false),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        disabled_at: Set(None),
        locale: Set(None),
    }
}

/// Inserts the rows straight into the database, in one statement.
pub(crate) async fn insert(app: &TestApp, rows: Vec<user::ActiveModel>) {
    let db = app.db().await;
    user::Entity::insert_many(rows)
        .exec_without_returning(&db)
        .await
        .expect("insert the accounts");
    db.close().await.ok();
}

async fn list_response(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Response {
    app.client
        .get(app.url("/api/v1/admin/users"))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .expect("GET /api/v1/admin/users")
}

/// One page, asserting 200.
pub(crate) async fn list(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    expect_json(list_response(app, token, query).await, 200).await
}

fn usernames(page: &Value) -> Vec<&str> {
    let items = page["items"].as_array().expect("items");
    items
        .iter()
        .map(|i| i["username"].as_str().unwrap())
        .collect()
}

/// More pages than any walk here needs: a cursor that fails to advance fails the test.
pub(crate) const MAX_PAGES: usize = 50;

/// The usernames of every page with `query`, `limit` at a time.
async fn walk(app: &TestApp, token: &str, query: &[(&str, &str)], limit: &str) -> Vec<String> {
    let (mut names, mut cursor) = (Vec::new(), None::<String>);
    for _ in 0..MAX_PAGES {
        let mut params = query.to_vec();
        params.push(("limit", limit));
        if let Some(cursor) = &cursor {
            params.push(("cursor", cursor.as_str()));
        }
        let page = list(app, token, &params).await;
        names.extend(usernames(&page).into_iter().map(str::to_owned));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return names,
        }
    }
    panic!("no last page after {MAX_PAGES} pages: {names:?}");
}

/// Where an account stands in the list: `(created_at, id)`.
pub(crate) fn position(item: &Value) -> (DateTime<Utc>, Uuid) {
    let created = item["created_at"].as_str().expect("created_at");
    let created = DateTime::parse_from_rfc3339(created).expect("RFC 3339");
    (created.with_timezone(&Utc), id_of(item))
}

async fn a_page_is_lean_in_creation_order_and_twenty_long_by_default(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    // Inserted newest first, pairs sharing a timestamp: the order is by time, then by id.
    let base = Utc::now() - TimeDelta::days(1);
    let seeds: Vec<_> = (0..25)
        .rev()
        .map(|i| {
            let name = format!("user{i:02}");
            let at = base + TimeDelta::seconds(i / 2);
            account(&name, &format!("{name}@example.com"), at)
        })
        .collect();
    let mut expected: Vec<_> = seeds
        .iter()
        .map(|s| {
            (
                s.created_at.clone().unwrap(),
                s.id.clone().unwrap(),
                s.username.clone().unwrap(),
            )
        })
        .collect();
    expected.sort();
    let mut expected: Vec<String> = expected.into_iter().map(|(_, _, name)| name).collect();
    expected.push("root_admin".into());
    insert(&app, seeds).await;

    let first = list(&app, &admin, &[]).await;

    assert_eq!(usernames(&first), expected[..20]);
    let item = &first["items"][0];
    let lean = [
        "created_at",
        "disabled",
        "disabled_at",
        "email",
        "email_verified",
        "id",
        "locale",
        "updated_at",
        "username",
    ];
    assert_eq!(field_names(item), lean, "{item}");
    assert_eq!(
        (&item["disabled"], &item["disabled_at"]),
        (&json!(false), &Value::Null)
    );
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = list(&app, &admin, &[("cursor", cursor)]).await;
    assert_eq!(usernames(&second), expected[20..]);
    assert_eq!(second["next_cursor"], Value::Null, "the last page");
    let all = list(&app, &admin, &[("limit", "100")]).await;
    assert_eq!(usernames(&all), expected);
    assert_eq!(all["next_cursor"], Value::Null);
    assert_eq!(walk(&app, &admin, &[], "7").await, expected, "pages of 7");
}

async fn the_login_prefix_is_literal_and_in_any_case(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    let at = Utc::now();
    let seeds = [
        ("a_b", "first@example.com"),
        ("axb", "second@example.com"),
        ("MixedCase", "mixed@example.com"),
        ("carol", "100%@example.com"),
        ("dave", "100x@example.com"),
    ];
    insert(
        &app,
        seeds
            .iter()
            .map(|(name, email)| account(name, email, at))
            .collect(),
    )
    .await;

    let cases: [(&str, &[&str]); 8] = [
        ("A_", &["a_b"]),
        ("mixedc", &["MixedCase"]),
        ("MIXED", &["MixedCase"]),
        ("100%", &["carol"]),
        ("100", &["carol", "dave"]),
        ("SECOND@EX", &["axb"]),
        ("%", &[]),
        ("nobody\0", &[]),
    ];
    for (q, expected) in cases {
        let page = list(&app, &admin, &[("q", q)]).await;
        let mut names = usernames(&page);
        names.sort_unstable();
        assert_eq!(names, expected, "q={q:?}");
    }
}

/// Query parameters, and the usernames listed with them.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

async fn accounts_are_filtered_by_state_and_creation_time(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    let mut ids = Vec::new();
    for name in ["cc1", "cc2", "cc3"] {
        app.clock.advance(std::time::Duration::from_secs(60));
        let email = format!("{name}@example.com");
        ids.push(id_of(
            &expect_json(app.register(name, &email, PASSWORD).await, 201).await,
        ));
    }
    for (id, change) in [
        (ids[0], json!({"email_verified": true})),
        (ids[1], json!({"disabled": true})),
    ] {
        let path = format!("/api/v1/admin/users/{id}");
        let response = app.call(Method::PATCH, &path, &admin, Some(&change)).await;
        assert_eq!(response.status(), 200);
    }
    // The stored times, as the list reports them (PostgreSQL keeps microseconds).
    let all = list(&app, &admin, &[]).await;
    let created = |name: &str| {
        let items = all["items"].as_array().unwrap();
        let item = items.iter().find(|i| i["username"] == name).unwrap();
        item["created_at"].as_str().unwrap().to_owned()
    };
    let (c1, c3) = (created("cc1"), created("cc3"));
    let (c1, c3) = (c1.as_str(), c3.as_str());

    let cases: [Case; 9] = [
        (&[("email_verified", "true")], &["cc1"]),
        (
            &[("email_verified", "false")],
            &["root_admin", "cc2", "cc3"],
        ),
        (&[("disabled", "true")], &["cc2"]),
        (&[("disabled", "false")], &["root_admin", "cc1", "cc3"]),
        (&[("created_after", c1)], &["cc2", "cc3"]),
        (&[("created_before", c3)], &["root_admin", "cc1", "cc2"]),
        (&[("created_after", c1), ("created_before", c3)], &["cc2"]),
        (&[("disabled", "false"), ("created_after", c1)], &["cc3"]),
        (&[("q", "C"), ("email_verified", "false")], &["cc2", "cc3"]),
    ];
    for (query, expected) in cases {
        assert_eq!(
            usernames(&list(&app, &admin, query).await),
            expected,
            "{query:?}"
        );
        assert_eq!(
            walk(&app, &admin, query, "1").await,
            expected,
            "{query:?}, pages of 1"
        );
    }
}

async fn bad_parameters_are_refused_naming_them(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, admin) = app.admin().await;
    let long = "a".repeat(255);
    let cases = [
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "ten"),
        ("cursor", "garbage!"),
        ("cursor", "MTIzLm5vdC1hLXV1aWQ"),
        ("email_verified", "maybe"),
        ("disabled", "2"),
        ("created_after", "yesterday"),
        ("created_before", "2026-13-01T00:00:00Z"),
        ("q", long.as_str()),
    ];
    for (name, value) in cases {
        let response = list_response(&app, &admin, &[(name, value)]).await;
        let problem = assert_problem(response, 422, "validation").await;
        assert_eq!(error_fields(&problem), [name], "{name}={value}: {problem}");
    }
    let page = list(&app, &admin, &[("limit", "100")]).await;
    assert_eq!(usernames(&page), ["root_admin"]);
}
