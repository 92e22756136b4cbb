//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set, the real API exports its spans over OTLP/HTTP:
//! a collector of the test's own receives them, decoded with the OpenTelemetry protobufs.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use opentelemetry_proto::tonic::{
    collector::trace::v1::ExportTraceServiceRequest, common::v1::any_value, trace::v1::Span,
};
use poem::{
    EndpointExt, Response, Route, Server, handler,
    listener::{Acceptor, Listener, TcpListener},
    post,
    web::Data,
};
use prost::Message;
use serde_json::json;
use tokio::time::Instant;

use crate::{
    helpers::{PASSWORD, client},
    processes::Api,
};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

type Received = Arc<Mutex<Vec<Span>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_are_exported_in_the_callers_trace_when_an_endpoint_is_set() {
    let (collector, received) = collector().await;
    let api = Api::start(&[
        ("METRICS_ADDR", "off".into()),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{collector}"),
        ),
        // The batch goes out every 200 ms instead of every 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "200".into()),
    ])
    .await;

    let user = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD});
    let created = client()
        .post(api.url("/api/v1/users"))
        .header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN}-01"))
        .json(&user)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    // The request's span, and the e-mail deliveries it caused (in-process here), all in the
    // caller's trace.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (request, emails) = loop {
        let spans: Vec<Span> = received
            .lock()
            .unwrap()
            .iter()
            .filter(|s| hex::encode(&s.trace_id) == TRACE_ID)
            .cloned()
            .collect();
        let request = spans
            .iter()
            .find(|s| s.name == "request" && attribute(s, "operation") == Some("createUser"))
            .cloned();
        let emails: Vec<Span> = spans.into_iter().filter(|s| s.name == "email").collect();
        if let Some(request) = request.filter(|_| emails.len() == 2) {
            break (request, emails);
        }
        assert!(
            Instant::now() < deadline,
            "spans so far: {:?}",
            received.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(hex::encode(&request.parent_span_id), CALLER_SPAN);
    assert!(attribute(&request, "request_id").is_some_and(|id| !id.is_empty()));
    for email in &emails {
        assert_eq!(
            attribute(email, "request_id"),
            attribute(&request, "request_id")
        );
        assert_eq!(attribute(email, "trace_id"), Some(TRACE_ID));
    }
}

/// A string attribute of `span`.
fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a str> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| {
        match a.value.as_ref()?.value.as_ref()? {
            any_value::Value::StringValue(value) => Some(value.as_str()),
            _ => None,
        }
    })
}

/// An OTLP/HTTP collector on a free port: every span it is sent.
async fn collector() -> (u16, Received) {
    let received = Received::default();
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    let route = Route::new()
        .at("/v1/traces", post(export))
        .data(received.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(route));
    (port, received)
}

#[handler]
fn export(body: bytes::Bytes, Data(received): Data<&Received>) -> Response {
    let request = ExportTraceServiceRequest::decode(body.as_ref()).expect("an OTLP protobuf");
    let spans = request
        .resource_spans
        .into_iter()
        .flat_map(|r| r.scope_spans)
        .flat_map(|s| s.spans);
    received.lock().unwrap().extend(spans);
    // An empty ExportTraceServiceResponse: everything accepted.
    Response::builder()
        .content_type("application/x-protobuf")
        .body(Vec::new())
}
