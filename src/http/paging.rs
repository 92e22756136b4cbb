//! Keyset paging, written once for every list: the `limit` and `cursor` parameters become a
//! [`KeysetPage`], which reads one page of any entity's `Select` in `(timestamp, id)` order
//! (a row-value comparison from the cursor, so an index on the key serves it however deep the
//! page; one row past the limit to learn whether another page follows) into a [`Page`].

use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait},
};

use super::Cursor;
use crate::domain::FieldError;

/// Which way a list runs along its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Oldest first: each page follows the cursor.
    Ascending,
    /// Newest first: each page precedes the cursor.
    Descending,
}

/// The order of a list: its timestamp column, its id column (the tie-break), and the way it
/// runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Keyset<C> {
    /// The timestamp column.
    pub at: C,
    /// The id column, which orders rows of one timestamp.
    pub id: C,
    /// The way the list runs.
    pub direction: Direction,
}

/// The page a client asked for: at most `limit` rows, past `after` (none: the first page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeysetPage {
    limit: u64,
    after: Option<Cursor>,
}

/// One page of a list, and where the next one starts: `None` on the last page.
#[derive(Debug)]
pub(crate) struct Page<T> {
    /// At most `limit` rows, in the list's order.
    pub items: Vec<T>,
    /// The position of the last item when another page follows.
    pub next_cursor: Option<Cursor>,
}

impl<T> Default for Page<T> {
    /// The empty last page.
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next_cursor: None,
        }
    }
}

impl KeysetPage {
    /// The page size of a keyset list when its `limit` is left out (the operation's
    /// `default`).
    pub(crate) fn default_limit() -> u32 {
        20
    }

    /// The `limit` (already held to its range by the operation's validator) and `cursor`
    /// parameters as sent; a cursor this service did not hand out is a 422 naming `cursor`.
    pub(crate) fn parse(limit: u32, cursor: Option<&str>) -> Result<Self, FieldError> {
        Ok(Self {
            limit: limit.into(),
            after: Cursor::from_param(cursor)?,
        })
    }

    /// Reads this page of `select` in `keyset` order with one query; `position` is the key
    /// of a row, whose last kept one becomes the next page's cursor.
    pub(crate) async fn fetch<E: EntityTrait>(
        &self,
        db: &impl ConnectionTrait,
        select: Select<E>,
        keyset: Keyset<E::Column>,
        position: impl Fn(&E::Model) -> Cursor,
    ) -> Result<Page<E::Model>, DbErr> {
        let rows = self.select(select, keyset).all(db).await?;
        Ok(self.cut(rows, position))
    }

    /// `select` narrowed to the rows past the cursor, in `keyset` order, one past the limit.
    fn select<E: EntityTrait>(
        &self,
        mut select: Select<E>,
        keyset: Keyset<E::Column>,
    ) -> Select<E> {
        let order = match keyset.direction {
            Direction::Ascending => Order::Asc,
            Direction::Descending => Order::Desc,
        };
        if let Some(after) = self.after {
            let row = Expr::tuple([Expr::col(keyset.at), Expr::col(keyset.id)]);
            let cursor = Expr::tuple([Expr::value(after.at), Expr::value(after.id)]);
            select = select.filter(match keyset.direction {
                Direction::Ascending => row.gt(cursor),
                Direction::Descending => row.lt(cursor),
            });
        }
        select
            .order_by(keyset.at, order.clone())
            .order_by(keyset.id, order)
            .limit(self.limit + 1)
    }

    /// The first `limit` rows, and the cursor of the last of them when more were fetched.
    fn cut<T>(&self, mut rows: Vec<T>, position: impl Fn(&T) -> Cursor) -> Page<T> {
        let kept = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = rows.len() > kept;
        rows.truncate(kept);
        let next_cursor = if more {
            rows.last().map(position)
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use sea_orm::{DbBackend, EntityTrait, QueryTrait};
    use uuid::Uuid;

    use super::{Cursor, Direction, Keyset, KeysetPage};
    use crate::infra::db::entities::user::{Column, Entity};

    /// The cursor of the `n`th row of a test list.
    fn position(n: &u8) -> Cursor {
        let at = DateTime::<Utc>::from_timestamp_nanos(1_764_000_000_000_000_000 + i64::from(*n));
        Cursor::new(at, Uuid::from_u128((*n).into()))
    }

    fn page(limit: u32, after: Option<u8>) -> KeysetPage {
        let cursor = after.map(|n| position(&n).encode());
        KeysetPage::parse(limit, cursor.as_deref()).unwrap()
    }

    #[test]
    fn a_row_past_the_limit_means_a_next_page_from_the_last_kept_row() {
        let cut = page(3, None).cut(vec![1, 2, 3, 4], position);
        assert_eq!(cut.items, [1, 2, 3]);
        assert_eq!(cut.next_cursor, Some(position(&3)));
    }

    #[test]
    fn no_row_past_the_limit_is_the_last_page() {
        for rows in [vec![1, 2, 3], vec![1], vec![]] {
            let cut = page(3, None).cut(rows.clone(), position);
            assert_eq!((cut.items, cut.next_cursor), (rows, None));
        }
    }

    #[test]
    fn the_cursor_parameter_is_read_once() {
        assert_eq!(page(5, Some(7)).after, Some(position(&7)));
        assert_eq!(KeysetPage::parse(5, None).unwrap().after, None);
        assert_eq!(KeysetPage::parse(5, Some("")), KeysetPage::parse(5, None));
        let err = KeysetPage::parse(5, Some("garbage")).expect_err("not a cursor");
        assert_eq!(err.field, "cursor");
    }

    /// What follows `FROM "users"` in the page's query on PostgreSQL.
    fn sql(page: KeysetPage, direction: Direction) -> String {
        let keyset = Keyset {
            at: Column::CreatedAt,
            id: Column::Id,
            direction,
        };
        let sql = page
            .select(Entity::find(), keyset)
            .build(DbBackend::Postgres)
            .to_string();
        let (_, clauses) = sql.split_once(r#"FROM "users" "#).unwrap();
        clauses.to_owned()
    }

    #[test]
    fn the_first_page_is_ordered_and_fetches_one_row_more() {
        assert_eq!(
            sql(page(20, None), Direction::Ascending),
            r#"ORDER BY "users"."created_at" ASC, "users"."id" ASC LIMIT 21"#
        );
    }

    #[test]
    fn later_pages_start_past_the_cursor_in_either_direction() {
        let cursor =
            "('2025-11-24 16:00:00.000000 +00:00', '00000000-0000-0000-0000-000000000001')";
        assert_eq!(
            sql(page(5, Some(1)), Direction::Ascending),
            format!(
                r#"WHERE ("created_at", "id") > {cursor} ORDER BY "users"."created_at" ASC, "users"."id" ASC LIMIT 6"#
            )
        );
        assert_eq!(
            sql(page(5, Some(1)), Direction::Descending),
            format!(
                r#"WHERE ("created_at", "id") < {cursor} ORDER BY "users"."created_at" DESC, "users"."id" DESC LIMIT 6"#
            )
        );
    }
}
