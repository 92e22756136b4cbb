//! Spawning the real application against a fresh database, and the small vocabulary the
//! tests share: requests, JSON bodies, problem documents, users, forged tokens.

mod assertions;
mod db_proxy;
mod requests;
mod tokens;

pub use assertions::*;
pub use db_proxy::DbProxy;
pub use requests::*;
pub use tokens::*;

use std::{path::PathBuf, sync::LazyLock, time::Duration};

use accounts_api::{
    app::Application,
    config::{
        AppEnv, AppSettings, DatabaseSettings, JwtSettings, MetricsAddr, PasskeySettings,
        ServerSettings, Settings,
    },
    infra::{
        clock::{Clock, ManualClock},
        security::{HasherKind, KeyPair, SigningAlgorithm},
    },
};
use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;
use uuid::Uuid;

/// Runs one flow on SQLite and on PostgreSQL: `both_backends!(flow_a, flow_b);` turns each
/// `async fn flow_a(backend: Backend)` of the calling module into `flow_a::sqlite` and
/// `flow_a::postgres` tests.
macro_rules! both_backends {
    ($($flow:ident),+ $(,)?) => {$(
        mod $flow {
            use crate::helpers::Backend;

            #[tokio::test]
            async fn sqlite() {
                super::$flow(Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::$flow(Backend::Postgres).await;
            }
        }
    )+};
}

/// The password every test user gets unless a test says otherwise.
pub const PASSWORD: &str = "correct-horse-battery";
/// `JWT_ISSUER` of test apps (`spawn_app_at_issuer` gives an app its own address instead).
pub const ISSUER: &str = "https://accounts.example.com";
pub const AUDIENCE: &str = "accounts-api";
pub const PROBLEM_JSON: &str = "application/problem+json";
/// The web origin passkey ceremonies run on in tests (`WEBAUTHN_ORIGINS`).
pub const PASSKEY_ORIGIN: &str = "https://accounts.example.com";

const POSTGRES_SERVER: &str = "postgres://postgres@127.0.0.1:5432";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one JWT key pair of this test binary, on disk for the app and in memory for forging.
pub struct TestKeys {
    _dir: TempDir,
    pub private_key_path: PathBuf,
    pub public_key_path: PathBuf,
    pub private_pem: String,
    pub public_pem: String,
}

pub static KEYS: LazyLock<TestKeys> = LazyLock::new(|| {
    let pair = KeyPair::generate(SigningAlgorithm::Rs256).expect("generate the test RSA key pair");
    let dir = TempDir::new().expect("create a temp dir for the test keys");
    let private_key_path = dir.path().join("jwt-private.pem");
    let public_key_path = dir.path().join("jwt-public.pem");
    std::fs::write(&private_key_path, &pair.private_pem).expect("write the private key");
    std::fs::write(&public_key_path, &pair.public_pem).expect("write the public key");
    TestKeys {
        _dir: dir,
        private_key_path,
        public_key_path,
        private_pem: pair.private_pem,
        public_pem: pair.public_pem,
    }
});

/// Settings for a test app on `database_url`: random port, the fast test hasher, the test
/// keys, the system clock (`spawn_app_with` gives the app a manual one).
pub fn test_settings(database_url: &str) -> Settings {
    let defaults = Settings::default();
    Settings {
        app: AppSettings {
            env: AppEnv::Test,
            host: "127.0.0.1".into(),
            port: 0,
        },
        database: DatabaseSettings {
            url: Some(database_url.into()),
            ..defaults.database
        },
        server: ServerSettings {
            password_hash_cost: 4,
            // A request deadline no busy machine reaches (hashes run at the lowest CPU
            // priority); `stalled_database` tests the deadline itself.
            request_timeout: Duration::from_secs(600),
            // One listener per process at most; the metrics tests ask for theirs.
            metrics_addr: MetricsAddr::Off,
            ..defaults.server
        },
        password_hasher: HasherKind::Fast,
        // The software authenticator of the passkey tests signs for this origin.
        webauthn: PasskeySettings {
            origins: vec![webauthn_rs::prelude::Url::parse(PASSKEY_ORIGIN).unwrap()],
            ..defaults.webauthn
        },
        jwt: JwtSettings {
            private_key_path: KEYS.private_key_path.clone(),
            public_key_path: KEYS.public_key_path.clone(),
            issuer: Some(ISSUER.into()),
            ..defaults.jwt
        },
        ..defaults
    }
}

/// A fresh database that disappears with the `TestApp`.
enum TestDb {
    /// Kept only to delete the database with the app.
    Sqlite {
        _dir: TempDir,
    },
    Postgres(String),
    /// Another `TestApp`'s database (see `second_instance`): that app deletes it.
    Shared,
}

pub struct TestApp {
    pub address: String,
    /// The app's clock: it stands still until a test moves it.
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub database_url: String,
    db: TestDb,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (db, database_url) = match backend {
        Backend::Sqlite => {
            let dir = TempDir::new().expect("create a temp dir for the SQLite database");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("app.db").display());
            (TestDb::Sqlite { _dir: dir }, url)
        }
        Backend::Postgres => {
            let name = format!("test_{}", Uuid::now_v7().simple());
            admin_execute(&format!(r#"CREATE DATABASE "{name}""#)).await;
            let url = format!("{POSTGRES_SERVER}/{name}");
            (TestDb::Postgres(name), url)
        }
    };
    let clock = ManualClock::default();
    let mut settings = test_settings(&database_url);
    settings.clock = Clock::Manual(clock.clone());
    configure(&mut settings);
    start(settings, clock, db).await
}

/// An app whose `JWT_ISSUER` is its own address (`http://127.0.0.1:<port>`), as a relying
/// party that discovers it by URL needs: a free port is chosen before the app binds it (as
/// the process tests do).
pub async fn spawn_app_at_own_issuer(backend: Backend) -> TestApp {
    spawn_app_at_own_issuer_with(backend, |_| {}).await
}

/// `spawn_app_at_own_issuer` with settings of the test's (`configure` runs last).
pub async fn spawn_app_at_own_issuer_with(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let port = crate::processes::free_port();
    spawn_app_with(backend, |s| {
        s.app.port = port;
        s.jwt.issuer = Some(format!("http://127.0.0.1:{port}"));
        configure(s);
    })
    .await
}

/// Builds and serves the app with `settings` (whose clock is `clock`).
async fn start(settings: Settings, clock: ManualClock, db: TestDb) -> TestApp {
    let database_url = settings.database.url().to_owned();
    let app = Application::build(settings)
        .await
        .unwrap_or_else(|e| panic!("the app failed to start on {database_url}: {e}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address,
        clock,
        client: client(),
        database_url,
        db,
        server,
    }
}

/// Serves `routes` on a free port of 127.0.0.1 in the background (a fake outside service);
/// the port.
pub async fn serve_on_free_port(routes: impl poem::Endpoint + 'static) -> u16 {
    use poem::listener::{Acceptor, Listener, TcpListener};
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind a free port");
    let port = acceptor.local_addr()[0]
        .as_socket_addr()
        .expect("a TCP address")
        .port();
    tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(routes));
    port
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("build the HTTP client")
}

/// Drops the PostgreSQL database `name`, ending whatever sessions still use it (a pool that
/// was dropped closes its connections in the background, so they may still be there).
pub async fn force_drop_database(name: &str) {
    admin_execute(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
}

/// Runs one statement on the PostgreSQL server's maintenance database.
async fn admin_execute(sql: &str) {
    let url = format!("{POSTGRES_SERVER}/postgres");
    let conn = Database::connect(&url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required at {url} (user postgres, trust auth); start it with \
             scripts/services-up.sh postgres: {e}"
        )
    });
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
    conn.close().await.ok();
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        if let TestDb::Postgres(name) = &self.db {
            let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
            // Our own runtime on our own thread: Drop cannot await, and this one may be
            // unwinding from a failed assertion.
            let dropped = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a runtime to drop the test database")
                    .block_on(admin_execute(&sql));
            })
            .join();
            if dropped.is_err() && !std::thread::panicking() {
                panic!("could not drop the test database {name}");
            }
        }
    }
}
