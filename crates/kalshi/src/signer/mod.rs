//! Request signing for the Kalshi Trade API.
//!
//! Every authenticated REST request (and the WebSocket upgrade) carries three headers:
//! the API key id, a Unix timestamp in milliseconds, and a base64 signature over
//! `timestamp_ms + METHOD + path`, where `path` is the URL path from the root
//! (`/trade-api/v2/...`) without the query string. RSA keys sign with RSA-PSS
//! (SHA-256, MGF1-SHA-256, 32-byte salt); Ed25519 keys sign the same message with plain
//! Ed25519. The key type is detected from the PEM.
//!
//! Backend: `aws-lc-rs`, chosen by benchmark (see `docs/benchmarks.md`); it is already in
//! the dependency tree through rustls, and unlike the `rsa` crate it is not subject to
//! RUSTSEC-2023-0071 (Marvin timing side channel).
//!
//! Secrets: private key material is never formatted. `Debug` shows the key id and kind only,
//! and every error carries static text, never bytes of the input.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::error::KeyRejected;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ED25519, Ed25519KeyPair, KeyPair as _, RSA_PSS_2048_8192_SHA256, RSA_PSS_SHA256, RsaKeyPair, UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// Header carrying the API key id.
pub const HEADER_KEY: &str = "KALSHI-ACCESS-KEY";
/// Header carrying the request timestamp (Unix milliseconds, decimal).
pub const HEADER_TIMESTAMP: &str = "KALSHI-ACCESS-TIMESTAMP";
/// Header carrying the base64 request signature.
pub const HEADER_SIGNATURE: &str = "KALSHI-ACCESS-SIGNATURE";

