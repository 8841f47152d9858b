//! Sessions as tower-sessions' PostgreSQL store keeps them (`tower_sessions.session`, each
//! record MessagePack-encoded), read here only to end all sessions of one user.

use crate::rules::auth::SESSION_USER_KEY;
use sqlx::PgConnection;
use tower_sessions::session::Record;

/// Deletes every session signed in as this user; how many. The store keeps the user inside
/// the encoded record, so the records are read and decoded here: a rare operation (disabling
/// an account) that reads each live session once.
pub async fn delete_for_user(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<u64> {
    let rows =
        sqlx::query!("SELECT id, data FROM tower_sessions.session WHERE expiry_date > now()")
            .fetch_all(&mut *conn)
            .await?;
    let ids: Vec<String> = rows
        .into_iter()
        .filter(|r| owner(&r.data) == Some(user_id))
        .map(|r| r.id)
        .collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let r = sqlx::query!(
        "DELETE FROM tower_sessions.session WHERE id = ANY($1)",
        &ids
    )
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// The user a stored session record is signed in as; `None` for an anonymous session or a
/// record that cannot be read.
fn owner(data: &[u8]) -> Option<i64> {
    let record: Record = rmp_serde::from_slice(data).ok()?;
    record.data.get(SESSION_USER_KEY)?.get("user_id")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use tower_sessions::session::Id;

    fn encoded(data: HashMap<String, serde_json::Value>) -> Vec<u8> {
        let record = Record {
            id: Id::default(),
            data,
            expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc(),
        };
        rmp_serde::to_vec(&record).unwrap()
    }

    #[test]
    fn the_owner_is_read_from_the_stored_record() {
        let signed_in = HashMap::from([(
            SESSION_USER_KEY.to_string(),
            serde_json::json!({ "user_id": 42, "stamp": "abc" }),
        )]);
        assert_eq!(owner(&encoded(signed_in)), Some(42));
        assert_eq!(owner(&encoded(HashMap::new())), None);
        assert_eq!(owner(b"not a record"), None);
    }
}
