#!/usr/bin/env bash
# Builds the browser edition: one self-contained page, target/web/iam-audit.html,
# to open from disk with a double click, offline.
#
#   bash web/build.sh
#
# Needs the Rust toolchain (rustup) and Node.js (for the last step, which
# inlines everything into the page). Installs what else it needs into the
# project: the wasm32-unknown-unknown target, and wasm-bindgen-cli at exactly
# the wasm-bindgen version of web/Cargo.lock, into target/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/web
mkdir -p "$out"

version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' web/Cargo.lock)
[ -n "$version" ] || { echo "no wasm-bindgen in web/Cargo.lock" >&2; exit 1; }
bindgen=target/tools/bin/wasm-bindgen
if ! [ -x "$bindgen" ] || [ "$("$bindgen" --version)" != "wasm-bindgen $version" ]; then
  echo "installing wasm-bindgen-cli $version into target/tools"
  # Without its default features: the test runner's HTTP client and TLS are
  # not needed to generate bindings. Not `--locked`: its lock names a
  # webpki-roots release the registry no longer offers (BENCHMARKS.md, browser edition).
  cargo install --quiet --no-default-features wasm-bindgen-cli --version "$version" --root target/tools
fi

if command -v rustup >/dev/null 2>&1; then
  rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
fi
cargo build --locked --release --manifest-path web/Cargo.toml \
  --target wasm32-unknown-unknown --target-dir "$out"
"$bindgen" --target no-modules --no-typescript --remove-name-section --remove-producers-section --out-dir "$out/bindgen" \
  "$out/wasm32-unknown-unknown/release/iam_audit_web.wasm"
node web/page/assemble.mjs "$out/bindgen/iam_audit_web.js" "$out/bindgen/iam_audit_web_bg.wasm" \
  src/report/html/script.js "$out/iam-audit.html"
