//! Request-signing backends, side by side on one key and one message.
//!
//! RSA-2048 PSS/SHA-256 (salt 32) signing with aws-lc-rs, *ring* and the pure-Rust `rsa`
//! crate (blinded; RUSTSEC-2023-0071 applies to its private-key operations), Ed25519 with
//! aws-lc-rs and *ring*, the crate's own `Signer::sign` end to end (message + base64), and
//! verification as the exchange simulator does it. Results: `docs/benchmarks.md`.
//!
//! `cargo bench -p kmm-kalshi --bench signing -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::signature::{self as aws, KeyPair as _};
use criterion::{Criterion, criterion_main};
use kmm_kalshi::signer::{PublicKey, Signer};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Verifier as _};
use sha2::Sha256;

const TIMESTAMP_MS: u64 = 1_703_123_456_789;
const PATH: &str = "/trade-api/v2/portfolio/orders";
const MESSAGE: &[u8] = b"1703123456789GET/trade-api/v2/portfolio/orders";

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> =
        b64.as_bytes().chunks(64).map(|line| std::str::from_utf8(line).expect("base64 is ASCII")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// Every backend must produce a signature the reference verifier accepts, so that the
/// benchmark compares the same operation (PSS, SHA-256, MGF1-SHA-256, salt 32).
fn assert_rsa_pss_verifies(public_pkcs1: &[u8], signature: &[u8], backend: &str) {
    aws::UnparsedPublicKey::new(&aws::RSA_PSS_2048_8192_SHA256, public_pkcs1)
        .verify(MESSAGE, signature)
        .unwrap_or_else(|_| panic!("{backend} signature must verify as RSA-PSS SHA-256 salt 32"));
}

fn rsa_sign(c: &mut Criterion) {
    let aws_key = aws::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
    let pkcs8: Pkcs8V1Der<'_> = aws_key.as_der().expect("PKCS#8");
    let public = aws_key.public_key().as_ref().to_vec();

    let ring_key = ring::signature::RsaKeyPair::from_pkcs8(pkcs8.as_ref()).expect("ring loads");
    let rsa_key = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8.as_ref()).expect("rsa crate loads");
    let rsa_key = rsa::pss::BlindedSigningKey::<Sha256>::new_with_salt_len(rsa_key, 32);
    let signer = Signer::from_pem("bench", &pem("PRIVATE KEY", pkcs8.as_ref())).expect("loads");

    let aws_rng = aws_lc_rs::rand::SystemRandom::new();
    let ring_rng = ring::rand::SystemRandom::new();
    let mut signature = vec![0u8; aws_key.public_modulus_len()];

    aws_key.sign(&aws::RSA_PSS_SHA256, &aws_rng, MESSAGE, &mut signature).expect("signs");
    assert_rsa_pss_verifies(&public, &signature, "aws-lc-rs");
    ring_key.sign(&ring::signature::RSA_PSS_SHA256, &ring_rng, MESSAGE, &mut signature).expect("signs");
    assert_rsa_pss_verifies(&public, &signature, "ring");
    let rsa_signature = rsa_key.sign_with_rng(&mut rsa::rand_core::OsRng, MESSAGE).to_vec();
    assert_rsa_pss_verifies(&public, &rsa_signature, "rsa crate");
    let kmm_signature = signer.sign(TIMESTAMP_MS, "GET", PATH).expect("signs");
    signer.public_key().verify(MESSAGE, &kmm_signature).expect("Signer output must verify");

    let mut group = c.benchmark_group("rsa2048_pss_sha256_sign");
    group.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            aws_key.sign(&aws::RSA_PSS_SHA256, &aws_rng, black_box(MESSAGE), &mut signature).expect("signs");
        });
    });
    group.bench_function("ring", |b| {
        b.iter(|| {
            ring_key
                .sign(&ring::signature::RSA_PSS_SHA256, &ring_rng, black_box(MESSAGE), &mut signature)
                .expect("signs");
        });
    });
    group.bench_function("rsa-crate-blinded", |b| {
        b.iter(|| rsa_key.sign_with_rng(&mut rsa::rand_core::OsRng, black_box(MESSAGE)));
    });
    group.bench_function("kmm-signer", |b| {
        b.iter(|| signer.sign(black_box(TIMESTAMP_MS), "GET", PATH).expect("signs"));
    });
    group.finish();
}

fn ed25519_sign(c: &mut Criterion) {
    let pkcs8 = aws::Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).expect("keygen");
    let aws_key = aws::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("aws-lc loads");
    let ring_key = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("ring loads");
    let signer = Signer::from_pem("bench", &pem("PRIVATE KEY", pkcs8.as_ref())).expect("loads");
    assert_eq!(
        aws_key.sign(MESSAGE).as_ref(),
        ring_key.sign(MESSAGE).as_ref(),
        "Ed25519 is deterministic: both backends must agree"
    );

    let mut group = c.benchmark_group("ed25519_sign");
    group.bench_function("aws-lc-rs", |b| b.iter(|| aws_key.sign(black_box(MESSAGE))));
    group.bench_function("ring", |b| b.iter(|| ring_key.sign(black_box(MESSAGE))));
    group.bench_function("kmm-signer", |b| {
        b.iter(|| signer.sign(black_box(TIMESTAMP_MS), "GET", PATH).expect("signs"));
    });
    group.finish();
}

fn verify(c: &mut Criterion) {
    let rsa_der = aws::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .and_then(|k| AsDer::<Pkcs8V1Der<'_>>::as_der(&k))
        .expect("keygen");
    let rsa_signer = Signer::from_pem("bench", &pem("PRIVATE KEY", rsa_der.as_ref())).expect("ok");
    let rsa_public: PublicKey = rsa_signer.public_key();
    let rsa_signature = rsa_signer.sign(TIMESTAMP_MS, "GET", PATH).expect("signs");
    let rsa_crate_key = rsa::RsaPrivateKey::from_pkcs8_der(rsa_der.as_ref()).expect("loads");
    let rsa_crate_key = rsa::pss::VerifyingKey::<Sha256>::new_with_salt_len(rsa_crate_key.to_public_key(), 32);
    let rsa_crate_signature = {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD.decode(&rsa_signature).expect("base64");
        rsa::pss::Signature::try_from(bytes.as_slice()).expect("signature")
    };
    let ed_pkcs8 = aws::Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).expect("keygen");
    let ed_signer = Signer::from_pem("bench", &pem("PRIVATE KEY", ed_pkcs8.as_ref())).expect("ok");
    let ed_public = ed_signer.public_key();
    let ed_signature = ed_signer.sign(TIMESTAMP_MS, "GET", PATH).expect("signs");

    let mut group = c.benchmark_group("verify");
    group.bench_function("rsa2048-pss/aws-lc-rs", |b| {
        b.iter(|| rsa_public.verify(black_box(MESSAGE), &rsa_signature).expect("verifies"));
    });
    group.bench_function("rsa2048-pss/rsa-crate", |b| {
        b.iter(|| {
            rsa_crate_key.verify(black_box(MESSAGE), &rsa_crate_signature).expect("verifies");
        });
    });
    group.bench_function("ed25519/aws-lc-rs", |b| {
        b.iter(|| ed_public.verify(black_box(MESSAGE), &ed_signature).expect("verifies"));
    });
    group.finish();
}

/// Private so the macro's generated `pub fn` needs no doc comment.
mod group {
    use super::{ed25519_sign, rsa_sign, verify};
    criterion::criterion_group!(benches, rsa_sign, ed25519_sign, verify);
}
criterion_main!(group::benches);
