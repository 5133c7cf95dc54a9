//! Issue 15: regular expressions and characters in generated programs. Patterns come
//! from a pool of valid ones (anchors, classes, groups, alternation, optional groups that
//! may not take part, named groups `replace_all` refers to), mostly as literals (checked
//! and compiled when the program is), now and then computed (`p + ""`, a string
//! expression, rarely an invalid pattern: E0614); texts that do and do not match;
//! Unicode text for `chars`; computed bad codes for `from_char_code` and computed
//! strings of other lengths for `char_code` (E0620).

use super::{int_lit, string_literal, Gen};
use crate::ast::{Expr, Kind, Ty};

/// Valid patterns (the regex crate's syntax).
const PATTERNS: [&str; 16] = [
    r"^[a-z]+\d{2}$",
    r"\d+",
    r"[aeiou]",
    r"^a",
    r"c$",
    r"(\w+),(\w*)",
    r"(?<word>[a-zé]+)(?<num>\d+)?",
    r"a|b|,",
    r"(x)?(a)",
    r"\s+",
    r"",
    r"l+",
    r"(?i)STRASSE|straße",
    r"[^\x00-\x7F]",
    r"\bab",
    r".",
];

/// Texts: some match the patterns, some do not.
const TEXTS: [&str; 12] = [
    "abc12",
    "a1b22",
    "x,y",
    "héllo wörld",
    "straße",
    "",
    "aaa",
    " pad  ",
    "😀x",
    "a,b,,c",
    "12",
    "xa",
];

/// Replacements: `$n`, `${name}`, `$$` and plain text.
const WITH: [&str; 8] = [
    "$1",
    "<$0>",
    "${word}-${num}",
    "$$",
    "",
    "_",
    "[$2]",
    "$word",
];

/// Patterns that do not compile (only ever computed: a literal one is a compile error).
const BAD: [&str; 4] = ["(", "a{2", "[z-a]", "\\"];

/// One-character strings for `char_code`.
const ONE_CHARS: [&str; 6] = ["a", "é", "😀", " ", "\t", "0"];

/// Code points for `from_char_code` (valid).
const CODES: [i128; 6] = [65, 233, 128512, 0, 1_114_111, 55_295];

