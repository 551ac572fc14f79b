//! The JSON carried by INFO (server to client) and CONNECT (client to server).
//! Unknown INFO fields are kept in `extra` so the shim can show `nc.info` whole.

use serde::{Deserialize, Serialize};

/// The server's INFO. Every field but `server_id` is optional on the wire.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldm: Option<bool>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
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
