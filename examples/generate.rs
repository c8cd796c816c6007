//! Deterministic synthetic IAM evidence at any size, for benchmarks.
//!
//! ```text
//! cargo run --release --example generate -- --size small --out /tmp/ev-small
//! cargo run --release --example generate -- --size large --out /tmp/ev-large      # IAM quota maximum
//! cargo run --release --example generate -- --size large --scale 4 --out /tmp/ev-4x
//! cargo run --release --example generate -- --size org --accounts 1000 --out /tmp/ev-org
//! cargo run --release --example generate -- --size large --shape unseen --seed 20261202 --out /tmp/ev-unseen
//! ```
//!
//! Each snapshot folder gets `credential-report.json` (the AWS CLI envelope,
//! base64 content, `GeneratedTime`) and `authorization-details.json` (the
//! merged CLI output): users in groups with tags, inline and attached
//! policies; customer managed policies with several versions and realistic
//! documents; roles whose trust policies cover every kind in
//! docs/mfa-semantics.md (gated, `BoolIfExists`, Deny guards, services, SAML,
//! cross-account with ExternalId, deleted principals). The same `--seed`
//! always gives the same bytes.
//!
//! `--shape unseen` (default `--shape default`, whose output is unchanged by
//! the option's existence) writes evidence of another shape, for benchmarks
//! on input the code was not tuned on: the credential report as a bare CSV
//! (`credential-report.csv`, CRLF line endings) with a `snapshot.json`
//! manifest giving the as-of time, instead of the JSON envelope; trust
//! policies with conditions (MFA as `Bool`, `BoolIfExists`, `Null`,
//! `NumericLessThan[IfExists]` on the MFA age, `sts:ExternalId`,
//! `aws:SourceAccount` / `aws:SourceArn` on service principals,
//! `aws:PrincipalOrgID`, `...IfExists` operators, several keys and
//! statements per policy); and every customer managed policy at IAM's
//! maximum of five versions, the default one anywhere among them.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{json, Value};

/// SplitMix64: tiny, fast, and good enough to vary synthetic data; a fixed
/// algorithm keeps output identical across platforms and crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Which kind of evidence to write (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Default,
    Unseen,
}

struct Sizes {
    users: usize,
    roles: usize,
    groups: usize,
    policies: usize,
}

const SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "iam",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "cloudwatch",
    "rds",
    "ecr",
    "ecs",
    "sts",
    "secretsmanager",
    "ssm",
    "cloudtrail",
    "config",
    "glue",
    "athena",
];
const VERBS: &[&str] = &[
    "Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag", "Untag", "Start",
];
const NOUNS: &[&str] = &[
    "Object", "Bucket", "Instance", "Function", "Table", "Queue", "Topic", "Key", "LogGroup",
    "Alarm",
];
const AWS_MANAGED: &[&str] = &[
    "ReadOnlyAccess",
    "SecurityAudit",
    "AdministratorAccess",
    "job-function/ViewOnlyAccess",
    "AmazonS3ReadOnlyAccess",
    "AWSSupportAccess",
    "PowerUserAccess",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let size = get("--size").unwrap_or_else(|| "small".into());
    let seed: u64 = get("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let scale: usize = get("--scale").and_then(|s| s.parse().ok()).unwrap_or(1);
    let shape = match get("--shape").as_deref() {
        None | Some("default") => Shape::Default,
        Some("unseen") => Shape::Unseen,
        Some(other) => {
            eprintln!("unknown --shape `{other}`: use default or unseen");
            std::process::exit(2);
        }
    };
    let out = PathBuf::from(get("--out").unwrap_or_else(|| format!("/tmp/iam-audit-{size}")));
    let large = Sizes {
        users: 5000 * scale,
        roles: 5000 * scale,
        groups: 300 * scale,
        policies: 1500 * scale,
    };
    let small = Sizes {
        users: 50,
        roles: 40,
        groups: 8,
        policies: 20,
    };
    match size.as_str() {
        "small" => snapshot(&out, 123_456_789_012, &small, seed, shape),
        "large" => snapshot(&out, 123_456_789_012, &large, seed, shape),
        "org" => {
            let accounts: u64 = get("--accounts")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            for i in 0..accounts {
                let account = 100_000_000_000 + i;
                snapshot(
                    &out.join(format!("{account}")),
                    account,
                    &small,
                    seed.wrapping_add(i),
                    shape,
                );
            }
        }
        other => {
            eprintln!("unknown --size `{other}`: use small, large or org");
            std::process::exit(2);
        }
    }
    eprintln!("wrote {}", out.display());
}

fn snapshot(dir: &Path, account: u64, sizes: &Sizes, seed: u64, shape: Shape) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let mut rng = Rng(seed ^ account);
    let acct = format!("{account:012}");
    let generated = "2026-11-20T09:30:00+00:00";

    let group_names: Vec<String> = (0..sizes.groups).map(|i| format!("team-{i:04}")).collect();
    let policy_arns: Vec<String> = (0..sizes.policies)
        .map(|i| format!("arn:aws:iam::{acct}:policy/app/policy-{i:05}"))
        .collect();

    // Credential report.
    let mut csv = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n",
    );
    csv.push_str(&format!(
        "<root_account>,arn:aws:iam::{acct}:root,2019-01-01T00:00:00+00:00,not_supported,2026-10-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    ));
    let stamp = |rng: &mut Rng| {
        format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
            // 2019-2025: always before the envelope's GeneratedTime (2026-11-20).
            19 + rng.below(7),
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(24),
            rng.below(60),
            rng.below(60)
        )
    };
    let mut users = Vec::with_capacity(sizes.users);
    for i in 0..sizes.users {
        let name = format!("user-{i:05}");
        let arn = format!("arn:aws:iam::{acct}:user/{name}");
        let console = rng.chance(60);
        let mfa = console && rng.chance(80);
        let key1 = rng.chance(50);
        let key2 = key1 && rng.chance(10);
        let created = stamp(&mut rng);
        let key = |active: bool, rng: &mut Rng| {
            if active {
                let used = rng.chance(80);
                format!(
                    "true,{},{},{},{}",
                    stamp(rng),
                    if used { stamp(rng) } else { "N/A".into() },
                    if used { "us-east-1" } else { "N/A" },
                    if used { *rng.pick(SERVICES) } else { "N/A" }
                )
            } else {
                "false,N/A,N/A,N/A,N/A".into()
            }
        };
        let k1 = key(key1, &mut rng);
        let k2 = key(key2, &mut rng);
        csv.push_str(&format!(
            "{name},{arn},{created},{console},{},{},N/A,{mfa},{k1},{k2},false,N/A,false,N/A\n",
            if console {
                if rng.chance(10) {
                    "no_information".to_string()
                } else {
                    stamp(&mut rng)
                }
            } else {
                "N/A".into()
            },
            if console {
                created.clone()
            } else {
                "N/A".into()
            },
        ));
        let groups: Vec<&String> = (0..1 + rng.below(3))
            .map(|_| rng.pick(&group_names))
            .collect();
        let mut groups: Vec<String> = groups.into_iter().cloned().collect();
        groups.sort();
        groups.dedup();
        let mut user = json!({
            "Path": "/",
            "UserName": name,
            "UserId": format!("AIDA{:016X}", rng.next() >> 4),
            "Arn": arn,
            "CreateDate": created,
            "GroupList": groups,
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "team", "Value": if rng.chance(5) { "contractors" } else { "engineering" }}],
        });
        if rng.chance(10) {
            user["AttachedManagedPolicies"] =
                json!([attached(rng.pick(policy_arns.as_slice()).as_str())]);
        }
        if rng.chance(5) {
            user["UserPolicyList"] =
                json!([{"PolicyName": "inline", "PolicyDocument": document(&mut rng, 2)}]);
        }
        users.push(user);
    }
    if shape == Shape::Unseen {
        // A bare CSV as `aws iam get-credential-report --query Content
        // --output text | base64 -d` leaves it, with CRLF line endings; the
        // as-of time then comes from the manifest.
        let crlf = csv.replace('\n', "\r\n");
        fs::write(dir.join("credential-report.csv"), crlf)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", dir.display()));
        let manifest = json!({"account_id": acct, "exported_at": "2026-11-20T09:45:00Z"});
        write_json(&dir.join("snapshot.json"), &manifest);
    } else {
        let envelope = json!({
            "Content": base64::engine::general_purpose::STANDARD.encode(csv.as_bytes()),
            "ReportFormat": "text/csv",
            "GeneratedTime": generated,
        });
        write_json(&dir.join("credential-report.json"), &envelope);
    }

    let groups: Vec<Value> = group_names
        .iter()
        .map(|name| {
            let mut attached_list = vec![attached(&format!("arn:aws:iam::aws:policy/{}", rng.pick(AWS_MANAGED)))];
            for _ in 0..rng.below(3) {
                attached_list.push(attached(rng.pick(policy_arns.as_slice()).as_str()));
            }
            json!({
                "Path": "/",
                "GroupName": name,
                "GroupId": format!("AGPA{:016X}", rng.next() >> 4),
                "Arn": format!("arn:aws:iam::{acct}:group/{name}"),
                "CreateDate": stamp(&mut rng),
                "GroupPolicyList": if rng.chance(20) { json!([{"PolicyName": "inline", "PolicyDocument": document(&mut rng, 3)}]) } else { json!([]) },
                "AttachedManagedPolicies": attached_list,
            })
        })
        .collect();

    let roles: Vec<Value> = (0..sizes.roles)
        .map(|i| {
            let name = format!("role-{i:05}");
            let support = i % 500 == 0;
            let mut attached_list = vec![attached(rng.pick(policy_arns.as_slice()).as_str())];
            if support {
                attached_list.push(attached("arn:aws:iam::aws:policy/AWSSupportAccess"));
            }
            json!({
                "Path": "/",
                "RoleName": name,
                "RoleId": format!("AROA{:016X}", rng.next() >> 4),
                "Arn": format!("arn:aws:iam::{acct}:role/{name}"),
                "CreateDate": stamp(&mut rng),
                "AssumeRolePolicyDocument": match shape {
                    Shape::Default => trust(&mut rng, &acct),
                    Shape::Unseen => trust_with_conditions(&mut rng, &acct),
                },
                "InstanceProfileList": [],
                "RolePolicyList": if rng.chance(30) { json!([{"PolicyName": "inline", "PolicyDocument": document(&mut rng, 2)}]) } else { json!([]) },
                "AttachedManagedPolicies": attached_list,
                "Tags": [{"Key": "owner", "Value": format!("team-{}", rng.below(300))}],
                "RoleLastUsed": {"LastUsedDate": stamp(&mut rng), "Region": "us-east-1"},
            })
        })
        .collect();

    let mut policies: Vec<Value> = policy_arns
        .iter()
        .map(|arn| {
            // IAM keeps at most five versions of a managed policy.
            let (versions, default) = match shape {
                Shape::Default => {
                    let versions = 1 + rng.below(4);
                    (versions, versions)
                }
                Shape::Unseen => (5, 1 + rng.below(5)),
            };
            let list: Vec<Value> = (1..=versions)
                .map(|v| {
                    let statements = 2 + rng.below(4) as usize;
                    json!({
                        "Document": document(&mut rng, statements),
                        "VersionId": format!("v{v}"),
                        "IsDefaultVersion": v == default,
                        "CreateDate": stamp(&mut rng),
                    })
                })
                .collect();
            json!({
                "PolicyName": arn.rsplit('/').next().unwrap_or("policy"),
                "PolicyId": format!("ANPA{:016X}", rng.next() >> 4),
                "Arn": arn,
                "Path": "/app/",
                "DefaultVersionId": format!("v{default}"),
                "AttachmentCount": 1,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": true,
                "CreateDate": stamp(&mut rng),
                "UpdateDate": stamp(&mut rng),
                "PolicyVersionList": list,
            })
        })
        .collect();
    for name in AWS_MANAGED {
        let admin = *name == "AdministratorAccess";
        policies.push(json!({
            "PolicyName": name.rsplit('/').next().unwrap_or(name),
            "PolicyId": format!("ANPA{:016X}", rng.next() >> 4),
            "Arn": format!("arn:aws:iam::aws:policy/{name}"),
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 1,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": true,
            "CreateDate": "2015-02-06T18:39:46+00:00",
            "UpdateDate": "2015-02-06T18:39:46+00:00",
            "PolicyVersionList": [{
                "Document": if admin { json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}) } else { document(&mut rng, 3) },
                "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2015-02-06T18:39:46+00:00"
            }],
        }));
    }
    let details = json!({
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": roles,
        "Policies": policies,
    });
    write_json(&dir.join("authorization-details.json"), &details);
}

