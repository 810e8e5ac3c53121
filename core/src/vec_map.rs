//! A map for a handful of entries, kept as a list of pairs in insertion order.
//!
//! The widget's maps hold a few entries each (a visitor's unacknowledged messages, the
//! in-page backend's connections and uploads), where a linear search is as fast as a
//! tree. In WebAssembly every `BTreeMap<K, V>` with new key and value types adds its
//! own copy of the tree's insert, remove and rebalancing code (several KB each, measured
//! with `twiggy`, see docs/performance.md), while this one is a few small loops.

/// A map from `K` to `V` searched linearly; iteration is in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: PartialEq, V> VecMap<K, V> {
    pub fn new() -> Self {
        VecMap::default()
    }

    /// Sets `key` to `value`, returning the value it replaces (its place is kept).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Takes `key` out, keeping the others in their order.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The entries as `(&key, &value)`, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::VecMap;

    #[test]
    fn insert_replaces_in_place_and_remove_keeps_the_order() {
        let mut m = VecMap::new();
        assert_eq!(m.insert("b", 1), None);
        assert_eq!(m.insert("a", 2), None);
        assert_eq!(m.insert("c", 3), None);
        assert_eq!(m.insert("a", 4), Some(2));
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(&"a"), Some(&4));
        assert!(!m.contains_key(&"z"));
        assert_eq!(m.remove(&"b"), Some(1));
        assert_eq!(m.remove(&"b"), None);
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), vec!["a", "c"]);
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), vec![("a", 4), ("c", 3)]);
        assert_eq!(m.clone().into_iter().collect::<Vec<_>>(), vec![("a", 4), ("c", 3)]);
        assert!(!m.is_empty());
    }
}
