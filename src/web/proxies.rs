//! 可信代理: the reverse proxies (`DUBAN_TRUSTED_PROXIES`) whose `X-Forwarded-For` duban
//! believes. Behind one, every client arrives from the proxy's address; the sign-in lock and
//! the audit log need the client's own. From any other peer the header is ignored: a client
//! could write anything there.

use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// Addresses and CIDR ranges, IPv4 and IPv6; empty: no proxy is trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Range>);

/// One address range: the first `prefix` bits of `net`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    net: IpAddr,
    prefix: u8,
}

impl Range {
    fn parse(s: &str) -> Option<Range> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net = canonical(IpAddr::from_str(addr).ok()?);
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            // Digits only: `u8::from_str` would take a leading `+`.
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= max)?
            }
            Some(_) => return None,
            None => max,
        };
        Some(Range { net, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, width) = match (self.net, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32),
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128),
            _ => return false,
        };
        let host_bits = width - u32::from(self.prefix);
        // A shift by the whole width would overflow: prefix 0 takes every address.
        host_bits >= width || (net >> host_bits) == (ip >> host_bits)
    }
}

/// `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) is `10.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

impl TrustedProxies {
    /// A comma-separated list such as `127.0.0.1, 10.0.0.0/8, fd00::/8`; the error names the
    /// value that is neither an address nor a range.
    pub fn parse(s: &str) -> Result<TrustedProxies, String> {
        s.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                Range::parse(item).ok_or_else(|| {
                    format!(
                        "DUBAN_TRUSTED_PROXIES 中的“{item}”不是 IP 地址或 CIDR 网段（例如 127.0.0.1、10.0.0.0/8、fd00::/8）。"
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the
    /// rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (each proxy
    /// appends the address it was reached from). A value that is not an address makes the
    /// header worthless, and the peer's address is taken.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let Ok(value) = value.to_str() else {
                return peer;
            };
            hops.extend(value.split(',').map(str::trim));
        }
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = forwarded_ip(hop) else {
                return peer;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, perhaps with a port (`1.2.3.4:5`, `[::1]:5`).
fn forwarded_ip(hop: &str) -> Option<IpAddr> {
    IpAddr::from_str(hop)
        .or_else(|_| SocketAddr::from_str(hop).map(|s| s.ip()))
        .ok()
        .map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    #[test]
    fn lists_of_addresses_and_ranges_parse() {
        let t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,::1,").unwrap();
        assert!(t.trusts(ip("127.0.0.1")));
        assert!(!t.trusts(ip("127.0.0.2")));
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(t.trusts(ip("fd12::7")));
        assert!(t.trusts(ip("::1")));
        assert!(!t.trusts(ip("fe80::1")));
        assert!(
            t.trusts(ip("::ffff:10.1.1.1")),
            "IPv4 on a dual-stack socket"
        );
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        let all = TrustedProxies::parse("0.0.0.0/0, ::/0").unwrap();
        assert!(all.trusts(ip("8.8.8.8")) && all.trusts(ip("2001:db8::1")));
    }

    #[test]
    fn malformed_values_are_named() {
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0",
            "localhost",
            "10.0.0.1:80",
        ] {
            let e = TrustedProxies::parse(&format!("127.0.0.1,{bad}")).unwrap_err();
            assert!(e.contains(&format!("“{bad}”")), "{e}");
        }
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_peer() {
        let none = TrustedProxies::default();
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(none.client(ip("127.0.0.1"), &h), ip("127.0.0.1"));
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        assert_eq!(t.client(ip("192.0.2.1"), &h), ip("192.0.2.1"));
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(
            t.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let peer = ip("127.0.0.1");
        // The client may forge the left part; the proxies' own entries are on the right.
        let h = forwarded(&["1.1.1.1, 203.0.113.9, 10.0.0.5"]);
        assert_eq!(t.client(peer, &h), ip("203.0.113.9"));
        let h = forwarded(&["1.1.1.1", "203.0.113.9:4711", "10.0.0.5"]);
        assert_eq!(
            t.client(peer, &h),
            ip("203.0.113.9"),
            "several headers, a port"
        );
        let h = forwarded(&["[2001:db8::7]:443"]);
        assert_eq!(t.client(peer, &h), ip("2001:db8::7"));
        let h = forwarded(&["10.0.0.9, 10.0.0.5"]);
        assert_eq!(
            t.client(peer, &h),
            ip("10.0.0.9"),
            "only proxies: the farthest"
        );
    }

    #[test]
    fn a_malformed_hop_falls_back_to_the_peer() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let peer = ip("127.0.0.1");
        for bad in [
            "not-an-ip",
            "203.0.113.9, unknown",
            "",
            "1.1.1.1,,",
            "999.1.1.1",
        ] {
            assert_eq!(t.client(peer, &forwarded(&[bad])), peer, "{bad:?}");
        }
        // What a forger put left of a good hop does not matter.
        let h = forwarded(&["garbage, 203.0.113.9"]);
        assert_eq!(t.client(peer, &h), ip("203.0.113.9"));
    }
}
