//! The JSON carried by INFO (server to client) and CONNECT (client to server).
//! The shim shows `nc.info` from the INFO text itself (JSON.parse), so this struct names only the
//! fields Rust code reads; unknown fields are skipped. Not keeping a generic JSON map here saves
//! the wasm module the size of serde_json's `Value` machinery.
//! Must not: decide anything from the fields (the connection does), or fail on unknown fields.

use serde::{Deserialize, Serialize};

/// The server's INFO. Every field but `server_id` is optional on the wire.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ServerInfo {
    #[serde(default)]
    pub server_id: String,
    #[serde(default)]
    pub server_name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub proto: i64,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub port: u64,
    #[serde(default)]
    pub headers: bool,
    /// Largest header+payload the server accepts, bytes (server default 1 MiB).
    #[serde(default)]
    pub max_payload: u64,
    #[serde(default)]
    pub client_id: u64,
    #[serde(default)]
    pub auth_required: Option<bool>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub connect_urls: Option<Vec<String>>,
    #[serde(default)]
    pub ldm: Option<bool>,
    #[serde(default)]
    pub go: String,
    #[serde(default)]
    pub git_commit: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub client_ip: Option<String>,
    #[serde(default)]
    pub jetstream: Option<bool>,
    #[serde(default)]
    pub tls_required: Option<bool>,
    #[serde(default)]
    pub tls_available: Option<bool>,
}

impl ServerInfo {
    /// Decodes the JSON text of an INFO op.
    pub fn parse(json: &[u8]) -> Result<ServerInfo, serde_json::Error> {
        serde_json::from_slice(json)
    }
}

/// The CONNECT JSON. `None` fields are left out, as JSON.stringify leaves out `undefined`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ConnectInfo {
    pub protocol: u8,
    pub version: String,
    pub lang: String,
    pub verbose: bool,
    pub pedantic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echo: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_responders: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nkey: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An INFO as a nats-server 2.15 in a cluster sends it to a WebSocket client (one line).
    const INFO_2_15: &str = r#"{"server_id":"NCXK3WEBNLTXG5DQH7AXEZW3RFVHLU3AEGZ2DEE6ZYSDUU7IHLIOI4TP","server_name":"n1","version":"2.15.0","proto":1,"git_commit":"a1b2c3d","go":"go1.26.1","host":"0.0.0.0","port":4222,"headers":true,"auth_required":true,"max_payload":1048576,"jetstream":true,"client_id":17,"client_ip":"127.0.0.1","nonce":"hXz3c9vV-K0q1Aw","cluster":"c1","connect_urls":["10.0.0.1:4222","10.0.0.2:4222"],"ws_connect_urls":["10.0.0.1:8080"],"xkey":"XBQ5YKP3WOI2","ldm":false,"tls_available":true,"domain":"hub"}"#;

    #[test]
    fn decodes_a_real_server_info() {
        let info = ServerInfo::parse(INFO_2_15.as_bytes()).unwrap();
        assert_eq!(info.server_id, "NCXK3WEBNLTXG5DQH7AXEZW3RFVHLU3AEGZ2DEE6ZYSDUU7IHLIOI4TP");
        assert_eq!(info.server_name, "n1");
        assert_eq!(info.version, "2.15.0");
        assert_eq!(info.proto, 1);
        assert_eq!(info.host, "0.0.0.0");
        assert_eq!(info.port, 4222);
        assert!(info.headers);
        assert_eq!(info.max_payload, 1_048_576);
        assert_eq!(info.client_id, 17);
        assert_eq!(info.auth_required, Some(true));
        assert_eq!(info.nonce.as_deref(), Some("hXz3c9vV-K0q1Aw"));
        assert_eq!(
            info.connect_urls.as_deref(),
            Some(&["10.0.0.1:4222".to_owned(), "10.0.0.2:4222".to_owned()][..])
        );
        assert_eq!(info.ldm, Some(false));
        assert_eq!(info.jetstream, Some(true));
        assert_eq!(info.tls_available, Some(true));
        assert!(info.go.starts_with("go"));
        assert!(info.client_ip.is_some() && info.cluster.is_some() && info.git_commit.is_some());
    }

    #[test]
    fn minimal_info_takes_defaults() {
        let info = ServerInfo::parse(br#"{"server_id":"S"}"#).unwrap();
        assert_eq!(info.server_id, "S");
        assert!(!info.headers);
        assert_eq!(info.max_payload, 0);
        assert_eq!(info.nonce, None);
        assert_eq!(info.connect_urls, None);
        assert_eq!(info.jetstream, None);
    }

    #[test]
    fn info_straight_from_the_parser() {
        let line = format!("INFO {INFO_2_15} \r\n");
        let limits = crate::proto::Limits::default();
        let (op, used) = crate::proto::parse(line.as_bytes(), &limits).unwrap().unwrap();
        assert_eq!(used, line.len());
        let crate::proto::ServerOp::Info(json) = op else { panic!("{op:?}") };
        assert_eq!(ServerInfo::parse(json).unwrap().version, "2.15.0");
    }

    #[test]
    fn bad_info_json_is_an_error() {
        assert!(ServerInfo::parse(b"{not json").is_err());
        assert!(ServerInfo::parse(br#"{"proto":"one"}"#).is_err());
    }

    #[test]
    fn connect_json_leaves_out_unset_fields() {
        let c = ConnectInfo {
            protocol: 1,
            version: "0.1.0".into(),
            lang: "nats-wasm".into(),
            headers: Some(true),
            no_responders: Some(true),
            ..ConnectInfo::default()
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"protocol":1,"version":"0.1.0","lang":"nats-wasm","verbose":false,"pedantic":false,"headers":true,"no_responders":true}"#
        );
    }
}
