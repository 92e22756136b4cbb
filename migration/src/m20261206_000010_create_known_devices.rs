use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The devices each account has signed in from, for the new-sign-in notice: one row per
/// (account, device), a device being the SHA-256 of its browser family, operating system and
/// network (/24, /48), never the raw values; `last_seen_at` is its latest login.
#[derive(DeriveIden)]
enum KnownDevices {
    Table,
    UserId,
    Device,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(KnownDevices::Table)
                    .col(uuid(KnownDevices::UserId))
                    .col(string_len(KnownDevices::Device, 64))
                    .col(timestamp_with_time_zone(KnownDevices::LastSeenAt))
                    .primary_key(
                        Index::create()
                            .name("pk_known_devices")
                            .col(KnownDevices::UserId)
                            .col(KnownDevices::Device),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_known_devices_user")
                            .from(KnownDevices::Table, KnownDevices::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KnownDevices::Table).to_owned())
            .await
    }
}
