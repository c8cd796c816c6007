//! Timings on crafted, large inputs: a check that nothing grows faster than
//! the input (run by hand, never in CI, since timings on a shared machine are
//! noise): `cargo run --release --example crafted_scale`.
//!
//! Each case is run at two sizes, the second 4× the first; the ratio of the
//! times is printed. Linear code shows about 4×, quadratic code about 16×.

use std::time::Instant;

use iam_audit::evidence::credential_report::parse_csv;
use iam_audit::evidence::policy_document::{allows_full_admin, parse_document};
use iam_audit::model::trust::trust_paths;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/Crafted";

/// `statements` Allow statements of `principals` principals each, and as many
/// Deny guards naming other principals (the worst case of the guard check).
fn trust_document(statements: usize, principals: usize) -> Value {
    let mut list = Vec::new();
    for s in 0..statements {
        let names: Vec<String> = (0..principals)
            .map(|p| {
                format!(
                    "arn:aws:iam::{:012}:user/u{s}-{p}",
                    100_000_000_000u64 + p as u64
                )
            })
            .collect();
        list.push(
            json!({"Effect": "Allow", "Principal": {"AWS": names}, "Action": "sts:AssumeRole"}),
        );
        let guarded: Vec<String> = (0..principals)
            .map(|p| {
                format!(
                    "arn:aws:iam::{:012}:role/g{s}-{p}",
                    200_000_000_000u64 + p as u64
                )
            })
            .collect();
        list.push(
            json!({"Effect": "Deny", "Principal": {"AWS": guarded}, "Action": "sts:AssumeRole",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
        );
    }
    json!({"Version": "2012-10-17", "Statement": list})
}

fn credential_report(rows: usize) -> String {
    let mut text = String::from(
        "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,\
         password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,\
         access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,\
         cert_2_active,cert_2_last_rotated\n",
    );
    for i in 0..rows {
        text.push_str(&format!(
            "u{i},arn:aws:iam::123456789012:user/u{i},2024-01-01T00:00:00Z,true,N/A,N/A,N/A,false,\
             false,N/A,false,N/A,false,N/A,false,N/A\n"
        ));
    }
    text
}

fn time<T>(f: impl FnOnce() -> T) -> f64 {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed().as_secs_f64()
}

fn report(name: &str, small: f64, large: f64) {
    println!(
        "{name:<45} {:>9.3} s  {:>9.3} s  ratio {:>5.1} (4 = linear, 16 = quadratic)",
        small,
        large,
        large / small.max(1e-9)
    );
}

fn main() {
    let small = trust_document(100, 100);
    let large = trust_document(400, 100);
    let (ds, dl) = (
        parse_document(&small).unwrap(),
        parse_document(&large).unwrap(),
    );
    report(
        "trust paths: statements x 100 principals",
        time(|| trust_paths(&ds, ROLE)),
        time(|| trust_paths(&dl, ROLE)),
    );
    report(
        "full-admin check on the same documents",
        time(|| allows_full_admin(&ds)),
        time(|| allows_full_admin(&dl)),
    );
    let small = trust_document(1, 5_000);
    let large = trust_document(1, 20_000);
    let (ds, dl) = (
        parse_document(&small).unwrap(),
        parse_document(&large).unwrap(),
    );
    report(
        "trust paths: one statement x principals",
        time(|| trust_paths(&ds, ROLE)),
        time(|| trust_paths(&dl, ROLE)),
    );
    let (small, large) = (credential_report(25_000), credential_report(100_000));
    report(
        "credential report rows",
        time(|| parse_csv("small.csv", small.as_bytes())),
        time(|| parse_csv("large.csv", large.as_bytes())),
    );
    let (small, large) = (
        serde_json::to_vec(&trust_document(100, 100)).unwrap(),
        serde_json::to_vec(&trust_document(400, 100)).unwrap(),
    );
    report(
        "JSON with duplicate-key check",
        time(|| iam_audit::evidence::json::from_slice(&small)),
        time(|| iam_audit::evidence::json::from_slice(&large)),
    );
}
