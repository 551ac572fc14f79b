//! Writes the credentials and nats-server configurations of the authentication tests into a
//! directory (default `.tmp/auth`): fresh operator, account and user nkeys (the `nkeys` crate,
//! through `nats_wasm::auth`), JWTs signed per the NATS JWT v2 format, creds files, and
//! `fixtures.json`, which the Deno tests and the browser page read. Nothing here is committed:
//! every run makes new keys. `tests/auth/fixtures.sh` runs it (with the TLS files made by openssl).
//!
//!   cargo run --example gen_auth -- <out dir> <tls cert> <tls key>
//!
//! Servers (all on 127.0.0.1, WebSocket without TLS unless noted; ports in the 16xxx range the
//! auth tests own):
//! - `users.conf`: users with a plain and a bcrypt password, an nkey user, users with
//!   publish/subscribe permissions (client 16222, monitor 16822, WebSocket 16280);
//! - `operator.conf`: operator mode, the account preloaded in a MEMORY resolver (16223, 16823, 16281);
//! - `wss.conf`: WebSocket over TLS with the test CA's certificate (16224, 16824, 16443).
//!
//! Must not: write outside the output directory, or reuse keys between runs.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use nats_wasm::auth::jwt::{self, Claims};
use nats_wasm::auth::nkey::{self, Role, Seed};

/// bcrypt (cost 10) of the password "s3cret-bcrypt", made once with Python's `bcrypt`: the server
/// compares against the hash, the tests send the password.
const BCRYPT_HASH: &str = "$2b$10$mlUDrPatPzpEko8J3U4JxusNZCGeM9z4Dpla8VRLK.ziK1AMY9NCe";
const BCRYPT_PASSWORD: &str = "s3cret-bcrypt";

/// Subjects the restricted users may not use (both directions), and a queue-group denial.
const PERMISSIONS: &str = r#"publish: { deny: ["forbidden.>"] }
        subscribe: { deny: ["forbidden.>", "qperm.> qgroup"] }"#;

fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    let mut f = fs::File::open("/dev/urandom").expect("/dev/urandom");
    f.read_exact(&mut b).expect("random bytes");
    b
}

