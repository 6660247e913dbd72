//! API keys in the OS keychain through `kmm-secrets`: import a PEM file, say which
//! environments have a key, delete one. Key text is read into a [`SecretPem`] (redacted,
//! wiped on drop) and goes nowhere but the keychain: no DTO, event, log line or error
//! carries it.

use std::path::Path;

use kmm_secrets::{SecretPem, SecretsError};

use crate::dto::{Environment, KeyStatusDto};
use crate::error::IpcError;
use crate::state::{Core, invalid};

/// Largest key file accepted (a 4096-bit RSA PEM is about 3.3 KB).
const MAX_PEM_BYTES: u64 = 64 * 1024;

fn keychain(error: SecretsError) -> IpcError {
    IpcError::Keychain { message: error.to_string() }
}

fn live_environment(environment: Environment) -> Result<kmm_kalshi::Environment, IpcError> {
    match environment {
        Environment::Paper => Err(invalid("environment", "paper trading uses the built-in simulator and needs no key")),
        live => Ok(live.into()),
    }
}

impl Core {
    /// Which environments have a key (the key ids only).
    pub fn key_status(&self) -> Result<KeyStatusDto, IpcError> {
        Ok(KeyStatusDto {
            demo: self.keystore.key_id(kmm_kalshi::Environment::Demo).map_err(keychain)?,
            production: self.keystore.key_id(kmm_kalshi::Environment::Production).map_err(keychain)?,
        })
    }

    /// Reads the PEM at `pem_path`, validates it, stores it with `key_id` for `environment`,
    /// and deletes the file when asked (only after the key is safely stored).
    pub fn import_key(
        &self,
        environment: Environment,
        key_id: &str,
        pem_path: &str,
        delete_file: bool,
    ) -> Result<(), IpcError> {
        let env = live_environment(environment)?;
        let path = Path::new(pem_path.trim());
        let size = std::fs::metadata(path).map_err(|e| invalid("pemPath", format!("cannot read the file: {e}")))?.len();
        if size > MAX_PEM_BYTES {
            return Err(invalid("pemPath", "this file is too large to be a private key"));
        }
        let pem = SecretPem::new(
            std::fs::read_to_string(path).map_err(|e| invalid("pemPath", format!("cannot read the file: {e}")))?,
        );
        match self.keystore.save(env, key_id, &pem) {
            Ok(()) => {}
            Err(SecretsError::InvalidKeyId(why)) => return Err(invalid("keyId", why)),
            Err(e @ SecretsError::InvalidKey(_)) => return Err(invalid("pemPath", e.to_string())),
            Err(e) => return Err(keychain(e)),
        }
        drop(pem);
        self.log("info", format!("{environment:?}: API key {} stored in the OS keychain", key_id.trim()));
        if delete_file {
            std::fs::remove_file(path).map_err(|e| {
                invalid("pemPath", format!("the key is stored, but the file could not be deleted: {e}"))
            })?;
            self.log("info", format!("deleted the key file {}", path.display()));
        }
        Ok(())
    }

    /// Deletes the key of `environment` (no error when there was none).
    pub fn delete_key(&self, environment: Environment) -> Result<(), IpcError> {
        let env = live_environment(environment)?;
        if self.keystore.delete(env).map_err(keychain)? {
            self.log("info", format!("{environment:?}: API key deleted from the OS keychain"));
        }
        Ok(())
    }
}
