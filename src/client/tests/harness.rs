//! The fake server: feeds scripted bytes and transport events into a [`Connection`], drains its
//! outputs after every input exactly as the driver contract says (transport commands, transmit,
//! batch), and advances a virtual clock by firing due timers in order.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::client::batch::kind;
use crate::client::{AuthFields, Authenticator, Connection, Entropy, Options, TransportCmd};

/// Default INFO of the fake server: headers on, 1 MiB max_payload.
pub(super) const INFO: &str = "INFO {\"server_id\":\"S1\",\"version\":\"2.10.0\",\"proto\":1,\"headers\":true,\"max_payload\":1048576}\r\n";

/// Randomness under test control: `next_u64` pops scripted values first, then counts up from a
/// seed; NUIDs are `N1`, `N2`, ... padded to 22 characters.
pub(super) struct TestEntropy {
    scripted: Rc<RefCell<VecDeque<u64>>>,
    counter: u64,
    nuids: u64,
}

impl Entropy for TestEntropy {
    fn next_u64(&mut self) -> u64 {
        if let Some(v) = self.scripted.borrow_mut().pop_front() {
            return v;
        }
        self.counter += 1;
        self.counter
    }
    fn nuid(&mut self) -> String {
        self.nuids += 1;
        format!("N{:021}", self.nuids)
    }
}

/// Authenticator that records the nonces it was called with.
pub(super) struct TestAuth {
    fields: Result<AuthFields, crate::error::NatsError>,
    nonces: Rc<RefCell<Vec<Option<String>>>>,
}

impl Authenticator for TestAuth {
    fn authenticate(&mut self, nonce: Option<&str>) -> Result<AuthFields, crate::error::NatsError> {
        self.nonces.borrow_mut().push(nonce.map(str::to_string));
        self.fields.clone()
    }
}

/// One output record, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rec {
    pub(super) kind: u32,
    pub(super) id: u32,
    pub(super) f: [String; 4],
    pub(super) extra: u32,
}

impl Rec {
    pub(super) fn is(&self, kind: u32) -> bool {
        self.kind == kind
    }
}

/// The fake server around one connection.
pub(super) struct H {
    pub(super) c: Connection,
    pub(super) now: u64,
    pub(super) recs: Vec<Rec>,
    /// Each non-empty transmit, as one frame.
    pub(super) frames: Vec<Vec<u8>>,
    pub(super) cmds: Vec<TransportCmd>,
    pub(super) scripted: Rc<RefCell<VecDeque<u64>>>,
    pub(super) nonces: Rc<RefCell<Vec<Option<String>>>>,
}

/// Options for tests: one `ws://` server unless given, no shuffling, no jitter.
pub(super) fn opts(servers: &[&str]) -> Options {
    let servers = if servers.is_empty() { vec!["ws://127.0.0.1:4222"] } else { servers.to_vec() };
    Options {
        servers: servers.iter().map(|s| s.to_string()).collect(),
        no_randomize: true,
        reconnect_jitter: 0,
        ..Options::default()
    }
}

impl H {
    pub(super) fn new(o: Options) -> H {
        Self::build(o, None)
    }

    pub(super) fn with_auth(o: Options, fields: Result<AuthFields, crate::error::NatsError>) -> H {
        Self::build(o, Some(fields))
    }

    fn build(o: Options, auth: Option<Result<AuthFields, crate::error::NatsError>>) -> H {
        let scripted = Rc::new(RefCell::new(VecDeque::new()));
        let nonces = Rc::new(RefCell::new(Vec::new()));
        let entropy = TestEntropy { scripted: scripted.clone(), counter: 0, nuids: 0 };
        let auth = auth
            .map(|fields| Box::new(TestAuth { fields, nonces: nonces.clone() }) as Box<dyn Authenticator>);
        let c = Connection::new(o, Box::new(entropy), auth);
        H { c, now: 0, recs: vec![], frames: vec![], cmds: vec![], scripted, nonces }
    }

    /// A connection through its first handshake, with every output so far cleared.
    pub(super) fn connected(o: Options) -> H {
        let mut h = H::new(o);
        h.start();
        h.handshake(INFO);
        h.clear();
        h
    }

