//! One document version, analysed once: its diagnostics (exactly the driver's, as the
//! CLI reports them), the AST of what parses, the HIR of what type-checks, and the name
//! index. Every feature reads an `Analysis`; none parses or checks again.
//!
//! A program with errors still gets answers. When it does not parse, the top-level
//! statements holding a syntax error (cut as the parser's recovery cuts them, see
//! `syntax/recover.rs`) are blanked out, byte for byte, so the rest parses with its
//! spans unchanged. When what parses does not type-check, the top-level statements
//! holding a type error are left out until the rest checks (a few rounds at most), so
//! hover still knows the types of the others.

use super::convert::Lines;
use super::index::Index;
use crate::diag::Diagnostic;
use crate::driver;
use crate::span::Span;
use crate::syntax::ast;
use crate::types::{hir, Setup};

/// How many times a broken program is cut down before giving up.
const ROUNDS: usize = 4;

pub(crate) struct Analysis {
    pub text: String,
    pub lines: Lines,
    /// What the CLI would report for this text (errors, or the warnings of a program
    /// that checks).
    pub diagnostics: Vec<Diagnostic>,
    /// The checked program of the statements that check, if any do.
    pub hir: Option<hir::Program>,
    pub index: Index,
    /// Byte ranges left out of `ast` because they do not parse.
    pub broken: Vec<(usize, usize)>,
}

impl Analysis {
    pub(crate) fn new(text: String, host: &[hir::HostSig]) -> Analysis {
        let setup = Setup { host, outputs: 0 };
        let (diagnostics, ast, broken) = match driver::parse(&text) {
            Ok(ast) => (Vec::new(), ast, Vec::new()),
            Err(diags) => {
                let (ast, broken) = parse_partially(&text, &diags);
                (diags, ast, broken)
            }
        };
        let parsed_whole = diagnostics.is_empty();
        let (hir, diagnostics) = match driver::check_parsed(&text, &ast, &setup) {
            Ok(checked) if parsed_whole => (Some(checked.program), checked.warnings),
            Ok(checked) => (Some(checked.program), diagnostics),
            Err(errors) => {
                let hir = check_partially(&text, &ast, &setup, &errors);
                (hir, if parsed_whole { errors } else { diagnostics })
            }
        };
        let index = Index::build(&ast, text.len());
        Analysis {
            lines: Lines::new(&text),
            text,
            diagnostics,
            hir,
            index,
            broken,
        }
    }

    /// The analysis of a text whose analysis failed (a bug): no names, no types.
    pub(crate) fn empty(text: String) -> Analysis {
        Analysis {
            lines: Lines::new(&text),
            broken: vec![(0, text.len())],
            text,
            diagnostics: Vec::new(),
            hir: None,
            index: Index::default(),
        }
    }

    /// Whether byte `offset` is in a part that does not parse.
    pub(crate) fn in_broken(&self, offset: usize) -> Option<(usize, usize)> {
        self.broken
            .iter()
            .copied()
            .find(|&(lo, hi)| lo <= offset && offset <= hi)
    }
}

/// The AST of the statements of `text` that parse, and the ranges blanked out.
fn parse_partially(text: &str, first: &[Diagnostic]) -> (ast::Program, Vec<(usize, usize)>) {
    let chunks = crate::syntax::statement_chunks(text);
    let mut blank = vec![false; chunks.len()];
    let mut diags = first.to_vec();
    for _ in 0..ROUNDS {
        let mut changed = false;
        for d in &diags {
            let at = (d.span.lo as usize).min(text.len());
            let hit = chunks
                .iter()
                .position(|&(lo, hi)| lo <= at && (at < hi || hi == text.len()));
            if let Some(i) = hit {
                changed |= !blank[i];
                blank[i] = true;
            }
        }
        if !changed {
            break;
        }
        // Blank every byte but newlines: offsets and lines stay, the text stays UTF-8.
        let mut bytes = text.as_bytes().to_vec();
        for (i, &(lo, hi)) in chunks.iter().enumerate() {
            if blank[i] {
                bytes[lo..hi]
                    .iter_mut()
                    .filter(|b| **b != b'\n')
                    .for_each(|b| *b = b' ');
            }
        }
        let Ok(cut) = String::from_utf8(bytes) else {
            break;
        };
        let broken = chunks
            .iter()
            .zip(&blank)
            .filter(|(_, b)| **b)
            .map(|(c, _)| *c)
            .collect();
        match driver::parse(&cut) {
            Ok(ast) => return (ast, broken),
            Err(more) => diags = more,
        }
    }
    let empty = ast::Program {
        stmts: Vec::new(),
        strings: ast::StringMap::default(),
    };
    (empty, vec![(0, text.len())])
}

/// The HIR of the top-level statements of `ast` that type-check, leaving out those that
/// hold an error (and then those that named what was left out).
fn check_partially(
    text: &str,
    ast: &ast::Program,
    setup: &Setup<'_>,
    errors: &[Diagnostic],
) -> Option<hir::Program> {
    let mut program = ast.clone();
    let mut errors = errors.to_vec();
    for _ in 0..ROUNDS {
        let holds = |s: &ast::Stmt| {
            errors.iter().any(|d| {
                let span: Span = d.span;
                s.span.lo <= span.lo && span.lo <= s.span.hi
            })
        };
        let before = program.stmts.len();
        program.stmts.retain(|s| !holds(s));
        if program.stmts.len() == before {
            return None;
        }
        match driver::check_parsed(text, &program, setup) {
            Ok(checked) => return Some(checked.program),
            Err(more) => errors = more,
        }
    }
    None
}
