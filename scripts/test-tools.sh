#!/usr/bin/env bash
# `npm test`'s pretest step: the tests drive real clients (dig, unzip, curl, the marathon Python client, Chromium
# for the status page, …), so the test command brings them in itself. Missing Debian packages are installed when
# this user can (root, or sudo without a password, with apt-get); otherwise it stops at once with one line naming
# them.
set -euo pipefail

# One line per tool: the package that provides it, then the command that succeeds when it is present.
TOOLS=(
  "bind9-dnsutils|command -v dig"
  "unzip|command -v unzip"
  "curl|command -v curl"
  "python3-marathon|/usr/bin/python3 -c 'import marathon'"
  "prometheus|command -v prometheus && command -v promtool"
  "chromium|command -v chromium"
)

missing=()
for entry in "${TOOLS[@]}"; do
  package=${entry%%|*}
  check=${entry#*|}
  if ! bash -c "$check" >/dev/null 2>&1; then missing+=("$package"); fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test tools missing and no apt-get to install them: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "test tools missing (install as root: apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "installing test tools: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (an unattended upgrade, a second test run) may hold dpkg's lock: wait for it rather than fail.
APT=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300)
# A fresh machine has no package lists; update only when installing is needed.
if ! "${APT[@]}" update -qq || ! "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "could not install test tools: ${missing[*]}" >&2
  exit 1
fi