fn attached(arn: &str) -> Value {
    json!({"PolicyName": arn.rsplit('/').next().unwrap_or(arn), "PolicyArn": arn})
}

/// A permissions policy with `statements` statements of several actions and resources.
fn document(rng: &mut Rng, statements: usize) -> Value {
    let list: Vec<Value> = (0..statements)
        .map(|s| {
            let service = *rng.pick(SERVICES);
            let actions: Vec<String> = (0..2 + rng.below(8))
                .map(|_| format!("{service}:{}{}", rng.pick(VERBS), rng.pick(NOUNS)))
                .collect();
            let resources: Vec<String> = (0..1 + rng.below(4))
                .map(|r| format!("arn:aws:{service}:us-east-1:123456789012:thing/{s}-{r}-{}", rng.below(1000)))
                .collect();
            let mut st = json!({"Sid": format!("S{s}"), "Effect": if rng.chance(90) { "Allow" } else { "Deny" }, "Action": actions, "Resource": resources});
            if rng.chance(20) {
                st["Condition"] = json!({"StringEquals": {"aws:RequestedRegion": "us-east-1"}});
            }
            st
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": list})
}

/// A trust policy of one of the kinds in docs/mfa-semantics.md.
fn trust(rng: &mut Rng, acct: &str) -> Value {
    let root = format!("arn:aws:iam::{acct}:root");
    let statement = match rng.below(10) {
        0 | 1 => {
            json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
        }
        2 => {
            json!([{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"}])
        }
        3 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])
        }
        4 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}])
        }
        5 => json!([
            {"Sid": "AllowAccount", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"},
            {"Sid": "DenyWithoutMfa", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]),
        6 => {
            json!([{"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::{acct}:saml-provider/corp-idp")}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"], "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}])
        }
        7 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": format!("ext-{}", rng.below(100_000))}}}])
        }
        8 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": [format!("arn:aws:iam::{acct}:user/user-{:05}", rng.below(5000)), "AIDAEXAMPLEDELETED01"]}, "Action": "sts:AssumeRole", "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}])
        }
        _ => json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]),
    };
    json!({"Version": "2012-10-17", "Statement": statement})
}

