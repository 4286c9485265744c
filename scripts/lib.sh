# Shared by scripts/run and scripts/test: install what is missing, and nothing twice.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1
  fi
}

# ensure_apt_packages PKG... — installs the Debian/Ubuntu packages that are not installed yet.
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "please install: ${missing[*]}"; return 1
  fi
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ensure_rust — a Rust toolchain with rustfmt and clippy, from rustup when there is none.
ensure_rust() {
  # shellcheck disable=SC1091
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  if ! command -v cargo >/dev/null; then
    ensure_apt_packages curl ca-certificates
    say "installing Rust with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
  if command -v rustup >/dev/null; then
    cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
  fi
}

# The C toolchain that SQLite (bundled) is compiled with.
ensure_build_tools() {
  if command -v apt-get >/dev/null; then
    ensure_apt_packages build-essential pkg-config
  fi
}

# The system libraries the Tauri desktop app builds against (WebKitGTK 4.1, GTK 3).
ensure_tauri_build_deps() {
  if command -v apt-get >/dev/null; then
    ensure_apt_packages build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev \
      libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  fi
}

# What the end-to-end tests drive: Debian's Chromium, a virtual X display, WebKit's WebDriver; what the
# PDF tests read a document back with (poppler's pdftotext and pdftoppm, zbarimg for QR codes); and the
# sqlite3 program, which a test backs the live database up with while `serve` runs.
ensure_e2e_deps() {
  if command -v apt-get >/dev/null; then
    ensure_apt_packages xvfb xauth x11-utils webkit2gtk-driver chromium imagemagick poppler-utils zbar-tools \
      sqlite3 openssl
  fi
}

# Node.js and npm for the UI (Vite 8 needs Node 20.19 or newer).
ensure_node() {
  command -v npm >/dev/null || ensure_apt_packages nodejs npm
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    say "Node.js $(node --version) is too old for the UI: install Node.js 20 or newer"; return 1
  fi
}

# The UI's npm packages, exactly as package-lock.json says; only when they changed.
ensure_ui_packages() {
  if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "installing the UI's npm packages"
    (cd ui && npm ci --no-audit --no-fund)
  fi
}

# tauri-driver, the WebDriver bridge to the real app window (from crates.io).
ensure_tauri_driver() {
  command -v tauri-driver >/dev/null && return 0
  say "installing tauri-driver"
  cargo install --locked tauri-driver --version '^2'
}

# with_display CMD... — runs CMD on the current X display, or on a private Xvfb one (1280x800) made for it.
with_display() {
  if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then "$@"; return; fi
  local n=99
  while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  local xvfb=$!
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  local status=0
  DISPLAY=":$n" "$@" || status=$?
  kill "$xvfb" 2>/dev/null || true
  return "$status"
}
