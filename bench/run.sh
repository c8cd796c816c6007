#!/usr/bin/env bash
# Whole-command benchmark of iam-audit against the parse floor, with public
# tools only: hyperfine (Debian package `hyperfine`) for wall-clock medians,
# GNU time (`/usr/bin/time`, package `time`) for peak memory.
#
#   bash bench/run.sh                 # small + large + org of 1000 accounts
#   SIZES="large" RUNS=10 bash bench/run.sh
#
# Data is generated deterministically under $DATA (default /tmp/iam-audit-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-/tmp/iam-audit-bench}
RUNS=${RUNS:-10}
SIZES=${SIZES:-"small large org"}

command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }

cargo build --release --quiet --bin iam-audit --example generate --example parse_floor
BIN=target/release/iam-audit
GEN=target/release/examples/generate
FLOOR=target/release/examples/parse_floor

for size in $SIZES; do
  dir="$DATA/$size"
  if [ ! -d "$dir" ]; then
    case "$size" in
      org) "$GEN" --size org --accounts 1000 --out "$dir" ;;
      large*x) "$GEN" --size large --scale "${size#large}" --out "$dir" ;;
      *) "$GEN" --size "$size" --out "$dir" ;;
    esac
  fi
  echo "== $size: $(du -sh "$dir" | cut -f1)"
  hyperfine --warmup 1 --runs "$RUNS" --ignore-failure --export-json "$DATA/$size.json" \
    -n parse-floor "$FLOOR $dir" \
    -n iam-audit "$BIN evaluate $dir --format json"
  for cmd in "$FLOOR $dir" "$BIN evaluate $dir --format json"; do
    /usr/bin/time -f "peak RSS %M KiB  $cmd" $cmd >/dev/null 2>"$DATA/time.err" || true
    tail -n 1 "$DATA/time.err"
  done
  python3 - "$DATA/$size.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
f, a = r["parse-floor"]["median"], r["iam-audit"]["median"]
print(f"median parse floor {f*1000:.1f} ms, iam-audit {a*1000:.1f} ms, ratio {a/f:.2f}x")
PY
done
