//! `kiln fmt` over generated programs: the formatted text parses, a second pass leaves it
//! as it is, its comments are the source's, and it checks to the same HIR as the source
//! (spans erased: formatting moves text, so spans move, and nothing else may change).
//! The examples, ui cases and the prelude are covered by `kiln::fmt`'s own tests.

use kiln::fmt::{comment_texts, format_source};
use kiln_fuzz::gen;
use kiln_fuzz::rng::derive;

/// `s` with every `Span { lo: N, hi: M }` (the derived `Debug` of a span) made `Span`.
fn erase_spans(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("Span { lo: ") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |n| n + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn meaning(src: &str) -> String {
    match kiln::check_source(src) {
        Ok(c) => {
            let warnings: Vec<_> = c.warnings.iter().map(|d| (d.code, &d.message)).collect();
            erase_spans(&format!("{:?}\n{warnings:?}", c.program))
        }
        Err(d) => {
            let errors: Vec<_> = d.iter().map(|d| (d.code, &d.message)).collect();
            format!("errors: {errors:?}")
        }
    }
}

#[test]
fn generated_programs_format_stably_and_keep_their_meaning() {
    let total = 300;
    for i in 0..total {
        let seed = derive(0xf0_4a77, i);
        let src = gen::program(seed).source();
        let once = format_source(&src)
            .unwrap_or_else(|d| panic!("seed {seed:#x}: does not parse: {d:?}\n{src}"));
        let twice = format_source(&once).unwrap_or_else(|d| {
            panic!("seed {seed:#x}: formatted text does not parse: {d:?}\n{once}")
        });
        assert_eq!(
            twice, once,
            "seed {seed:#x}: a second pass changed the text"
        );
        assert_eq!(
            comment_texts(&once),
            comment_texts(&src),
            "seed {seed:#x}: comments"
        );
        assert_eq!(
            meaning(&once),
            meaning(&src),
            "seed {seed:#x}: the meaning changed\n--- source\n{src}\n--- formatted\n{once}"
        );
    }
}

#[test]
fn erasing_spans_keeps_everything_else() {
    assert_eq!(
        erase_spans("A { span: Span { lo: 1, hi: 22 }, x: 3 }"),
        "A { span: Span, x: 3 }"
    );
}
