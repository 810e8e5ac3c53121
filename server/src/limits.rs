//! Limits per visitor, per client address and in total, so no anonymous client can
//! exhaust the server: open sockets, frames, new conversations, transcript mails and
//! upload bytes. Every number comes from [`ServerConfig`] (`docs/server.md`, "Limits").
//!
//! Invariants:
//! - a socket holds a [`SocketSlot`] for as long as it is open; dropping it gives the
//!   slot back, so the counts cannot drift whatever way the socket ends;
//! - allowances are token buckets keyed by visitor id or address; the tables forget
//!   keys whose bucket is full again once they grow past [`MAX_TRACKED`] (and start
//!   afresh if that frees less than half), so they stay bounded and a flood of new
//!   keys costs one scan per [`MAX_TRACKED`]` / 2` of them;
//! - an address is counted by [`address_key`]: an IPv6 client by its /64 network (one
//!   subscriber's block), so a client cannot multiply its allowance by rotating
//!   addresses inside it;
//! - a refused action is refused before it costs anything (no database write, no mail).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::app::ServerConfig;
use crate::rate_limit::TokenBucket;

/// Keys tracked per table before the full buckets are forgotten.
pub const MAX_TRACKED: usize = 100_000;

const HOUR: f64 = 3600.0;
const DAY: f64 = 24.0 * 3600.0;

/// The key an address's allowances are counted under: IPv4 as is (also when mapped
/// into IPv6), IPv6 by its /64 network.
///
/// ```
/// use sitechat_server::limits::address_key;
/// let a = address_key("2001:db8:1:2:aaaa::1".parse().unwrap());
/// let b = address_key("2001:db8:1:2:bbbb::9".parse().unwrap());
/// assert_eq!(a, b);
/// assert_eq!(address_key("::ffff:192.0.2.7".parse().unwrap()).to_string(), "192.0.2.7");
/// ```
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from(bits))
            }
        },
    }
}

/// Makes room in a table of allowances that reached [`MAX_TRACKED`] keys.
pub(crate) fn make_room<K: Hash + Eq>(buckets: &mut HashMap<K, TokenBucket>, now: Instant) {
    if buckets.len() < MAX_TRACKED {
        return;
    }
    buckets.retain(|_, b| !b.is_full(now));
    if buckets.len() > MAX_TRACKED / 2 {
        buckets.clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Token buckets keyed by visitor or address.
#[derive(Debug)]
pub struct KeyedBuckets<K> {
    rate_per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, TokenBucket>>,
}

impl<K: Hash + Eq + Clone> KeyedBuckets<K> {
    /// `burst` tokens, refilled at `rate_per_sec`.
    pub fn new(rate_per_sec: f64, burst: f64) -> KeyedBuckets<K> {
        KeyedBuckets { rate_per_sec, burst, buckets: Mutex::new(HashMap::new()) }
    }

    /// `n` per `period_secs`, all of them usable at once.
    pub fn per_period(n: f64, period_secs: f64) -> KeyedBuckets<K> {
        KeyedBuckets::new(n / period_secs, n)
    }

    /// Takes `n` tokens from `key`'s bucket if it has them.
    ///
    /// ```
    /// use std::time::Instant;
    /// use sitechat_server::limits::KeyedBuckets;
    /// let per_hour = KeyedBuckets::per_period(2.0, 3600.0);
    /// let now = Instant::now();
    /// assert!(per_hour.take(&"v1", 1.0, now) && per_hour.take(&"v1", 1.0, now));
    /// assert!(!per_hour.take(&"v1", 1.0, now));
    /// assert!(per_hour.take(&"v2", 1.0, now), "another key has its own allowance");
    /// ```
    pub fn take(&self, key: &K, n: f64, now: Instant) -> bool {
        let mut buckets = lock(&self.buckets);
        if !buckets.contains_key(key) {
            make_room(&mut buckets, now);
        }
        buckets
            .entry(key.clone())
            .or_insert_with(|| TokenBucket::new(self.rate_per_sec, self.burst, now))
            .take_n(n, now)
    }
}

/// Why a socket may not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketRefusal {
    /// This address has too many sockets open.
    Address,
    /// The server has as many sockets as it will hold.
    Total,
}

#[derive(Debug, Default)]
struct SocketCounts {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
}

/// A socket's place in the counts; given back when dropped.
#[derive(Debug)]
#[must_use = "the slot is given back when dropped"]
pub struct SocketSlot {
    counts: Arc<Mutex<SocketCounts>>,
    ip: IpAddr,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        counts.total = counts.total.saturating_sub(1);
        if let Some(n) = counts.per_address.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.per_address.remove(&self.ip);
            }
        }
    }
}

