//! The handshake of each dial: the first op must be INFO, then CONNECT + PING go out in one
//! transmit, and the PONG completes it: CONNECTED, resubscribe, held publishes, deferred flushes
//! (docs/contract.md "Connect, servers, reconnect", docs/websocket.md "Frames").
//! Also INFO handling for every INFO (limits, `connect_urls` merge, `ldm`).
//!
//! Must not: write anything but CONNECT + PING (and PONG answers) before the handshake PONG, or
//! trust INFO beyond what it is for: its `max_payload` never lowers the inbound limit below 1 MiB.

use super::connection::{Connection, DrainStage, Phase};
use super::options::{AuthFields, Options};
use super::pings::PingKind;
use super::records::status;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::{ConnectInfo, ServerInfo, ServerOp, encode};
use crate::text::cat;

/// Floor of the inbound MSG size limit, bytes: nats-server's default `max_payload` (1 MiB). A
/// server may advertise less yet still route a larger message published elsewhere in the
/// cluster, so a smaller INFO value must not turn a legitimate delivery into a protocol error.
const MIN_INBOUND_PAYLOAD: u64 = 1024 * 1024;

/// Most `connect_urls` entries taken from one INFO: far above any real cluster, low enough that
/// merging them into the pool stays cheap however often a hostile server repeats its INFO.
const MAX_GOSSIPED_URLS: usize = 256;

/// Largest MSG payload accepted whatever INFO says, bytes: nats-server refuses a `max_payload`
/// above 64 MiB, so a larger claim comes from a broken or hostile server.
const MAX_INBOUND_PAYLOAD: u64 = 64 * 1024 * 1024;

/// The CONNECT JSON (docs/contract.md "CONNECT fields"). `server_headers` is INFO `headers`.
/// Infallible: every field is already a string, number or flag.
pub(super) fn connect_json(opts: &Options, server_headers: bool, auth: AuthFields) -> String {
    let connect = ConnectInfo {
        protocol: 1,
        version: opts.version.clone(),
        lang: opts.lang.clone(),
        verbose: opts.verbose,
        pedantic: opts.pedantic,
        echo: opts.no_echo.then_some(false),
        tls_required: opts.tls_required.then_some(true),
        name: opts.name.clone(),
        headers: server_headers.then_some(true),
        no_responders: server_headers.then_some(true),
        user: auth.user,
        pass: auth.pass,
        auth_token: auth.auth_token,
        nkey: auth.nkey,
        sig: auth.sig,
        jwt: auth.jwt,
    };
    connect.to_json()
}

impl Connection {
    /// Ops received before the handshake completed.
    pub(super) fn handshake_op(&mut self, op: ServerOp<'_>, now_ms: u64) {
        match (self.phase, op) {
            (_, ServerOp::Err(text)) => self.on_server_error(text, now_ms),
            (Phase::AwaitInfo, ServerOp::Info(json)) => self.on_first_info(json, now_ms),
            (Phase::AwaitInfo, _) => {
                self.protocol_error("unexpected response from server: expected INFO", now_ms)
            }
            // The PONG of CONNECT's PING: `pings.rs` settles it by completing the handshake.
            (Phase::AwaitPong, ServerOp::Pong) => self.on_pong(now_ms),
            (Phase::AwaitPong, ServerOp::Ping) => self.out.handshake(encode::pong),
            (Phase::AwaitPong, ServerOp::Info(json)) => {
                if let Err(e) = self.apply_info(json) {
                    self.protocol_error(&e.message, now_ms);
                }
            }
            // +OK (verbose) needs nothing; no MSG can arrive before any SUB was sent.
            _ => {}
        }
    }

