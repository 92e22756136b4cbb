//! `manage clients ...`: the OAuth client registry from the command line (the admin API's
//! `/api/v1/admin/clients` without an account), audited with the system as actor.

use chrono::Utc;
use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::{
    domain::FieldError,
    services::{
        audit::Provenance,
        oauth_clients::{self, Actor, Client, ClientSpec, RawClient, SecretError},
    },
};

/// The most clients `clients list` prints.
const LIST_LIMIT: u64 = 100;

#[derive(Debug, Subcommand)]
pub(super) enum ClientsCommand {
    /// Register a client and print its client_id (and a confidential client's secret, shown
    /// only this once).
    Create(NewClient),
    /// List clients in order of registration: client_id, name, type, first or third party,
    /// redirect URIs (tab-separated). At most 100.
    List,
    /// Show one client's registration.
    Show {
        /// The client's client_id.
        client_id: String,
    },
    /// Make a confidential client a new secret, printed only this once; the old one stops
    /// working at once.
    RotateSecret {
        /// The client's client_id.
        client_id: String,
    },
    /// Delete a client: it can no longer sign anyone in.
    Delete {
        /// The client's client_id.
        client_id: String,
    },
}

#[derive(Debug, Args)]
pub(super) struct NewClient {
    /// What users see on the consent page (1 to 100 characters).
    #[arg(long)]
    name: String,
    /// public (an SPA or a mobile app: PKCE only) or confidential (a server: a secret too).
    #[arg(long = "type", value_name = "TYPE")]
    client_type: String,
    /// An exact redirect URI (repeat for more): https, http on 127.0.0.1, [::1] or localhost
    /// (any port on the IP literals), or a private-use scheme such as com.example.app:/cb.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Where RP-initiated logout may send the browser back (repeat for more).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// A scope the client may ask for (repeat for more) [default: openid profile email].
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// A grant type it may use (repeat for more) [default: authorization_code
    /// refresh_token]; password only with --first-party.
    #[arg(long = "grant-type", value_name = "GRANT")]
    grant_types: Vec<String>,
    /// One of the team's own applications: no consent page, and the password grant allowed.
    #[arg(long)]
    first_party: bool,
}

/// Runs `command` on `conn`; `Err` is the one-line message for stderr.
pub(super) async fn run(
    command: ClientsCommand,
    conn: &DatabaseConnection,
    target: &str,
) -> Result<String, String> {
    let provenance = Provenance::none();
    let actor = Actor {
        account: None,
        provenance: &provenance,
        now: Utc::now(),
    };
    let db_error = |err: sea_orm::DbErr| format!("{target}: {err}");
    match command {
        ClientsCommand::Create(new) => {
            let spec = ClientSpec::parse(new.into_raw()).map_err(flag_errors)?;
            let (client, secret) = oauth_clients::register(conn, actor, spec)
                .await
                .map_err(db_error)?;
            let mut lines = vec![
                format!("registered {} client {:?}", client.client_type, client.name),
                format!("client_id: {}", client.client_id),
            ];
            if let Some(secret) = secret {
                lines.push(format!(
                    "client_secret: {} (shown only now: store it)",
                    secret.expose_secret()
                ));
            }
            Ok(lines.join("\n"))
        }
        ClientsCommand::List => {
            let clients = oauth_clients::list(conn, None, LIST_LIMIT + 1)
                .await
                .map_err(db_error)?;
            Ok(render_list(&clients))
        }
        ClientsCommand::Show { client_id } => {
            let id = parse_id(&client_id)?;
            let client = oauth_clients::find(conn, id).await.map_err(db_error)?;
            client
                .map(|client| render(&client))
                .ok_or_else(|| no_client(&client_id))
        }
        ClientsCommand::RotateSecret { client_id } => {
            let id = parse_id(&client_id)?;
            match oauth_clients::rotate_secret(conn, actor, id).await {
                Ok(secret) => Ok(format!(
                    "client_secret: {} (shown only now: store it; the old one no longer works)",
                    secret.expose_secret()
                )),
                Err(SecretError::NotFound) => Err(no_client(&client_id)),
                Err(SecretError::PublicClient) => {
                    Err(format!("client {client_id} is public: it has no secret"))
                }
                Err(SecretError::Db(err)) => Err(db_error(err)),
            }
        }
        ClientsCommand::Delete { client_id } => {
            let id = parse_id(&client_id)?;
            match oauth_clients::delete(conn, actor, id)
                .await
                .map_err(db_error)?
            {
                true => Ok(format!("deleted client {client_id}")),
                false => Err(no_client(&client_id)),
            }
        }
    }
}

