//! `kalshi-mm keys`: import a PEM into the OS keychain, delete it, show what is stored.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use kmm_kalshi::Environment;
use kmm_secrets::{KeyStore, SecretPem};

/// Key management.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Store an API key in the OS keychain (the .pem file can then be deleted).
    Import {
        /// demo or production.
        #[arg(long)]
        env: Environment,
        /// The API key id Kalshi shows.
        #[arg(long)]
        key_id: String,
        /// The private key file Kalshi gave you.
        #[arg(long)]
        file: PathBuf,
        /// Delete the .pem file after a successful import.
        #[arg(long)]
        delete_file: bool,
    },
    /// Remove the stored key of an environment.
    Delete {
        /// demo or production.
        #[arg(long)]
        env: Environment,
    },
    /// Show which environments have a key (never the key itself).
    Status,
}

/// Runs a keys subcommand against `store`.
pub fn run(store: &KeyStore, command: KeysCommand) -> Result<()> {
    match command {
        KeysCommand::Import { env, key_id, file, delete_file } => import(store, env, &key_id, &file, delete_file),
        KeysCommand::Delete { env } => {
            let deleted = store.delete(env)?;
            println!("{env}: {}", if deleted { "key deleted" } else { "no key was stored" });
            Ok(())
        }
        KeysCommand::Status => {
            for env in [Environment::Demo, Environment::Production] {
                match store.key_id(env)? {
                    Some(id) => println!("{env:<11} key {id}"),
                    None => println!("{env:<11} no key"),
                }
            }
            println!("{:<11} no key needed (local simulator)", Environment::Paper);
            Ok(())
        }
    }
}

fn import(store: &KeyStore, env: Environment, key_id: &str, file: &Path, delete_file: bool) -> Result<()> {
    let pem = SecretPem::new(std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?);
    store.save(env, key_id, &pem)?;
    println!("{env}: key {key_id} stored in the OS keychain");
    if delete_file {
        std::fs::remove_file(file).with_context(|| format!("deleting {}", file.display()))?;
        println!("deleted {}", file.display());
    } else {
        println!("you can now delete {} (or re-run with --delete-file)", file.display());
    }
    Ok(())
}
