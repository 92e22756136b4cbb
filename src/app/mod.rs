//! Wiring: builds the application from settings (state, the OpenAPI service with its docs,
//! the middleware) and the worker process; the only layer that reads `Settings`.

mod adapters;
mod checks;
pub mod manage;
mod routes;
mod worker;

use std::{future::Future, io, num::NonZeroUsize, sync::Arc, time::Duration};

use deadpool_redis::CreatePoolError;
use migration::{Migrator, MigratorTrait};
use poem::{
    Server,
    endpoint::BoxEndpoint,
    listener::{Acceptor, Listener, TcpAcceptor, TcpListener},
};
use rdkafka::error::KafkaError;
use sea_orm::DbErr;
use secrecy::ExposeSecret;
use tokio::{sync::watch, task::JoinHandle};

use self::{
    adapters::{breach_check, email_verifier, mail_content, rate_limits, spawn_relay},
    routes::endpoint,
};
pub use self::{
    checks::PlaintextSmtpAuth,
    worker::{WorkerError, run_worker},
};
use crate::{
    config::{MetricsAddr, Settings},
    http::{AppState, Proxies, SharedState},
    infra::{
        db,
        mail::TemplateError,
        redis::SharedRedis,
        security::{HashError, HashGate, KeyError, PasswordHasher, TokenService},
        telemetry::{self, MetricsListener, ScrapeSources, metrics},
    },
    services::{mfa::Totp, sessions},
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to the database at {url}: {source}")]
    Database { url: String, source: DbErr },
    #[error("cannot apply migrations: {0}")]
    Migrate(DbErr),
    #[error("{0} pending migration(s): run `cargo run --bin migrate -- up` first")]
    PendingMigrations(usize),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("cannot set up password hashing: {0}")]
    Hasher(#[from] HashError),
    #[error("invalid REDIS_URL: {0}")]
    Redis(CreatePoolError),
    #[error("cannot set up the e-mail verifier: {0}")]
    EmailVerifier(String),
    #[error("cannot set up the breached-password lookup: {0}")]
    PwnedPasswords(String),
    #[error("invalid Kafka settings: {0}")]
    Kafka(KafkaError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: io::Error },
    #[error("a test seam ({0}) is not allowed with APP_ENV=production")]
    TestSeam(&'static str),
    #[error(transparent)]
    PlaintextSmtpAuth(#[from] PlaintextSmtpAuth),
    #[error(
        "MFA_ENCRYPTION_KEY must be set when APP_ENV=production (`id:` and 32 random bytes in \
         base64, e.g. `k1:$(openssl rand -base64 32)`): TOTP secrets are sealed with it"
    )]
    MissingMfaKey,
    #[error(
        "JWT_ISSUER must be set when APP_ENV=production, to the https URL clients reach this \
         service at (OpenID Connect's issuer: https://accounts.example.com)"
    )]
    MissingIssuer,
    #[error("JWT_ISSUER must be an https URL when APP_ENV=production (got {0})")]
    InsecureIssuer(String),
    #[error("invalid WEBAUTHN_* settings: {0}")]
    Passkeys(String),
    #[error(transparent)]
    Templates(#[from] TemplateError),
}

