# Sourced by scripts/serve and scripts/test: installs what is missing, skips what is present.
# Never downloads from GitHub: tools come from crates.io, Debian and npm only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/scripts/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14 # trunk 0.22 needs rustc 1.96
WASM_BINDGEN_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

need_rust() {
  command -v cargo >/dev/null && command -v rustup >/dev/null || {
    echo "error: cargo and rustup are needed: install Rust with rustup first" >&2
    exit 1
  }
}

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  say "installing Debian packages: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_build_tools() {
  need_rust
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    say "installing trunk $TRUNK_VERSION"
    env -u CARGO_TARGET_DIR cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
  # wasm-opt from npm's binaryen (pinned in scripts/tools/package.json; trunk.toml asks for
  # version_132): Debian's binaryen 108 produces a module browsers reject.
  command -v npm >/dev/null || apt_install nodejs npm
  [ -x scripts/tools/node_modules/.bin/wasm-opt ] || (cd scripts/tools && npm ci --no-audit --no-fund)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
    # Not --locked: its own lock file pins a yanked crate.
    env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  # Trunk builds offline (Trunk.toml), and a native `cargo test` downloads only the native
  # model's crates: fetch every crate in Cargo.lock (the page's and the wasm target's too).
  cargo fetch --locked --quiet
}

ensure_lint_tools() {
  need_rust
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  for component in rustfmt clippy; do
    rustup component list --installed | grep -q "^$component" || rustup component add "$component"
  done
}

ensure_test_tools() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null || apt_install chromium chromium-driver
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  [ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund)
}
