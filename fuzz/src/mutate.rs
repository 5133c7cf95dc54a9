//! Mutations for crash fuzzing, at the byte and the token level: delete, duplicate or
//! swap spans, insert tokens, change literals to extremes, splice two inputs. The
//! results are mostly wrong programs; what matters is that Kiln reports on them.

use crate::rng::Rng;

/// Tokens worth inserting: keywords, operators, edge literals, odd characters.
pub const TOKENS: &[&str] = &[
    "let", "fn", "param", "if", "switch", "when", "elif", "else", "in", "and", "or", "not", "true",
    "false", "(", ")", "[", "]", "{", "}", ",", ";", ":", "=", "==", "!=", "<", "<=", ">", ">=",
    "+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "~", "!", "&&", "||", "->", ".", "0", "1",
    "-1", "255u8", "-128i8", "0x7f", "0b1", "1.5", ".5", "2.", "1e-3", "1e308", "0.0", "-0.0",
    "\"\"", "\"a\"", "x", "n", "xs", "i8", "i64", "u64", "f32", "f64", "bool", "string", "print",
    "len", "sum", "sort", "filter", "repeat", "concat", "substr", "min", "max", "clamp", "median",
    "sqrt", "// c\n", "/* c */", "\u{0}", "é", "😀", "\n",
];

/// Literals at the edges of their types.
pub const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615u64",
    "18446744073709551616",
    "255u8",
    "256u8",
    "127i8",
    "-128i8",
    "32767i16",
    "-2147483648i32",
    "4294967295u32",
    "1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-400",
    "1e400",
    "3.4028235e38f32",
    "1e39f32",
    "-0.0",
    "0.0",
    "0x7fffffffffffffff",
    "0xffffffffffffffffu64",
    "0b11111111u8",
    "99999999999999999999999999",
    "\"\"",
    "\"\\u{10FFFF}\"",
    "\"a\\0b\"",
    "\"😀😀😀\"",
];

/// A token of the source: its byte range and whether it is a literal.
#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    literal: bool,
    word: bool,
}

/// A rough lexer: words, numbers, strings, whitespace runs and punctuation, enough to
/// cut the text at token boundaries.
fn tokens(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let (mut literal, mut word) = (false, false);
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            literal = true;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            word = true;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
        } else if c == b'"' || c == b'\'' {
            literal = true;
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
        } else if c.is_ascii_whitespace() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && !src.is_char_boundary(i) {
                i += 1;
            }
        }
        out.push(Tok {
            start,
            end: i.min(b.len()),
            literal,
            word,
        });
    }
    out
}

fn splice_bytes(src: &[u8], range: std::ops::Range<usize>, with: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(src.len() + with.len());
    v.extend_from_slice(&src[..range.start]);
    v.extend_from_slice(with);
    v.extend_from_slice(&src[range.end..]);
    v
}

/// One token-level mutation of `src` (`other`: another input to splice with).
pub fn token_mutation(rng: &mut Rng, src: &str, other: &str) -> Vec<u8> {
    let toks = tokens(src);
    let b = src.as_bytes();
    if toks.is_empty() {
        return rng.pick(TOKENS).as_bytes().to_vec();
    }
    let span = |rng: &mut Rng| {
        let a = rng.below(toks.len());
        let n = 1 + rng.below(4);
        let z = (a + n).min(toks.len()) - 1;
        toks[a].start..toks[z].end
    };
    match rng.below(8) {
        0 => splice_bytes(b, span(rng), b""),
        1 => {
            let r = span(rng);
            let piece = b[r.clone()].to_vec();
            splice_bytes(b, r.end..r.end, &piece)
        }
        2 => {
            // Swap two spans.
            let (mut r1, mut r2) = (span(rng), span(rng));
            if r1.start > r2.start {
                std::mem::swap(&mut r1, &mut r2);
            }
            if r1.end > r2.start {
                return splice_bytes(b, r1, b"");
            }
            let mut v = b[..r1.start].to_vec();
            v.extend_from_slice(&b[r2.clone()]);
            v.extend_from_slice(&b[r1.end..r2.start]);
            v.extend_from_slice(&b[r1]);
            v.extend_from_slice(&b[r2.end..]);
            v
        }
        3 => {
            let at = toks[rng.below(toks.len())].start;
            let t = format!(" {} ", rng.pick(TOKENS));
            splice_bytes(b, at..at, t.as_bytes())
        }
        4 | 5 => {
            // A literal to an extreme.
            let lits: Vec<&Tok> = toks.iter().filter(|t| t.literal).collect();
            if lits.is_empty() {
                return splice_bytes(b, span(rng), rng.pick(EXTREMES).as_bytes());
            }
            let t = rng.pick(&lits);
            splice_bytes(b, t.start..t.end, rng.pick(EXTREMES).as_bytes())
        }
        6 => {
            // A name replaced by another name of the input.
            let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
            if words.len() < 2 {
                return splice_bytes(b, span(rng), b"");
            }
            let (t, u) = (rng.pick(&words), rng.pick(&words));
            splice_bytes(b, t.start..t.end, &b[u.start..u.end])
        }
        _ => {
            // Splice: this input's head, the other's tail, at token boundaries.
            let ot = tokens(other);
            let cut = toks[rng.below(toks.len())].start;
            let ocut = ot.get(rng.below(ot.len().max(1))).map_or(0, |t| t.start);
            let mut v = b[..cut].to_vec();
            v.extend_from_slice(&other.as_bytes()[ocut..]);
            v
        }
    }
}

/// One byte-level mutation.
pub fn byte_mutation(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    if src.is_empty() {
        return vec![rng.next_u64() as u8];
    }
    let a = rng.below(src.len());
    let b = (a + 1 + rng.below(8)).min(src.len());
    match rng.below(5) {
        0 => splice_bytes(src, a..b, b""),
        1 => {
            let piece = src[a..b].to_vec();
            splice_bytes(src, b..b, &piece)
        }
        2 => {
            let mut v = src.to_vec();
            v[a] ^= 1 << rng.below(8);
            v
        }
        3 => {
            let byte = if rng.chance(70) {
                b' ' + rng.below(95) as u8
            } else {
                rng.next_u64() as u8
            };
            splice_bytes(src, a..a, &[byte])
        }
        _ => {
            let c = rng.below(src.len());
            let mut v = src.to_vec();
            v.swap(a, c);
            v
        }
    }
}

/// `src` changed by 1 to 3 mutations, mostly at the token level.
pub fn mutate(rng: &mut Rng, src: &[u8], other: &[u8]) -> Vec<u8> {
    let mut cur = src.to_vec();
    for _ in 0..1 + rng.below(3) {
        cur = if rng.chance(75) {
            let s = String::from_utf8_lossy(&cur).into_owned();
            token_mutation(rng, &s, &String::from_utf8_lossy(other))
        } else {
            byte_mutation(rng, &cur)
        };
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_the_text() {
        let src = "let x = 1.5f32 + f(\"a\\\"b\", 0xff); // é\n";
        let toks = tokens(src);
        assert_eq!(toks.first().unwrap().start, 0);
        assert_eq!(toks.last().unwrap().end, src.len());
        for w in toks.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert!(toks
            .iter()
            .any(|t| t.literal && &src[t.start..t.end] == "1.5f32"));
    }

    #[test]
    fn mutations_are_deterministic() {
        let src = b"fn f(n: i64) -> i64 = n + 1; f(41)";
        let a = mutate(&mut Rng::new(7), src, b"1 + 2");
        let b = mutate(&mut Rng::new(7), src, b"1 + 2");
        assert_eq!(a, b);
    }
}
