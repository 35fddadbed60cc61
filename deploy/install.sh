#!/usr/bin/env bash
# Install the kiosk on a Raspberry Pi (or any Debian 12 "bookworm" device) so that it starts by
# itself full screen on the console, keeps its data on /var/lib/kiosk, and syncs by USB stick.
# Safe to run again: each step checks first and does only what is missing.
#
# Usage: sudo deploy/install.sh [options]
#   --model-zip PATH  install the English speech model from this zip (e.g. on a USB stick)
#                     instead of downloading it
#   --overlay         also make the root filesystem read-only (raspi-config's overlay file
#                     system); needs /var/lib/kiosk on its own partition first (see README.md)
#   --dry-run         print every action it would take, and change nothing
#   --root DIR        act on the system whose root is DIR (files only; for dry runs and tests)
#   --user NAME       the kiosk's user (default: kiosk)
#   -h, --help        show this help
set -euo pipefail

me=install.sh
src=$(cd "$(dirname "$0")/.." && pwd)
root=""
dry_run=0
model_zip=""
overlay=0
user=kiosk

die() { echo "$me: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --root|--prefix) [ $# -ge 2 ] || die "$1 needs a folder"; root=${2%/}; shift 2 ;;
    --model-zip) [ $# -ge 2 ] || die "--model-zip needs the path of a model zip"; model_zip=$2; shift 2 ;;
    --overlay) overlay=1; shift ;;
    --user) [ $# -ge 2 ] || die "--user needs a name"; user=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option $1; see --help" ;;
  esac
done

# Where things go (all under $root, which is empty on a real install).
opt="$root/opt/kiosk"
data="$root/var/lib/kiosk"
units="$root/etc/systemd/system"
rules="$root/etc/udev/rules.d"
bin="$root/usr/local/bin"
kiosk="$opt/.venv/bin/kiosk"

# The Debian packages: the same run-time list as script/setup, plus what a console kiosk needs:
# SDL2's KMS/DRM display and its input (libgbm1, libdrm2, libgles2, libudev1), the tools the
# units and scripts use (util-linux: runuser, flock; rsync; alsa-utils: aplay/arecord to check
# sound), and sqlite3 to look inside a shared store.
packages=(python3 python3-venv python3-dev
          libsdl2-2.0-0 libsdl2-image-2.0-0 libsdl2-ttf-2.0-0 libsdl2-mixer-2.0-0 libgl1 libegl1 libmtdev1
          xvfb xauth x11-utils fonts-dejavu-core fonts-nanum
          espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins sox
          libpango-1.0-0 libpangoft2-1.0-0
          libgbm1 libdrm2 libgles2 libudev1 util-linux rsync alsa-utils sqlite3)

# -- how actions are taken ------------------------------------------------------------------

say_action() { printf '+'; printf ' %q' "$@"; printf '\n'; }

# Run a command, or in a dry run only print it.
act() {
  say_action "$@"
  [ "$dry_run" -eq 1 ] || "$@"
}

# Write stdin to a file (mode $2) unless it already has exactly that content.
put() {
  local file=$1 mode=$2 content
  content=$(cat)
  if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then
    return 0
  fi
  say_action write "$file" "mode=$mode"
  [ "$dry_run" -eq 1 ] && return 0
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" > "$file.tmp"
  chmod "$mode" "$file.tmp"
  mv -f "$file.tmp" "$file"
}

# Copy a file from the repository unless the target already is the same.
copy() {
  local from=$1 to=$2 mode=$3
  put "$to" "$mode" < "$from"
}

# -- checks first: nothing is changed until they all pass -----------------------------------

[ "$dry_run" -eq 1 ] || [ "$(id -u)" -eq 0 ] || die "run it as root: sudo $0 $*"

os_release="$root/etc/os-release"
[ -r "$os_release" ] || die "$os_release: missing; this is for Raspberry Pi OS / Debian 12 (bookworm)"
os_field() { sed -n "s/^$1=//p" "$os_release" | tr -d '"' | head -n 1; }
os_id="$(os_field ID) $(os_field ID_LIKE)"
os_version=$(os_field VERSION_ID)
case " $os_id " in
  *" debian "*|*" raspbian "*) ;;
  *) die "not Debian: this is for Raspberry Pi OS / Debian 12 (bookworm); found '${os_id% }'" ;;
esac
[ "$os_version" = 12 ] || die "this is for Debian 12 (bookworm); found ${os_id% } $os_version"

if [ -n "$model_zip" ]; then
  [ -f "$model_zip" ] || die "--model-zip $model_zip: no such file"
  model_zip=$(cd "$(dirname "$model_zip")" && pwd)/$(basename "$model_zip")
fi

have_network() {
  [ -n "$(ip -4 route show default 2>/dev/null)" ] || [ -n "$(ip -6 route show default 2>/dev/null)" ]
}
need_model=1
[ -d "$data/models/en" ] && need_model=0
if ! have_network; then
  if [ "$need_model" -eq 1 ] && [ -z "$model_zip" ]; then
    die "no network and no --model-zip: connect to the internet, or give the speech model zip with --model-zip PATH"
  fi
  if [ ! -x "$kiosk" ]; then
    die "no network: the first install needs the internet once (system packages and Python packages)"
  fi
fi