/// Errors from loading keys, signing and verifying.
///
/// Every payload is static text: no variant can carry key material or other input bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignerError {
    /// The input has no complete PEM block.
    #[error("not a PEM key: {0}")]
    NotPem(&'static str),
    /// The PEM holds a key of a type or form the signer does not handle (EC, encrypted, ...).
    #[error("unsupported key: {0}")]
    UnsupportedKey(&'static str),
    /// The key's encoding is damaged (bad base64, bad DER, inconsistent RSA parameters, ...).
    #[error("malformed {format}: {reason}")]
    MalformedKey {
        /// What was being parsed, e.g. `PKCS#8 private key`.
        format: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A public key of one kind was supplied where the other kind was expected.
    #[error("expected a {expected} public key, found {found}")]
    WrongKeyKind {
        /// The kind the caller asked for.
        expected: KeyKind,
        /// The kind the key actually is.
        found: KeyKind,
    },
    /// The key id, method, path or timestamp cannot form a valid signed request.
    #[error("invalid signing input: {0}")]
    InvalidInput(&'static str),
    /// The signature is not standard base64.
    #[error("signature is not valid standard base64")]
    SignatureEncoding,
    /// The signature does not verify for this key and message.
    #[error("signature does not verify")]
    BadSignature,
    /// The crypto library failed (signing or key generation).
    #[error("cryptographic operation failed: {0}")]
    Crypto(&'static str),
}

/// The kind of API key, as Kalshi names it (`rsa` | `ed25519`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// RSA key; signatures are RSA-PSS with SHA-256 and a 32-byte salt.
    Rsa,
    /// Ed25519 key; signatures are plain Ed25519.
    Ed25519,
}

impl KeyKind {
    /// Kalshi's name for the key type.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Rsa => "rsa",
            Self::Ed25519 => "ed25519",
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three authentication header values for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthHeaders {
    /// Value of [`HEADER_KEY`]: the API key id.
    pub key: String,
    /// Value of [`HEADER_TIMESTAMP`]: Unix milliseconds as a decimal string.
    pub timestamp: String,
    /// Value of [`HEADER_SIGNATURE`]: standard base64 of the signature.
    pub signature: String,
}

impl AuthHeaders {
    /// `(header name, value)` pairs, ready to add to a request.
    #[must_use]
    pub fn pairs(&self) -> [(&'static str, &str); 3] {
        [
            (HEADER_KEY, self.key.as_str()),
            (HEADER_TIMESTAMP, self.timestamp.as_str()),
            (HEADER_SIGNATURE, self.signature.as_str()),
        ]
    }
}

/// Builds the exact string Kalshi signs: `timestamp + METHOD + path`, query dropped.
///
/// `timestamp` must be decimal digits (the header value as sent), `method` ASCII letters
/// (upper-cased here), and `path` the request path from the root, as it appears on the wire
/// (percent-encoded), e.g. `/trade-api/v2/portfolio/orders?limit=5`. Everything from the
/// first `?` is dropped.
///
/// # Errors
/// [`SignerError::InvalidInput`] if any part is empty or malformed, or if `path` does not
/// start with `/` (e.g. a full URL was passed).
pub fn signing_message(timestamp: &str, method: &str, path: &str) -> Result<String, SignerError> {
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignerError::InvalidInput("timestamp must be decimal digits"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(SignerError::InvalidInput("method must be ASCII letters"));
    }
    let path = path.split_once('?').map_or(path, |(path, _query)| path);
    if !path.starts_with('/') {
        return Err(SignerError::InvalidInput("path must start with '/' (pass the URL path, not the full URL)"));
    }
    let mut message = String::with_capacity(timestamp.len() + method.len() + path.len());
    message.push_str(timestamp);
    message.extend(method.chars().map(|c| c.to_ascii_uppercase()));
    message.push_str(path);
    Ok(message)
}

/// Signs Kalshi requests with one API key. Cheap to clone (shared), `Send + Sync`.
#[derive(Clone)]
pub struct Signer {
    inner: Arc<SignerInner>,
}

struct SignerInner {
    key_id: String,
    key: PrivateKey,
}

enum PrivateKey {
    Rsa(RsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl Signer {
    /// Loads a private key from PEM and pairs it with its API key id.
    ///
    /// Accepts RSA keys as PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`), and Ed25519
    /// keys as PKCS#8 (v1 or v2). RSA keys must be 2048 to 8192 bits. Text around the PEM
    /// block is ignored; the first block whose label ends in `PRIVATE KEY` is used.
    ///
    /// # Errors
    /// [`SignerError::NotPem`], [`SignerError::UnsupportedKey`] (EC, encrypted, OpenSSH, ...),
    /// [`SignerError::MalformedKey`], or [`SignerError::InvalidInput`] for an empty or
    /// non-printable key id.
    pub fn from_pem(key_id: impl Into<String>, pem: &str) -> Result<Self, SignerError> {
        let key_id = key_id.into();
        if key_id.is_empty() || !key_id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SignerError::InvalidInput("key id must be non-empty printable ASCII without spaces"));
        }
        let key = PrivateKey::from_pem(pem)?;
        Ok(Self { inner: Arc::new(SignerInner { key_id, key }) })
    }

    /// The API key id sent in [`HEADER_KEY`].
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.inner.key_id
    }

    /// Whether this is an RSA or an Ed25519 key.
    #[must_use]
    pub fn key_kind(&self) -> KeyKind {
        match self.inner.key {
            PrivateKey::Rsa(_) => KeyKind::Rsa,
            PrivateKey::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// The public half of the key (what Kalshi stores), e.g. to register with a simulator.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        match &self.inner.key {
            PrivateKey::Rsa(kp) => PublicKey::new(KeyKind::Rsa, kp.public_key().as_ref()),
            PrivateKey::Ed25519(kp) => PublicKey::new(KeyKind::Ed25519, kp.public_key().as_ref()),
        }
    }

    /// Signs `timestamp_ms + METHOD + path` (query dropped) and returns standard base64.
    ///
    /// RSA-PSS is randomized, so two calls give different, equally valid signatures.
    ///
    /// # Errors
    /// [`SignerError::InvalidInput`] for a bad method or path (see [`signing_message`]),
    /// [`SignerError::Crypto`] if the crypto library fails.
    pub fn sign(&self, timestamp_ms: u64, method: &str, path: &str) -> Result<String, SignerError> {
        let message = signing_message(&timestamp_ms.to_string(), method, path)?;
        self.sign_message(message.as_bytes())
    }

    /// The three authentication headers for one request.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn headers(&self, timestamp_ms: u64, method: &str, path: &str) -> Result<AuthHeaders, SignerError> {
        let timestamp = timestamp_ms.to_string();
        let message = signing_message(&timestamp, method, path)?;
        Ok(AuthHeaders { key: self.inner.key_id.clone(), timestamp, signature: self.sign_message(message.as_bytes())? })
    }

    fn sign_message(&self, message: &[u8]) -> Result<String, SignerError> {
        match &self.inner.key {
            PrivateKey::Rsa(kp) => {
                let mut signature = vec![0; kp.public_modulus_len()];
                kp.sign(&RSA_PSS_SHA256, &SystemRandom::new(), message, &mut signature)
                    .map_err(|_| SignerError::Crypto("RSA-PSS signing failed"))?;
                Ok(STANDARD.encode(signature))
            }
            PrivateKey::Ed25519(kp) => {
                let signature = kp.try_sign(message).map_err(|_| SignerError::Crypto("Ed25519 signing failed"))?;
                Ok(STANDARD.encode(signature.as_ref()))
            }
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.inner.key_id)
            .field("kind", &self.key_kind())
            .finish_non_exhaustive()
    }
}

impl PrivateKey {
    fn from_pem(pem: &str) -> Result<Self, SignerError> {
        let mut rest = pem;
        let mut saw_block = false;
        while let Some(block) = next_pem_block(rest)? {
            rest = block.rest;
            saw_block = true;
            match block.label {
                "RSA PRIVATE KEY" => {
                    const FORMAT: &str = "PKCS#1 RSA private key";
                    let der = block.decode(FORMAT)?;
                    return RsaKeyPair::from_der(&der).map(Self::Rsa).map_err(|e| rejected(FORMAT, e));
                }
                "PRIVATE KEY" => return Self::from_pkcs8(&block.decode("PKCS#8 private key")?),
                "ENCRYPTED PRIVATE KEY" => {
                    return Err(SignerError::UnsupportedKey("encrypted PKCS#8 private key (decrypt it first)"));
                }
                "EC PRIVATE KEY" => {
                    return Err(SignerError::UnsupportedKey("EC (SEC1) private key"));
                }
                "OPENSSH PRIVATE KEY" => {
                    return Err(SignerError::UnsupportedKey("OpenSSH private key (convert it to PKCS#8)"));
                }
                label if label.ends_with("PRIVATE KEY") => {
                    return Err(SignerError::UnsupportedKey("unrecognised private key PEM label"));
                }
                _ => {} // EC PARAMETERS, certificates, ...: look further.
            }
        }
        Err(if saw_block {
            SignerError::UnsupportedKey("PEM holds no private key block")
        } else {
            SignerError::NotPem("no -----BEGIN line found")
        })
    }

    fn from_pkcs8(der: &[u8]) -> Result<Self, SignerError> {
        const FORMAT: &str = "PKCS#8 private key";
        let algorithm = der::pkcs8_algorithm(der)
            .ok_or(SignerError::MalformedKey { format: FORMAT, reason: "not a valid PrivateKeyInfo DER structure" })?;
        match algorithm_kind(algorithm)? {
            KeyKind::Rsa => RsaKeyPair::from_pkcs8(der).map(Self::Rsa).map_err(|e| rejected(FORMAT, e)),
            KeyKind::Ed25519 => {
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map(Self::Ed25519).map_err(|e| rejected(FORMAT, e))
            }
        }
    }
}

/// A public key that can verify Kalshi request signatures (e.g. in an exchange simulator).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    kind: KeyKind,
    /// *ring*-style raw form: PKCS#1 `RSAPublicKey` DER for RSA, 32 raw bytes for Ed25519.
    raw: Arc<[u8]>,
}

impl PublicKey {
    fn new(kind: KeyKind, raw: &[u8]) -> Self {
        Self { kind, raw: Arc::from(raw) }
    }

    /// Parses an SPKI `PUBLIC KEY` (RSA or Ed25519) or PKCS#1 `RSA PUBLIC KEY` PEM.
    ///
    /// # Errors
    /// [`SignerError::NotPem`], [`SignerError::UnsupportedKey`] or
    /// [`SignerError::MalformedKey`].
    pub fn from_pem(pem: &str) -> Result<Self, SignerError> {
        let mut rest = pem;
        let mut saw_block = false;
        while let Some(block) = next_pem_block(rest)? {
            rest = block.rest;
            saw_block = true;
            match block.label {
                "PUBLIC KEY" => return Self::from_spki_der(&block.decode("SPKI public key")?),
                "RSA PUBLIC KEY" => {
                    return Self::from_pkcs1_der(&block.decode("PKCS#1 RSA public key")?);
                }
                _ => {}
            }
        }
        Err(if saw_block {
            SignerError::UnsupportedKey("PEM holds no PUBLIC KEY or RSA PUBLIC KEY block")
        } else {
            SignerError::NotPem("no -----BEGIN line found")
        })
    }

    /// Parses a DER `SubjectPublicKeyInfo` (RSA or Ed25519).
    ///
    /// # Errors
    /// [`SignerError::UnsupportedKey`] or [`SignerError::MalformedKey`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, SignerError> {
        const FORMAT: &str = "SPKI public key";
        let (algorithm, key) = der::spki_parts(der).ok_or(SignerError::MalformedKey {
            format: FORMAT,
            reason: "not a valid SubjectPublicKeyInfo DER structure",
        })?;
        match algorithm_kind(algorithm)? {
            KeyKind::Rsa => Self::from_pkcs1_der(key),
            KeyKind::Ed25519 if key.len() == 32 => Ok(Self::new(KeyKind::Ed25519, key)),
            KeyKind::Ed25519 => {
                Err(SignerError::MalformedKey { format: FORMAT, reason: "Ed25519 public key is not 32 bytes" })
            }
        }
    }

    /// Parses a DER PKCS#1 `RSAPublicKey`.
    ///
    /// # Errors
    /// [`SignerError::MalformedKey`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, SignerError> {
        let key = aws_lc_rs::rsa::PublicKey::from_der(der).map_err(|e| rejected("PKCS#1 RSA public key", e))?;
        Ok(Self::new(KeyKind::Rsa, key.as_ref()))
    }

    /// Whether this is an RSA or an Ed25519 key.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// Verifies a base64 signature over `message` (RSA-PSS SHA-256 salt 32, or Ed25519).
    ///
    /// # Errors
    /// [`SignerError::SignatureEncoding`] or [`SignerError::BadSignature`].
    pub fn verify(&self, message: &[u8], signature_b64: &str) -> Result<(), SignerError> {
        let signature = STANDARD.decode(signature_b64).map_err(|_| SignerError::SignatureEncoding)?;
        let result = match self.kind {
            KeyKind::Rsa => {
                UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &self.raw[..]).verify(message, &signature)
            }
            KeyKind::Ed25519 => UnparsedPublicKey::new(&ED25519, &self.raw[..]).verify(message, &signature),
        };
        result.map_err(|_| SignerError::BadSignature)
    }

    /// Verifies a request's signature from its header values, method and path (query dropped).
    ///
    /// # Errors
    /// As [`signing_message`] and [`PublicKey::verify`].
    pub fn verify_request(
        &self,
        timestamp: &str,
        method: &str,
        path: &str,
        signature_b64: &str,
    ) -> Result<(), SignerError> {
        let message = signing_message(timestamp, method, path)?;
        self.verify(message.as_bytes(), signature_b64)
    }

    /// DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// [`SignerError::Crypto`] if the crypto library cannot encode the key.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, SignerError> {
        const ENCODE: SignerError = SignerError::Crypto("public key encoding failed");
        match self.kind {
            KeyKind::Rsa => {
                let key = aws_lc_rs::rsa::PublicKey::from_der(&self.raw).map_err(|_| ENCODE)?;
                let der: PublicKeyX509Der<'_> = key.as_der().map_err(|_| ENCODE)?;
                Ok(der.as_ref().to_vec())
            }
            KeyKind::Ed25519 => {
                let mut der = der::ED25519_SPKI_PREFIX.to_vec();
                der.extend_from_slice(&self.raw);
                Ok(der)
            }
        }
    }

    /// SPKI `PUBLIC KEY` PEM (the form Kalshi's key page and OpenSSL use).
    ///
    /// # Errors
    /// As [`PublicKey::to_spki_der`].
    pub fn to_pem(&self) -> Result<String, SignerError> {
        Ok(pem_encode("PUBLIC KEY", &self.to_spki_der()?))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("kind", &self.kind).field("len", &self.raw.len()).finish()
    }
}

