//! `kiln fmt` over generated programs: a second pass leaves the formatted text as it is,
//! and `kiln::fmt::verify` holds: it parses, its comments are the source's, and it
//! checks to the same HIR as the source (spans erased: formatting moves text, so spans
//! move, and nothing else may change).
//! The examples, ui cases and the prelude are covered by `kiln::fmt`'s own tests.

use kiln::fmt::{format_source, verify, Broken};
use kiln_fuzz::gen;
use kiln_fuzz::rng::derive;

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
        match verify(&src, &once) {
            Ok(()) => {}
            Err(Broken::Meaning { before, after }) => assert_eq!(
                after, before,
                "seed {seed:#x}: the meaning changed\n--- source\n{src}\n--- formatted\n{once}"
            ),
            Err(e) => panic!("seed {seed:#x}: {e}\n--- source\n{src}\n--- formatted\n{once}"),
        }
    }
}
