#!/usr/bin/env bash
# Whole-command benchmark of iam-audit against the parse floor, with public
# tools only: hyperfine (Debian package `hyperfine`) for wall-clock medians,
# GNU time (`/usr/bin/time`, package `time`) for peak memory, and criterion
# (`cargo bench`) for the in-process stages.
#
#   bash bench/run.sh                          # everything below
#   SIZES="large" RUNS=10 bash bench/run.sh    # some sizes only
#   STAGES=0 bash bench/run.sh                 # skip the criterion stages
#
# Sizes: small (50 users), large (the IAM quota maximum: 5,000 users, 5,000
# roles, 300 groups, 1,500 policies), large2x/large4x/large8x (the scaling
# curve), org (1,000 accounts of 50 users). Data is generated
# deterministically under $DATA (default /tmp/iam-audit-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-/tmp/iam-audit-bench}
RUNS=${RUNS:-10}
SIZES=${SIZES:-"small large large2x large4x large8x org"}
STAGES=${STAGES:-1}

command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }

cargo build --release --quiet --bin iam-audit --example generate --example parse_floor
BIN=target/release/iam-audit
GEN=target/release/examples/generate
FLOOR=target/release/examples/parse_floor
mkdir -p "$DATA"

# Median of hyperfine's runs, in ms, for one command name of an export.
median_ms() {
  python3 -c 'import json,sys; r={x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}; print(round(r[sys.argv[2]]*1000))' "$1" "$2"
}

# Peak RSS in MiB of one run (GNU time's %M is KiB).
peak_mib() {
  /usr/bin/time -f "%M" "$@" >/dev/null 2>"$DATA/time.err" || true
  echo $(( $(tail -n 1 "$DATA/time.err") / 1024 ))
}

echo "| evidence | size on disk | parse floor | iam-audit | ratio | floor RSS | iam-audit RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for size in $SIZES; do
  dir="$DATA/$size"
  if [ ! -d "$dir" ]; then
    case "$size" in
      org) "$GEN" --size org --accounts 1000 --out "$dir" >/dev/null ;;
      large*x) scale=${size#large}; "$GEN" --size large --scale "${scale%x}" --out "$dir" >/dev/null ;;
      *) "$GEN" --size "$size" --out "$dir" >/dev/null ;;
    esac
  fi
  hyperfine -N --warmup 1 --runs "$RUNS" --ignore-failure --style none --export-json "$DATA/$size.json" \
    -n parse-floor "$FLOOR $dir" \
    -n iam-audit "$BIN evaluate $dir --format json" >/dev/null
  f=$(median_ms "$DATA/$size.json" parse-floor)
  a=$(median_ms "$DATA/$size.json" iam-audit)
  fr=$(peak_mib "$FLOOR" "$dir")
  ar=$(peak_mib "$BIN" evaluate "$dir" --format json)
  ratio=$(python3 -c "print('%.2fx' % ($a / $f))")
  echo "| $size | $(du -sh "$dir" | cut -f1) | $f ms | $a ms | $ratio | $fr MiB | $ar MiB |"
done

# The authoring loop: validating the pack, and a second evaluation with one
# policy edited (a fresh pack, nothing cached from the first run).
if [ -d "$DATA/large" ]; then
  edited="$DATA/edited-policies"
  rm -rf "$edited" && mkdir -p "$edited"
  for f in policies/*.cedar; do
    sed 's/@title("/@title("edited: /' "$f" > "$edited/$(basename "$f")"
  done
  # hyperfine runs one command's runs in a block, so a machine that drifts
  # favours whichever goes first: the two packs are timed in both orders.
  first="$BIN evaluate $DATA/large --format json"
  second="$BIN evaluate $DATA/large --format json --no-default-policies --policies $edited"
  hyperfine -N --warmup 1 --runs "$RUNS" --ignore-failure --style none --export-json "$DATA/loop.json" \
    -n validate "$BIN validate" -n first "$first" -n edited "$second" >/dev/null
  hyperfine -N --warmup 1 --runs "$RUNS" --ignore-failure --style none --export-json "$DATA/loop2.json" \
    -n edited "$second" -n first "$first" >/dev/null
  mean2() { echo $(( ($(median_ms "$DATA/loop.json" "$1") + $(median_ms "$DATA/loop2.json" "$1")) / 2 )); }
  echo
  echo "validate the built-in pack: $(median_ms "$DATA/loop.json" validate) ms"
  echo "evaluate large, built-in pack: $(mean2 first) ms; same pack with every policy edited: $(mean2 edited) ms (means of the medians of two runs, in both orders)"
fi

if [ "$STAGES" = 1 ] && [ -d "$DATA/large" ]; then
  IAM_AUDIT_BENCH_DIR="$DATA/large" cargo bench --quiet --bench stages >/dev/null 2>&1
  echo
  echo "| stage (large, criterion) | median |"
  echo "| --- | --- |"
  for est in target/criterion/*/new/estimates.json; do
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1].replace("estimates","benchmark")))["title"])' "$est")
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["median"]["point_estimate"]; print("| %s | %.1f ms |" % (sys.argv[2], m/1e6))' "$est" "$name"
  done
fi
