//! Signer tests: exact messages, independent verifiers (the `rsa` crate, Python `cryptography`), key formats, redaction.
use std::sync::OnceLock;

use aws_lc_rs::encoding::EcPrivateKeyRfc5915Der;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use rsa::pkcs1::{EncodeRsaPrivateKey as _, EncodeRsaPublicKey as _, LineEnding};
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
use rsa::signature::Verifier as _;
use sha2::Sha256;

use super::*;

const TS: u64 = 1_703_123_456_789;
const PATH: &str = "/trade-api/v2/portfolio/orders";

/// One RSA key per test binary: key generation is slow in debug builds.
fn rsa_key() -> &'static GeneratedKey {
    static KEY: OnceLock<GeneratedKey> = OnceLock::new();
    KEY.get_or_init(|| generate_rsa_pem(2048).expect("aws-lc generates RSA-2048"))
}

fn ed25519_key() -> &'static GeneratedKey {
    static KEY: OnceLock<GeneratedKey> = OnceLock::new();
    KEY.get_or_init(|| generate_ed25519_pem().expect("aws-lc generates Ed25519"))
}

fn rsa_signer() -> Signer {
    Signer::from_pem("rsa-key-id", &rsa_key().private_pem).expect("generated PKCS#8 RSA loads")
}

fn ed25519_signer() -> Signer {
    Signer::from_pem("ed-key-id", &ed25519_key().private_pem).expect("generated Ed25519 loads")
}

/// Verifies with the independent pure-Rust `rsa` crate (RSA-PSS, SHA-256, salt 32).
fn rsa_crate_verifies(public_pem: &str, message: &str, signature_b64: &str) -> bool {
    let key = rsa::RsaPublicKey::from_public_key_pem(public_pem).expect("rsa crate reads SPKI");
    let key = rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(key, 32);
    let bytes = STANDARD.decode(signature_b64).expect("signature is base64");
    let signature = rsa::pss::Signature::try_from(bytes.as_slice()).expect("signature bytes");
    key.verify(message.as_bytes(), &signature).is_ok()
}

