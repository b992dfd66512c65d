#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Nguồn needs, only those missing; print nothing when all are present.
set -euo pipefail

packages=(
  chromium          # browser tests (Playwright drives /usr/bin/chromium; no browser download)
  fonts-liberation2 # Times New Roman metrics with Vietnamese glyphs (reports, e-board previews)
  fonts-noto-core   # Vietnamese UI glyphs in screenshots
  gettext           # makemessages/compilemessages
  espeak-ng         # offline Vietnamese text-to-speech (voices vi, vi-vn-x-central, vi-vn-x-south)
  ffmpeg            # loudness normalisation, MP3/Opus encoding, waveform images
  mosquitto         # MQTT broker: device tests start their own with generated password/ACL files
  icecast2          # live broadcasts and relays: `nguon icecast` runs its own, on 127.0.0.1:8010
  libreoffice-writer-nogui # reports: the Nghị định 30 docx rendered to PDF (soffice --headless)
  poppler-utils     # reports: PDF pages to PNG and text (pdftoppm, pdftotext) for checks
)
python_bin="${PYTHON:-python3}"
if ! "$python_bin" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "Nguồn needs Python >= 3.11 ($python_bin is $("$python_bin" --version 2>&1))." >&2
  exit 1
fi
if ! "$python_bin" -c 'import ensurepip, venv' 2>/dev/null; then
  packages+=("python3-venv")
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing OS packages (${missing[*]}) and no apt-get: install them by hand." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing OS packages: ${missing[*]}"
$sudo apt-get update -qq
# env inside sudo: sudo drops DEBIAN_FRONTEND otherwise, and icecast2 would ask its debconf questions.
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Nguồn runs its own Icecast with generated passwords; the distribution's service (port 8000, default
# "hackme" passwords) must not run beside it.
if [[ " ${missing[*]} " == *" icecast2 "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now icecast2 >/dev/null 2>&1 || true
fi
