#!/usr/bin/env bash
# collect.sh: the evidence iam-audit reads, collected from AWS with the
# account owner's own credentials and the AWS CLI v2 alone.
#
# Printed by `iam-audit collect-script` (iam-audit @IAM_AUDIT_VERSION@).
# iam-audit never touches the network: this script does, with your
# credentials, and only calls read-only IAM and STS operations (plus
# `iam generate-credential-report`, which asks IAM to refresh the report).
#
#   bash collect.sh OUTDIR                       # the default credentials
#   bash collect.sh OUTDIR --profile prod        # one named profile
#   bash collect.sh OUTDIR --profile prod --profile dev
#   bash collect.sh OUTDIR --role-arn arn:aws:iam::222222222222:role/audit
#
# One account (no option, or one --profile or --role-arn): OUTDIR is one
# snapshot folder. Several: OUTDIR is an organization folder with one
# subfolder per account, named ACCOUNTID-ALIAS (or ACCOUNTID). Roles are
# assumed with the default credentials (AWS_PROFILE, the environment or the
# default profile).
#
# Each snapshot folder holds credential-report.json,
# authorization-details.json, account-summary.json,
# virtual-mfa-devices.json, password-policy.json,
# server-certificates.json and snapshot.json (the
# account id, alias and the UTC time of the export). OUTDIR is written as a
# hidden temporary folder beside it and renamed only once every call has
# succeeded: a failed call leaves no folder that looks complete, and the
# script exits non-zero with the call and the AWS CLI's message on stderr.
#
# Then: iam-audit evaluate OUTDIR
#
# Settings (environment): IAM_AUDIT_REPORT_POLLS (default 30) and
# IAM_AUDIT_REPORT_POLL_SECONDS (default 2) bound the wait for the
# credential report.

set -euo pipefail

readonly PROGRAM="collect.sh"
# Never hand output to a pager, whatever the user's configuration.
export AWS_PAGER=""

say() { printf '%s: %s\n' "$PROGRAM" "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

usage() {
  cat >&2 <<'EOF'
usage: bash collect.sh OUTDIR [--profile PROFILE]... [--role-arn ARN]...

Collects one iam-audit snapshot per account into OUTDIR (a new folder):
one account with no option or a single --profile/--role-arn, else an
organization folder with one subfolder per account.
EOF
}

outdir=""
targets=()
while (($# > 0)); do
  case "$1" in
    --profile | --role-arn)
      (($# >= 2)) || {
        usage
        die "$1 needs a value"
      }
      [[ -n "$2" ]] || die "$1 needs a non-empty value"
      targets+=("${1#--}=$2")
      shift 2
      ;;
    --profile=* | --role-arn=*)
      value="${1#*=}"
      [[ -n "$value" ]] || die "${1%%=*} needs a non-empty value"
      option="${1%%=*}"
      targets+=("${option#--}=$value")
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*)
      usage
      die "unknown option \`$1\`"
      ;;
    *)
      [[ -z "$outdir" ]] || {
        usage
        die "one OUTDIR only (\`$outdir\` and \`$1\`)"
      }
      outdir="$1"
      shift
      ;;
  esac
done
[[ -n "$outdir" ]] || {
  usage
  die "OUTDIR is missing"
}
outdir="${outdir%/}"
[[ -n "$outdir" ]] || die "OUTDIR cannot be the root folder"
if [[ -e "$outdir" || -L "$outdir" ]]; then
  die "\`$outdir\` already exists; give a new folder name (evidence of two runs must not mix)"
fi

command -v aws >/dev/null 2>&1 || die "the AWS CLI (\`aws\`, version 2) is not on PATH"
cli_version="$(aws --version 2>&1 || true)"
case "$cli_version" in
  aws-cli/2.*) ;;
  *) say "warning: this script is written for the AWS CLI version 2; \`aws --version\` says: ${cli_version:-nothing}" ;;
esac

