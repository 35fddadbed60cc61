#!/usr/bin/env bash
# Sync the kiosk with a USB stick: copy this kiosk's new answers into the stick's shared store,
# write the report and a CSV next to it, flush, unmount, and say (aloud and in a status file)
# when the stick is safe to remove.
#
# Usage: usb-sync.sh [--device /dev/sdXN] MOUNT_POINT
#   MOUNT_POINT  where the stick is (or, with --device, where to mount it). A plain folder works
#                too, which is how the tests exercise this script.
#   --device     mount this block device at MOUNT_POINT first and unmount it at the end
#                (what kiosk-usb@.service does when a stick is plugged in).
#
# The stick is used only if it holds a shared store (kiosk-shared.db, or an older shared.sqlite)
# or an empty file kiosk-shared.request (asking for a new one), or a packs/ folder of question
# packs to add to the kiosk (`kiosk packs from-stick`; what happened to each pack is written to
# kiosk-packs.txt on the stick). Other sticks are left alone.
#
# Environment (defaults are the installed kiosk's):
#   KIOSK_BIN   the kiosk command           (/opt/kiosk/.venv/bin/kiosk)
#   KIOSK_DATA  the kiosk's data folder     (/var/lib/kiosk)
#   KIOSK_USER  run the kiosk as this user when started as root; empty: as whoever runs this
#               (kiosk)
#   KIOSK_SAY   the command that speaks a sentence given as its last argument (espeak-ng);
#               empty: say nothing aloud
set -euo pipefail

KIOSK_BIN=${KIOSK_BIN:-/opt/kiosk/.venv/bin/kiosk}
KIOSK_DATA=${KIOSK_DATA:-/var/lib/kiosk}
KIOSK_USER=${KIOSK_USER-kiosk}
KIOSK_SAY=${KIOSK_SAY-espeak-ng}
# The shared store's names, as `kiosk` finds them in a folder (kiosk/store/shared.py,
# shared_store_in): the stick's folder is handed to `kiosk sync --to` and `kiosk export --from`,
# which use the store already there under either name, or make kiosk-shared.db.
SHARED_NAMES=(kiosk-shared.db shared.sqlite)
REQUEST_NAME=kiosk-shared.request
# Question packs offered by the stick, and the file saying what became of each.
PACKS_FOLDER=packs
PACKS_REPORT=kiosk-packs.txt

me=usb-sync
device=""
mount_point=""
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=${2:?"$me: --device needs a block device, e.g. /dev/sda1"}; shift 2 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "$me: unknown option $1; see --help" >&2; exit 2 ;;
    *) mount_point=$1; shift ;;
  esac
done
[ -n "$mount_point" ] || { echo "$me: give the stick's mount point (or a folder); see --help" >&2; exit 2; }
[ -d "$KIOSK_DATA" ] || { echo "$me: $KIOSK_DATA: no such data folder; set KIOSK_DATA" >&2; exit 1; }
[ -x "$KIOSK_BIN" ] || { echo "$me: $KIOSK_BIN: kiosk command not found; set KIOSK_BIN" >&2; exit 1; }

status_file="$KIOSK_DATA/usb-status.json"
mounted=0
finished=0

# Run a command as the kiosk user (when we are root and a user is named), so every file the kiosk
# later opens in its data folder stays the kiosk's own.
as_kiosk() {
  if [ -n "$KIOSK_USER" ] && [ "$(id -u)" -eq 0 ] && [ "$(id -un)" != "$KIOSK_USER" ]; then
    runuser -u "$KIOSK_USER" -- "$@"
  else
    "$@"
  fi
}

json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# The on-screen half: a small JSON file in the data folder, replaced atomically.
set_status() {
  local state=$1 message=$2 tmp
  tmp="$status_file.tmp.$$"
  printf '{"state": %s, "message": %s, "updated": %s}\n' "$(json_string "$state")" \
    "$(json_string "$message")" "$(json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" > "$tmp"
  if [ -n "$KIOSK_USER" ] && [ "$(id -u)" -eq 0 ]; then
    chown "$KIOSK_USER:" "$tmp" 2>/dev/null || true
  fi
  mv -f "$tmp" "$status_file"
  echo "$me: $state: $message"
}

# The spoken half. Speech failing (no speaker) must never stop the sync.
say() {
  [ -n "$KIOSK_SAY" ] || return 0
  # shellcheck disable=SC2086 # KIOSK_SAY may carry options, e.g. "espeak-ng -s 140"
  as_kiosk $KIOSK_SAY "$1" >/dev/null 2>&1 || true
}

tell() {
  set_status "$1" "$2"
  say "$2"
}

unmount() {
  if [ "$mounted" -eq 1 ]; then
    sync -f "$mount_point" 2>/dev/null || sync
    umount "$mount_point" && mounted=0
  fi
}

on_exit() {
  local code=$?
  if [ "$finished" -eq 0 ] && [ -f "$status_file.active.$$" ]; then
    # Stopped part way (an error, or the stick pulled out): the next sync carries on safely.
    unmount 2>/dev/null || umount -l "$mount_point" 2>/dev/null || true
    tell failed "The copy to the USB stick did not finish. Nothing is lost. Put the stick in again to try again."
  else
    unmount 2>/dev/null || true
  fi
  rm -f "$status_file.active.$$"
  exit "$code"
}
trap on_exit EXIT

