#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end test needs, offline except for the
# npm registry and Debian's packages. Idempotent: a second run does nothing.
#   - Debian: chromium (driven by playwright-core), ripgrep (seeds code-server's
#     @vscode/ripgrep, whose postinstall would download rg from GitHub), and
#     libkrb5-dev (headers for code-server's native `kerberos` module).
#   - npm: code-server 4.100.3 (VS Code 1.100.3, the last on Node 20),
#     playwright-core and mocha, into test/e2e/node_modules (git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

# --check: only say whether everything is installed (exit 0) or what is missing (exit 1).
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1

say() { echo "[e2e setup] $*"; }
die() { echo "[e2e setup] ERROR: $*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ "$CHECK" = 1 ]; then
  [ ${#missing[@]} -eq 0 ] || { echo "missing Debian packages: ${missing[*]}"; exit 1; }
  stamp_of() { cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1; }
  if [ -f node_modules/.e2e-setup-stamp ] && [ "$(cat node_modules/.e2e-setup-stamp)" = "$(stamp_of)" ] && [ -x node_modules/.bin/code-server ]; then
    exit 0
  fi
  echo "code-server, playwright-core and mocha are not installed in test/e2e/node_modules"
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}; need root (or sudo) to apt-get install them"
    SUDO="sudo"
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium still missing after apt-get"
RG="$(command -v rg)" || die "rg still missing after apt-get"

# --- npm packages ----------------------------------------------------------
# A stamp holds the hash of the manifest (+ lock): unchanged → nothing to do.
stamp_of() { cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1; }
STAMP=node_modules/.e2e-setup-stamp
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_of)" ] \
   && [ -x node_modules/.bin/code-server ] && [ -d node_modules/playwright-core ] && [ -d node_modules/mocha ]; then
  say "up to date (code-server $(node -p "require('./node_modules/code-server/package.json').version"))"
  exit 0
fi

# @vscode/ripgrep's postinstall first looks for its asset in
# $TMPDIR/vscode-ripgrep-cache-<version>/: seed it with Debian's rg.
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
cp "$RG" "$T/rg"
for v in 1.15.11 1.15.10 1.15.9 1.15.14; do
  mkdir -p "$T/vscode-ripgrep-cache-$v"
  tar czf "$T/vscode-ripgrep-cache-$v/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$T" rg
done

say "npm install (code-server, playwright-core, mocha); takes about a minute"
# npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which refuses without a TTY.
# unsafe_perm: code-server's postinstall refuses to run as root without it.
if [ -f package-lock.json ]; then cmd=ci; else cmd=install; fi
TMPDIR="$T" npm_config_yes=true npm_config_unsafe_perm=true \
  npm "$cmd" --no-audit --no-fund --loglevel=error
say "code-server $(node -p "require('./node_modules/code-server/package.json').version") installed"
stamp_of > "$STAMP"
say "done"