/// The PEM body lines, to check that no error or Debug output leaks key material.
fn body_lines(pem: &str) -> Vec<&str> {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn message_is_timestamp_method_path_with_query_dropped() {
    let message = signing_message("1703123456789", "GET", &format!("{PATH}?limit=5&status=resting"));
    assert_eq!(
        message.as_deref(),
        Ok("1703123456789GET/trade-api/v2/portfolio/orders"),
        "Kalshi's worked example: no separators, query dropped"
    );
    assert_eq!(
        signing_message("1", "delete", "/trade-api/v2/portfolio/events/orders/ee6f").as_deref(),
        Ok("1DELETE/trade-api/v2/portfolio/events/orders/ee6f"),
        "method is upper-cased, path ids are signed"
    );
    assert_eq!(signing_message("1", "GET", "/trade-api/ws/v2").as_deref(), Ok("1GET/trade-api/ws/v2"));
}

#[test]
fn message_rejects_bad_inputs() {
    let full_url = "https://api.elections.kalshi.com/trade-api/v2/markets";
    for (ts, method, path) in [
        ("", "GET", PATH),
        ("12a", "GET", PATH),
        ("1", "", PATH),
        ("1", "G T", PATH),
        ("1", "GET", full_url),
        ("1", "GET", ""),
    ] {
        assert!(
            matches!(signing_message(ts, method, path), Err(SignerError::InvalidInput(_))),
            "{ts:?} {method:?} {path:?} must be rejected, not signed"
        );
    }
    assert!(matches!(Signer::from_pem("", &ed25519_key().private_pem), Err(SignerError::InvalidInput(_))));
    assert!(matches!(Signer::from_pem("a\nb", &ed25519_key().private_pem), Err(SignerError::InvalidInput(_))));
}

#[test]
fn rsa_signature_verifies_with_independent_rsa_crate() {
    let signer = rsa_signer();
    assert_eq!(signer.key_kind(), KeyKind::Rsa);
    let signature = signer.sign(TS, "GET", &format!("{PATH}?limit=5")).expect("signs");
    assert_eq!(STANDARD.decode(&signature).expect("standard base64 with padding").len(), 256);
    let public = &rsa_key().public_pem;
    assert!(
        rsa_crate_verifies(public, "1703123456789GET/trade-api/v2/portfolio/orders", &signature),
        "rsa crate must accept the PSS/SHA-256/salt-32 signature"
    );
    assert!(
        !rsa_crate_verifies(public, "1703123456789GET/trade-api/v2/portfolio/orders?limit=5", &signature),
        "the query must not be signed"
    );
    assert!(
        !rsa_crate_verifies(public, "1703123456789POST/trade-api/v2/portfolio/orders", &signature),
        "the method must be signed"
    );
}

#[test]
fn rsa_signatures_are_randomized_and_both_verify() {
    let signer = rsa_signer();
    let first = signer.sign(TS, "POST", PATH).expect("signs");
    let second = signer.sign(TS, "POST", PATH).expect("signs");
    assert_ne!(first, second, "RSA-PSS uses a random salt");
    let public = signer.public_key();
    for signature in [&first, &second] {
        assert_eq!(public.verify_request("1703123456789", "POST", PATH, signature), Ok(()));
        assert!(rsa_crate_verifies(
            &rsa_key().public_pem,
            "1703123456789POST/trade-api/v2/portfolio/orders",
            signature
        ));
    }
}

#[test]
fn message_bytes_are_exact_via_verify() {
    for signer in [rsa_signer(), ed25519_signer()] {
        let kind = signer.key_kind();
        let public_pem = signer.public_key().to_pem().expect("encodes");
        let signature = signer.sign(TS, "get", &format!("{PATH}?cursor=abc")).expect("signs");
        let exact = b"1703123456789GET/trade-api/v2/portfolio/orders";
        assert_eq!(verify(public_pem.as_bytes(), kind, exact, &signature), Ok(()), "{kind}: exact ts+METHOD+path");
        for wrong in [
            &b"1703123456789GET/trade-api/v2/portfolio/orders?cursor=abc"[..],
            b"1703123456789 GET /trade-api/v2/portfolio/orders",
            b"1703123456789get/trade-api/v2/portfolio/orders",
            b"1703123456788GET/trade-api/v2/portfolio/orders",
        ] {
            assert_eq!(
                verify(public_pem.as_bytes(), kind, wrong, &signature),
                Err(SignerError::BadSignature),
                "{kind}: {}",
                String::from_utf8_lossy(wrong)
            );
        }
    }
}

#[test]
fn ed25519_signs_deterministically_and_verifies() {
    let signer = ed25519_signer();
    assert_eq!(signer.key_kind(), KeyKind::Ed25519);
    let signature = signer.sign(TS, "DELETE", PATH).expect("signs");
    assert_eq!(STANDARD.decode(&signature).expect("base64").len(), 64);
    assert_eq!(signature, signer.sign(TS, "DELETE", PATH).expect("signs"), "Ed25519 is deterministic");
    let public = PublicKey::from_pem(&ed25519_key().public_pem).expect("SPKI loads");
    assert_eq!(public, signer.public_key());
    assert_eq!(public.verify_request("1703123456789", "DELETE", PATH, &signature), Ok(()));
    // Raw 32-byte and SPKI DER forms are accepted too.
    let spki = public.to_spki_der().expect("encodes");
    assert_eq!(
        verify(&spki, KeyKind::Ed25519, b"1703123456789DELETE/trade-api/v2/portfolio/orders", &signature),
        Ok(())
    );
    assert_eq!(
        verify(&spki[12..], KeyKind::Ed25519, b"1703123456789DELETE/trade-api/v2/portfolio/orders", &signature),
        Ok(())
    );
}

#[test]
fn ed25519_pkcs8_v2_loads() {
    let v2 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).expect("generates");
    let signer = Signer::from_pem("k", &pem_encode("PRIVATE KEY", v2.as_ref())).expect("PKCS#8 v2 loads");
    assert_eq!(signer.key_kind(), KeyKind::Ed25519);
}