fn new_key(role: Role) -> (String, Seed) {
    let text = nkey::encode_seed(role, random32());
    let seed = nkey::decode_seed(text.as_bytes()).expect("a fresh seed decodes");
    (text, seed)
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A JWT id: 26 base32 characters of randomness (nats-server does not check its form).
fn jti() -> String {
    nkey::encode_seed(Role::User, random32())[4..30].to_string()
}

fn sign(
    kind: &str,
    name: &str,
    subject: &Seed,
    issuer: &Seed,
    nats_members: &str,
    exp: Option<u64>,
) -> String {
    let claims = Claims {
        jti: jti(),
        iat: now(),
        exp,
        sub: subject.key_pair.public_key(),
        name: name.into(),
        kind: kind.into(),
        nats_members: nats_members.into(),
    };
    jwt::encode(&claims, issuer)
}

/// The creds file layout `nsc` writes (with its banner between the blocks).
fn creds(jwt: &str, seed: &str) -> String {
    format!(
        "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
         ************************* IMPORTANT *************************\n\
         NKEY Seed printed below can be used to sign and prove identity.\n\
         NKEYs are sensitive and should be treated as secrets.\n\n\
         -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n\n\
         *************************************************************\n"
    )
}

/// A user of the operator-mode server: its seed, JWT and creds file path.
struct JwtUser {
    seed: String,
    public: String,
    jwt: String,
    creds: PathBuf,
}

fn jwt_user(dir: &Path, name: &str, account: &Seed, members: &str, exp: Option<u64>) -> JwtUser {
    let (seed_text, seed) = new_key(Role::User);
    let jwt = sign("user", name, &seed, account, members, exp);
    let path = dir.join(format!("{name}.creds"));
    fs::write(&path, creds(&jwt, &seed_text)).expect("write creds");
    JwtUser { public: seed.key_pair.public_key(), seed: seed_text, jwt, creds: path }
}

fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn user_json(u: &JwtUser) -> String {
    format!(
        "{{\"seed\":{},\"public\":{},\"jwt\":{},\"creds\":{}}}",
        q(&u.seed),
        q(&u.public),
        q(&u.jwt),
        q(&u.creds.display().to_string())
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(args.get(1).map(String::as_str).unwrap_or(".tmp/auth"));
    let cert = args.get(2).cloned().unwrap_or_default();
    let key = args.get(3).cloned().unwrap_or_default();
    fs::create_dir_all(&dir).expect("create the output directory");
    let dir = dir.canonicalize().expect("output directory path");

    // users.conf: passwords, nkey, permissions
    let (nkey_seed, nkey_user) = new_key(Role::User);
    let nkey_public = nkey_user.key_pair.public_key();
    let users_conf = format!(
        r#"# Generated by tests/auth/gen_auth.rs: user/password (plain and bcrypt), nkey and permission users.
listen: "127.0.0.1:16222"
http: "127.0.0.1:16822"
authorization {{
  users: [
    {{ user: "plain", password: "plain-pass" }}
    # bcrypt of "{BCRYPT_PASSWORD}"
    {{ user: "hashed", password: "{BCRYPT_HASH}" }}
    {{ nkey: "{nkey_public}" }}
    {{
      user: "limited"
      password: "limited-pass"
      permissions: {{
        {PERMISSIONS}
      }}
    }}
    {{
      user: "noinbox"
      password: "noinbox-pass"
      permissions: {{ subscribe: {{ deny: ["_INBOX.>"] }} }}
    }}
  ]
}}
websocket {{
  listen: "127.0.0.1:16280"
  no_tls: true
}}
"#
    );
    fs::write(dir.join("users.conf"), users_conf).expect("write users.conf");

    // operator.conf: operator → account (MEMORY resolver) → users
    let (_, operator) = new_key(Role::Operator);
    let (account_seed, account) = new_key(Role::Account);
    let (_, stranger_account) = new_key(Role::Account);
    let operator_jwt = sign("operator", "wasm-test-operator", &operator, &operator, "", None);
    let limits = r#""limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,"leaf":-1},"default_permissions":{"pub":{},"sub":{}}"#;
    let account_jwt = sign("account", "wasm-test-account", &account, &operator, limits, None);
    let unlimited = r#""pub":{},"sub":{},"subs":-1,"data":-1,"payload":-1"#;
    let alice = jwt_user(&dir, "alice", &account, unlimited, None);
    let restricted = jwt_user(
        &dir,
        "restricted",
        &account,
        r#""pub":{"deny":["forbidden.>"]},"sub":{"deny":["forbidden.>"]},"subs":-1,"data":-1,"payload":-1"#,
        None,
    );
    let bearer = jwt_user(&dir, "bearer", &account, &format!("{unlimited},\"bearer_token\":true"), None);
    let expired = jwt_user(&dir, "expired", &account, unlimited, Some(now().saturating_sub(3600)));
    let stranger = jwt_user(&dir, "stranger", &stranger_account, unlimited, None);
    let operator_conf = format!(
        r#"# Generated by tests/auth/gen_auth.rs: operator mode, the account preloaded in a memory resolver.
listen: "127.0.0.1:16223"
http: "127.0.0.1:16823"
operator: {operator_jwt}
resolver: MEMORY
resolver_preload: {{
  {}: {account_jwt}
}}
websocket {{
  listen: "127.0.0.1:16281"
  no_tls: true
}}
"#,
        account.key_pair.public_key()
    );
    fs::write(dir.join("operator.conf"), operator_conf).expect("write operator.conf");

    // wss.conf: the WebSocket listener with the test CA's server certificate
    let wss_conf = format!(
        r#"# Generated by tests/auth/gen_auth.rs: WebSocket over TLS (certificate from tests/auth/fixtures.sh).
listen: "127.0.0.1:16224"
http: "127.0.0.1:16824"
websocket {{
  listen: "127.0.0.1:16443"
  tls {{
    cert_file: {}
    key_file: {}
  }}
}}
"#,
        q(&cert),
        q(&key)
    );
    fs::write(dir.join("wss.conf"), wss_conf).expect("write wss.conf");

    let fixtures = format!(
        r#"{{
  "users": {{
    "url": "ws://127.0.0.1:16280",
    "plain": {{ "user": "plain", "pass": "plain-pass" }},
    "bcrypt": {{ "user": "hashed", "pass": {} }},
    "nkey": {{ "seed": {}, "public": {} }},
    "limited": {{ "user": "limited", "pass": "limited-pass" }},
    "noinbox": {{ "user": "noinbox", "pass": "noinbox-pass" }}
  }},
  "operator": {{
    "url": "ws://127.0.0.1:16281",
    "account": {{ "seed": {}, "public": {} }},
    "alice": {},
    "restricted": {},
    "bearer": {},
    "expired": {},
    "stranger": {}
  }},
  "wss": {{ "url": "wss://127.0.0.1:16443" }}
}}
"#,
        q(BCRYPT_PASSWORD),
        q(&nkey_seed),
        q(&nkey_public),
        q(&account_seed),
        q(&account.key_pair.public_key()),
        user_json(&alice),
        user_json(&restricted),
        user_json(&bearer),
        user_json(&expired),
        user_json(&stranger),
    );
    fs::write(dir.join("fixtures.json"), fixtures).expect("write fixtures.json");
    println!("gen_auth: wrote {}", dir.display());
}
