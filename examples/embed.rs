//! Kiln embedded in a host program: a credit-scoring rule set, written in Kiln by an
//! analyst, run by a Rust service over a few thousand loan applications.
//!
//! - Two host functions: `country_risk(code)` (pure: a table the service owns) and
//!   `flag(id, reason)` (side-effecting: collects applications for manual review).
//! - One program set with three named outputs over the same params, compiled into one
//!   module: `score`, `decision` and `limit`.
//! - The `score` rule alone as a program, run over whole columns in one call.
//!
//! Run with `cargo run --release --example embed`.

use kiln::engine::{Column, ColumnBuf, Engine, Purity};
use kiln::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Parameters and helpers every rule shares.
const SHARED: &str = r#"
param age: i64;
param income: f64;
param debt: f64;
param years_employed: i64;
param country: string;

let ratio = if(income > 0, debt / income, 10.0);
fn stability(years: i64) -> f64 = min(f64(years) / 10, 1.0);
"#;

const SCORE: &str = "clamp(0.6 * (1 - ratio) + 0.3 * stability(years_employed) \
                     - country_risk(country) + if(age >= 25, 0.1, 0.0), 0.0, 1.0)";

const DECISION: &str = r#"switch(
    age < 18, "reject: minor",
    ratio > 0.8 and flag(0, "debt ratio above 0.8"), "review",
    country_risk(country) > 0.25, "review",
    "approve")"#;

const LIMIT: &str = "if(ratio < 0.5, income * 0.3 * (1 - ratio), 0.0)";

struct Application {
    age: i64,
    income: f64,
    debt: f64,
    years: i64,
    country: &'static str,
}

/// A few thousand applications from a fixed pseudo-random sequence.
fn applications(n: usize) -> Vec<Application> {
    let countries = ["DE", "FR", "NL", "IT", "XX"];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    (0..n)
        .map(|_| Application {
            age: 16 + next(60) as i64,
            income: 12_000.0 + next(90_000) as f64,
            debt: next(60_000) as f64,
            years: next(25) as i64,
            country: countries[next(countries.len() as u64) as usize],
        })
        .collect()
}

pub fn main() {
    let risk: HashMap<String, f64> = [("DE", 0.05), ("FR", 0.07), ("NL", 0.04), ("IT", 0.12)]
        .into_iter()
        .map(|(c, r)| (c.to_owned(), r))
        .collect();
    let flagged = Arc::new(Mutex::new(Vec::<String>::new()));

    let mut engine = Engine::new();
    let log = flagged.clone();
    engine
        .host()
        .register("country_risk", Purity::Pure, move |code: String| {
            risk.get(&code).copied().unwrap_or(0.3)
        })
        .register("flag", Purity::SideEffect, move |_: i64, reason: String| {
            if let Ok(mut log) = log.lock() {
                log.push(reason);
            }
            true
        });

    let t = Instant::now();
    let rules = match engine.compile_set(
        SHARED,
        &[("score", SCORE), ("decision", DECISION), ("limit", LIMIT)],
    ) {
        Ok(rules) => rules,
        Err(e) => {
            eprintln!("{}", e.render());
            std::process::exit(1);
        }
    };
    let score_only = engine
        .compile(&format!("{SHARED}\n{SCORE}"))
        .unwrap_or_else(|e| panic!("{}", e.render()));
    println!(
        "compiled the rule set and the score program in {:.1?}",
        t.elapsed()
    );

    let apps = applications(5_000);
    let inputs = |a: &Application| {
        vec![
            Value::I64(a.age),
            Value::F64(a.income),
            Value::F64(a.debt),
            Value::I64(a.years),
            Value::Str(a.country.to_owned()),
        ]
    };

    // Every output of every application, one row at a time.
    let t = Instant::now();
    let mut decisions: HashMap<String, usize> = HashMap::new();
    let mut total_limit = 0.0;
    let mut rows = Vec::with_capacity(apps.len());
    for a in &apps {
        match rules.run_all(&inputs(a)) {
            Ok(row) => {
                if let [_, Value::Str(decision), Value::F64(limit)] = &row[..] {
                    *decisions.entry(decision.clone()).or_default() += 1;
                    total_limit += limit;
                }
                rows.push(row);
            }
            Err(e) => eprintln!("{}", rules.render(&e.to_diagnostic())),
        }
    }
    let per_row = t.elapsed() / apps.len() as u32;
    println!(
        "ran all three rules over {} applications: {per_row:.1?} per application",
        apps.len()
    );
    let mut counts: Vec<_> = decisions.into_iter().collect();
    counts.sort();
    for (decision, n) in counts {
        println!("  {decision:<15} {n:>5}");
    }
    println!("  total credit limit offered: {total_limit:.0}");
    let flagged = flagged.lock().map(|f| f.len()).unwrap_or(0);
    println!("  flagged for manual review by the host: {flagged}");
    for (a, row) in apps.iter().zip(&rows).take(3) {
        println!(
            "  age {:>2}, income {:>6.0}, debt {:>6.0}, {} -> score {}, {}, limit {}",
            a.age, a.income, a.debt, a.country, row[0], row[1], row[2]
        );
    }

    // The score alone, over whole columns: one call, a compiled loop over the rows.
    let ages: Vec<i64> = apps.iter().map(|a| a.age).collect();
    let incomes: Vec<f64> = apps.iter().map(|a| a.income).collect();
    let debts: Vec<f64> = apps.iter().map(|a| a.debt).collect();
    let years: Vec<i64> = apps.iter().map(|a| a.years).collect();
    let countries: Vec<&str> = apps.iter().map(|a| a.country).collect();
    let columns = [
        Column::I64(&ages),
        Column::F64(&incomes),
        Column::F64(&debts),
        Column::I64(&years),
        Column::Str(&countries),
    ];
    let _warm_up = score_only.run_columns(&columns);
    let t = Instant::now();
    let scores = match score_only.run_columns(&columns) {
        Ok(ColumnBuf::F64(scores)) => scores,
        Ok(other) => panic!("scores are f64, not {}", other.ty()),
        Err(e) => {
            eprintln!(
                "row {}: {}",
                e.row,
                score_only.render(&e.error.to_diagnostic())
            );
            std::process::exit(3);
        }
    };
    let elapsed = t.elapsed();
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    println!(
        "scored {} applications as columns in {elapsed:.1?} ({:.0?} per row); mean score {mean:.3}",
        scores.len(),
        elapsed / scores.len() as u32
    );
    assert!(rows
        .iter()
        .zip(&scores)
        .all(|(row, s)| row[0] == Value::F64(*s)));
    println!("  the columnar scores equal the row-at-a-time ones");
}