#[test]
fn rsa_pkcs1_and_pkcs8_pem_both_load() {
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&rsa_key().private_pem).expect("rsa crate reads PKCS#8");
    let pkcs1 = key.to_pkcs1_pem(LineEnding::CRLF).expect("rsa crate writes PKCS#1");
    assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let from_pkcs1 = Signer::from_pem("k", &pkcs1).expect("PKCS#1 loads");
    assert_eq!(from_pkcs1.key_kind(), KeyKind::Rsa);
    assert_eq!(from_pkcs1.public_key(), rsa_signer().public_key(), "same key either way");
    let signature = from_pkcs1.sign(TS, "GET", PATH).expect("signs");
    assert!(rsa_crate_verifies(&rsa_key().public_pem, "1703123456789GET/trade-api/v2/portfolio/orders", &signature));
    // Surrounding text and a one-line PEM are tolerated.
    let squashed = format!("key follows:\n{}\ntrailer", rsa_key().private_pem.replace('\n', " "));
    assert_eq!(Signer::from_pem("k", &squashed).expect("loads").public_key(), rsa_signer().public_key());
}

#[test]
fn public_key_accepts_spki_and_pkcs1_pem() {
    let key = rsa::RsaPublicKey::from_public_key_pem(&rsa_key().public_pem).expect("SPKI");
    let pkcs1 = key.to_pkcs1_pem(LineEnding::LF).expect("rsa crate writes PKCS#1 public");
    assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    let expected = rsa_signer().public_key();
    assert_eq!(PublicKey::from_pem(&pkcs1).expect("PKCS#1 public loads"), expected);
    let spki = PublicKey::from_pem(&rsa_key().public_pem).expect("SPKI loads");
    assert_eq!(spki, expected);
    assert_eq!(spki.to_pem().expect("encodes"), rsa_key().public_pem, "SPKI round-trips");
    assert!(matches!(PublicKey::from_pem(&rsa_key().private_pem), Err(SignerError::UnsupportedKey(_))));
}

#[test]
fn garbage_is_not_pem() {
    for input in ["", "hello", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "-----BEGIN PRIVATE KEY-----\nMIIE\n"] {
        assert!(matches!(Signer::from_pem("k", input), Err(SignerError::NotPem(_))), "{input:?}");
    }
}

#[test]
fn ec_keys_are_unsupported() {
    let ec = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).expect("generates");
    let pkcs8 = pem_encode("PRIVATE KEY", ec.to_pkcs8v1().expect("encodes").as_ref());
    let sec1: EcPrivateKeyRfc5915Der<'_> = ec.private_key().as_der().expect("encodes");
    let sec1 = format!(
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}",
        pem_encode("EC PRIVATE KEY", sec1.as_ref())
    );
    for pem in [pkcs8, sec1] {
        let err = Signer::from_pem("k", &pem).expect_err("EC must be rejected");
        assert!(matches!(err, SignerError::UnsupportedKey(_)), "{err:?}");
        assert!(body_lines(&pem).iter().all(|l| !err.to_string().contains(l)));
    }
    let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----";
    assert!(matches!(Signer::from_pem("k", encrypted), Err(SignerError::UnsupportedKey(_))));
    assert!(matches!(Signer::from_pem("k", &rsa_key().public_pem), Err(SignerError::UnsupportedKey(_))));
    assert!(matches!(generate_rsa_pem(1024), Err(SignerError::UnsupportedKey(_))));
}

#[test]
fn truncated_or_corrupt_keys_are_malformed() {
    for key in [rsa_key(), ed25519_key()] {
        let body = body_lines(&key.private_pem).concat();
        let half = &body[..body.len() / 8 * 4];
        let truncated = format!("-----BEGIN PRIVATE KEY-----\n{half}\n-----END PRIVATE KEY-----");
        let bad_b64 = key.private_pem.replacen("\nM", "\n!", 1);
        for pem in [truncated, bad_b64] {
            let err = Signer::from_pem("k", &pem).expect_err("damaged key must be rejected");
            assert!(matches!(err, SignerError::MalformedKey { .. }), "{err:?}");
            let text = format!("{err} {err:?}");
            assert!(
                body_lines(&key.private_pem).iter().all(|l| !text.contains(&l[..l.len().min(16)])),
                "error leaks key material: {text}"
            );
        }
    }
    let pkcs1_garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----";
    assert!(matches!(Signer::from_pem("k", pkcs1_garbage), Err(SignerError::MalformedKey { .. })));
}