    fn on_first_info(&mut self, json: &[u8], now_ms: u64) {
        if let Err(e) = self.apply_info(json) {
            return self.protocol_error(&e.message, now_ms);
        }
        let (proto, headers, nonce) = match &self.info {
            Some(i) => (i.proto, i.headers, i.nonce.clone()),
            None => return,
        };
        if self.opts.no_echo && proto < 1 {
            let err = NatsError::new(ErrorCode::ServerOptionNotAvailable, "noEcho");
            return self.fail_dial(err, Some(1000), now_ms);
        }
        let auth = match self.auth.as_mut().map(|a| a.authenticate(nonce.as_deref())) {
            None => AuthFields::default(),
            Some(Ok(fields)) => fields,
            Some(Err(e)) => return self.fail_dial(e, Some(1000), now_ms),
        };
        let json = connect_json(&self.opts, headers, auth);
        // CONNECT and PING in one transmit: the wire is empty on a fresh socket.
        self.out.handshake(|w| encode::connect(w, &json));
        self.send_handshake_ping();
        self.phase = Phase::AwaitPong;
    }

    /// Every INFO: replace `info`, set the inbound limit, INFO record, cluster update, `ldm`.
    pub(super) fn apply_info(&mut self, json: &[u8]) -> Result<(), NatsError> {
        let info = ServerInfo::parse(json)
            .map_err(|e| NatsError::new(ErrorCode::ProtocolError, cat!("bad INFO JSON: ", e)))?;
        // The server's own ceiling is 64 MiB: an INFO claiming more must not lift the cap on what
        // a MSG may make the client buffer.
        let limit = info.max_payload.clamp(MIN_INBOUND_PAYLOAD, MAX_INBOUND_PAYLOAD);
        self.limits.max_payload = usize::try_from(limit).unwrap_or(usize::MAX);
        self.info_json = Some(String::from_utf8_lossy(json).into_owned());
        self.batch.info(json);
        if !self.opts.ignore_cluster_updates {
            let mut urls = info.connect_urls.clone().unwrap_or_default();
            // Merging is quadratic in the list: cap what a hostile INFO can make it cost.
            urls.truncate(MAX_GOSSIPED_URLS);
            let randomize = !self.opts.no_randomize;
            if let Some(changed) =
                self.pool.merge_gossip(&urls, self.secure, randomize, self.entropy.as_mut())
            {
                let data = changed.to_json();
                self.batch.status(status::UPDATE, &data, "");
            }
        }
        if info.ldm == Some(true) {
            let server = self.server.clone();
            self.batch.status(status::LDM, &server, "");
        }
        self.info = Some(info);
        Ok(())
    }

    /// The handshake PONG: the connection is up.
    pub(super) fn complete_handshake(&mut self, now_ms: u64) {
        self.timers.cancel(TimerKey::Dial);
        self.phase = Phase::Connected;
        self.out.open();
        if let Some(s) = self.pool.current_mut() {
            s.failed = 0;
        }
        let first = !self.connected_once;
        self.connected_once = true;
        let server = self.server.clone();
        self.batch.connected(&server, first);
        if !first {
            self.batch.status(status::RECONNECT, &server, "");
            if self.last_error.as_ref().is_some_and(|e| e.code == ErrorCode::AuthenticationExpired) {
                self.last_error = None;
            }
        }
        self.resubscribe_all();
        self.resubscribe_requests();
        self.out.release_held();
        if !first {
            self.hooks_connection(true, now_ms);
        }
        for id in std::mem::take(&mut self.out.deferred_flushes) {
            self.send_ping(PingKind::Flush(id));
        }
        if self.drain == (DrainStage::Flush { ping_sent: false }) {
            self.drain = DrainStage::Flush { ping_sent: true };
            self.send_ping(PingKind::DrainFlush);
        }
        if !self.out.wire().is_empty() && self.no_ping_outstanding() {
            // Something the server answers, so that it acknowledges this frame at once: Deno's
            // WebSocket leaves Nagle on, and after a frame that draws no reply (a lone SUB) the
            // next small frame would wait out the server's delayed ACK (40 ms on Linux), which
            // measurably delayed the first messages after every reconnect.
            self.send_ping(PingKind::Keepalive);
        }
        if self.opts.ping_interval > 0 {
            self.timers.set(TimerKey::Ping, now_ms.saturating_add(self.opts.ping_interval));
        }
    }
}