/// Verifies a base64 signature over `message` with a public key of the expected `kind`.
///
/// `public_key` is PEM text (SPKI `PUBLIC KEY` or `RSA PUBLIC KEY`) or DER: SPKI, PKCS#1
/// `RSAPublicKey` for RSA, or the 32 raw bytes for Ed25519.
///
/// # Errors
/// Key parsing errors, [`SignerError::WrongKeyKind`], [`SignerError::SignatureEncoding`] or
/// [`SignerError::BadSignature`].
pub fn verify(public_key: &[u8], kind: KeyKind, message: &[u8], signature_b64: &str) -> Result<(), SignerError> {
    let key = if public_key.trim_ascii_start().starts_with(b"-----BEGIN") {
        let pem = std::str::from_utf8(public_key).map_err(|_| SignerError::NotPem("PEM text is not UTF-8"))?;
        PublicKey::from_pem(pem)?
    } else {
        match (kind, public_key.len()) {
            (KeyKind::Ed25519, 32) => PublicKey::new(KeyKind::Ed25519, public_key),
            (KeyKind::Rsa, _) if der::spki_parts(public_key).is_none() => PublicKey::from_pkcs1_der(public_key)?,
            _ => PublicKey::from_spki_der(public_key)?,
        }
    };
    if key.kind != kind {
        return Err(SignerError::WrongKeyKind { expected: kind, found: key.kind });
    }
    key.verify(message, signature_b64)
}

