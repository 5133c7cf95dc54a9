//! Byte offsets (what spans hold) ↔ LSP positions (line, UTF-16 code unit), for one
//! document text. Every conversion is total: a position past the end of a line or of
//! the text is clamped to it, an offset inside a multi-byte character counts as that
//! character's start.

use crate::span::{LineIndex, Span};
use ls_types::{Position, Range};

/// The line starts of one text.
pub(crate) struct Lines {
    index: LineIndex,
}

impl Lines {
    pub(crate) fn new(text: &str) -> Lines {
        Lines {
            index: LineIndex::new(text),
        }
    }

    /// The position of byte `offset` of `text`.
    pub(crate) fn position(&self, text: &str, offset: usize) -> Position {
        let (line, start, offset) = self.index.locate(text, offset);
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `pos` in `text` (clamped to its line and to the text).
    pub(crate) fn offset(&self, text: &str, pos: Position) -> usize {
        let Some((start, end)) = self.index.line_bytes(text, pos.line as usize) else {
            return text.len();
        };
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub(crate) fn range(&self, text: &str, span: Span) -> Range {
        let lo = self.position(text, span.lo as usize);
        let hi = self.position(text, (span.hi as usize).max(span.lo as usize));
        Range::new(lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_and_clamping() {
        let text = "let é = \"😀\";\nx";
        let lines = Lines::new(text);
        // `é` is 2 bytes, 1 UTF-16 unit; `😀` 4 bytes, 2 units.
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(text, x), Position::new(1, 0));
        let quote = text.rfind('"').unwrap();
        assert_eq!(lines.position(text, quote), Position::new(0, 11));
        assert_eq!(lines.offset(text, Position::new(0, 11)), quote);
        // Inside the emoji: its start.
        assert_eq!(lines.position(text, quote - 1), Position::new(0, 9));
        // Past the end of a line, of the text.
        assert_eq!(
            lines.offset(text, Position::new(0, 99)),
            text.find('\n').unwrap()
        );
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(lines.position(text, 999), Position::new(1, 1));
    }
}
