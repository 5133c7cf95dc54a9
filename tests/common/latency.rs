//! The programs of the compile-latency benchmark (`benches/latency.rs`), shared with the
//! test that checks they compute what they should (`tests/latency.rs`).

/// (name, source) of the four single-program cases.
pub fn programs() -> Vec<(&'static str, String)> {
    vec![
        ("1 + 2", "1 + 2".to_owned()),
        (
            "formula",
            "param a: f64; param b: f64; param c: f64;\n\
             (a * 1.8 + b) / (c + 1.0) - log(a + 1.0)"
                .to_owned(),
        ),
        ("chain of 1 000 terms", chain(1_000)),
        ("200 nested ifs", nested_ifs(200)),
    ]
}

/// `param x: f64;` then `x * 0.5 + x * 1.5 - x * 2.5 + ...` with `terms` terms: every
/// third operator a `-`.
pub fn chain(terms: usize) -> String {
    let mut src = String::from("param x: f64;\n");
    for i in 0..terms {
        if i > 0 {
            src.push_str(if i % 3 == 2 { " - " } else { " + " });
        }
        src.push_str(&format!("x * {i}.5"));
    }
    src
}

/// The value of [`chain`]`(terms)` at `x`, in the same order of operations.
pub fn chain_value(terms: usize, x: f64) -> f64 {
    let mut acc = 0.0;
    for i in 0..terms {
        let term = x * (i as f64 + 0.5);
        acc = match i {
            0 => term,
            _ if i % 3 == 2 => acc - term,
            _ => acc + term,
        };
    }
    acc
}

/// `param x: i64;` then `if(x == 0, 7, if(x == 1, 14, ... -1))`, `depth` deep: `x * 7`
/// for `x` in `0..depth`, else `-1`.
pub fn nested_ifs(depth: usize) -> String {
    let mut src = String::from("param x: i64;\n");
    for i in 0..depth {
        src.push_str(&format!("if(x == {i}, {}, ", i * 7));
    }
    src.push_str("-1");
    src.push_str(&")".repeat(depth));
    src
}

/// `count` distinct small rules over the same three params, each a `bool` expression of
/// two comparisons and a string test.
pub fn rules(count: usize) -> Vec<String> {
    const COUNTRIES: [&str; 5] = ["DE", "FR", "US", "JP", "BR"];
    (0..count)
        .map(|i| {
            format!(
                "param amount: f64; param qty: i64; param country: string;\n\
                 amount * {}.25 > {}.0 and qty >= {} or country == \"{}\"",
                i % 97 + 1,
                i / 97 * 10 + 100,
                i % 13,
                COUNTRIES[i % COUNTRIES.len()],
            )
        })
        .collect()
}

/// What rule `i` of [`rules`] says for one row.
pub fn rule_value(i: usize, amount: f64, qty: i64, country: &str) -> bool {
    const COUNTRIES: [&str; 5] = ["DE", "FR", "US", "JP", "BR"];
    (amount * ((i % 97 + 1) as f64 + 0.25) > (i / 97 * 10 + 100) as f64 && qty >= (i % 13) as i64)
        || country == COUNTRIES[i % COUNTRIES.len()]
}
