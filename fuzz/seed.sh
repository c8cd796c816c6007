#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's fixtures and sample snapshots.
# The corpora (corpus/) are not committed: run this before `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/credential_report corpus/authorization_details corpus/policy_document corpus/snapshot_pipeline
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
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
