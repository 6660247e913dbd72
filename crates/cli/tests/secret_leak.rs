//! Secret-leak test: real flows that handle private keys must never print key material or a
//! request signature, and nothing the repository ships may contain a private key.
//!
//! * An RSA-2048 and an Ed25519 key are generated, registered with an in-process simulator
//!   and written to `.pem` files. The built `kalshi-mm` then runs `keys import`/`status`,
//!   `check` (key file, keychain key, refused key), `run` for a few seconds on the keychain
//!   key (it signs every REST request and the WebSocket upgrade) and `paper --json`, all with
//!   `KALSHI_LOG=debug`, then `run` once more with `KALSHI_LOG=trace` (tungstenite traces the
//!   upgrade request verbatim; `kmm_kalshi::ws::LOG_REDACTIONS` must keep that out). Every
//!   byte of stdout/stderr, and every file those runs leave in their working and data folders
//!   (logs, a journal), is scanned for: the PEM text, any 40-character slice of a key's base64
//!   body or of its DER in hex, the Ed25519 seed, the string `PRIVATE KEY`, and any base64 blob
//!   the length of an RSA-2048 (344 chars) or Ed25519 (88 chars) signature, plus any long
//!   base64 run on a line that mentions a signature.
//! * The files the desktop app bundles (`icons/`, `ui/dist` when built, `tauri.conf.json`,
//!   `capabilities/`), the `kalshi-mm` binary and every tracked file are scanned for PEM
//!   private-key blocks; only the fixtures in [`ALLOWED_KEY_FIXTURES`] may hold one.
//!
//! The keychain part must run inside `scripts/keyring-session.sh` (a throwaway Secret
//! Service), which `scripts/test.sh` provides; it refuses to touch a real keychain.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use kmm_kalshi::ratelimit::Tier;
use kmm_kalshi::signer::{GeneratedKey, KeyKind, Signer};
use kmm_sim::Exchange;
use kmm_sim::flow::FlowConfig;
use kmm_sim::server::SimConfig;
use kmm_sim::server::app::{SimServer, generate_api_key};

const BIN: &str = env!("CARGO_BIN_EXE_kalshi-mm");

/// Tracked files allowed to contain a PEM private-key block (relative to the repo root).
/// There are none: tests generate their keys at run time.
const ALLOWED_KEY_FIXTURES: &[&str] = &[];

/// Base64 characters of a signature without its `==` padding: RSA-2048 (256 bytes → 344 chars
/// with padding) and Ed25519 (64 bytes → 88 chars with padding).
const SIGNATURE_B64_CORE_LENS: [usize; 2] = [342, 86];

/// Length of the key slices searched for.
const WINDOW: usize = 40;

// ---------------------------------------------------------------------------------------------
// What to look for
// ---------------------------------------------------------------------------------------------

/// The material of one private key, in every form a leak could take.
struct KeyMaterial {
    name: &'static str,
    pem: String,
    /// Every 40-char slice of the PEM's base64 body and of its DER in lower/upper hex.
    windows: HashSet<String>,
    /// Other exact strings: the Ed25519 seed in base64/hex/Debug form.
    needles: Vec<String>,
}

impl KeyMaterial {
    fn new(name: &'static str, pem: &str) -> Self {
        let body: String =
            pem.lines().filter(|l| !l.starts_with("-----")).flat_map(|l| l.trim().chars()).collect::<String>();
        let der = base64_decode(&body);
        let hex_lower: String = der.iter().map(|b| format!("{b:02x}")).collect();
        let mut windows = HashSet::new();
        for text in [body.as_str(), hex_lower.as_str(), &hex_lower.to_uppercase()] {
            for start in 0..=text.len().saturating_sub(WINDOW) {
                windows.insert(text[start..start + WINDOW].to_owned());
            }
        }
        let mut needles = Vec::new();
        // PKCS#8 Ed25519: the seed is the OCTET STRING inside the privateKey OCTET STRING.
        if let Some(at) = der.windows(4).position(|w| w == [0x04, 0x22, 0x04, 0x20]) {
            let seed = &der[at + 4..at + 36];
            needles.push(base64_encode(seed).trim_end_matches('=').to_owned());
            needles.push(seed.iter().map(|b| format!("{b:02x}")).collect());
            needles.push(seed[..12].iter().map(u8::to_string).collect::<Vec<_>>().join(", "));
        }
        Self { name, pem: pem.to_owned(), windows, needles }
    }
}