if [ -n "$device" ]; then
  mkdir -p "$mount_point"
  options="nosuid,nodev,noexec"
  fstype=$(blkid -o value -s TYPE "$device" 2>/dev/null || true)
  case "$fstype" in
    vfat|exfat|ntfs|ntfs3)
      # These have no owners of their own: make the stick's files the kiosk user's.
      if [ -n "$KIOSK_USER" ]; then
        options="$options,uid=$(id -u "$KIOSK_USER"),gid=$(id -g "$KIOSK_USER"),umask=0077"
      fi ;;
  esac
  if ! mount -o "$options" "$device" "$mount_point"; then
    tell failed "Sorry, I could not read this USB stick. Please remove it."
    exit 1
  fi
  mounted=1
fi
[ -d "$mount_point" ] || { echo "$me: $mount_point: no such folder" >&2; exit 1; }

request="$mount_point/$REQUEST_NAME"
has_store=0
for name in "${SHARED_NAMES[@]}"; do
  [ -f "$mount_point/$name" ] && has_store=1
done
has_answers=0
{ [ "$has_store" -eq 1 ] || [ -f "$request" ]; } && has_answers=1
has_packs=0
[ -d "$mount_point/$PACKS_FOLDER" ] && has_packs=1
if [ "$has_answers" -eq 0 ] && [ "$has_packs" -eq 0 ]; then
  echo "$me: $mount_point has neither ${SHARED_NAMES[0]}, $REQUEST_NAME nor $PACKS_FOLDER/; not a kiosk stick, left alone"
  exit 0
fi

# One sync at a time, even if the stick is seen twice.
exec 9<"$KIOSK_DATA"
flock -n 9 || { echo "$me: another USB sync is running" >&2; exit 0; }

touch "$status_file.active.$$"
if [ "$has_answers" -eq 1 ]; then
  tell working "Copying answers to the USB stick. Please do not remove it yet."
else
  tell working "Reading question packs from the USB stick. Please do not remove it yet."
fi

# Packs first: a pack that cannot be added is reported, never a reason to stop the answers.
packs_message=""
if [ "$has_packs" -eq 1 ]; then
  packs_code=0
  packs_out=$(as_kiosk "$KIOSK_BIN" packs from-stick "$mount_point" --data "$KIOSK_DATA" 2>&1) \
    || packs_code=$?
  while IFS= read -r line; do echo "$me: $line"; done <<< "$packs_out"
  printf '%s\n' "$packs_out" > "$mount_point/$PACKS_REPORT" 2>/dev/null || true
  last=${packs_out##*$'\n'}
  # "STICK/packs: 2 added, 1 already here, 1 not copied"
  if [[ $last =~ ([0-9]+)\ added,\ [0-9]+\ already\ here,\ ([0-9]+)\ not\ copied$ ]]; then
    added=${BASH_REMATCH[1]}
    refused=${BASH_REMATCH[2]}
    case "$added" in
      0) packs_message="No new question packs." ;;
      1) packs_message="1 question pack added." ;;
      *) packs_message="$added question packs added." ;;
    esac
    if [ "$refused" != 0 ]; then
      [ "$added" = 0 ] && packs_message=""
      [ "$refused" = 1 ] && what="1 question pack" || what="$refused question packs"
      packs_message="${packs_message:+$packs_message }$what could not be added; the reasons are in $PACKS_REPORT on the stick."
    fi
  else
    echo "$me: kiosk packs from-stick stopped with status $packs_code" >&2
    packs_message="The question packs could not be read; the reason is in $PACKS_REPORT on the stick."
  fi
fi

answers_message=""
if [ "$has_answers" -eq 1 ]; then
  # The kiosk's own store is written durably (WAL, synchronous commits) and the shared store
  # survives an interrupted sync, so any failure below loses nothing: the next sync carries on.
  summary=$(as_kiosk "$KIOSK_BIN" sync --data "$KIOSK_DATA" --to "$mount_point" --quiet)
  echo "$me: $summary"
  as_kiosk "$KIOSK_BIN" export --from "$mount_point" --format report --out "$mount_point/kiosk-report/"
  as_kiosk "$KIOSK_BIN" export --from "$mount_point" --format csv --out "$mount_point/kiosk-answers.csv"
  rm -f "$request"

  # "added 3 sessions and 18 answers ..." (older kiosks: "added 18 answers from 3 participants").
  if { [[ $summary =~ added\ [0-9]+\ sessions?\ and\ ([0-9]+)\ answer ]] \
       || [[ $summary =~ added\ ([0-9]+)\ answer ]]; } && [ "${BASH_REMATCH[1]}" != 0 ]; then
    answers_message="${BASH_REMATCH[1]} new answers copied."
  else
    answers_message="There were no new answers to copy."
  fi
fi

sync -f "$mount_point" 2>/dev/null || sync
unmount

done_message="Finished.${answers_message:+ $answers_message}${packs_message:+ $packs_message} You can remove the USB stick now."
finished=1
tell safe-to-remove "$done_message"
