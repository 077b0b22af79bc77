#!/usr/bin/env bash
# Everything the end-to-end suite needs, installed once and cached:
#   - Debian's Chromium (test/support/chromium.sh), and the Debian packages code-server's native
#     modules build against;
#   - code-server from the npm registry into ~/.cache/kube-topology/code-server/<version>/;
#   - the packaged extension (npm run package), rebuilt only when one of its inputs is newer.
# Idempotent and safe to call from several test files at once (one holds a lock, the others
# wait and then find everything in place). Prints each step with its time.
#
#   KUBE_TOPOLOGY_CODE_SERVER_CACHE   cache folder (default ~/.cache/kube-topology/code-server)
#   KUBE_TOPOLOGY_VSIX                use this .vsix instead of packaging one
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

# code-server 4.100.x is the newest line that runs on Node 20; it reports VS Code 1.100.3, which
# is what package.json's engines.vscode must accept.
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
# @vscode/ripgrep pinned by that code-server, and the archive its postinstall would download.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

cache=${KUBE_TOPOLOGY_CODE_SERVER_CACHE:-$HOME/.cache/kube-topology/code-server}
dest=$cache/$CODE_SERVER_VERSION
mkdir -p "$cache"

now_ms() { date +%s%3N; }
started=$(now_ms)
step_started=$started
say() {
  local t
  t=$(now_ms)
  printf 'e2e setup: %-58s %6d ms\n' "$1" "$((t - step_started))"
  step_started=$t
}

exec 9>"$cache/.lock"
flock 9
say "lock"

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 || {
    $SUDO apt-get update >/dev/null
    $SUDO apt-get install -y --no-install-recommends "$@" >/dev/null
  }
}

bash test/support/chromium.sh
say "chromium ($(/usr/bin/chromium --version 2>/dev/null | head -1 || echo "${CHROMIUM_PATH:-}"))"

if [ -x "$dest/node_modules/.bin/code-server" ] && [ -f "$dest/.complete" ]; then
  say "code-server $CODE_SERVER_VERSION (cached in $dest)"
else
  # kerberos builds against libkrb5; @vscode/ripgrep takes Debian's rg instead of a download.
  missing=()
  for pkg in libkrb5-dev pkg-config ripgrep; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
    say "apt-get install ${missing[*]}"
  fi
  tmp=$(mktemp -d "$cache/.install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # @vscode/ripgrep's postinstall looks for this archive in $TMPDIR before going to the network.
  mkdir -p "$tmp/tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION" "$tmp/rg"
  cp "$(command -v rg)" "$tmp/rg/rg"
  tar -C "$tmp/rg" -czf "$tmp/tmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION/$RIPGREP_ASSET" rg
  echo '{"name":"kube-topology-code-server","private":true}' >"$tmp/package.json"
  # node-gyp builds the native modules whose prebuilt binaries are on GitHub (argon2) against the
  # headers of the Node that runs it, and downloads those from nodejs.org unless told where they
  # are: the nodejs package ships them beside the binary. (A user's ~/.npmrc may say the same;
  # an empty HOME, as on a fresh CI machine, does not.)
  node_prefix=$(node -p 'require("path").resolve(require("fs").realpathSync(process.execPath), "../..")')
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node_version.h" ]; then
    export npm_config_nodedir=$node_prefix
  fi
  # As root npm skips install scripts without unsafe_perm; node-pty's `npx node-gyp` would prompt.
  (
    cd "$tmp"
    TMPDIR="$tmp/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$tmp/npm.log" 2>&1
  ) || {
    tail -40 "$tmp/npm.log" >&2
    echo "e2e setup: npm install code-server@$CODE_SERVER_VERSION failed (log above)" >&2
    exit 1
  }
  "$tmp/node_modules/.bin/code-server" --version >/dev/null
  rm -rf "$tmp/tmp" "$tmp/rg" "$dest"
  # A finished install appears under its final name in one step, so a killed run never looks warm.
  touch "$tmp/.complete"
  mv "$tmp" "$dest"
  trap - EXIT
  say "code-server $CODE_SERVER_VERSION installed into $dest ($(du -sm "$dest" | cut -f1) MB)"
fi

if [ -n "${KUBE_TOPOLOGY_VSIX:-}" ]; then
  test -f "$KUBE_TOPOLOGY_VSIX"
  say "vsix: $KUBE_TOPOLOGY_VSIX (given)"
else
  version=$(node -p 'require("./package.json").version')
  vsix=$root/kube-topology-$version.vsix
  inputs=(src webview schemas templates addons snippets media docs package.json package-lock.json README.md CHANGELOG.md LICENSE .vscodeignore scripts/build.mjs scripts/package.mjs scripts/vsixPolicy.cjs)
  existing=()
  for i in "${inputs[@]}"; do [ -e "$i" ] && existing+=("$i"); done
  if [ -f "$vsix" ] && [ -z "$(find "${existing[@]}" -newer "$vsix" -print -quit)" ]; then
    say "vsix up to date: $(basename "$vsix")"
  else
    node scripts/package.mjs >"$cache/package.log" 2>&1 || {
      cat "$cache/package.log" >&2
      exit 1
    }
    say "$(tail -1 "$cache/package.log")"
  fi
fi

echo "e2e setup: ready in $(($(now_ms) - started)) ms"
