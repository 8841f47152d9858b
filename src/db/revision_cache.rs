//! Values built from many rows (the leaders' summary), kept in this process under the data
//! revision (`db::revision`): a value is served only while the revision it was built at is
//! still the current one, so every process answers what the database holds now.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

pub struct RevisionCache<K, V> {
    entries: Mutex<Entries<K, V>>,
    /// One build at a time: after a write, the requests that all miss at once wait for the
    /// first build instead of each rebuilding the same value.
    building: tokio::sync::Mutex<()>,
    capacity: usize,
}

struct Entries<K, V> {
    revision: i64,
    values: HashMap<K, Arc<V>>,
}

impl<K: Eq + Hash + Clone, V> RevisionCache<K, V> {
    /// A cache of at most `capacity` values (past dates asked for are many; plans few).
    pub fn new(capacity: usize) -> Self {
        RevisionCache {
            entries: Mutex::new(Entries {
                revision: i64::MIN,
                values: HashMap::new(),
            }),
            building: tokio::sync::Mutex::new(()),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K, V>> {
        // A panic elsewhere while holding the lock leaves plain data: keep using it.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value of `key` built at `revision`, if any.
    pub fn get(&self, revision: i64, key: &K) -> Option<Arc<V>> {
        let e = self.lock();
        (e.revision == revision)
            .then(|| e.values.get(key).cloned())
            .flatten()
    }

    /// Keeps `value`, built from data read after `revision` was read. A newer revision drops
    /// every older value; a value from an older revision is not kept.
    pub fn put(&self, revision: i64, key: K, value: Arc<V>) {
        let mut e = self.lock();
        if revision > e.revision {
            e.revision = revision;
            e.values.clear();
        } else if revision < e.revision {
            return;
        }
        if e.values.len() >= self.capacity && !e.values.contains_key(&key) {
            e.values.clear();
        }
        e.values.insert(key, value);
    }

    /// The value of `key` at `revision`: from the cache, or built by `build` (one build at a
    /// time) and kept.
    pub async fn get_or_build<E, F, Fut>(
        &self,
        revision: i64,
        key: K,
        build: F,
    ) -> Result<Arc<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(revision, &key) {
            return Ok(v);
        }
        let _turn = self.building.lock().await;
        if let Some(v) = self.get(revision, &key) {
            return Ok(v);
        }
        let value = Arc::new(build().await?);
        self.put(revision, key, value.clone());
        Ok(value)
    }

    /// How many values are kept (for tests).
    pub fn len(&self) -> usize {
        self.lock().values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_served_only_at_its_revision() {
        let c = RevisionCache::new(4);
        c.put(5, "a", Arc::new(1));
        assert_eq!(c.get(5, &"a").as_deref(), Some(&1));
        assert_eq!(c.get(6, &"a"), None, "a newer revision is a miss");
        assert_eq!(c.get(4, &"a"), None);
    }

    #[test]
    fn a_newer_revision_drops_older_values_and_an_older_build_is_not_kept() {
        let c = RevisionCache::new(4);
        c.put(5, "a", Arc::new(1));
        c.put(6, "b", Arc::new(2));
        assert_eq!(c.get(6, &"a"), None);
        assert_eq!(c.len(), 1);
        c.put(5, "a", Arc::new(1));
        assert_eq!(c.get(5, &"a"), None);
        assert_eq!(c.get(6, &"a"), None);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let c = RevisionCache::new(2);
        for k in 0..10 {
            c.put(1, k, Arc::new(k));
            assert!(c.len() <= 2);
        }
        assert_eq!(c.get(1, &9).as_deref(), Some(&9));
    }

    #[tokio::test]
    async fn a_build_runs_once_per_revision_and_its_errors_are_not_kept() {
        let c: RevisionCache<u8, u32> = RevisionCache::new(4);
        let built = std::sync::atomic::AtomicU32::new(0);
        let build =
            || async { Ok::<_, ()>(built.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1) };
        assert_eq!(*c.get_or_build(1, 0, build).await.unwrap(), 1);
        assert_eq!(*c.get_or_build(1, 0, build).await.unwrap(), 1);
        assert_eq!(*c.get_or_build(2, 0, build).await.unwrap(), 2);
        assert!(c.get_or_build(3, 0, || async { Err(()) }).await.is_err());
        assert!(c.get(3, &0).is_none());
    }
}
