//! The keychain through the app's own import/status/delete code (what the commands call),
//! against the real Secret Service of the test's D-Bus session, and a check that no key text
//! leaks into anything the app produces.

use std::sync::{Arc, Mutex};

use kmm_desktop::dto::Environment;
use kmm_desktop::error::IpcError;
use kmm_desktop::settings::SettingsFile;
use kmm_desktop::state::Core;
use kmm_kalshi::signer::generate_ed25519_pem;

use crate::common::{RecordingSink, require_session_bus, test_keystore};

fn field_of(error: &IpcError) -> Option<&str> {
    match error {
        IpcError::Validation { fields } => fields.first().map(|f| f.field.as_str()),
        _ => None,
    }
}

#[test]
fn keys_round_trip_through_import_status_and_delete() {
    require_session_bus();
    let (core, _inputs) = Core::new(test_keystore("roundtrip"), SettingsFile::memory());
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("demo.pem");
    std::fs::write(&pem_path, generate_ed25519_pem().unwrap().private_pem).unwrap();
    let path = pem_path.to_str().unwrap();

    let status = core.key_status().expect("the keychain must be reachable (run inside scripts/keyring-session.sh)");
    assert_eq!((status.demo, status.production), (None, None), "a fresh namespace has no keys");

    core.import_key(Environment::Demo, "demo-key-1", path, false).unwrap();
    assert!(pem_path.exists(), "the file is kept unless deletion was asked for");
    let status = core.key_status().unwrap();
    assert_eq!(status.demo.as_deref(), Some("demo-key-1"), "the key id is reported");
    assert_eq!(status.production, None, "environments are separate");

    // Re-import with deletion: the file goes only after the key is stored.
    core.import_key(Environment::Demo, "demo-key-2", path, true).unwrap();
    assert!(!pem_path.exists(), "delete_file removes the PEM after a successful import");
    assert_eq!(core.key_status().unwrap().demo.as_deref(), Some("demo-key-2"), "a new import replaces the key");

    core.delete_key(Environment::Demo).unwrap();
    assert_eq!(core.key_status().unwrap().demo, None);
    core.delete_key(Environment::Demo).expect("deleting a missing key is not an error");

    // Refusals name the field and store nothing.
    let err = core.import_key(Environment::Paper, "k", path, false).unwrap_err();
    assert_eq!(field_of(&err), Some("environment"), "{err:?}");
    let err = core.import_key(Environment::Demo, "k", "/nonexistent/key.pem", false).unwrap_err();
    assert_eq!(field_of(&err), Some("pemPath"), "{err:?}");
    std::fs::write(&pem_path, generate_ed25519_pem().unwrap().private_pem).unwrap();
    let err = core.import_key(Environment::Production, "bad id!", path, true).unwrap_err();
    assert_eq!(field_of(&err), Some("keyId"), "{err:?}");
    assert!(pem_path.exists(), "a refused import never deletes the file");
    assert_eq!(core.key_status().unwrap().production, None);
    assert!(matches!(core.delete_key(Environment::Paper), Err(IpcError::Validation { .. })));
}

/// A `tracing` writer collecting everything logged on this thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_key_text_appears_in_any_dto_event_or_log_of_an_import() {
    require_session_bus();
    let dir = tempfile::tempdir().unwrap();
    let (core, _inputs) = Core::new(test_keystore("leak"), SettingsFile::in_dir(dir.path()));
    let sink = Arc::new(RecordingSink::default());
    core.set_sink(sink.clone());
    let key = generate_ed25519_pem().unwrap().private_pem;
    let good = dir.path().join("good.pem");
    std::fs::write(&good, &key).unwrap();
    // A damaged key whose body is distinctive, to catch an echo in an error message.
    let damaged_body = "bm90IGEga2V5IGJ1dCBhIHZlcnkgZGlzdGluY3RpdmUgc2VjcmV0IHN0cmluZw==";
    let damaged = dir.path().join("damaged.pem");
    std::fs::write(&damaged, format!("-----BEGIN PRIVATE KEY-----\n{damaged_body}\n-----END PRIVATE KEY-----\n"))
        .unwrap();

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let mut produced = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let err = core.import_key(Environment::Demo, "leak-key", damaged.to_str().unwrap(), false).unwrap_err();
        produced.push(serde_json::to_string(&err).unwrap());
        produced.push(err.to_string());
        core.import_key(Environment::Demo, "leak-key", good.to_str().unwrap(), true).unwrap();
        produced.push(serde_json::to_string(&core.key_status().unwrap()).unwrap());
        core.delete_key(Environment::Demo).unwrap();
    });
    produced.push(sink.all_text());
    produced.push(serde_json::to_string(&core.feed().logs()).unwrap());
    produced.push(String::from_utf8(captured.0.lock().unwrap().clone()).unwrap());
    produced.push(serde_json::to_string(&core.settings()).unwrap());
    let produced = produced.join("\n");

    assert!(produced.contains("leak-key"), "the import was logged (by key id): {produced}");
    let secret_lines: Vec<&str> = key.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(!secret_lines.is_empty());
    for line in secret_lines.iter().chain([&damaged_body]) {
        assert!(!produced.contains(line), "key text {line:?} leaked into the app's output:\n{produced}");
    }
    assert!(!produced.contains("BEGIN PRIVATE KEY"), "no PEM block in the app's output");
    assert!(!good.exists(), "the imported file was deleted as asked");
    assert!(!dir.path().join("settings.json").exists(), "an import never writes the settings file");
}