/// A trust policy for `--shape unseen`: the principals of [`trust`], most of
/// them behind conditions, often several keys or statements at once.
fn trust_with_conditions(rng: &mut Rng, acct: &str) -> Value {
    let root = format!("arn:aws:iam::{acct}:root");
    let org = "o-a1b2c3d4e5";
    let statement = match rng.below(16) {
        0 => {
            json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": acct}}}])
        }
        1 => {
            json!([{"Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com", "states.amazonaws.com"]}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": acct}, "ArnLike": {"aws:SourceArn": format!("arn:aws:events:us-east-1:{acct}:rule/*")}}}])
        }
        2 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": format!("{}", 900 + rng.below(3) * 900)}}}])
        }
        3 => json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}, "StringEqualsIfExists": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}]),
        4 => json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
            "Condition": {"Null": {"aws:MultiFactorAuthAge": "false"}}}]),
        5 => json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole",
            "Condition": {"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}}}]),
        6 => json!([
            {"Sid": "AllowOrg", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}}},
            {"Sid": "DenyWithoutMfa", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
        ]),
        7 => json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": org}}}]),
        8 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", 200_000_000_000 + rng.below(1000))}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": [format!("ext-{}", rng.below(100_000)), format!("ext-{}", rng.below(100_000))]}}}])
        }
        9 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:role/vendor-scanner"}, "Action": "sts:AssumeRole",
            "Condition": {"StringLike": {"sts:ExternalId": "vendor-*"}, "Bool": {"aws:SecureTransport": "true"}}}])
        }
        10 => {
            json!([{"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::{acct}:saml-provider/corp-idp")}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}, "ForAnyValue:StringLike": {"SAML:edupersonaffiliation": ["staff", "admin*"]}}}])
        }
        11 => {
            json!([{"Effect": "Allow", "Principal": {"Federated": "token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                          "StringLike": {"token.actions.githubusercontent.com:sub": format!("repo:corp/app-{}:*", rng.below(200))}}}])
        }
        12 => json!([
            {"Effect": "Allow", "Principal": {"AWS": [format!("arn:aws:iam::{acct}:user/user-{:05}", rng.below(5000)), format!("arn:aws:iam::{acct}:role/role-{:05}", rng.below(5000))]}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}},
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]),
        13 => {
            json!([{"Effect": "Allow", "Principal": {"AWS": root}, "NotAction": "sts:AssumeRoleWithSAML",
            "Condition": {"ArnLikeIfExists": {"aws:PrincipalArn": format!("arn:aws:iam::{acct}:role/admin-*")}, "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}])
        }
        14 => {
            json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
        }
        _ => json!([{"Effect": "Allow", "Principal": {"AWS": root}, "Action": "sts:AssumeRole"}]),
    };
    json!({"Version": "2012-10-17", "Statement": statement})
}

fn write_json(path: &Path, value: &Value) {
    let file =
        fs::File::create(path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut w = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, value)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    w.write_all(b"\n")
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
