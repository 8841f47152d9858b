//! Paging of every list that grows with the data: the page asked for (clamped, never an
//! error), the rows to skip, and links that keep the list's filters (no JavaScript needed).

/// Rows per page of the pages' lists.
pub const PAGE_SIZE: i64 = 100;
/// Beyond any real list; keeps `offset` far from overflow.
const MAX_PAGE: i64 = 1_000_000;

/// The page number asked for: anything but a positive number is page 1, and a huge one is
/// brought down to the last page by [`Pager::new`].
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE)
}

/// `k=v&k=v` of the non-empty values, percent-encoded, for a pager's links.
pub fn query_of(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::percent_encode(v, b"")))
        .collect::<Vec<_>>()
        .join("&")
}

/// One page of a list of `total` rows.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The list's address with its filters, without the page parameter.
    base: String,
    /// The page parameter's name (two lists on one page each have their own).
    param: &'static str,
}

impl Pager {
    /// Page `requested` (already clamped to at least 1) of `total` rows, at most the last.
    pub fn new(requested: i64, per_page: i64, total: i64) -> Pager {
        let per_page = per_page.max(1);
        let pages = ((total.max(0) + per_page - 1) / per_page).max(1);
        Pager {
            page: requested.clamp(1, pages),
            per_page,
            total: total.max(0),
            base: String::new(),
            param: "page",
        }
    }

    /// Where the links point: `base` is a path with its filters (`/tasks?unit=3`).
    pub fn link(mut self, base: String, param: &'static str) -> Pager {
        self.base = base;
        self.param = param;
        self
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// 1-based number of the first row shown (0 for an empty list).
    pub fn first_item(&self) -> i64 {
        if self.total == 0 {
            0
        } else {
            self.offset() + 1
        }
    }

    pub fn last_item(&self) -> i64 {
        (self.offset() + self.per_page).min(self.total)
    }

    pub fn href(&self, page: i64) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}{}={page}", self.base, self.param)
    }

    /// This page's rows of a list computed whole in memory (lists whose order or filter is
    /// judged by the light rules rather than in SQL).
    pub fn slice<T>(&self, rows: Vec<T>) -> Vec<T> {
        rows.into_iter()
            .skip(self.offset() as usize)
            .take(self.per_page as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_bad_pages() {
        assert_eq!(page_number(None), 1);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("-1")), 1);
        assert_eq!(page_number(Some("abc")), 1);
        assert_eq!(page_number(Some("99999999999999999999999")), 1);
        assert_eq!(page_number(Some(" 3 ")), 3);
        assert_eq!(page_number(Some("9000000000")), MAX_PAGE);
        let p = Pager::new(MAX_PAGE, 100, 250);
        assert_eq!((p.page, p.offset(), p.pages()), (3, 200, 3));
        assert_eq!((p.first_item(), p.last_item()), (201, 250));
        let empty = Pager::new(5, 100, 0);
        assert_eq!((empty.page, empty.pages(), empty.first_item()), (1, 1, 0));
    }

    #[test]
    fn links_keep_filters() {
        let p = Pager::new(2, 10, 30).link("/tasks?unit=3".into(), "page");
        assert_eq!(p.href(3), "/tasks?unit=3&page=3");
        let p = Pager::new(1, 10, 30).link("/units".into(), "page");
        assert_eq!(p.href(2), "/units?page=2");
        assert_eq!(query_of(&[("q", "a b"), ("unit", "")]), "q=a%20b");
        assert_eq!(p.slice((0..30).collect()), (0..10).collect::<Vec<_>>());
    }
}
