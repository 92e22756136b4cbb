use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The audit trail: who did what to which account, when, from where. No foreign keys: a row
/// outlives the accounts it names (a deletion is itself recorded).
#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    ActorId,
    Action,
    TargetId,
    Ip,
    RequestId,
    Detail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(uuid(AuditEvents::Id).primary_key())
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(uuid_null(AuditEvents::TargetId))
                    .col(string_len_null(AuditEvents::Ip, 45))
                    .col(string_len_null(AuditEvents::RequestId, 128))
                    .col(json(AuditEvents::Detail))
                    .to_owned(),
            )
            .await?;
        // Newest-first pages and retention pruning; then each filter with the same order.
        for (name, column) in [
            ("ix_audit_events_occurred_at_id", None),
            ("ix_audit_events_actor", Some(AuditEvents::ActorId)),
            ("ix_audit_events_target", Some(AuditEvents::TargetId)),
            ("ix_audit_events_action", Some(AuditEvents::Action)),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            if let Some(column) = column {
                index.col(column);
            }
            index.col(AuditEvents::OccurredAt).col(AuditEvents::Id);
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
