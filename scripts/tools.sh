# Installs what building and testing labbook need, each step only when missing or at the
# wrong version, so running it again costs seconds. Sourced by scripts/serve and scripts/test.

TRUNK_VERSION=0.21.14

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

step() { printf '\n== %s\n' "$*"; }

apt_install() {
  if [ -z "${LABBOOK_APT_UPDATED:-}" ]; then
    apt-get update -qq
    LABBOOK_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown ||
    rustup target add wasm32-unknown-unknown
}

# The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock"
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    step "installing trunk $TRUNK_VERSION (about 15 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]; then
    step "installing wasm-bindgen-cli $want (about 8 minutes, once)"
    # Without --locked: its lock file wants a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

# wasm-opt (npm binaryen 132) and Playwright, from the committed package-lock.json.
ensure_node_modules() {
  ensure_node
  if [ ! -f "$root/node_modules/.package-lock.json" ] ||
    [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    (cd "$root" && npm ci --no-audit --no-fund)
  fi
}

ensure_chromium() {
  command -v chromium >/dev/null && command -v chromedriver >/dev/null ||
    apt_install chromium chromium-driver
}

# SQLite's C source is compiled to wasm32 by clang.
ensure_clang() {
  command -v clang >/dev/null || apt_install clang
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_clang
  ensure_node_modules
  ensure_wasm_bindgen
  ensure_trunk
}
