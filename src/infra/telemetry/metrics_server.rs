//! The metrics listener (`METRICS_ADDR`): `GET /metrics` in Prometheus's text format, on
//! its own address so the public port never exposes it. Gauges that describe state (the
//! database pool, the outbox backlog) are read at scrape time.

use std::io;

use metrics_exporter_prometheus::PrometheusHandle;
use poem::{
    EndpointExt, Response, Route, Server, get, handler,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
    web::Data,
};
use sea_orm::DatabaseConnection;

use super::metrics;
use crate::infra::{clock::Clock, db, events::outbox};

/// What a scrape reads besides the recorded metrics.
#[derive(Clone)]
pub(crate) struct ScrapeSources {
    pub db: DatabaseConnection,
    /// The outbox backlog is reported by the API (whose relay drains it), timed by this clock.
    pub outbox_clock: Option<Clock>,
}

/// A bound metrics listener, not yet serving.
pub struct MetricsListener {
    acceptor: TcpAcceptor,
    port: u16,
}

impl MetricsListener {
    /// Binds `addr`, installs the process's recorder and registers `role`'s series.
    pub(crate) async fn bind(addr: &str, role: metrics::Role) -> io::Result<Self> {
        let acceptor = TcpListener::bind(addr.to_owned()).into_acceptor().await?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or_default();
        metrics::recorder();
        metrics::register(role);
        Ok(Self { acceptor, port })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves scrapes until the task is dropped.
    pub(crate) async fn serve(self, sources: ScrapeSources) -> io::Result<()> {
        let route = Route::new()
            .at("/metrics", get(scrape))
            .data(metrics::recorder())
            .data(sources);
        Server::new_with_acceptor(self.acceptor).run(route).await
    }
}

#[handler]
async fn scrape(
    Data(handle): Data<&PrometheusHandle>,
    Data(sources): Data<&ScrapeSources>,
) -> Response {
    let (size, idle) = db::pool_usage(&sources.db);
    metrics::db_pool(size, idle);
    if let Some(clock) = &sources.outbox_clock {
        match outbox::backlog(&sources.db, clock.now()).await {
            Ok((events, age)) => metrics::outbox_backlog(events, age),
            // The gauges keep their last value; the scrape still answers.
            Err(err) => tracing::warn!(error = %err, "cannot read the outbox backlog"),
        }
    }
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(handle.render())
}
