//! Kalshi API keys in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), namespaced by environment.
//!
//! A private key enters as a [`SecretPem`], is validated by parsing it, and is stored in the
//! keychain; it never touches disk here. [`SecretPem`] has a redacted `Debug`, no `Display`,
//! no `Serialize`, and wipes its memory on drop. Callers get a ready [`Signer`], never the
//! key text back. Depends on `kmm-kalshi` (to validate keys); nothing depends on a front end.

use std::fmt;

use kmm_kalshi::signer::SignerError;
use kmm_kalshi::{Environment, Signer};
use zeroize::Zeroizing;

/// The keychain service name of this app.
pub const SERVICE: &str = "io.github.kalshimm";

/// A PEM private key in memory: redacted, unserialisable, wiped on drop.
pub struct SecretPem(Zeroizing<String>);

impl SecretPem {
    /// Wraps key text (e.g. read from a .pem file being imported).
    pub fn new(pem: String) -> Self {
        Self(Zeroizing::new(pem))
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretPem(<redacted>)")
    }
}

/// Why a keychain operation failed. No variant carries key material.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The keychain could not be reached or refused the operation.
    #[error("keychain unavailable: {0}")]
    Keychain(String),
    /// The key text is not a usable Kalshi key.
    #[error("not a usable Kalshi private key: {0}")]
    InvalidKey(#[from] SignerError),
    /// The key id is empty or has characters Kalshi never uses.
    #[error("invalid API key id: {0}")]
    InvalidKeyId(&'static str),
    /// Paper trading needs no key.
    #[error("paper trading uses the local simulator and needs no key")]
    PaperNeedsNoKey,
    /// What the keychain holds for this environment is damaged.
    #[error("the stored key for {0} is damaged; delete it and import it again")]
    Damaged(Environment),
}

fn keychain_error(error: keyring::Error) -> SecretsError {
    // keyring's messages name the platform failure, never the secret.
    SecretsError::Keychain(error.to_string())
}

/// The app's keys in the OS keychain.
#[derive(Debug, Clone)]
pub struct KeyStore {
    service: String,
}

impl Default for KeyStore {
    fn default() -> Self {
        Self::new(SERVICE)
    }
}

impl KeyStore {
    /// A store under a keychain service name (tests use their own).
    pub fn new(service: impl Into<String>) -> Self {
        Self { service: service.into() }
    }

    fn entry(&self, environment: Environment) -> Result<keyring::Entry, SecretsError> {
        if environment == Environment::Paper {
            return Err(SecretsError::PaperNeedsNoKey);
        }
        keyring::Entry::new(&self.service, environment.as_str()).map_err(keychain_error)
    }

    /// Validates and stores a key for `environment`, replacing any previous one.
    pub fn save(&self, environment: Environment, key_id: &str, pem: &SecretPem) -> Result<(), SecretsError> {
        let key_id = key_id.trim();
        if key_id.is_empty() || key_id.len() > 128 || !key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(SecretsError::InvalidKeyId("use the key id Kalshi shows (letters, digits and dashes)"));
        }
        Signer::from_pem(key_id, pem.expose())?;
        let record = Zeroizing::new(format!("{key_id}\n{}", pem.expose()));
        self.entry(environment)?.set_password(&record).map_err(keychain_error)
    }

    /// True when a key is stored for `environment`.
    pub fn has_key(&self, environment: Environment) -> Result<bool, SecretsError> {
        if environment == Environment::Paper {
            return Ok(false);
        }
        match self.entry(environment)?.get_password() {
            Ok(record) => {
                drop(Zeroizing::new(record));
                Ok(true)
            }
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keychain_error(e)),
        }
    }

    /// The stored key id for `environment`, if any (not secret).
    pub fn key_id(&self, environment: Environment) -> Result<Option<String>, SecretsError> {
        Ok(self.signer(environment)?.map(|s| s.key_id().to_owned()))
    }

    /// A signer from the stored key, if any.
    pub fn signer(&self, environment: Environment) -> Result<Option<Signer>, SecretsError> {
        let record = match self.entry(environment)?.get_password() {
            Ok(record) => Zeroizing::new(record),
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(keychain_error(e)),
        };
        let (key_id, pem) = record.split_once('\n').ok_or(SecretsError::Damaged(environment))?;
        Signer::from_pem(key_id, pem).map(Some).map_err(|_| SecretsError::Damaged(environment))
    }

    /// Deletes the key for `environment`; `false` when there was none.
    pub fn delete(&self, environment: Environment) -> Result<bool, SecretsError> {
        match self.entry(environment)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(keychain_error(e)),
        }
    }
}
