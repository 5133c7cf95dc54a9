//! Byte spans into one source text. Every stage carries them; nothing else is shared.

/// A half-open byte range `lo..hi` into the source of one compilation unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub fn new(lo: usize, hi: usize) -> Span {
        Span {
            lo: lo as u32,
            hi: hi as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    /// An empty span at the end of this one (where a missing token belongs).
    pub fn end_point(self) -> Span {
        Span {
            lo: self.hi,
            hi: self.hi,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.lo as usize..self.hi as usize
    }
}

/// 1-based line and column (in characters) of byte offset `pos` in `src`. A `pos` past
/// the end counts as the end; one inside a multi-byte character as that character.
pub fn line_col(src: &str, pos: u32) -> (usize, usize) {
    let mut pos = (pos as usize).min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in src.as_bytes()[..pos].iter().enumerate() {
        if *b == b'\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = src[line_start..pos].chars().count() + 1;
    (line, col)
}

/// The line starts of one source: many line/column look-ups without rescanning it.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// Exactly [`line_col`] of the source this index was built from.
    pub fn line_col(&self, src: &str, pos: u32) -> (usize, usize) {
        let (line, start, pos) = self.locate(src, pos as usize);
        (line + 1, src[start..pos].chars().count() + 1)
    }

    /// Where byte `pos` is: its 0-based line, that line's first byte, and `pos` itself
    /// clamped to the source and moved back to the start of the character it is in.
    pub fn locate(&self, src: &str, pos: usize) -> (usize, usize, usize) {
        let mut pos = pos.min(src.len());
        while !src.is_char_boundary(pos) {
            pos -= 1;
        }
        // The number of line starts at or before `pos` is its 1-based line.
        let line = self.starts.partition_point(|&s| s <= pos) - 1;
        (line, self.starts[line], pos)
    }

    /// The bytes of 0-based line `line` without its `\n`; `None` past the last line.
    pub fn line_bytes(&self, src: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line)?;
        let end = self
            .starts
            .get(line + 1)
            .map_or(src.len(), |&next| next - 1);
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col_everywhere() {
        for src in ["", "a", "\n", "ab\ncé\nx", "\n\nz\n", "日本\n語\r\nok"] {
            let index = LineIndex::new(src);
            for pos in 0..=src.len() as u32 + 2 {
                assert_eq!(
                    index.line_col(src, pos),
                    line_col(src, pos),
                    "{src:?} at {pos}"
                );
            }
        }
    }

    #[test]
    fn line_col_counts_lines_and_chars() {
        let src = "ab\ncé\nx";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        // 'é' is two bytes; the column after it is 3.
        assert_eq!(line_col(src, 6), (2, 3));
        assert_eq!(line_col(src, 7), (3, 1));
        // Inside 'é', and past the end.
        assert_eq!(line_col(src, 5), (2, 2));
        assert_eq!(line_col(src, 99), (3, 2));
    }

    #[test]
    fn to_covers_both() {
        assert_eq!(Span::new(5, 7).to(Span::new(1, 3)), Span::new(1, 7));
    }
}
