//! The JSON carried by INFO (server to client) and CONNECT (client to server).
//! The shim shows `nc.info` from the INFO text itself (JSON.parse), so this struct names only the
//! fields Rust code reads; unknown fields are skipped. Not keeping a generic JSON map here saves
//! the wasm module the size of serde_json's `Value` machinery.
//! Must not: decide anything from the fields (the connection does), or fail on unknown fields.

use super::json::{JsonError, ObjectWriter, Value, read_object};

/// The server's INFO. Every field but `server_id` is optional on the wire.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerInfo {
    pub server_id: String,
    pub server_name: String,
    pub version: String,
    pub proto: i64,
    pub host: String,
    pub port: u64,
    pub headers: bool,
    /// Largest header+payload the server accepts, bytes (server default 1 MiB).
    pub max_payload: u64,
    pub client_id: u64,
    pub auth_required: Option<bool>,
    pub nonce: Option<String>,
    pub connect_urls: Option<Vec<String>>,
    pub ldm: Option<bool>,
    pub go: String,
    pub git_commit: Option<String>,
    pub cluster: Option<String>,
    pub domain: Option<String>,
    pub client_ip: Option<String>,
    pub jetstream: Option<bool>,
    pub tls_required: Option<bool>,
    pub tls_available: Option<bool>,
}

impl ServerInfo {
    /// Decodes the JSON text of an INFO op. Unknown fields are skipped; a known field of the
    /// wrong type is an error (the server sent something this client cannot trust), `null` keeps
    /// the default.
    pub fn parse(json: &[u8]) -> Result<ServerInfo, JsonError> {
        const WRONG_TYPE: JsonError = JsonError("an INFO field has the wrong type");
        let mut info = ServerInfo::default();
        for (key, value, _) in read_object(json)? {
            let opt_text = || match &value {
                Value::Str(s) => Ok(Some(s.clone())),
                Value::Null => Ok(None),
                _ => Err(WRONG_TYPE),
            };
            let text = || opt_text().map(Option::unwrap_or_default);
            // INFO numbers are non-negative integers; `as` saturates anything larger.
            let num = || match value {
                Value::Num(n) if n >= 0.0 => Ok(n as u64),
                Value::Null => Ok(0),
                _ => Err(WRONG_TYPE),
            };
            let opt_bool = || match value {
                Value::Bool(b) => Ok(Some(b)),
                Value::Null => Ok(None),
                _ => Err(WRONG_TYPE),
            };
            match key.as_str() {
                "server_id" => info.server_id = text()?,
                "server_name" => info.server_name = text()?,
                "version" => info.version = text()?,
                "proto" => info.proto = num()? as i64,
                "host" => info.host = text()?,
                "port" => info.port = num()?,
                "headers" => info.headers = opt_bool()?.unwrap_or(false),
                "max_payload" => info.max_payload = num()?,
                "client_id" => info.client_id = num()?,
                "auth_required" => info.auth_required = opt_bool()?,
                "nonce" => info.nonce = opt_text()?,
                "connect_urls" => match &value {
                    Value::StrList(list) => info.connect_urls = Some(list.clone()),
                    Value::Null => {}
                    _ => return Err(WRONG_TYPE),
                },
                "ldm" => info.ldm = opt_bool()?,
                "go" => info.go = text()?,
                "git_commit" => info.git_commit = opt_text()?,
                "cluster" => info.cluster = opt_text()?,
                "domain" => info.domain = opt_text()?,
                "client_ip" => info.client_ip = opt_text()?,
                "jetstream" => info.jetstream = opt_bool()?,
                "tls_required" => info.tls_required = opt_bool()?,
                "tls_available" => info.tls_available = opt_bool()?,
                _ => {}
            }
        }
        Ok(info)
    }
}

/// The CONNECT JSON. `None` fields are left out, as JSON.stringify leaves out `undefined`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectInfo {
    pub protocol: u8,
    pub version: String,
    pub lang: String,
    pub verbose: bool,
    pub pedantic: bool,
    pub echo: Option<bool>,
    pub tls_required: Option<bool>,
    pub name: Option<String>,
    pub headers: Option<bool>,
    pub no_responders: Option<bool>,
    pub user: Option<String>,
    pub pass: Option<String>,
    pub auth_token: Option<String>,
    pub nkey: Option<String>,
    pub sig: Option<String>,
    pub jwt: Option<String>,
}

impl ConnectInfo {
    /// The CONNECT JSON, fields in the order nats.deno writes them.
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::default();
        w.int("protocol", u64::from(self.protocol))
            .str("version", &self.version)
            .str("lang", &self.lang)
            .bool("verbose", self.verbose)
            .bool("pedantic", self.pedantic);
        if let Some(echo) = self.echo {
            w.bool("echo", echo);
        }
        if let Some(tls) = self.tls_required {
            w.bool("tls_required", tls);
        }
        w.opt_str("name", self.name.as_deref());
        if let Some(h) = self.headers {
            w.bool("headers", h);
        }
        if let Some(nr) = self.no_responders {
            w.bool("no_responders", nr);
        }
        w.opt_str("user", self.user.as_deref())
            .opt_str("pass", self.pass.as_deref())
            .opt_str("auth_token", self.auth_token.as_deref())
            .opt_str("nkey", self.nkey.as_deref())
            .opt_str("sig", self.sig.as_deref())
            .opt_str("jwt", self.jwt.as_deref());
        w.finish()
    }
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
            c.to_json(),
            r#"{"protocol":1,"version":"0.1.0","lang":"nats-wasm","verbose":false,"pedantic":false,"headers":true,"no_responders":true}"#
        );
    }
}