/// A bound, ready-to-serve application, its outbox relay already running.
pub struct Application {
    acceptor: TcpAcceptor,
    port: u16,
    endpoint: BoxEndpoint<'static>,
    shutdown_timeout: Duration,
    relay: JoinHandle<()>,
    stop_relay: watch::Sender<bool>,
    metrics: Option<(MetricsListener, ScrapeSources)>,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        checks::server(&settings)?;
        // Checked here even when the worker is the one sending (KAFKA_BROKERS set).
        let mail_content = mail_content(&settings)?;
        let totp = Totp {
            keys: checks::mfa_keys(&settings)?,
            issuer: settings.mfa.issuer.clone(),
        };
        let db = db::connect(settings.database.url(), settings.database.max_connections)
            .await
            .map_err(|source| StartupError::Database {
                url: db::redact_url(settings.database.url()),
                source,
            })?;
        if settings.is_production() {
            let pending = Migrator::get_pending_migrations(&db)
                .await
                .map_err(StartupError::Migrate)?;
            if !pending.is_empty() {
                return Err(StartupError::PendingMigrations(pending.len()));
            }
        } else {
            // Instances started together take turns; the later ones find nothing to apply.
            let lock = db::lock_migrations(settings.database.url())
                .await
                .map_err(StartupError::Migrate)?;
            let migrated = Migrator::up(&db, None).await;
            lock.release().await;
            migrated.map_err(StartupError::Migrate)?;
        }
        let issuer = checks::issuer(&settings)?;
        let tokens = TokenService::load(&settings.jwt, issuer, !settings.is_production())?;
        let (kind, cost) = (settings.password_hasher, settings.server.password_hash_cost);
        let gate = HashGate::new(
            // One core is left to requests: even at the lowest priority, hashes on every
            // core put a login storm's p99 on the reads at 10-30x (BENCHMARKS.md).
            settings.server.password_hash_concurrency.map_or_else(
                || std::thread::available_parallelism().map_or(1, |cores| cores.get() - 1),
                NonZeroUsize::get,
            ),
            settings.server.password_hash_queue,
            settings.server.password_hash_queue_timeout,
        );
        let hasher = tokio::task::spawn_blocking(move || PasswordHasher::new(kind, cost, gate))
            .await
            .map_err(|_| HashError::Lost)??;
        let (stop_relay, stopped) = watch::channel(false);
        let (relay, kafka) = spawn_relay(&settings, mail_content, db.clone(), stopped.clone())?;
        // Idempotent deletes: stopped with the relay, never awaited.
        tokio::spawn(sessions::run_pruner(
            db.clone(),
            settings.clock.clone(),
            settings.sessions.clone(),
            sessions::Retention {
                audit: settings.audit.clone(),
                new_sign_in: settings.new_sign_in.clone(),
            },
            stopped,
        ));
        let redis = match &settings.redis.url {
            Some(url) => Some(Arc::new(
                shared_redis(url.expose_secret(), settings.redis.timeout).await?,
            )),
            None => None,
        };
        let metrics = match settings.server.metrics_addr.or(MetricsAddr::API_DEFAULT) {
            Some(addr) => Some((
                bind_metrics(&addr, &settings).await?,
                ScrapeSources {
                    db: db.clone(),
                    outbox_clock: Some(settings.clock.clone()),
                },
            )),
            None => None,
        };
        let state = AppState::new(SharedState {
            single_statement_db: db::SingleStatementDb::new(&db, settings.database.max_connections),
            db,
            clock: settings.clock.clone(),
            tokens: Arc::new(tokens),
            sessions: settings.sessions.clone(),
            hasher: Arc::new(hasher),
            limits: Arc::new(rate_limits(&settings, redis.clone())),
            verifier: Arc::new(email_verifier(&settings, redis.clone())?),
            min_password_score: settings.server.password_min_score,
            breaches: Arc::new(breach_check(&settings)?),
            totp,
            passkeys: checks::passkeys(&settings)?,
            new_sign_in: settings.new_sign_in.clone(),
            require_verified_email: settings.email_verification.required,
            proxies: Proxies::new(
                &settings.server.trusted_proxies,
                settings.server.client_ip_header,
            ),
            redis,
            kafka,
            max_outbox_age: settings.server.readiness_max_outbox_age,
        });

        let addr = format!("{}:{}", settings.app.host, settings.app.port);
        let acceptor = TcpListener::bind(addr.clone())
            .into_acceptor()
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .unwrap_or(settings.app.port);
        Ok(Self {
            acceptor,
            port,
            endpoint: endpoint(state, &settings),
            shutdown_timeout: settings.server.shutdown_timeout,
            relay,
            stop_relay,
            metrics,
        })
    }

    /// The service's endpoint alone, for requests without a socket (the fuzz targets).
    #[cfg(any(test, fuzzing))]
    pub fn into_endpoint(self) -> BoxEndpoint<'static> {
        self.endpoint
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The metrics listener's port, when `METRICS_ADDR` sets one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(listener, _)| listener.port())
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish (bounded by the
    /// shutdown timeout), then stops the relay once its batch in hand is published.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let metrics = self
            .metrics
            .map(|(listener, sources)| tokio::spawn(listener.serve(sources)));
        let served = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(self.endpoint, shutdown, Some(self.shutdown_timeout))
            .await;
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        self.stop_relay.send_replace(true);
        if let Err(err) = self.relay.await {
            tracing::error!(error = %err, "the outbox relay failed");
        }
        served
    }
}

/// The shared Redis, connected now when it answers, so the first requests find the
/// connection open; when it does not, the limiter's outage policy applies on use.
async fn shared_redis(url: &str, timeout: Duration) -> Result<SharedRedis, StartupError> {
    let redis = SharedRedis::new(url, timeout).map_err(StartupError::Redis)?;
    if let Err(err) = redis.connect().await {
        tracing::warn!(error = %err, "Redis does not answer yet");
    }
    Ok(redis)
}

/// The metrics listener on `addr`; a taken address stops start-up, as the API's own does.
async fn bind_metrics(addr: &str, settings: &Settings) -> Result<MetricsListener, StartupError> {
    let role = metrics::Role::Api {
        delivers_email: settings.kafka.is_none(),
        checks_breaches: settings.pwned_passwords.is_some(),
    };
    MetricsListener::bind(addr, role)
        .await
        .map_err(|source| StartupError::Bind {
            addr: format!("{addr} for metrics ({})", MetricsAddr::REMEDY),
            source,
        })
}

/// For the long-running processes: the settings, with logging (and span export) set up as
/// they say, naming the process `service`; `None` after printing why they are invalid.
pub fn settings_with_logging(service: &'static str) -> Option<Settings> {
    let settings = Settings::from_env_or_report()?;
    let otlp = settings.server.otel_exporter_otlp_endpoint.as_deref();
    telemetry::init(settings.log_format(), otlp, service);
    Some(settings)
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