/// How strictly to read an output.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    /// Debug logs: any base64 blob of a signature's length is a finding, wherever it is.
    Debug,
    /// Trace logs dump WebSocket payloads in hex, and a hex run can have a signature's length
    /// by chance: only a long base64 run on a line that mentions a signature counts.
    Trace,
}

/// Everything wrong with `text` (the output of `source`), as readable findings.
fn findings(source: &str, text: &str, keys: &[KeyMaterial], level: Level) -> Vec<String> {
    let mut found = Vec::new();
    let excerpt = |at: usize| {
        let mut start = at.saturating_sub(30);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 50).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text[start..end].replace('\n', "⏎")
    };
    if let Some(at) = text.find("PRIVATE KEY") {
        found.push(format!("{source}: \"PRIVATE KEY\" at byte {at}: …{}…", excerpt(at)));
    }
    for key in keys {
        if text.contains(key.pem.trim()) {
            found.push(format!("{source}: the whole {} PEM", key.name));
        }
        for needle in &key.needles {
            if let Some(at) = text.find(needle.as_str()) {
                found.push(format!("{source}: the {} seed at byte {at}", key.name));
            }
        }
    }
    for (at, run) in base64_runs(text) {
        let core = run.trim_end_matches('=');
        if level == Level::Debug && SIGNATURE_B64_CORE_LENS.contains(&core.len()) {
            found.push(format!(
                "{source}: a {}-char base64 blob (signature-sized) at byte {at}: …{}…",
                run.len(),
                excerpt(at)
            ));
        }
        if run.len() >= WINDOW {
            for key in keys {
                let hit = (0..=run.len() - WINDOW).find(|&i| key.windows.contains(&run[i..i + WINDOW]));
                if let Some(i) = hit {
                    found.push(format!("{source}: a 40-char slice of the {} key at byte {}", key.name, at + i));
                    break;
                }
            }
        }
    }
    for (number, line) in text.lines().enumerate() {
        if line.to_ascii_lowercase().contains("signature")
            && let Some((_, run)) = base64_runs(line).into_iter().find(|(_, run)| run.len() >= WINDOW)
        {
            found.push(format!(
                "{source}: line {} mentions a signature next to a {}-char base64 blob: {}",
                number + 1,
                run.len(),
                line.chars().take(160).collect::<String>()
            ));
        }
    }
    found
}