if [ "$overlay" -eq 1 ] && [ -z "$root" ]; then
  command -v raspi-config >/dev/null || die "--overlay needs raspi-config (Raspberry Pi OS)"
  [ "$(findmnt -n -o TARGET --target /var/lib/kiosk 2>/dev/null)" = /var/lib/kiosk ] \
    || die "--overlay: /var/lib/kiosk is not its own partition yet, so answers would be lost at power off; see deploy/README.md"
fi

arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)
[ "$arch" = arm64 ] || echo "$me: note: built for arm64 (Raspberry Pi 4/5); this is $arch, carrying on" >&2
[ "$dry_run" -eq 1 ] && echo "$me: dry run: printing every action; nothing is changed"

# -- 1. system packages -----------------------------------------------------------------------

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  act apt-get update
  act env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# -- 2. the kiosk user --------------------------------------------------------------------------

if ! getent passwd "$user" >/dev/null; then
  act useradd --system --user-group --home-dir /var/lib/kiosk --no-create-home \
      --shell /usr/sbin/nologin "$user"
fi
# audio: sound cards; video, render: the display (KMS/DRM); input: touchscreen and keys;
# pulse-access: the system-wide sound server; lp: a USB receipt printer (/dev/usb/lp0), for
# "Print my code".
for group in audio video input render pulse-access lp; do
  if ! id -nG "$user" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
    act usermod -aG "$group" "$user"
  fi
done

# -- 3. the kiosk in /opt/kiosk with its own .venv -------------------------------------------

act mkdir -p "$opt"
act rsync -a --delete --exclude=/.git --exclude=/.venv --exclude=/data --exclude=/models/installed \
    --exclude=__pycache__ --exclude=.pytest_cache --exclude=.ruff_cache "$src/" "$opt/"
[ -x "$opt/.venv/bin/python" ] || act python3 -m venv "$opt/.venv"
want=$(sha256sum "$src/pyproject.toml" | cut -d' ' -f1)
if [ "$(cat "$opt/.venv/.kiosk-installed" 2>/dev/null || true)" != "$want" ]; then
  act "$opt/.venv/bin/python" -m pip install --quiet --upgrade pip
  act "$opt/.venv/bin/python" -m pip install --quiet -e "$opt"
  put "$opt/.venv/.kiosk-installed" 0644 <<< "$want"
fi

# -- 4. the data folder -------------------------------------------------------------------------

for folder in "$data" "$data/packs" "$data/kivy" "$data/models"; do
  [ -d "$folder" ] || act install -d -o "$user" -g "$user" -m 0750 "$folder"
done
if [ ! -f "$data/kivy/config.ini" ]; then
  act install -o "$user" -g "$user" -m 0644 "$src/deploy/kivy/config.ini" "$data/kivy/config.ini"
fi
if [ ! -f "$data/kiosk.env" ]; then
  act install -o "$user" -g "$user" -m 0644 "$src/deploy/kiosk.env" "$data/kiosk.env"
fi

# -- 5. the English speech model ----------------------------------------------------------------

if [ "$need_model" -eq 1 ]; then
  if [ -n "$model_zip" ]; then
    act runuser -u "$user" -- "$kiosk" models install en --from "$model_zip" --models-dir "$data/models"
  else
    act runuser -u "$user" -- "$kiosk" models install en --models-dir "$data/models"
  fi
fi

# -- 6. units, udev rule, the facilitator's `kiosk` command ------------------------------------

for unit in kiosk.service kiosk-pulseaudio.service kiosk-usb@.service; do
  copy "$src/deploy/systemd/$unit" "$units/$unit" 0644
done
copy "$src/deploy/udev/99-kiosk-usb.rules" "$rules/99-kiosk-usb.rules" 0644
copy "$src/deploy/kiosk-cli.sh" "$bin/kiosk" 0755

systemctl=(systemctl)
[ -n "$root" ] && systemctl+=(--root="$root")
if [ -z "$root" ]; then
  act systemctl daemon-reload
  act udevadm control --reload
fi
# Boot to the console, never a desktop; the kiosk takes tty1.
act "${systemctl[@]}" set-default multi-user.target
act "${systemctl[@]}" enable kiosk-pulseaudio.service kiosk.service
# One sound server only: no per-user PulseAudio grabbing the sound cards when someone logs in.
act "${systemctl[@]}" --global mask pulseaudio.service pulseaudio.socket
# Ctrl+Alt+Del on a keyboard must not restart the kiosk.
act "${systemctl[@]}" mask ctrl-alt-del.target

# -- 7. optional: read-only root filesystem --------------------------------------------------

if [ "$overlay" -eq 1 ]; then
  # raspi-config's overlay keeps / in RAM. recurse=0 keeps other partitions (our
  # /var/lib/kiosk) real and writable: without it they would be put in RAM too.
  cmdline="$root/boot/firmware/cmdline.txt"
  act raspi-config nonint do_overlayfs 0
  act sed -i 's/overlayroot=tmpfs\( \|$\)/overlayroot=tmpfs:recurse=0\1/' "$cmdline"
  echo "$me: the overlay starts at the next reboot; to change the system later: sudo raspi-config nonint do_overlayfs 1, reboot, change, then run this again with --overlay"
fi

if [ "$dry_run" -eq 1 ]; then
  echo "$me: dry run finished: nothing was changed"
else
  echo "$me: done. Set the staff PIN with: sudo kiosk staff-pin --data /var/lib/kiosk; then reboot (or: sudo systemctl start kiosk)"
fi