/// Every limit's state.
#[derive(Debug)]
pub struct Limits {
    max_per_address: usize,
    max_total: usize,
    sockets: Arc<Mutex<SocketCounts>>,
    /// Frames per visitor (all its sockets).
    pub visitor_frames: KeyedBuckets<String>,
    /// New conversations per visitor per hour.
    pub conversations_per_visitor: KeyedBuckets<String>,
    /// New conversations per address per hour.
    pub conversations_per_address: KeyedBuckets<IpAddr>,
    /// Transcript mails per visitor per hour.
    pub transcripts_per_visitor: KeyedBuckets<String>,
    /// Transcript mails a visitor may ask for per conversation (per day).
    pub transcripts_per_conversation: KeyedBuckets<String>,
    /// Upload bytes per visitor per day.
    pub upload_bytes_per_visitor: KeyedBuckets<String>,
}

impl Limits {
    /// Limits as configured.
    pub fn new(config: &ServerConfig) -> Limits {
        Limits {
            max_per_address: config.max_sockets_per_address,
            max_total: config.max_sockets_total,
            sockets: Arc::default(),
            visitor_frames: KeyedBuckets::new(
                config.visitor_rate_per_sec,
                config.visitor_rate_burst,
            ),
            conversations_per_visitor: KeyedBuckets::per_period(
                f64::from(config.conversations_per_visitor_per_hour),
                HOUR,
            ),
            conversations_per_address: KeyedBuckets::per_period(
                f64::from(config.conversations_per_address_per_hour),
                HOUR,
            ),
            transcripts_per_visitor: KeyedBuckets::per_period(
                f64::from(config.transcripts_per_visitor_per_hour),
                HOUR,
            ),
            transcripts_per_conversation: KeyedBuckets::per_period(
                f64::from(config.transcripts_per_conversation),
                DAY,
            ),
            upload_bytes_per_visitor: KeyedBuckets::per_period(
                config.upload_bytes_per_visitor_per_day as f64,
                DAY,
            ),
        }
    }

    /// A slot for a new socket from `ip`, if the address and the server have room.
    ///
    /// ```
    /// use sitechat_server::app::ServerConfig;
    /// use sitechat_server::limits::{Limits, SocketRefusal};
    /// let mut config = ServerConfig::new("x.sqlite".into());
    /// config.max_sockets_per_address = 1;
    /// let limits = Limits::new(&config);
    /// let ip = "192.0.2.1".parse().unwrap();
    /// let slot = limits.open_socket(ip).unwrap();
    /// assert_eq!(limits.open_socket(ip).unwrap_err(), SocketRefusal::Address);
    /// drop(slot);
    /// assert!(limits.open_socket(ip).is_ok());
    /// ```
    pub fn open_socket(&self, ip: IpAddr) -> Result<SocketSlot, SocketRefusal> {
        let ip = address_key(ip);
        let mut counts = lock(&self.sockets);
        if counts.total >= self.max_total {
            return Err(SocketRefusal::Total);
        }
        let n = counts.per_address.entry(ip).or_insert(0);
        if *n >= self.max_per_address {
            return Err(SocketRefusal::Address);
        }
        *n += 1;
        counts.total += 1;
        Ok(SocketSlot { counts: self.sockets.clone(), ip })
    }

    /// Sockets open now.
    pub fn open_sockets(&self) -> usize {
        lock(&self.sockets).total
    }
}