/// Maximal runs of the standard base64 alphabet (with trailing `=` padding), by byte offset.
fn base64_runs(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_b64(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_b64(bytes[i]) {
            i += 1;
        }
        let mut pad = 0;
        while pad < 2 && i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            pad += 1;
        }
        runs.push((start, &text[start..i]));
    }
    runs
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = B64.iter().position(|&b| b == c).expect("PEM body is standard base64");
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A PEM private-key block in `bytes`: `-----BEGIN …PRIVATE KEY-----` followed by at least
/// 64 base64 characters (the shortest real key, Ed25519 PKCS#8, is 64) before anything else.
/// String literals in tests (`"-----BEGIN PRIVATE KEY-----\nMIIE\n"`) do not count.
fn private_key_block(bytes: &[u8]) -> Option<usize> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut from = 0;
    while let Some(rel) = bytes[from..].windows(BEGIN.len()).position(|w| w == BEGIN) {
        let at = from + rel;
        from = at + BEGIN.len();
        let rest = &bytes[from..];
        let Some(label_end) = rest.iter().take(40).position(|&b| b == b'-') else { continue };
        if !rest[..label_end].ends_with(b"PRIVATE KEY") || !rest[label_end..].starts_with(b"-----") {
            continue;
        }
        let mut count = 0;
        let mut escaped = false;
        for &b in &rest[label_end + 5..] {
            match b {
                b'\\' => escaped = true,
                b'n' | b'r' if escaped => escaped = false,
                b'\n' | b'\r' | b' ' | b'\t' | b'"' => escaped = false,
                b if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' => count += 1,
                _ => break,
            }
        }
        if count >= 64 {
            return Some(at);
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

struct Sandbox {
    _dir: tempfile::TempDir,
    work: PathBuf,
    data: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (work, data) = (dir.path().join("work"), dir.path().join("xdg"));
        std::fs::create_dir_all(&work).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        Self { _dir: dir, work, data }
    }

    /// Runs `kalshi-mm args` with debug logs in the sandbox; returns (label, success, output).
    fn run(&self, label: &str, args: &[&str]) -> (String, bool, String) {
        self.run_at("debug", label, args)
    }

    /// Runs `kalshi-mm args` with `KALSHI_LOG=log` in the sandbox.
    fn run_at(&self, log: &str, label: &str, args: &[&str]) -> (String, bool, String) {
        let mut command = Command::new(BIN);
        command.args(args).current_dir(&self.work);
        for var in [
            "KALSHI_ENV",
            "KALSHI_REST_URL",
            "KALSHI_WS_URL",
            "KALSHI_API_KEY_ID",
            "KALSHI_PRIVATE_KEY_PATH",
            "KALSHI_CONFIG",
        ] {
            command.env_remove(var);
        }
        for (var, sub) in [("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")] {
            command.env(var, self.data.join(sub));
        }
        // XDG_DATA_HOME and XDG_RUNTIME_DIR are left alone: the session's throwaway keyring
        // daemon and bus live there.
        let output =
            command.env("KALSHI_LOG", log).env("NO_COLOR", "1").env("RUST_BACKTRACE", "0").output().expect("runs");
        let text = format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (format!("`kalshi-mm {}` ({label})", args.join(" ")), output.status.success(), text)
    }

    /// Every file the runs left in the sandbox, as (path, lossy text).
    fn files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for root in [&self.work, &self.data] {
            for path in walk(root) {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((path.display().to_string(), String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        out
    }
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !matches!(path.file_name().and_then(|n| n.to_str()), Some("node_modules" | "target" | ".git")) {
                    stack.push(path);
                }
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files
}

fn cat<'a>(parts: &[&[&'a str]]) -> Vec<&'a str> {
    parts.concat()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_key_material_or_signature_in_any_output() {
    assert!(
        std::env::var_os("KEYRING_HOME").is_some(),
        "this test imports keys into the OS keychain: run it inside scripts/keyring-session.sh \
         (scripts/test.sh does), never against a real keychain"
    );
    let (rsa_key, rsa) = generate_api_key(KeyKind::Rsa, kmm_sim::UserId::new("leak-rsa")).unwrap();
    let (ed_key, ed) = generate_api_key(KeyKind::Ed25519, kmm_sim::UserId::new("leak-ed")).unwrap();
    let (rsa_id, ed_id) = (rsa_key.key_id.clone(), ed_key.key_id.clone());
    let keys = [KeyMaterial::new("RSA", &rsa.private_pem), KeyMaterial::new("Ed25519", &ed.private_pem)];
    assert!(keys.iter().all(|k| k.windows.len() > 100), "the key slices were extracted");
    assert_eq!(keys[1].needles.len(), 3, "the Ed25519 seed was found in the PKCS#8 DER");

    let mut config = SimConfig::new(vec![rsa_key, ed_key]);
    config.tier = Tier::PRIME;
    config.flow = Some(FlowConfig { markets: 3, ..Default::default() });
    let server = SimServer::start(config, Exchange::new()).await.unwrap();
    let (rest, ws) = (server.rest_url().to_owned(), server.ws_url().to_owned());

    let sandbox = std::sync::Arc::new(Sandbox::new());
    let write_pem = |name: &str, key: &GeneratedKey| {
        let path = sandbox.work.join(name);
        std::fs::write(&path, &key.private_pem).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let (rsa_file, ed_file) = (write_pem("rsa.pem", &rsa), write_pem("ed25519.pem", &ed));

    let outputs = blocking({
        let sandbox = sandbox.clone();
        let (rsa_id, ed_id, rsa_file, ed_file) = (rsa_id.clone(), ed_id.clone(), rsa_file.clone(), ed_file.clone());
        move || {
            let s = &sandbox;
            let connect = ["--rest-url", rest.as_str(), "--ws-url", ws.as_str()];
            vec![
                s.run("import RSA", &["keys", "import", "--env", "demo", "--key-id", &rsa_id, "--file", &rsa_file]),
                s.run(
                    "import Ed25519",
                    &["keys", "import", "--env", "production", "--key-id", &ed_id, "--file", &ed_file],
                ),
                s.run("status", &["keys", "status"]),
                s.run("key file", &cat(&[&["check"], &connect, &["--key-id", &ed_id, "--key-file", &ed_file]])),
                s.run("keychain key", &cat(&[&["check", "--env", "demo"], &connect])),
                s.run(
                    "refused key",
                    &cat(&[&["check"], &connect, &["--key-id", "not-registered", "--key-file", &rsa_file]]),
                ),
                s.run(
                    "keychain key, signing for 5 s",
                    &cat(&[&["run", "--env", "demo", "--tier", "prime", "--duration", "5s"], &connect]),
                ),
                s.run("embedded simulator", &["paper", "--duration", "5s", "--json"]),
                s.run_at(
                    "trace",
                    "keychain key, trace logs",
                    &cat(&[&["run", "--env", "demo", "--tier", "prime", "--duration", "2s", "--json"], &connect]),
                ),
                s.run("cleanup", &["keys", "delete", "--env", "demo"]),
                s.run("cleanup", &["keys", "delete", "--env", "production"]),
            ]
        }
    })
    .await;
    server.shutdown().await;

    // The flows really ran: a vacuous pass (nothing signed, no debug logs) proves nothing.
    let expect = |index: usize, ok: bool, needle: &str| {
        let (label, success, text) = &outputs[index];
        assert_eq!(*success, ok, "{label} exit status\n{text}");
        assert!(text.contains(needle), "{label} should print {needle:?}\n{text}");
    };
    expect(0, true, "stored in the OS keychain");
    expect(1, true, "stored in the OS keychain");
    expect(2, true, &format!("production  key {ed_id}"));
    expect(3, true, "signed:     round trip");
    expect(4, true, "signed:     round trip");
    expect(5, false, "refused the key");
    expect(6, true, "quoting");
    expect(7, true, "\"positions_match_exchange\"");
    expect(8, true, "\"positions_match_exchange\"");
    for index in [3, 6, 7] {
        let (label, _, text) = &outputs[index];
        assert!(text.contains(" DEBUG "), "{label} ran with KALSHI_LOG=debug, so debug lines are expected\n{text}");
    }
    assert!(
        outputs[8].2.contains("TRACE tungstenite::protocol"),
        "the trace run logs WebSocket frames, so the handshake would be logged too if not capped"
    );

    let mut problems = Vec::new();
    for (index, (label, success, text)) in outputs.iter().enumerate() {
        eprintln!("scanned {label}: exit ok {success}, {} bytes, {} lines", text.len(), text.lines().count());
        let level = if index == 8 { Level::Trace } else { Level::Debug };
        problems.extend(findings(label, text, &keys, level));
    }
    let files = sandbox.files();
    eprintln!("scanned {} files the runs left in the sandbox", files.len().saturating_sub(2));
    for (path, text) in &files {
        if path == &rsa_file || path == &ed_file {
            continue; // the key files themselves
        }
        problems.extend(findings(path, text, &keys, Level::Debug));
    }
    assert!(
        problems.is_empty(),
        "key material or signatures leaked into output or files:\n  {}",
        problems.join("\n  ")
    );
}

/// The detectors are not vacuous: they catch a PEM, slices of it, its seed and real signatures.
#[test]
fn detectors_catch_keys_and_signatures() {
    for (kind, pem) in [
        ("RSA", kmm_kalshi::signer::generate_rsa_pem(2048).unwrap().private_pem),
        ("Ed25519", kmm_kalshi::signer::generate_ed25519_pem().unwrap().private_pem),
    ] {
        let key = KeyMaterial::new("k", &pem);
        let signer = Signer::from_pem("id", &pem).unwrap();
        let headers = signer.headers(1_700_000_000_000, "GET", "/trade-api/v2/portfolio/balance").unwrap();
        let body_line = pem.lines().nth(1).unwrap();
        let der_hex: String = base64_decode(&pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        for leak in [
            format!("loaded {pem}"),
            format!("key=\"{}\"", &body_line[5..50]),
            format!("der={}", &der_hex[40..90]),
            format!("DEBUG request headers: KALSHI-ACCESS-SIGNATURE: {}", headers.signature),
            format!("x {} y", headers.signature),
            format!("signature: {}", &headers.signature[..60]),
        ] {
            assert!(
                !findings("sample", &leak, std::slice::from_ref(&key), Level::Debug).is_empty(),
                "{kind}: missed {leak}"
            );
        }
        // How tungstenite traces the upgrade request.
        let trace = format!(
            "TRACE tungstenite::handshake::client: Request: \"GET /trade-api/ws/v2 HTTP/1.1\\r\\nkalshi-access-signature: {}\\r\\n\"",
            headers.signature
        );
        assert!(!findings("sample", &trace, &[], Level::Trace).is_empty(), "{kind}: missed {trace}");
        assert!(private_key_block(pem.as_bytes()).is_some(), "{kind}: a PEM is a private-key block");
        let escaped = format!("{{\"pem\":\"{}\"}}", pem.replace('\n', "\\n"));
        assert!(private_key_block(escaped.as_bytes()).is_some(), "{kind}: JSON-escaped PEM");
    }
    let ed = KeyMaterial::new("k", &kmm_kalshi::signer::generate_ed25519_pem().unwrap().private_pem);
    for needle in &ed.needles {
        assert!(!findings("sample", &format!("seed {needle}"), std::slice::from_ref(&ed), Level::Debug).is_empty());
    }
    let clean = "INFO quoting 3 markets: KXA-1, KXB-2 | order 7f3c2a1e-0b4d-4c8e-9a6f-1d2e3f4a5b6c signed";
    assert!(findings("sample", clean, std::slice::from_ref(&ed), Level::Debug).is_empty(), "ordinary log lines pass");
    for literal in [
        "\"-----BEGIN PRIVATE KEY-----\\nMIIE\\n\"",
        "format!(\"-----BEGIN PRIVATE KEY-----\\n{half}\\n-----END PRIVATE KEY-----\")",
        "label if label.ends_with(\"PRIVATE KEY\") =>",
    ] {
        assert_eq!(private_key_block(literal.as_bytes()), None, "{literal} is code, not a key");
    }
}

#[test]
fn no_private_key_in_shipped_or_tracked_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();

    // What the desktop app bundles: not even the words "PRIVATE KEY".
    let mut bundled: Vec<PathBuf> = vec![root.join("tauri.conf.json")];
    for dir in ["icons", "capabilities", "ui/dist"] {
        bundled.extend(walk(&root.join(dir)));
    }
    let mut problems = Vec::new();
    for path in &bundled {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        if bytes.windows(11).any(|w| w == b"PRIVATE KEY") {
            problems.push(format!("bundled file {} mentions PRIVATE KEY", path.display()));
        }
    }
    assert!(bundled.len() > 5, "found the bundled files under {}", root.display());

    // The shipped binary: parser labels are fine, an embedded key is not.
    let binary = std::fs::read(BIN).unwrap();
    if let Some(at) = private_key_block(&binary) {
        problems.push(format!("{BIN} embeds a private-key block at byte {at}"));
    }

    // Every tracked file (or every file, without git), except the listed fixtures.
    let tracked: Vec<PathBuf> = match Command::new("git").arg("-C").arg(&root).args(["ls-files", "-z"]).output() {
        Ok(out) if out.status.success() => out
            .stdout
            .split(|&b| b == 0)
            .filter(|p| !p.is_empty())
            .map(|p| root.join(String::from_utf8_lossy(p).as_ref()))
            .collect(),
        _ => walk(&root),
    };
    assert!(tracked.len() > 50, "listed the repository's files");
    for path in &tracked {
        let relative = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().into_owned();
        if ALLOWED_KEY_FIXTURES.contains(&relative.as_str()) {
            continue;
        }
        let Ok(bytes) = std::fs::read(path) else { continue }; // deleted in the work tree
        if let Some(at) = private_key_block(&bytes) {
            problems.push(format!("{relative} holds a private-key block at byte {at}"));
        }
    }
    assert!(problems.is_empty(), "private keys where none may be:\n  {}", problems.join("\n  "));
}
