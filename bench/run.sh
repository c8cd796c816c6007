#!/usr/bin/env bash
# Whole-command benchmark of iam-audit against the parse floor, with public
# tools only: hyperfine (Debian package `hyperfine`) for wall-clock times,
# GNU time (`/usr/bin/time`, package `time`) for peak memory, and criterion
# (`cargo bench`) for the in-process stages.
#
#   bash bench/run.sh                          # everything below
#   SIZES="large unseen" RUNS=20 bash bench/run.sh
#   STAGES=0 bash bench/run.sh                 # skip the criterion stages
#
# What is compared: iam-audit built with `--profile dist` (fat LTO, one
# codegen unit, panic abort: what a published binary is) against the parse
# floor, a separate crate in bench/floor built with the same settings and
# serde_json's default features (it only reads every file and parses it into
# `serde_json::Value` or CSV records).
#
# Sizes: small (50 users), large (the IAM quota maximum: 5,000 users, 5,000
# roles, 300 groups, 1,500 policies), unseen (the same counts in the
# generator's `--shape unseen` and a seed nothing was tuned on: bare CSV
# credential report, conditional trust policies, five versions per managed
# policy), large2x/large4x/large8x (the scaling curve), org (1,000 accounts
# of 50 users). Data is generated deterministically under $DATA (default
# /tmp/iam-audit-bench).
#
# The machine may be shared and drifting, and hyperfine runs one command's
# runs in a block, favouring whichever goes first. So every size is timed as
# RUNS interleaved pairs (one floor run and one iam-audit run per hyperfine
# call, the order alternating from pair to pair), and the table gives each
# command's median, the ratio of the medians and the median of the per-pair
# ratios (the figure least moved by load that changes between pairs). Peak
# RSS is the median of RUNS runs of each under GNU time, also interleaved;
# the same runs give CPU time (user + system, 10 ms resolution), whose ratio
# moves less than wall time's when other work takes the cores: iam-audit
# uses both cores and the floor one, so a busy machine costs it more wall time.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${DATA:-/tmp/iam-audit-bench}
RUNS=${RUNS:-10}
SIZES=${SIZES:-"small large unseen large2x large4x large8x org"}
STAGES=${STAGES:-1}
# The seed of the unseen shape: not 1 (the default, which the code was
# profiled on) nor 7 (the earlier "unseen" check).
UNSEEN_SEED=${UNSEEN_SEED:-20261202}

command -v hyperfine >/dev/null || { echo "install hyperfine: apt-get install -y hyperfine" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }

cargo build --profile dist --locked --quiet --bin iam-audit --example generate
cargo build --release --locked --quiet --manifest-path bench/floor/Cargo.toml
BIN=target/dist/iam-audit
GEN=target/dist/examples/generate
FLOOR=bench/floor/target/release/parse-floor
mkdir -p "$DATA"

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo

# Wall-clock seconds of every run of one size, `floor audit` per line, from
# RUNS interleaved pairs in alternating order (after one warm-up pair).
pairs() {
  local dir=$1 out=$2 i
  local fcmd="$FLOOR $dir" acmd="$BIN evaluate $dir --format json"
  hyperfine -N --runs 1 --ignore-failure --style none -n floor "$fcmd" -n audit "$acmd" >/dev/null 2>&1
  : >"$out"
  for i in $(seq 1 "$RUNS"); do
    if [ $((i % 2)) = 1 ]; then
      hyperfine -N --runs 1 --ignore-failure --style none --export-json "$DATA/pair.json" \
        -n floor "$fcmd" -n audit "$acmd" >/dev/null 2>&1
    else
      hyperfine -N --runs 1 --ignore-failure --style none --export-json "$DATA/pair.json" \
        -n audit "$acmd" -n floor "$fcmd" >/dev/null 2>&1
    fi
    python3 -c 'import json,sys; r={x["command"]: x["times"][0] for x in json.load(open(sys.argv[1]))["results"]}; print(r["floor"], r["audit"])' \
      "$DATA/pair.json" >>"$out"
  done
}

