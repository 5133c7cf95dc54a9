//! `examples/embed.rs` runs to the end: its rule set compiles, every application gets a
//! row, and its own assertion (columnar scores equal row-at-a-time ones) holds.

#[path = "../examples/embed.rs"]
mod embed;

#[test]
fn the_embedding_example_runs() {
    embed::main();
}
