//! Integration tests of the desktop shell without a window: the paper engine and its kill
//! switch (tray and command), environment switching, native notifications on the session bus,
//! and the keychain. Keychain and notification tests need a D-Bus session with an unlocked
//! Secret Service: run them inside `scripts/keyring-session.sh` (CI does).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;
mod engine;
mod keychain;
mod notifications;
