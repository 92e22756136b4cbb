//! The `user_permissions` table: one permission granted to one account.

use sea_orm::{QueryOrder, QuerySelect, entity::prelude::*};

use crate::domain::Permission;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_permissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// A [`crate::domain::Permission`]'s name, e.g. `users:read`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub permission: String,
    pub granted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// The permissions granted to `user_id`, in name order; names this build does not know
/// grant nothing.
pub async fn of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Permission>, DbErr> {
    let names: Vec<String> = Entity::find()
        .select_only()
        .column(Column::Permission)
        .filter(Column::UserId.eq(user_id))
        .order_by_asc(Column::Permission)
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// The alias under which a query that left-joins this table returns the permission column.
pub const JOINED: &str = "granted_permission";

/// The permissions in `rows`, one per row under [`JOINED`] (`NULL` for none); names this
/// build does not know (written by a newer one) grant nothing.
pub fn joined(rows: &[QueryResult]) -> Result<Vec<Permission>, DbErr> {
    let mut permissions = Vec::new();
    for row in rows {
        let name: Option<String> = row.try_get("", JOINED)?;
        permissions.extend(name.and_then(|n| n.parse::<Permission>().ok()));
    }
    Ok(permissions)
}
