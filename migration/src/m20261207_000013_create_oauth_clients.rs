use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The registered OAuth 2.0 / OpenID Connect clients. The secret is kept only as its SHA-256
/// (it is 256 random bits, so a slow hash adds nothing); the lists are space-separated, as
/// OAuth writes scopes (a redirect URI holds no space).
#[derive(DeriveIden)]
enum OauthClients {
    Table,
    Id,
    Name,
    ClientType,
    SecretHash,
    SecretSetAt,
    RedirectUris,
    PostLogoutRedirectUris,
    AllowedScopes,
    GrantTypes,
    FirstParty,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OauthClients::Table)
                    .col(uuid(OauthClients::Id).primary_key())
                    .col(string_len(OauthClients::Name, 100))
                    .col(string_len(OauthClients::ClientType, 16))
                    .col(string_len_null(OauthClients::SecretHash, 64))
                    .col(timestamp_with_time_zone_null(OauthClients::SecretSetAt))
                    .col(text(OauthClients::RedirectUris))
                    .col(text(OauthClients::PostLogoutRedirectUris))
                    .col(text(OauthClients::AllowedScopes))
                    .col(string_len(OauthClients::GrantTypes, 200))
                    .col(boolean(OauthClients::FirstParty))
                    .col(timestamp_with_time_zone(OauthClients::CreatedAt))
                    .col(timestamp_with_time_zone(OauthClients::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OauthClients::Table).to_owned())
            .await
    }
}