impl Gen {
    /// A regular-expression or character call giving `ty`, or `None` for other types.
    pub(super) fn text_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        Some(match ty {
            Ty::Bool => match self.rng.below(3) {
                0 => {
                    let s = self.text(d);
                    let p = self.pattern(d);
                    Expr::call(Ty::Bool, "matches", vec![s, p])
                }
                1 => {
                    let f = *self.rng.pick(&["is_digit", "is_alpha", "is_space"]);
                    let s = self.text(d);
                    Expr::call(Ty::Bool, f, vec![s])
                }
                _ => {
                    // Lifted over an optional text: `matches(s?, re) ?? false`.
                    let s = self.expr(&Ty::opt(Ty::Str), d);
                    let p = self.pattern(d);
                    let m = Expr::call(Ty::opt(Ty::Bool), "matches", vec![s, p]);
                    let dflt = Expr::lit(Ty::Bool, "false");
                    Expr::new(Ty::Bool, Kind::Coalesce(vec![m, dflt]))
                }
            },
            Ty::Str => match self.rng.below(4) {
                0 => {
                    let s = self.text(d);
                    let p = self.pattern(d);
                    let w = *self.rng.pick(&WITH);
                    let w = Expr::lit(Ty::Str, string_literal(w));
                    Expr::call(Ty::Str, "replace_all", vec![s, p, w])
                }
                1 => {
                    let s = self.text(d);
                    let p = self.pattern(d);
                    let m = Expr::call(Ty::opt(Ty::Str), "find_match", vec![s, p]);
                    let dflt = Expr::lit(Ty::Str, string_literal("-"));
                    Expr::new(Ty::Str, Kind::Coalesce(vec![m, dflt]))
                }
                2 => {
                    // `captures` in the display format (groups that did not take part
                    // show as none, no match as none), inside a list so `string` is
                    // not lifted over the optional.
                    let s = self.text(d);
                    let p = self.pattern(d);
                    let cty = Ty::opt(Ty::list(Ty::opt(Ty::Str)));
                    let c = Expr::call(cty.clone(), "captures", vec![s, p]);
                    let list = Expr::new(Ty::list(cty), Kind::List(vec![c]));
                    Expr::call(Ty::Str, "string", vec![list])
                }
                _ => {
                    let n = self.code(d);
                    Expr::call(Ty::Str, "from_char_code", vec![n])
                }
            },
            Ty::I64 => {
                let s = if self.rng.chance(70) {
                    self.str_from(&ONE_CHARS)
                } else {
                    // Computed: empty or longer now and then (E0620).
                    let s = self.text(d);
                    let start = int_lit(&Ty::I64, self.rng.below(3) as i128);
                    let n = int_lit(&Ty::I64, [1, 1, 1, 0, 2][self.rng.below(5)]);
                    Expr::call(Ty::Str, "substr", vec![s, start, n])
                };
                Expr::call(Ty::I64, "char_code", vec![s])
            }
            Ty::List(e) if **e == Ty::Str => {
                let s = self.text(d);
                if self.rng.chance(50) {
                    Expr::call(ty.clone(), "chars", vec![s])
                } else {
                    let p = self.pattern(d);
                    Expr::call(ty.clone(), "split_re", vec![s, p])
                }
            }
            _ => return None,
        })
    }

    /// A string literal drawn from `pool`.
    fn str_from(&mut self, pool: &[&str]) -> Expr {
        let s = *self.rng.pick(pool);
        Expr::lit(Ty::Str, string_literal(s))
    }

    /// A text to match: mostly from the pool, now and then any string expression.
    fn text(&mut self, d: usize) -> Expr {
        if self.rng.chance(70) {
            self.str_from(&TEXTS)
        } else {
            self.expr(&Ty::Str, d)
        }
    }

    /// A pattern: mostly a literal from the pool; else computed from one, from any
    /// string expression, or (rarely) an invalid one.
    fn pattern(&mut self, d: usize) -> Expr {
        let valid = self.str_from(&PATTERNS);
        match self.rng.below(20) {
            0..=13 => valid,
            14..=16 => {
                let empty = Expr::lit(Ty::Str, string_literal(""));
                Expr::binary(Ty::Str, "+", valid, empty)
            }
            17 | 18 => {
                // Any text as a pattern: `upper(...)`, a pool string (which may happen
                // not to compile: E0614 alike everywhere).
                let s = self.expr(&Ty::Str, d);
                let safe = Expr::lit(Ty::Str, string_literal("(?:"));
                let close = Expr::lit(Ty::Str, string_literal(")"));
                let s = Expr::binary(Ty::Str, "+", safe, s);
                Expr::binary(Ty::Str, "+", s, close)
            }
            _ => {
                let bad = self.str_from(&BAD);
                let empty = Expr::lit(Ty::Str, string_literal(""));
                Expr::binary(Ty::Str, "+", empty, bad)
            }
        }
    }

    /// A code point: mostly valid; now and then a computed invalid one (E0620).
    fn code(&mut self, d: usize) -> Expr {
        match self.rng.below(10) {
            0..=6 => int_lit(&Ty::I64, *self.rng.pick(&CODES)),
            7 => {
                // A character's code read back.
                let s = self.str_from(&ONE_CHARS);
                Expr::call(Ty::I64, "char_code", vec![s])
            }
            8 => {
                // Any i64, bounded to the code space and a little past it.
                let e = self.expr(&Ty::I64, d.min(1));
                Expr::new(Ty::I64, Kind::Bounded(Box::new(e), 1_114_200))
            }
            _ => {
                // Past the end or a surrogate, computed so it is no literal.
                let c = Expr::lit(Ty::Str, string_literal("\u{d7ff}"));
                let base = Expr::call(Ty::I64, "char_code", vec![c]);
                let off = int_lit(&Ty::I64, [1, 2049, 1_058_817][self.rng.below(3)]);
                Expr::binary(Ty::I64, "+", base, off)
            }
        }
    }
}
