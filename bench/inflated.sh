#!/usr/bin/env bash
# Inputs that try to inflate a run's cost (issue #19): a waivers file of
# 100,000 `*a*a…*b` globs, one of 2,000 globs (the most allowed), one of
# 100,000 exact result ids, and a credential report whose one user name is
# 10 MB, shown as a table. Each is run once under GNU time on the demo
# account (or the generated file); prints wall time, peak RSS and the exit code.
#
#   bash bench/inflated.sh [BINARY]     # default: target/dist/iam-audit
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/dist/iam-audit}
DIR=${INFLATED_DIR:-/tmp/iam-audit-inflated}
mkdir -p "$DIR/bigcell"

python3 - "$DIR" <<'EOF'
import json, sys
d = sys.argv[1]
def waiver(**k):
    return dict(k, reason="r", approver="a", expires="2099-01-01")
p = "console-password-requires-mfa"
json.dump({"waivers": [waiver(policy=p, subject="*a" * 22 + "*b" + str(i)) for i in range(100_000)]},
          open(f"{d}/globs-100k.json", "w"), separators=(",", ":"))
json.dump({"waivers": [waiver(policy=p, subject="*a" * 13 + "*b%04d" % i) for i in range(2_000)]},
          open(f"{d}/globs-2000.json", "w"))
json.dump({"waivers": [waiver(result=f"{p}/arn:aws:iam::123456789012:user/u{i}") for i in range(100_000)]},
          open(f"{d}/exact-100k.json", "w"))
header = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active")
root = "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true"
name = "x" * 10_000_000
user = f"{name},arn:aws:iam::123456789012:user/{name},2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false"
open(f"{d}/bigcell/credential_report.csv", "w").write("\n".join([header, root, user]) + "\n")
EOF

measure() {
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS, exit %x" "$@" >/dev/null 2>"$DIR/time.txt" || true
  tail -1 "$DIR/time.txt"
}
for w in globs-100k globs-2000 exact-100k; do
  measure "$w waivers, demo, json" "$BIN" evaluate snapshots/demo --waivers "$DIR/$w.json" --format json
done
measure "demo, json, no waivers" "$BIN" evaluate snapshots/demo --format json
measure "10 MB user name, table" "$BIN" evaluate "$DIR/bigcell" --format table
measure "10 MB user name, json" "$BIN" evaluate "$DIR/bigcell" --format json

# With LARGE=DIR (the `large` account of examples/generate.rs): 8,000 exact
# waivers (half result ids, half policy + subject) and 1,500 ARN globs (the
# subject with its last character made `*`) naming real failures.
if [[ -n "${LARGE:-}" ]]; then
  "$BIN" evaluate "$LARGE" --format json -o "$DIR/large.json" || true
  python3 - "$DIR" <<'EOF2'
import json, sys
d = sys.argv[1]
fails = [r for r in json.load(open(f"{d}/large.json"))["results"] if r["status"] == "fail"]
def waiver(**k):
    return dict(k, reason="r", approver="a", expires="2099-01-01")
exact = [waiver(result=r["id"]) if i % 2 == 0 else waiver(policy=r["policy"], subject=r["subject"])
         for i, r in enumerate(fails[:8000])]
json.dump({"waivers": exact}, open(f"{d}/large-exact-8000.json", "w"))
globs = [waiver(policy=r["policy"], subject=r["subject"][:-1] + "*") for r in fails[:1500]]
json.dump({"waivers": globs}, open(f"{d}/large-globs-1500.json", "w"))
EOF2
  measure "large, no waivers, json" "$BIN" evaluate "$LARGE" --format json
  measure "large, 8000 exact waivers, json" "$BIN" evaluate "$LARGE" --waivers "$DIR/large-exact-8000.json" --format json
  measure "large, 1500 glob waivers, json" "$BIN" evaluate "$LARGE" --waivers "$DIR/large-globs-1500.json" --format json
fi