#[test]
fn debug_is_redacted() {
    for (signer, key) in [(rsa_signer(), rsa_key()), (ed25519_signer(), ed25519_key())] {
        let debug = format!("{signer:?} {signer:#?}");
        assert!(debug.contains(signer.key_id()) && debug.contains(&format!("{:?}", signer.key_kind())), "{debug}");
        assert!(!debug.contains("PRIVATE"), "{debug}");
        assert!(body_lines(&key.private_pem).iter().all(|l| !debug.contains(&l[..l.len().min(16)])), "{debug}");
        assert!(!format!("{key:?}").contains("PRIVATE"), "GeneratedKey Debug hides the private PEM");
    }
}

#[test]
fn headers_map_to_kalshi_names() {
    let signer = ed25519_signer();
    let headers = signer.headers(TS, "POST", "/trade-api/v2/portfolio/orders?x=1").expect("signs");
    assert_eq!(headers.key, "ed-key-id");
    assert_eq!(headers.timestamp, "1703123456789");
    let names: Vec<&str> = headers.pairs().iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["KALSHI-ACCESS-KEY", "KALSHI-ACCESS-TIMESTAMP", "KALSHI-ACCESS-SIGNATURE"]);
    assert_eq!(signer.public_key().verify_request(&headers.timestamp, "POST", PATH, &headers.signature), Ok(()));
}

#[test]
fn verify_rejects_wrong_kind_and_bad_encoding() {
    let signature = ed25519_signer().sign(TS, "GET", PATH).expect("signs");
    let message = b"1703123456789GET/trade-api/v2/portfolio/orders";
    let ed_pem = ed25519_key().public_pem.as_bytes();
    assert_eq!(
        verify(ed_pem, KeyKind::Rsa, message, &signature),
        Err(SignerError::WrongKeyKind { expected: KeyKind::Rsa, found: KeyKind::Ed25519 })
    );
    assert_eq!(verify(ed_pem, KeyKind::Ed25519, message, "not base64!"), Err(SignerError::SignatureEncoding));
    let rsa_pem = rsa_key().public_pem.as_bytes();
    assert_eq!(
        verify(rsa_pem, KeyKind::Rsa, message, &signature),
        Err(SignerError::BadSignature),
        "an Ed25519 signature is not an RSA one"
    );
    let pkcs1 = rsa_signer().public_key().raw.to_vec();
    let rsa_signature = rsa_signer().sign(TS, "GET", PATH).expect("signs");
    assert_eq!(verify(&pkcs1, KeyKind::Rsa, message, &rsa_signature), Ok(()), "PKCS#1 DER accepted");
}

#[test]
fn signer_is_send_sync_and_clones_share_the_key() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Signer>();
    assert_send_sync::<PublicKey>();
    let signer = ed25519_signer();
    let clone = signer.clone();
    assert!(Arc::ptr_eq(&signer.inner, &clone.inner), "clone is an Arc bump, not a key copy");
}

/// Cross-check with Python `cryptography`, a third independent implementation
/// (`scripts/setup.sh` installs it).
#[test]
fn python_cryptography_verifies() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/signer_verify.py");
    for signer in [rsa_signer(), ed25519_signer()] {
        let public_pem = signer.public_key().to_pem().expect("encodes");
        let signature = signer.sign(TS, "GET", &format!("{PATH}?limit=5")).expect("signs");
        let dir = std::env::temp_dir().join(format!("kmm-signer-{}-{}", std::process::id(), signer.key_kind()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let key_path = dir.join("public.pem");
        std::fs::write(&key_path, public_pem).expect("write key");
        let status = std::process::Command::new("python3")
            .arg(script)
            .arg(&key_path)
            .arg("1703123456789GET/trade-api/v2/portfolio/orders")
            .arg(&signature)
            .status()
            .expect("python3 runs");
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert!(status.success(), "python cryptography rejected the {} signature", signer.key_kind());
    }
}
