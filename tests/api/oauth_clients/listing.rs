//! `GET /api/v1/admin/clients`: every client a page at a time, oldest first by
//! `(created_at, client_id)`, and the paging parameters refused naming them.

use std::time::Duration;

use accounts_api::infra::db::entities::oauth_client;
use chrono::TimeDelta;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use super::{CLIENT_FIELDS, CLIENTS, created, id_of, server, spa, writer};
use crate::{
    admin_users::spawn_unlimited,
    helpers::{Backend, TestApp, assert_problem, error_fields, expect_json, field_names},
};

both_backends!(
    clients_are_listed_oldest_first_a_page_at_a_time,
    bad_paging_parameters_are_refused_naming_them,
);

async fn page(app: &TestApp, token: &str, query: &[(&str, &str)]) -> Value {
    let response = app
        .client
        .get(app.url(CLIENTS))
        .query(query)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    expect_json(response, 200).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(id_of)
        .collect()
}

/// A client row registered at `created_at`, straight in the database.
async fn insert_registered_at(app: &TestApp, created_at: chrono::DateTime<chrono::Utc>) -> String {
    let db = app.db().await;
    let id = Uuid::now_v7();
    oauth_client::ActiveModel {
        id: Set(id),
        name: Set("Legacy".into()),
        client_type: Set("public".into()),
        secret_hash: Set(None),
        secret_set_at: Set(None),
        redirect_uris: Set("https://legacy.example.com/cb".into()),
        post_logout_redirect_uris: Set(String::new()),
        allowed_scopes: Set("openid".into()),
        grant_types: Set("authorization_code".into()),
        first_party: Set(false),
        created_at: Set(created_at),
        updated_at: Set(created_at),
    }
    .insert(&db)
    .await
    .expect("insert a client");
    db.close().await.ok();
    id.to_string()
}

async fn clients_are_listed_oldest_first_a_page_at_a_time(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;
    assert_eq!(page(&app, &token, &[]).await["next_cursor"], Value::Null);
    let mut registered = Vec::new();
    for body in [spa(), server(), spa()] {
        registered.push(id_of(&created(&app, &token, &body).await["client"]));
        app.clock.advance(Duration::from_secs(1));
    }
    // The newest id but the oldest registration: the list runs by `created_at` first.
    let oldest = app.clock.now() - TimeDelta::days(1);
    registered.insert(0, insert_registered_at(&app, oldest).await);

    let first = page(&app, &token, &[("limit", "3")]).await;
    assert_eq!(field_names(&first), ["items", "next_cursor"]);
    for item in first["items"].as_array().unwrap() {
        assert_eq!(field_names(item), CLIENT_FIELDS);
    }
    assert_eq!(
        first["items"][0]["post_logout_redirect_uris"],
        serde_json::json!([])
    );
    let cursor = first["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let second = page(&app, &token, &[("limit", "3"), ("cursor", &cursor)]).await;
    assert_eq!(second["next_cursor"], Value::Null);
    let walked: Vec<String> = ids(&first).into_iter().chain(ids(&second)).collect();
    assert_eq!(walked, registered);
    assert_eq!(ids(&second).len(), 1);
    // The default page holds them all.
    assert_eq!(ids(&page(&app, &token, &[]).await), registered);
}

async fn bad_paging_parameters_are_refused_naming_them(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=many", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ] {
        let path = format!("{CLIENTS}?{query}");
        let response = app.call(Method::GET, &path, &token, None).await;
        let problem = assert_problem(response, 422, "validation").await;
        assert_eq!(error_fields(&problem), [field], "{query}");
    }
}
