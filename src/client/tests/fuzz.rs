//! Malformed and random server bytes never panic or hang the engine, in any phase, whatever the
//! frame boundaries; the engine keeps its invariants (records readable, closes at most once).

use super::harness::*;
use crate::client::ReplyTo;
use crate::client::batch::kind;

/// xorshift64*: deterministic noise for the test, not the engine's entropy.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n.max(1)) as usize
    }
}

const VALID: &[&str] = &[
    "MSG a 1 3\r\nabc\r\n",
    "HMSG a 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n",
    "HMSG _INBOX.N000000000000000000001.N000000000000000000002 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
    "MSG _INBOX.N000000000000000000001.N000000000000000000002 2 0\r\n\r\n",
    "PING\r\n",
    "PONG\r\n",
    "+OK\r\n",
    "-ERR 'Permissions Violation for Subscription to \"a\"'\r\n",
    "-ERR 'Authorization Violation'\r\n",
    "-ERR 'Stale Connection'\r\n",
    "INFO {\"server_id\":\"S\",\"connect_urls\":[\"x:1\",\"[::1]:2\",\"bad url\"],\"ldm\":true}\r\n",
    "INFO {\"server_id\":\"S\",\"max_payload\":5}\r\n",
];

/// A stream of valid ops with random corruption: byte flips, truncation, junk.
fn stream(n: &mut Noise) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..n.below(12) + 1 {
        match n.below(4) {
            0 => out.extend((0..n.below(64)).map(|_| n.next() as u8)),
            _ => out.extend_from_slice(VALID[n.below(VALID.len() as u64)].as_bytes()),
        }
    }
    for _ in 0..n.below(4) {
        if !out.is_empty() {
            let i = n.below(out.len() as u64);
            out[i] = n.next() as u8;
        }
    }
    out
}

fn run_one(seed: u64) {
    let mut n = Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut o = opts(&["ws://a:1", "ws://b:2"]);
    o.reconnect_time_wait = n.below(3) as u64;
    o.max_reconnect_attempts = -1;
    o.ping_interval = 50;
    o.wait_on_first_connect = true;
    let mut h = H::new(o);
    h.start();
    for _ in 0..40 {
        match n.below(12) {
            0 => h.open(),
            1 => h.handshake(INFO),
            2 => h.server_closed(n.below(2) == 0, "x"),
            3 => h.advance(n.below(80) as u64),
            4 => {
                let _ = h.cmd(|c, now| c.subscribe("a", None, Some(n.below(3) as u64), Some(20), now));
            }
            5 => {
                let _ = h.cmd(|c, now| c.request("svc", None, b"q", 30, ReplyTo::Mux, now));
            }
            6 => {
                let _ = h.cmd(|c, _| c.publish("a", None, Some(b"NATS/1.0\r\n\r\n"), b"p"));
            }
            7 => {
                let _ = h.cmd(|c, _| c.flush());
            }
            8 => {
                let sid = n.below(4) as u32;
                let _ = h.cmd(|c, _| c.drain_subscription(sid));
            }
            _ => {
                // Feed a corrupted stream cut at random frame boundaries.
                let bytes = stream(&mut n);
                let mut at = 0;
                while at < bytes.len() {
                    let len = n.below(bytes.len() as u64 - at as u64) + 1;
                    h.feed(&bytes[at..at + len]);
                    at += len;
                }
            }
        }
    }
    if n.below(5) == 0 {
        let _ = h.cmd(|c, now| c.drain(now));
    }
    h.cmd(|c, _| c.close());
    let closed = h.recs.iter().filter(|r| r.is(kind::CLOSED)).count();
    assert_eq!(closed, 1, "seed {seed}: exactly one CLOSED");
    assert!(h.c.is_closed());
}

#[test]
fn random_corrupted_streams_in_every_phase_never_panic() {
    for seed in 0..3000 {
        run_one(seed);
    }
}

/// Inputs that are a valid beginning of an op: the engine must wait for more bytes.
const PARTIAL: &[&[u8]] =
    &[b"P", b"PI", b"MSG", b"MSG foo 1 10\r\nabc", b"-ERR 'partial", b"INFO {", b"HMSG a 1 2"];

/// Each garbage input, fed once to a connected engine, either needs more bytes (nothing emitted,
/// every byte kept) or is refused with exactly one protocol error, a `Close` 1002, a
/// `disconnect`, and the reconnect that follows. Which of the two is what the parser says.
#[test]
fn pure_garbage_is_one_protocol_error_or_waits_for_more_bytes() {
    let mut n = Noise(42);
    let limits = crate::proto::Limits { max_payload: 1024 * 1024, ..Default::default() };
    let mut inputs: Vec<Vec<u8>> = PARTIAL.iter().map(|p| p.to_vec()).collect();
    inputs.extend((0..500).map(|_| (0..n.below(300) + 1).map(|_| n.next() as u8).collect::<Vec<u8>>()));
    let (mut waited, mut refused) = (0, 0);
    for junk in inputs {
        let expect_error = match crate::proto::parse(&junk, &limits) {
            Err(_) => true,
            Ok(None) => false,
            Ok(Some(_)) => continue, // random bytes that happen to be a valid op: not garbage
        };
        let mut h = H::connected(opts(&[]));
        h.feed(&junk);
        if expect_error {
            refused += 1;
            let s = h.statuses();
            assert_eq!(s.len(), 2, "{junk:?}: {s:?}");
            assert_eq!((s[0].0.as_str(), s[0].1.as_str()), ("error", "NATS_PROTOCOL_ERR"), "{junk:?}");
            assert_eq!(s[1].0, "disconnect", "{junk:?}");
            assert_eq!(h.kinds(), vec![kind::STATUS, kind::STATUS], "{junk:?}");
            let cmds = h.take_cmds();
            assert!(
                matches!(cmds.as_slice(), [crate::client::TransportCmd::Close { code: 1002, .. }]),
                "{cmds:?}"
            );
            assert_eq!(h.c.inbuf_len(), 0, "the refused bytes are dropped with the socket");
            h.advance(2000);
            assert_eq!(h.take_cmds(), vec![dial("ws://127.0.0.1:4222/")], "{junk:?}: the reconnect follows");
        } else {
            waited += 1;
            assert!(h.recs.is_empty() && h.cmds.is_empty() && h.sent().is_empty(), "{junk:?}");
            assert_eq!(h.c.inbuf_len(), junk.len(), "{junk:?}: every byte kept for the rest of the op");
        }
    }
    assert!(waited >= PARTIAL.len() && refused >= 400, "both outcomes were checked: {waited} {refused}");
}
