#!/usr/bin/env bash
# Checks the Debian/Ubuntu packages rasd needs, and installs the missing ones when run as root with apt-get.
# Otherwise prints the exact command to run and exits 1.
#   scripts/system-packages.sh          what the product needs
#   scripts/system-packages.sh --test   plus what the tests need (Debian's chromium; poppler-utils: pdftoppm and pdftotext for paper forms)
set -euo pipefail

# python3-venv: the virtualenv · nodejs/npm: front-end build · gettext: translations (msgfmt)
# default-jre-headless: ODK Validate · libpango/fonts: PDF reports with Arabic and Kurdish text
# libharfbuzz-subset0: fast font subsetting in PDFs · sqlite3: backups of the embedded database
packages=(python3 python3-venv python3-dev build-essential gettext nodejs npm default-jre-headless
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-noto-core fonts-hosny-amiri fonts-dejavu-core
          sqlite3)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium poppler-utils)
fi

have_command() { command -v "$1" >/dev/null 2>&1; }

# A tool installed outside apt (pyenv Python, NodeSource Node, a JDK) counts as present.
declare -A provided_by=([python3]=python3 [nodejs]=node [npm]=npm [default-jre-headless]=java [gettext]=msgfmt
                        [chromium]=chromium)
missing=()
for package in "${packages[@]}"; do
  if [[ -n "${provided_by[$package]:-}" ]] && have_command "${provided_by[$package]}"; then
    continue
  fi
  if [[ "$package" == python3-venv ]] && python3 -c 'import venv, ensurepip' 2>/dev/null; then
    continue
  fi
  if [[ "$package" == build-essential || "$package" == python3-dev ]] && have_command cc; then
    continue
  fi
  if have_command dpkg-query && dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    continue
  fi
  missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present"
  exit 0
fi

command_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]] && have_command apt-get; then
  echo "system packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

echo "rasd needs these system packages, which are missing: ${missing[*]}" >&2
if have_command apt-get; then
  echo "Install them with:  sudo sh -c '$command_line'" >&2
else
  echo "This is not a Debian/Ubuntu system: install the equivalents with your package manager." >&2
fi
exit 1
