//! Who the client is behind reverse proxies, without HTTP: the trusted proxies of
//! `DDCI_TRUSTED_PROXIES`, the right-most rule over `X-Forwarded-For`, and the key a client is
//! counted under (an IPv6 client per /64, since one household or phone gets a whole /64).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One address or network (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// `ADDR` or `ADDR/PREFIX`; `None` for anything else (a prefix longer than the address,
    /// a host name).
    pub fn parse(text: &str) -> Option<Network> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.trim(), Some(p.trim())),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max: u8 = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse().ok().filter(|p| *p <= max)?,
        };
        Some(Network {
            addr: canonical(addr),
            prefix: if addr.is_ipv6() && canonical(addr).is_ipv4() {
                // `::ffff:10.0.0.0/104` means the IPv4 network `10.0.0.0/8`.
                prefix.saturating_sub(96)
            } else {
                prefix
            },
        })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = (usize::from(bits / 8), bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[whole] & mask == b[whole] & mask
}

/// An IPv4 address a dual-stack socket reports as `::ffff:a.b.c.d` is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose `X-Forwarded-For` is believed; empty (the default) believes nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR networks; `Err` names the first entry
    /// that is neither. Blank entries are ignored, so an empty value trusts nobody.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| Network::parse(e).ok_or_else(|| e.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client of a request from `peer` that carried these `X-Forwarded-For` values (in
    /// header order). Only a trusted peer's header is read; each proxy appends the address it
    /// received the request from, so reading from the right, the first address that is not a
    /// trusted proxy is the client: everything to its left was written by the client itself
    /// and may be forged. When every listed address is trusted, the left-most is the client.
    /// An entry that is not an address ends the walk at the trusted hop that wrote it.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl IntoIterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let hops: Vec<&str> = forwarded
            .into_iter()
            .flat_map(|h| h.split(','))
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        canonical(client)
    }
}

/// An `X-Forwarded-For` entry: an address, possibly in brackets or with a port (some proxies
/// write `[2001:db8::1]:443` or `203.0.113.7:5123`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(sock) = hop.parse::<std::net::SocketAddr>() {
        return Some(sock.ip());
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse().ok())
}

/// What a client is counted under: an IPv4 address, or the /64 of an IPv6 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        v4 => v4,
    }
}

/// The key of a request whose peer address is unknown (never seen with TCP).
pub const UNKNOWN_PEER: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn parses_addresses_and_networks_of_both_families() {
        let t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,::1, fd00::/8,").expect("list");
        assert!(t.trusts(ip("127.0.0.1")));
        assert!(!t.trusts(ip("127.0.0.2")));
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(t.trusts(ip("::1")));
        assert!(t.trusts(ip("fd12:3456::7")));
        assert!(!t.trusts(ip("fe80::1")));
        // A dual-stack socket's view of an IPv4 proxy.
        assert!(t.trusts(ip("::ffff:10.1.2.3")));
        let odd = TrustedProxies::parse("172.16.0.0/12, 192.168.1.128/25").expect("list");
        assert!(odd.trusts(ip("172.31.255.255")));
        assert!(!odd.trusts(ip("172.32.0.0")));
        assert!(odd.trusts(ip("192.168.1.200")));
        assert!(!odd.trusts(ip("192.168.1.127")));
        assert_eq!(TrustedProxies::parse(""), Ok(TrustedProxies::default()));
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .expect("list")
            .trusts(ip("8.8.8.8")));
    }

    #[test]
    fn refuses_what_is_not_an_address_or_network() {
        assert_eq!(
            TrustedProxies::parse("127.0.0.1, proxy.local"),
            Err("proxy.local".into())
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/33"),
            Err("10.0.0.0/33".into())
        );
        assert_eq!(TrustedProxies::parse("::/129"), Err("::/129".into()));
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/x"),
            Err("10.0.0.0/x".into())
        );
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_address() {
        let t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").expect("list");
        let peer = ip("127.0.0.1");
        // The client forged a left-most entry; the proxies appended the real one.
        assert_eq!(
            t.client(peer, ["6.6.6.6, 203.0.113.7, 10.0.0.5"]),
            ip("203.0.113.7")
        );
        // Several headers read as one list, in order.
        assert_eq!(
            t.client(peer, ["6.6.6.6", "203.0.113.7", "10.0.0.5"]),
            ip("203.0.113.7")
        );
        // Every hop trusted: the left-most.
        assert_eq!(t.client(peer, ["10.0.0.9, 10.0.0.5"]), ip("10.0.0.9"));
        // No header: the proxy itself.
        assert_eq!(t.client(peer, []), peer);
        // Garbage ends the walk at the hop that wrote it.
        assert_eq!(
            t.client(peer, ["203.0.113.7, nonsense, 10.0.0.5"]),
            ip("10.0.0.5")
        );
        // Ports and brackets.
        assert_eq!(t.client(peer, ["203.0.113.7:5123"]), ip("203.0.113.7"));
        assert_eq!(t.client(peer, ["[2001:db8::1]:443"]), ip("2001:db8::1"));
        assert_eq!(t.client(peer, ["[2001:db8::1]"]), ip("2001:db8::1"));
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let t = TrustedProxies::parse("10.0.0.0/8").expect("list");
        assert_eq!(t.client(ip("127.0.0.1"), ["203.0.113.7"]), ip("127.0.0.1"));
        let nobody = TrustedProxies::default();
        assert_eq!(
            nobody.client(ip("10.0.0.1"), ["203.0.113.7"]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:2::1")),
            client_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(client_key(ip("203.0.113.7")), ip("203.0.113.7"));
        assert_eq!(client_key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
    }
}