/// A freshly generated key pair as PEM, for tests and the simulator.
#[derive(Clone)]
pub struct GeneratedKey {
    /// Unencrypted PKCS#8 `PRIVATE KEY` PEM. Secret.
    pub private_pem: String,
    /// SPKI `PUBLIC KEY` PEM.
    pub public_pem: String,
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("private_pem", &"<redacted>")
            .field("public_pem", &self.public_pem)
            .finish()
    }
}

/// Generates an Ed25519 key pair (PKCS#8 v1 private PEM, as OpenSSL writes it).
///
/// # Errors
/// [`SignerError::Crypto`] if generation fails.
pub fn generate_ed25519_pem() -> Result<GeneratedKey, SignerError> {
    const FAIL: SignerError = SignerError::Crypto("Ed25519 key generation failed");
    let kp = Ed25519KeyPair::generate().map_err(|_| FAIL)?;
    let private: Pkcs8V1Der<'_> = kp.as_der().map_err(|_| FAIL)?;
    let public: PublicKeyX509Der<'_> = kp.public_key().as_der().map_err(|_| FAIL)?;
    Ok(GeneratedKey {
        private_pem: pem_encode("PRIVATE KEY", private.as_ref()),
        public_pem: pem_encode("PUBLIC KEY", public.as_ref()),
    })
}

