use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Events written in the same transaction as the change they describe, until the relay
/// has handed them to the broker.
#[derive(DeriveIden)]
enum Outbox {
    Table,
    Seq,
    Id,
    EventType,
    AggregateId,
    Payload,
    OccurredAt,
    PublishedAt,
}

/// Event ids the mailer has delivered: a redelivered event is not mailed twice.
#[derive(DeriveIden)]
enum DeliveredEvents {
    Table,
    EventId,
    DeliveredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Seq))
                    .col(uuid_uniq(Outbox::Id))
                    .col(string_len(Outbox::EventType, 64))
                    .col(uuid(Outbox::AggregateId))
                    .col(text(Outbox::Payload))
                    .col(timestamp_with_time_zone(Outbox::OccurredAt))
                    .col(timestamp_with_time_zone_null(Outbox::PublishedAt))
                    .to_owned(),
            )
            .await?;
        // The relay's query: unpublished rows in order; a partial index stays small.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_outbox_unpublished ON outbox (seq) WHERE published_at IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeliveredEvents::Table)
                    .col(uuid(DeliveredEvents::EventId).primary_key())
                    .col(timestamp_with_time_zone(DeliveredEvents::DeliveredAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeliveredEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}
