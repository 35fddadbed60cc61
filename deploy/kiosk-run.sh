#!/usr/bin/env bash
# Start the kiosk full screen on the console; run by kiosk.service as the kiosk user.
#
# Before every start it puts the kiosk's Kivy settings in place (one touch provider, so each touch
# registers once; see deploy/kivy/config.ini), so a deleted or Kivy-rewritten file cannot bring
# back double touches.
#
# Environment (kiosk.service sets these; /var/lib/kiosk/kiosk.env can change the last three):
#   KIOSK_BIN           the kiosk command                  (/opt/kiosk/.venv/bin/kiosk)
#   KIOSK_DATA          the data folder                    (/var/lib/kiosk)
#   KIVY_HOME           Kivy's settings folder             ($KIOSK_DATA/kivy)
#   KIOSK_KIVY_CONFIG   the settings file to put there     (next to this script: kivy/config.ini)
#   KIOSK_AUDIO_DEVICE  sound device for speaker and microphone, e.g. "USB Audio" (default: the
#                       sound server, which follows headphones and USB headsets)
#   KIOSK_RUN_ARGS      more options for `kiosk run`, e.g. "--pack /var/lib/kiosk/packs/x.toml"
#   KIOSK_PRINTER       a receipt printer for "Print my code", e.g. /dev/usb/lp0 (read by `kiosk
#                       run` itself; empty: none)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
KIOSK_BIN=${KIOSK_BIN:-/opt/kiosk/.venv/bin/kiosk}
KIOSK_DATA=${KIOSK_DATA:-/var/lib/kiosk}
KIVY_HOME=${KIVY_HOME:-$KIOSK_DATA/kivy}
KIOSK_KIVY_CONFIG=${KIOSK_KIVY_CONFIG:-$here/kivy/config.ini}
export KIVY_HOME

mkdir -p "$KIVY_HOME"
if ! cmp -s "$KIOSK_KIVY_CONFIG" "$KIVY_HOME/config.ini"; then
  cp "$KIOSK_KIVY_CONFIG" "$KIVY_HOME/config.ini.tmp"
  mv -f "$KIVY_HOME/config.ini.tmp" "$KIVY_HOME/config.ini"
fi

args=(run --fullscreen --data "$KIOSK_DATA")
if [ -n "${KIOSK_AUDIO_DEVICE:-}" ]; then
  args+=(--audio-device "$KIOSK_AUDIO_DEVICE")
fi
if [ -n "${KIOSK_RUN_ARGS:-}" ]; then
  read -r -a extra <<< "$KIOSK_RUN_ARGS"
  args+=("${extra[@]}")
fi
exec "$KIOSK_BIN" "${args[@]}"
