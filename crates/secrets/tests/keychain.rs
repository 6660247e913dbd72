//! Round trips against the real OS keychain (Secret Service in CI: gnome-keyring inside
//! `dbus-run-session`, see scripts/test.sh).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kmm_kalshi::Environment;
use kmm_kalshi::signer::{KeyKind, generate_ed25519_pem, generate_rsa_pem};
use kmm_secrets::{KeyStore, SecretPem, SecretsError};

fn store(name: &str) -> KeyStore {
    KeyStore::new(format!("io.github.kalshimm.test.{name}.{}", std::process::id()))
}

#[test]
fn keys_round_trip_per_environment_and_delete() {
    let store = store("roundtrip");
    let demo = generate_ed25519_pem().unwrap();
    let prod = generate_rsa_pem(2048).unwrap();
    assert!(!store.has_key(Environment::Demo).expect("the keychain must be reachable (run under scripts/test.sh)"));

    store.save(Environment::Demo, "demo-key-1", &SecretPem::new(demo.private_pem.clone())).unwrap();
    store.save(Environment::Production, "prod-key-1", &SecretPem::new(prod.private_pem.clone())).unwrap();
    let signer = store.signer(Environment::Demo).unwrap().expect("stored");
    assert_eq!(signer.key_id(), "demo-key-1");
    assert_eq!(signer.key_kind(), KeyKind::Ed25519);
    assert_eq!(signer.public_key().to_pem().unwrap().trim(), demo.public_pem.trim(), "the same key came back");
    assert_eq!(
        store.key_id(Environment::Production).unwrap().as_deref(),
        Some("prod-key-1"),
        "environments are separate"
    );

    assert!(store.delete(Environment::Demo).unwrap());
    assert!(!store.has_key(Environment::Demo).unwrap());
    assert!(!store.delete(Environment::Demo).unwrap(), "deleting twice is not an error");
    assert!(store.has_key(Environment::Production).unwrap(), "the other environment is untouched");
    assert!(store.delete(Environment::Production).unwrap());
}

#[test]
fn bad_keys_are_refused_before_storing_and_never_echoed() {
    let store = store("refuse");
    let garbage = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
    let error = store.save(Environment::Demo, "k1", &SecretPem::new(garbage.to_owned())).unwrap_err();
    assert!(matches!(error, SecretsError::InvalidKey(_)), "{error:?}");
    assert!(!error.to_string().contains("bm90IGEga2V5"), "the key text never appears in errors");
    assert!(!store.has_key(Environment::Demo).unwrap(), "nothing stored");
    let key = generate_ed25519_pem().unwrap();
    assert!(matches!(
        store.save(Environment::Demo, "bad id!", &SecretPem::new(key.private_pem)),
        Err(SecretsError::InvalidKeyId(_))
    ));
    assert!(matches!(store.has_key(Environment::Paper), Ok(false)));
    assert!(matches!(store.delete(Environment::Paper), Err(SecretsError::PaperNeedsNoKey)));
}

#[test]
fn secrets_are_redacted() {
    let key = generate_ed25519_pem().unwrap();
    let secret = SecretPem::new(key.private_pem.clone());
    assert_eq!(format!("{secret:?}"), "SecretPem(<redacted>)");
    let store = store("redact");
    store.save(Environment::Demo, "k2", &secret).unwrap();
    let signer = store.signer(Environment::Demo).unwrap().unwrap();
    assert!(!format!("{signer:?}").contains("PRIVATE"), "a signer's Debug shows no key");
    store.delete(Environment::Demo).unwrap();
}
