use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::UpdateUser;
use crate::{
    features::{AppError, users::taken_or},
    infra::{
        db::entities::user,
        events::{EventEnvelope, EventType, outbox},
    },
};

/// One `UPDATE ... RETURNING`: no read-then-write race, and a new e-mail resets
/// `email_verified` in the same statement; the `user.updated` event commits with it.
pub async fn update_user(
    db: &DatabaseConnection,
    command: UpdateUser,
) -> Result<user::Model, AppError> {
    let mut update = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(command.user_id));
    if let Some(username) = command.username {
        update = update.col_expr(user::Column::Username, Expr::value(username.into_inner()));
    }
    if let Some(email) = command.email {
        let unchanged = Expr::col(user::Column::Email).eq(email.as_str());
        let verified = Expr::case(unchanged, Expr::col(user::Column::EmailVerified)).finally(false);
        update = update
            .col_expr(user::Column::EmailVerified, verified.into())
            .col_expr(user::Column::Email, Expr::value(email.into_inner()));
    }
    let txn = db.begin().await?;
    let updated = update.exec_with_returning(&txn).await.map_err(taken_or)?;
    let user = updated
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    outbox::append(
        &txn,
        &EventEnvelope::for_user(EventType::UserUpdated, &user),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}
