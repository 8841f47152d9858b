//! A page of a list: which rows of the ordered result to fetch.

/// `limit` rows from `offset` on (the SQL `LIMIT … OFFSET …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub limit: i64,
    pub offset: i64,
}

impl Window {
    /// The first `limit` rows.
    pub const fn first(limit: i64) -> Window {
        Window { limit, offset: 0 }
    }
}
