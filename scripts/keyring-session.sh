#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked, throwaway gnome-keyring
# (the real Secret Service), so keychain tests touch neither the user's keyring nor disk
# outside a temp dir. Usage: scripts/keyring-session.sh CMD [ARGS...]
set -euo pipefail
KEYRING_HOME="$(mktemp -d)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export KEYRING_HOME
keyctl session - dbus-run-session -- bash -euo pipefail -c '
  export XDG_DATA_HOME="$KEYRING_HOME/data"
  mkdir -p "$XDG_DATA_HOME"
  export $(echo -n throwaway-test-password | gnome-keyring-daemon --unlock --components=secrets)
  exec "$@"
' keyring-session "$@" 2> >(grep -v -e "^dbus-daemon\[" -e "SpiRegistry" -e "^Joined session keyring" >&2)
