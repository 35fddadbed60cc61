#!/usr/bin/env bash
# `kiosk` for the facilitator on the device (installed as /usr/local/bin/kiosk by install.sh).
# Runs the installed kiosk as the kiosk user, with the same data folder, models and sound server
# as the running kiosk, so files it writes (staff PIN, packs, models) stay readable by the kiosk.
#   sudo kiosk staff-pin --data /var/lib/kiosk
#   sudo kiosk doctor --data /var/lib/kiosk
set -euo pipefail

KIOSK_BIN=${KIOSK_BIN:-/opt/kiosk/.venv/bin/kiosk}
KIOSK_USER=${KIOSK_USER:-kiosk}
export KIOSK_DATA=${KIOSK_DATA:-/var/lib/kiosk}
export KIOSK_MODELS_DIR=${KIOSK_MODELS_DIR:-$KIOSK_DATA/models}
export KIVY_HOME=${KIVY_HOME:-$KIOSK_DATA/kivy}
export PULSE_SERVER=${PULSE_SERVER:-unix:/run/pulse/native}

if [ "$(id -un)" = "$KIOSK_USER" ]; then
  exec "$KIOSK_BIN" "$@"
elif [ "$(id -u)" -eq 0 ]; then
  cd "$KIOSK_DATA"
  exec runuser -u "$KIOSK_USER" -- "$KIOSK_BIN" "$@"
else
  echo "kiosk: run it with sudo (sudo kiosk $*), so it runs as the $KIOSK_USER user" >&2
  exit 1
fi
