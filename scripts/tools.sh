# Installs what building and testing labbook need, each step only when missing or at the
# wrong version, so running it again costs seconds. Sourced by scripts/serve, scripts/test and
# scripts/bench.
#
# On a fresh machine most of the time goes into compiling Trunk and wasm-bindgen-cli. They are
# built side by side (while apt and npm download), without LTO and at opt-level 1: they are
# build tools that run for seconds, so a faster compile beats a faster binary.

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

# `cargo install` of a build tool with a quick profile.
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=false \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_DEBUG=false \
    cargo install --quiet "$@"
}

trunk_missing() { [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; }
wasm_bindgen_missing() { [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(wasm_bindgen_version)" ]; }

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
}

# wasm-opt (npm binaryen 132) and Playwright, from the committed package-lock.json.
ensure_node_modules() {
  if [ ! -f "$root/node_modules/.package-lock.json" ] ||
    [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Debian's packages: clang compiles SQLite's C source to wasm32; python3 runs the build's
# Content-Security-Policy hook (scripts/csp.py) and the static server the tests open; Chromium
# and ChromeDriver run the browser and end-to-end tests.
apt_packages() {
  local want=()
  command -v clang >/dev/null || want+=(clang)
  command -v python3 >/dev/null || want+=(python3)
  if [ "${1:-}" = with-chromium ]; then
    command -v chromium >/dev/null || want+=(chromium)
    command -v chromedriver >/dev/null || want+=(chromium-driver)
  fi
  [ ${#want[@]} -eq 0 ] || apt_install "${want[@]}"
}

# Everything, in parallel: the two cargo installs, apt, npm. Pass `with-chromium` for testing.
ensure_tools() {
  ensure_wasm_target
  ensure_node
  local pids=() names=()
  run_bg() {
    local name="$1"
    shift
    "$@" &
    pids+=($!)
    names+=("$name")
  }
  if trunk_missing; then
    step "installing trunk $TRUNK_VERSION (once; several minutes on 2 cores)"
    run_bg trunk install_tool trunk --version "$TRUNK_VERSION" --locked
  fi
  if wasm_bindgen_missing; then
    step "installing wasm-bindgen-cli $(wasm_bindgen_version) (once; several minutes)"
    # Without --locked: its lock file wants a crate version the registry lacks.
    run_bg wasm-bindgen-cli install_tool wasm-bindgen-cli --version "$(wasm_bindgen_version)"
  fi
  run_bg "Debian packages" apt_packages "${1:-}"
  run_bg "npm packages" ensure_node_modules
  run_bg "crates" cargo fetch --quiet
  local failed=0 i
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "installing ${names[$i]} failed" >&2
      failed=1
    fi
  done
  return $failed
}
