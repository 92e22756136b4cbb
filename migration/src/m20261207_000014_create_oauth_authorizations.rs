use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A browser session is a `sessions` row with a cookie: `browser_token_hash` is the SHA-256
/// of the cookie's value (NULL for API sessions). A session opened by exchanging an
/// authorization code names its client and the scopes granted, which every refresh keeps.
#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    BrowserTokenHash,
    ClientId,
    Scopes,
}

/// Authorization codes (RFC 6749 §4.1), stored as their SHA-256: single use, 60 seconds,
/// bound to the client, the redirect URI and the PKCE challenge. `issued_session_id` is the
/// session the exchange opened, so a replayed code can end it.
#[derive(DeriveIden)]
enum OauthAuthorizationCodes {
    Table,
    CodeHash,
    ClientId,
    UserId,
    SessionId,
    RedirectUri,
    Scopes,
    Nonce,
    CodeChallenge,
    AuthTime,
    CreatedAt,
    ExpiresAt,
    RedeemedAt,
    IssuedSessionId,
}

/// The scopes an account granted a third-party client, remembered so consent is asked once.
#[derive(DeriveIden)]
enum OauthConsents {
    Table,
    UserId,
    ClientId,
    Scopes,
    GrantedAt,
}

/// An authorization request waiting for its sign-in or consent page, kept server-side by
/// the SHA-256 of its handle, with the SHA-256 of its pages' CSRF token; short-lived.
#[derive(DeriveIden)]
enum OauthPendingRequests {
    Table,
    HandleHash,
    ClientId,
    Request,
    CsrfHash,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
}

/// The foreign key from `table.column` to `to_table.to_column`, deleted with it.
fn cascade(
    name: &str,
    (table, column): (impl IntoIden + 'static, impl IntoIden + 'static),
    (to_table, to_column): (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(to_table, to_column)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            string_len_null(Sessions::BrowserTokenHash, 64),
            uuid_null(Sessions::ClientId),
            text_null(Sessions::Scopes),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_sessions_browser_token_hash")
                    .table(Sessions::Table)
                    .col(Sessions::BrowserTokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthAuthorizationCodes::Table)
                    .col(string_len(OauthAuthorizationCodes::CodeHash, 64).primary_key())
                    .col(uuid(OauthAuthorizationCodes::ClientId))
                    .col(uuid(OauthAuthorizationCodes::UserId))
                    .col(uuid(OauthAuthorizationCodes::SessionId))
                    .col(text(OauthAuthorizationCodes::RedirectUri))
                    .col(text(OauthAuthorizationCodes::Scopes))
                    .col(string_len_null(OauthAuthorizationCodes::Nonce, 512))
                    .col(string_len(OauthAuthorizationCodes::CodeChallenge, 64))
                    .col(timestamp_with_time_zone(OauthAuthorizationCodes::AuthTime))
                    .col(timestamp_with_time_zone(OauthAuthorizationCodes::CreatedAt))
                    .col(timestamp_with_time_zone(OauthAuthorizationCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(
                        OauthAuthorizationCodes::RedeemedAt,
                    ))
                    .col(uuid_null(OauthAuthorizationCodes::IssuedSessionId))
                    .foreign_key(&mut cascade(
                        "fk_oauth_codes_client",
                        (
                            OauthAuthorizationCodes::Table,
                            OauthAuthorizationCodes::ClientId,
                        ),
                        (OauthClients::Table, OauthClients::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_oauth_codes_user",
                        (
                            OauthAuthorizationCodes::Table,
                            OauthAuthorizationCodes::UserId,
                        ),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_oauth_codes_session",
                        (
                            OauthAuthorizationCodes::Table,
                            OauthAuthorizationCodes::SessionId,
                        ),
                        (Sessions::Table, Sessions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthConsents::Table)
                    .col(uuid(OauthConsents::UserId))
                    .col(uuid(OauthConsents::ClientId))
                    .col(text(OauthConsents::Scopes))
                    .col(timestamp_with_time_zone(OauthConsents::GrantedAt))
                    .primary_key(
                        Index::create()
                            .col(OauthConsents::UserId)
                            .col(OauthConsents::ClientId),
                    )
                    .foreign_key(&mut cascade(
                        "fk_oauth_consents_user",
                        (OauthConsents::Table, OauthConsents::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .foreign_key(&mut cascade(
                        "fk_oauth_consents_client",
                        (OauthConsents::Table, OauthConsents::ClientId),
                        (OauthClients::Table, OauthClients::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthPendingRequests::Table)
                    .col(string_len(OauthPendingRequests::HandleHash, 64).primary_key())
                    .col(uuid(OauthPendingRequests::ClientId))
                    .col(text(OauthPendingRequests::Request))
                    .col(string_len(OauthPendingRequests::CsrfHash, 64))
                    .col(timestamp_with_time_zone(OauthPendingRequests::CreatedAt))
                    .col(timestamp_with_time_zone(OauthPendingRequests::ExpiresAt))
                    .foreign_key(&mut cascade(
                        "fk_oauth_pending_client",
                        (OauthPendingRequests::Table, OauthPendingRequests::ClientId),
                        (OauthClients::Table, OauthClients::Id),
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OauthPendingRequests::Table.into_iden(),
            OauthConsents::Table.into_iden(),
            OauthAuthorizationCodes::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_sessions_browser_token_hash")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Sessions::Scopes.into_iden(),
            Sessions::ClientId.into_iden(),
            Sessions::BrowserTokenHash.into_iden(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Sessions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