/// Generates an RSA key pair of `bits` (2048, 3072, 4096 or 8192) as PKCS#8 / SPKI PEM.
///
/// # Errors
/// [`SignerError::UnsupportedKey`] for another size, [`SignerError::Crypto`] if generation fails.
pub fn generate_rsa_pem(bits: usize) -> Result<GeneratedKey, SignerError> {
    const FAIL: SignerError = SignerError::Crypto("RSA key generation failed");
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        8192 => KeySize::Rsa8192,
        _ => {
            return Err(SignerError::UnsupportedKey("RSA key size must be 2048, 3072, 4096 or 8192 bits"));
        }
    };
    let kp = RsaKeyPair::generate(size).map_err(|_| FAIL)?;
    let private: Pkcs8V1Der<'_> = kp.as_der().map_err(|_| FAIL)?;
    let public: PublicKeyX509Der<'_> = kp.public_key().as_der().map_err(|_| FAIL)?;
    Ok(GeneratedKey {
        private_pem: pem_encode("PRIVATE KEY", private.as_ref()),
        public_pem: pem_encode("PUBLIC KEY", public.as_ref()),
    })
}

/// Maps an algorithm OID (DER contents) to a supported key kind.
fn algorithm_kind(oid: &[u8]) -> Result<KeyKind, SignerError> {
    match oid {
        der::OID_RSA_ENCRYPTION => Ok(KeyKind::Rsa),
        der::OID_ED25519 => Ok(KeyKind::Ed25519),
        der::OID_EC_PUBLIC_KEY => Err(SignerError::UnsupportedKey("EC (ECDSA) key")),
        der::OID_RSASSA_PSS => {
            Err(SignerError::UnsupportedKey("RSASSA-PSS-restricted RSA key (export it as a plain rsaEncryption key)"))
        }
        der::OID_ED448 => Err(SignerError::UnsupportedKey("Ed448 key")),
        der::OID_X25519 | der::OID_X448 => Err(SignerError::UnsupportedKey("X25519/X448 key-agreement key")),
        _ => Err(SignerError::UnsupportedKey("unknown key algorithm")),
    }
}

/// Maps an aws-lc key rejection to a typed error (the reason is a static name, never key bytes).
fn rejected(format: &'static str, e: KeyRejected) -> SignerError {
    match e.description_() {
        "TooSmall" | "TooLarge" => SignerError::UnsupportedKey("RSA key size outside 2048..=8192 bits"),
        reason => SignerError::MalformedKey { format, reason },
    }
}