# Peak RSS in KiB (GNU time's %M) and CPU seconds (%U + %S) of RUNS runs
# each, interleaved: `floor-KiB audit-KiB floor-user floor-sys audit-user audit-sys` per line.
peaks() {
  local dir=$1 out=$2 i f a
  : >"$out"
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%M %U %S" -o "$DATA/time.f" "$FLOOR" "$dir" >/dev/null || true
    /usr/bin/time -f "%M %U %S" -o "$DATA/time.a" "$BIN" evaluate "$dir" --format json >/dev/null || true
    f=$(tail -n 1 "$DATA/time.f"); a=$(tail -n 1 "$DATA/time.a")
    echo "$(echo "$f" | cut -d' ' -f1) $(echo "$a" | cut -d' ' -f1) $(echo "$f" | cut -d' ' -f2-) $(echo "$a" | cut -d' ' -f2-)" >>"$out"
  done
}

echo "| evidence | size on disk | parse floor | iam-audit | ratio of medians | median of pair ratios | floor peak RSS | iam-audit peak RSS | RSS ratio | CPU floor / iam-audit | CPU ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for size in $SIZES; do
  dir="$DATA/$size"
  if [ ! -d "$dir" ]; then
    case "$size" in
      org) "$GEN" --size org --accounts 1000 --out "$dir" 2>/dev/null ;;
      unseen) "$GEN" --size large --shape unseen --seed "$UNSEEN_SEED" --out "$dir" 2>/dev/null ;;
      large*x) scale=${size#large}; "$GEN" --size large --scale "${scale%x}" --out "$dir" 2>/dev/null ;;
      *) "$GEN" --size "$size" --out "$dir" 2>/dev/null ;;
    esac
  fi
  pairs "$dir" "$DATA/$size.times"
  peaks "$dir" "$DATA/$size.rss"
  python3 - "$DATA/$size.times" "$DATA/$size.rss" "$size" "$(du -sh "$dir" | cut -f1)" <<'PY'
import statistics as st, sys
t = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
m = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
f, a = st.median(x[0] for x in t), st.median(x[1] for x in t)
pr = st.median(x[1] / x[0] for x in t)
fm, am = st.median(x[0] for x in m), st.median(x[1] for x in m)
fc, ac = st.median(x[2] + x[3] for x in m), st.median(x[4] + x[5] for x in m)
print("| %s | %s | %.1f ms | %.1f ms | %.3fx | %.3fx | %.1f MiB | %.1f MiB | %.3fx | %.0f / %.0f ms | %.2fx |"
      % (sys.argv[3], sys.argv[4], f * 1e3, a * 1e3, a / f, pr, fm / 1024, am / 1024, am / fm,
         fc * 1e3, ac * 1e3, ac / fc if fc else float("nan")))
PY
done
echo
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the table"

# hyperfine's median of one command, in ms, from an export.
median_ms() {
  python3 -c 'import json,sys; r={x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}; print(round(r[sys.argv[2]]*1000))' "$1" "$2"
}

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
    -n validate "$BIN validate" -n first "$first" -n edited "$second" >/dev/null 2>&1
  hyperfine -N --warmup 1 --runs "$RUNS" --ignore-failure --style none --export-json "$DATA/loop2.json" \
    -n edited "$second" -n first "$first" >/dev/null 2>&1
  mean2() { echo $(( ($(median_ms "$DATA/loop.json" "$1") + $(median_ms "$DATA/loop2.json" "$1")) / 2 )); }
  echo
  echo "validate the built-in pack: $(median_ms "$DATA/loop.json" validate) ms"
  echo "evaluate large, built-in pack: $(mean2 first) ms; same pack with every policy edited: $(mean2 edited) ms (means of the medians of two runs, in both orders)"
fi

# The stages run in criterion's `bench` profile (Cargo's release defaults,
# not dist): compare them with each other, not with the table above.
if [ "$STAGES" = 1 ] && [ -d "$DATA/large" ]; then
  IAM_AUDIT_BENCH_DIR="$DATA/large" cargo bench --quiet --bench stages >/dev/null 2>&1
  echo
  echo "| stage (large, criterion, bench profile) | median |"
  echo "| --- | --- |"
  for est in target/criterion/*/new/estimates.json; do
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1].replace("estimates","benchmark")))["title"])' "$est")
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["median"]["point_estimate"]; print("| %s | %.1f ms |" % (sys.argv[2], m/1e6))' "$est" "$name"
  done
fi