impl NewClient {
    fn into_raw(self) -> RawClient {
        let given = |list: Vec<String>| (!list.is_empty()).then_some(list);
        RawClient {
            name: self.name,
            client_type: self.client_type,
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            allowed_scopes: given(self.scopes),
            grant_types: given(self.grant_types),
            first_party: self.first_party,
        }
    }
}

fn parse_id(client_id: &str) -> Result<Uuid, String> {
    client_id.parse().map_err(|_| no_client(client_id))
}

fn no_client(client_id: &str) -> String {
    format!("no client has the client_id {client_id:?}")
}

/// The registry's field errors named by the options that set them, on one line.
fn flag_errors(errors: Vec<FieldError>) -> String {
    let flag = |field: &str| match field {
        "client_type" => "--type",
        "redirect_uris" => "--redirect-uri",
        "post_logout_redirect_uris" => "--post-logout-redirect-uri",
        "allowed_scopes" => "--scope",
        "grant_types" => "--grant-type",
        "first_party" => "--first-party",
        _ => "--name",
    };
    let described: Vec<String> = errors
        .iter()
        .map(|error| format!("{}: {}", flag(&error.field), error.message))
        .collect();
    format!("invalid client: {}", described.join("; "))
}

fn render_list(clients: &[Client]) -> String {
    let shown = &clients[..clients.len().min(LIST_LIMIT as usize)];
    let mut lines: Vec<String> = shown
        .iter()
        .map(|client| {
            let party = if client.first_party {
                "first-party"
            } else {
                "third-party"
            };
            let uris: Vec<&str> = client
                .redirect_uris
                .iter()
                .map(|uri| uri.as_str())
                .collect();
            format!(
                "{}\t{}\t{}\t{party}\t{}",
                client.client_id,
                client.name,
                client.client_type,
                uris.join(",")
            )
        })
        .collect();
    if clients.is_empty() {
        lines.push("no clients are registered".to_owned());
    }
    if clients.len() > shown.len() {
        lines.push(format!("(only the first {LIST_LIMIT} clients are shown)"));
    }
    lines.join("\n")
}

fn render(client: &Client) -> String {
    let names = |items: Vec<&str>| match items.is_empty() {
        true => "-".to_owned(),
        false => items.join(" "),
    };
    [
        format!("client_id: {}", client.client_id),
        format!("name: {}", client.name),
        format!("type: {}", client.client_type),
        format!("first_party: {}", client.first_party),
        format!(
            "redirect_uris: {}",
            names(
                client
                    .redirect_uris
                    .iter()
                    .map(|uri| uri.as_str())
                    .collect()
            )
        ),
        format!(
            "post_logout_redirect_uris: {}",
            names(
                client
                    .post_logout_redirect_uris
                    .iter()
                    .map(|uri| uri.as_str())
                    .collect()
            )
        ),
        format!(
            "allowed_scopes: {}",
            names(
                client
                    .allowed_scopes
                    .iter()
                    .map(|scope| scope.as_str())
                    .collect()
            )
        ),
        format!(
            "grant_types: {}",
            names(
                client
                    .grant_types
                    .iter()
                    .map(|grant| grant.as_str())
                    .collect()
            )
        ),
        format!(
            "secret_set_at: {}",
            client
                .secret_set_at
                .map_or("-".to_owned(), |at| at.to_rfc3339())
        ),
        format!("created_at: {}", client.created_at.to_rfc3339()),
        format!("updated_at: {}", client.updated_at.to_rfc3339()),
    ]
    .join("\n")
}