struct PemBlock<'a> {
    label: &'a str,
    body: &'a str,
    rest: &'a str,
}

impl PemBlock<'_> {
    /// Base64-decodes the body into a buffer that is wiped on drop.
    fn decode(&self, format: &'static str) -> Result<Zeroizing<Vec<u8>>, SignerError> {
        if self.body.contains(':') {
            return Err(SignerError::UnsupportedKey("encrypted legacy PEM (Proc-Type/DEK-Info headers)"));
        }
        let mut text = Zeroizing::new(String::with_capacity(self.body.len()));
        text.extend(self.body.chars().filter(|c| !c.is_ascii_whitespace()));
        STANDARD
            .decode(text.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| SignerError::MalformedKey { format, reason: "PEM body is not valid base64" })
    }
}

/// Finds the next `-----BEGIN X----- ... -----END X-----` block. Tolerates any text around
/// it, CRLF line ends, and keys squashed onto one line.
fn next_pem_block(text: &str) -> Result<Option<PemBlock<'_>>, SignerError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let Some(start) = text.find(BEGIN) else {
        return Ok(None);
    };
    let after_begin = &text[start + BEGIN.len()..];
    let label_len = after_begin
        .find(DASHES)
        .filter(|&n| n > 0 && !after_begin[..n].contains(['\r', '\n']))
        .ok_or(SignerError::NotPem("malformed -----BEGIN line"))?;
    let label = &after_begin[..label_len];
    let after_label = &after_begin[label_len + DASHES.len()..];
    let end_marker = format!("-----END {label}-----");
    let body_len =
        after_label.find(&end_marker).ok_or(SignerError::NotPem("PEM block has no matching -----END line"))?;
    Ok(Some(PemBlock { label, body: &after_label[..body_len], rest: &after_label[body_len + end_marker.len()..] }))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = Zeroizing::new(STANDARD.encode(der));
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

/// Just enough DER to find a key's algorithm; aws-lc does the real parsing.
mod der {
    pub(super) const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1];
    pub(super) const OID_RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 10];
    pub(super) const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1];
    pub(super) const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];
    pub(super) const OID_X448: &[u8] = &[0x2b, 0x65, 0x6f];
    pub(super) const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub(super) const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];
    /// SPKI header for an Ed25519 key (RFC 8410 §4), followed by the 32 key bytes.
    pub(super) const ED25519_SPKI_PREFIX: &[u8] =
        &[0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    const OID: u8 = 0x06;
    const BIT_STRING: u8 = 0x03;

    /// Reads one definite-length TLV: `(tag, contents, rest)`.
    fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let (len_bytes, rest) = rest.split_at(n);
            let len = len_bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            (len, rest)
        };
        if rest.len() < len {
            return None;
        }
        let (contents, rest) = rest.split_at(len);
        Some((tag, contents, rest))
    }

    fn expect(tag: u8, input: &[u8]) -> Option<(&[u8], &[u8])> {
        let (t, contents, rest) = tlv(input)?;
        (t == tag).then_some((contents, rest))
    }

    /// The whole input must be one SEQUENCE; returns its contents.
    fn outer_sequence(input: &[u8]) -> Option<&[u8]> {
        let (contents, rest) = expect(SEQUENCE, input)?;
        rest.is_empty().then_some(contents)
    }

    /// The first OID inside an `AlgorithmIdentifier` SEQUENCE.
    fn algorithm_oid(input: &[u8]) -> Option<(&[u8], &[u8])> {
        let (algorithm, rest) = expect(SEQUENCE, input)?;
        let (oid, _parameters) = expect(OID, algorithm)?;
        Some((oid, rest))
    }

    /// `PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier, ... }`
    pub(super) fn pkcs8_algorithm(der: &[u8]) -> Option<&[u8]> {
        let (_version, rest) = expect(INTEGER, outer_sequence(der)?)?;
        let (oid, _rest) = algorithm_oid(rest)?;
        Some(oid)
    }

    /// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }`:
    /// `(algorithm OID, key bytes)`.
    pub(super) fn spki_parts(der: &[u8]) -> Option<(&[u8], &[u8])> {
        let (oid, rest) = algorithm_oid(outer_sequence(der)?)?;
        let (bits, rest) = expect(BIT_STRING, rest)?;
        match bits.split_first() {
            Some((0, key)) if rest.is_empty() => Some((oid, key)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