polls="${IAM_AUDIT_REPORT_POLLS:-30}"
poll_seconds="${IAM_AUDIT_REPORT_POLL_SECONDS:-2}"
[[ "$polls" =~ ^[1-9][0-9]*$ ]] || die "IAM_AUDIT_REPORT_POLLS must be a positive whole number, not \`$polls\`"
[[ "$poll_seconds" =~ ^[0-9]+$ ]] || die "IAM_AUDIT_REPORT_POLL_SECONDS must be a whole number, not \`$poll_seconds\`"

parent="$(dirname -- "$outdir")"
[[ -d "$parent" ]] || die "the folder \`$parent\` (where \`$outdir\` goes) does not exist"
work="$(mktemp -d "$parent/.$(basename -- "$outdir").partial.XXXXXX")" ||
  die "cannot create a temporary folder in \`$parent\`"
done_ok=0
errors="$work/.aws-stderr"
cleanup() {
  rm -rf -- "$work"
  if ((done_ok == 0)); then
    say "nothing was written to \`$outdir\` (the partial export was removed)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The account being collected, for messages, and the arguments every call
# of that account takes (`--profile P`, or nothing).
target=""
aws_args=()

# aws_call OUTFILE ARGS...: runs `aws ARGS...` with the account's arguments,
# stdout to OUTFILE; on failure prints the call and the CLI's message.
aws_call() {
  local out="$1"
  shift
  aws ${aws_args[@]+"${aws_args[@]}"} "$@" >"$out" 2>"$errors" && return 0
  local code=$?
  say "error: $target: \`aws $*\` failed (exit $code):"
  sed -e '/^[[:space:]]*$/d' -e 's/^/    /' "$errors" >&2
  exit 1
}

collect_account() {
  local folder="$1"
  mkdir -- "$folder"

  local value="$work/.value"
  say "$target: identity"
  aws_call "$value" sts get-caller-identity --query Account --output text
  local account
  account="$(tr -d '[:space:]' <"$value")"
  [[ "$account" =~ ^[0-9]{12}$ ]] || die "$target: \`aws sts get-caller-identity\` gave \`$account\`, not a 12-digit account id"

  aws_call "$value" iam list-account-aliases --query 'AccountAliases[0]' --output text
  local alias
  alias="$(tr -d '[:space:]' <"$value")"
  # The CLI's text output shows a missing alias as `None`.
  if [[ "$alias" == "None" ]]; then
    alias=""
  elif [[ -n "$alias" && ! "$alias" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]]; then
    say "warning: $target: the account alias \`$alias\` is not a valid IAM alias; left out of snapshot.json"
    alias=""
  fi

  say "$target: account $account${alias:+ ($alias)}: credential report"
  local state="" attempt=0
  while :; do
    attempt=$((attempt + 1))
    aws_call "$value" iam generate-credential-report --query State --output text
    state="$(tr -d '[:space:]' <"$value")"
    [[ "$state" == "COMPLETE" ]] && break
    if ((attempt >= polls)); then
      die "$target: the credential report is still \`$state\` after $polls requests; try again later or raise IAM_AUDIT_REPORT_POLLS"
    fi
    sleep "$poll_seconds"
  done
  aws_call "$folder/credential-report.json" iam get-credential-report --output json

  say "$target: authorization details (every page)"
  # Without --max-items or --no-paginate the CLI v2 requests every page and
  # prints them merged into one document.
  aws_call "$folder/authorization-details.json" iam get-account-authorization-details --output json
  if grep -Eq '"IsTruncated":[[:space:]]*true' "$folder/authorization-details.json"; then
    die "$target: the authorization details came back truncated (\`IsTruncated: true\`): is pagination turned off in the AWS CLI's configuration?"
  fi

  say "$target: account summary, virtual MFA devices, server certificates, password policy"
  aws_call "$folder/account-summary.json" iam get-account-summary --output json
  aws_call "$folder/virtual-mfa-devices.json" iam list-virtual-mfa-devices --output json
  # Every page, merged by the CLI as for the authorization details.
  aws_call "$folder/server-certificates.json" iam list-server-certificates --output json
  if grep -Eq '"IsTruncated":[[:space:]]*true' "$folder/server-certificates.json"; then
    die "$target: the server certificate list came back truncated (\`IsTruncated: true\`): is pagination turned off in the AWS CLI's configuration?"
  fi
  if ! aws ${aws_args[@]+"${aws_args[@]}"} iam get-account-password-policy --output json \
    >"$folder/password-policy.json" 2>"$errors"; then
    if grep -q 'NoSuchEntity' "$errors"; then
      # The account has no password policy: the marker iam-audit documents.
      printf '{"PasswordPolicy": null}\n' >"$folder/password-policy.json"
    else
      say "error: $target: \`aws iam get-account-password-policy\` failed:"
      sed -e '/^[[:space:]]*$/d' -e 's/^/    /' "$errors" >&2
      exit 1
    fi
  fi

  local exported_at
  exported_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  {
    printf '{\n  "account_id": "%s",\n' "$account"
    [[ -z "$alias" ]] || printf '  "account_alias": "%s",\n' "$alias"
    printf '  "exported_at": "%s"\n}\n' "$exported_at"
  } >"$folder/snapshot.json"

  account_id="$account"
  account_alias="$alias"
}

# collect TARGET FOLDER: sets the account's arguments (a profile, or a
# role's temporary credentials) and collects it into FOLDER.
account_id=""
account_alias=""
collect() {
  local spec="$1" folder="$2"
  aws_args=()
  case "$spec" in
    default)
      target="default credentials"
      collect_account "$folder"
      ;;
    profile=*)
      target="profile ${spec#profile=}"
      aws_args=(--profile "${spec#profile=}")
      collect_account "$folder"
      ;;
    role-arn=*)
      local arn="${spec#role-arn=}"
      target="role $arn"
      say "$target: assuming the role"
      local credentials="$work/.credentials"
      aws_call "$credentials" sts assume-role --role-arn "$arn" --role-session-name iam-audit-collect \
        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text
      local key secret token
      read -r key secret token <"$credentials" || true
      rm -f -- "$credentials"
      [[ -n "$key" && -n "$secret" && -n "$token" ]] ||
        die "$target: \`aws sts assume-role\` gave no credentials"
      # A subshell keeps the role's credentials to this account.
      (
        export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" AWS_SESSION_TOKEN="$token"
        unset AWS_PROFILE
        collect_account "$folder"
        printf '%s %s\n' "$account_id" "$account_alias" >"$work/.account"
      )
      read -r account_id account_alias <"$work/.account" || true
      ;;
  esac
}

# publish FOLDER: renames the finished FOLDER to OUTDIR (one rename in the
# same parent folder, so OUTDIR appears whole or not at all).
publish() {
  [[ ! -e "$outdir" && ! -L "$outdir" ]] || die "\`$outdir\` appeared while collecting; the export is not moved over it"
  mv -- "$1" "$outdir"
  done_ok=1
}

if ((${#targets[@]} <= 1)); then
  collect "${targets[0]:-default}" "$work/snapshot"
  publish "$work/snapshot"
  say "wrote the snapshot of account $account_id to \`$outdir\`; next: iam-audit evaluate $(printf '%q' "$outdir")"
  exit 0
fi

mkdir -- "$work/organization"
for spec in "${targets[@]}"; do
  collect "$spec" "$work/account"
  name="$account_id${account_alias:+-$account_alias}"
  [[ ! -e "$work/organization/$name" ]] ||
    die "$target: account $account_id was already collected through another profile or role"
  mv -- "$work/account" "$work/organization/$name"
done
publish "$work/organization"
say "wrote ${#targets[@]} account snapshots to \`$outdir\`; next: iam-audit evaluate $(printf '%q' "$outdir")"
