#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's fixtures and sample snapshots.
# The corpora (corpus/) are not committed: run this before `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/credential_report corpus/authorization_details corpus/policy_document corpus/snapshot_pipeline \
  corpus/waivers corpus/verify_diff
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "corpus/credential_report/seed-$n"
  cp "$f" "corpus/authorization_details/seed-$n"
done < <(find "$root/tests/fixtures" "$root/snapshots" -type f ! -name '*.md' ! -name '*.cedar' -print0 | sort -z)
# Every policy document inside the authorization details, one file each.
i=0
while IFS= read -r -d '' f; do
  jq -c '.. | objects | (.AssumeRolePolicyDocument?, .PolicyDocument?, .Document?) | select(. != null)' "$f" 2>/dev/null |
    while IFS= read -r doc; do
      i=$((i + 1))
      printf '%s' "$doc" > "corpus/policy_document/$(printf '%s' "$doc" | sha256sum | cut -c1-16)"
    done || true
done < <(find "$root/tests/fixtures" "$root/snapshots" -type f -name '*.json' -print0 | sort -z)
# Whole snapshots: the files of each folder joined with the target's marker.
for d in "$root"/snapshots/demo "$root"/snapshots/compliant "$root"/tests/fixtures/*/; do
  files=$(find "$d" -maxdepth 1 -type f ! -name '*.md' ! -name '*.cedar' | sort | head -n 3)
  [ -n "$files" ] || continue
  out="corpus/snapshot_pipeline/$(basename "$d")"
  first=1
  : > "$out"
  for f in $files; do
    if [ $first -eq 0 ]; then printf '\n--8<--\n' >> "$out"; fi
    cat "$f" >> "$out"
    first=0
  done
done
# Waivers files: the fixtures, and one waiver of each kind on its own.
cp "$root"/tests/fixtures/waivers/*.json corpus/waivers/
w='"reason": "r", "approver": "a@example.com"'
printf '{"waivers": [{"policy": "console-password-requires-mfa", "subject": "arn:aws:iam::*:user/?ob", %s, "expires": "2027-01-01"}]}' "$w" > corpus/waivers/glob
printf '{"waivers": [{"result": "support-role-exists/arn:aws:iam::123456789012:root", %s, "expires": "2026-11-20"}]}' "$w" > corpus/waivers/result
printf '{"waivers": []}' > corpus/waivers/empty
# JSON reports, for `diff` and `verify`: written by the tool itself
# (IAM_AUDIT names a built binary; else `cargo run`). Exit code 1 only says
# that something failed.
report() {
  if [ -n "${IAM_AUDIT:-}" ]; then "$IAM_AUDIT" evaluate --quiet --format json "$@"; else
    (cd "$root" && cargo run --quiet --locked -- evaluate --quiet --format json "$@"); fi || [ $? -eq 1 ]
}
report "$root/snapshots/demo" > corpus/verify_diff/demo.json
report "$root/snapshots/demo" --as-of 2026-11-20T09:30:00Z --waivers "$root/tests/fixtures/waivers/demo.json" > corpus/verify_diff/demo-waivers.json
report "$root/snapshots/demo" --benchmark cis-aws-v5.0 > corpus/verify_diff/demo-benchmark.json
report "$root/snapshots/compliant" > corpus/verify_diff/compliant.json
report "$root/snapshots/org" > corpus/verify_diff/org.json
report "$root/tests/fixtures/cis-rich" > corpus/verify_diff/cis-rich.json
report "$root/tests/fixtures/cis-summary-only" > corpus/verify_diff/cis-summary-only.json
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