    /// Drains outputs in the contract's order.
    pub(super) fn pump(&mut self) {
        while let Some(cmd) = self.c.poll_transport() {
            self.cmds.push(cmd);
        }
        if !self.c.transmit().is_empty() {
            self.frames.push(self.c.transmit().to_vec());
            self.c.consume_transmit();
        }
        self.recs.extend(self.c.batch().iter().map(|r| Rec {
            kind: r.kind,
            id: r.id,
            f: r.fields.map(|f| String::from_utf8_lossy(f).into_owned()),
            extra: r.extra,
        }));
        self.c.clear_batch();
    }

    /// Runs a command with the current time, then pumps.
    pub(super) fn cmd<T>(&mut self, f: impl FnOnce(&mut Connection, u64) -> T) -> T {
        let out = f(&mut self.c, self.now);
        self.pump();
        out
    }

    pub(super) fn start(&mut self) {
        self.cmd(|c, now| c.start(now));
    }

    pub(super) fn open(&mut self) {
        self.cmd(|c, now| c.handle_transport_open(now));
    }

    pub(super) fn feed(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref().to_vec();
        self.cmd(|c, now| c.handle_bytes(&bytes, now));
    }

    /// The socket ended: with a close frame (code 1000) when `reason` is given, else without
    /// one (1006, as a browser reports a dropped connection).
    pub(super) fn server_closed(&mut self, opened: bool, reason: &str) {
        let code = if reason.is_empty() { 1006 } else { 1000 };
        self.server_closed_code(opened, code, reason);
    }

    /// The socket ended with this close code and reason (or runtime error text).
    pub(super) fn server_closed_code(&mut self, opened: bool, code: u16, reason: &str) {
        self.cmd(|c, now| c.handle_transport_closed(opened, code, reason, now));
    }

    /// `(type, data, detail)` of the STATUS records since the last take (records are kept).
    pub(super) fn status_details(&self) -> Vec<(String, String, String)> {
        self.recs
            .iter()
            .filter(|r| r.is(kind::STATUS))
            .map(|r| (r.f[0].clone(), r.f[1].clone(), r.f[3].clone()))
            .collect()
    }

    /// Opens the dialled socket and answers the handshake with `info` then PONG.
    pub(super) fn handshake(&mut self, info: &str) {
        self.open();
        self.feed(info);
        self.feed("PONG\r\n");
    }

    /// Moves the virtual clock forward `ms`, firing every due timer at its own deadline.
    pub(super) fn advance(&mut self, ms: u64) {
        let target = self.now + ms;
        while let Some(at) = self.c.poll_timeout().filter(|at| *at <= target) {
            self.now = self.now.max(at);
            let now = self.now;
            self.cmd(|c, _| c.handle_timeout(now));
        }
        self.now = target;
    }

    pub(super) fn clear(&mut self) {
        self.recs.clear();
        self.frames.clear();
        self.cmds.clear();
    }

    /// Everything transmitted since the last take, as text.
    pub(super) fn sent(&mut self) -> String {
        let s: Vec<u8> = self.frames.drain(..).flatten().collect();
        String::from_utf8_lossy(&s).into_owned()
    }

    pub(super) fn take_recs(&mut self) -> Vec<Rec> {
        std::mem::take(&mut self.recs)
    }

    pub(super) fn take_cmds(&mut self) -> Vec<TransportCmd> {
        std::mem::take(&mut self.cmds)
    }

    /// Kinds of the records since the last take (records are kept).
    pub(super) fn kinds(&self) -> Vec<u32> {
        self.recs.iter().map(|r| r.kind).collect()
    }

    /// `(type, data)` of the STATUS records since the last take (records are kept).
    pub(super) fn statuses(&self) -> Vec<(String, String)> {
        self.recs.iter().filter(|r| r.is(kind::STATUS)).map(|r| (r.f[0].clone(), r.f[1].clone())).collect()
    }

    pub(super) fn script_random(&mut self, values: &[u64]) {
        self.scripted.borrow_mut().extend(values.iter().copied());
    }
}

pub(super) fn dial(url: &str) -> TransportCmd {
    TransportCmd::Dial { url: url.to_string() }
}

pub(super) fn close(code: u16, reason: &str) -> TransportCmd {
    TransportCmd::Close { code, reason: reason.to_string() }
}

/// The one record of `kind` in `recs`, panicking (in a test) when there is not exactly one.
pub(super) fn only(recs: &[Rec], kind: u32) -> Rec {
    let v: Vec<&Rec> = recs.iter().filter(|r| r.kind == kind).collect();
    assert_eq!(v.len(), 1, "expected one record of kind {kind} in {recs:#?}");
    v[0].clone()
}
