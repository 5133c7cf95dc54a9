//! `kiln fmt`: source text → the same program, laid out one way.
//!
//! The formatter reads the AST (`syntax::parse`) and the source text beside it, never the
//! parser's internals. What the AST does not keep comes from the text (`scan.rs`):
//! comments, the parentheses the user wrote (a parenthesised expression's span includes
//! them: they are printed iff they were written, so precedence never changes), literals
//! as written (`0xff`, `1_000`, `1e3`, either quote kind and its escapes), and the
//! spelling of `and`/`&&`, `or`/`||`, `not`/`!`.
//!
//! Invariants (tested over every example, ui case, the prelude and generated programs,
//! see `tests.rs` and `fuzz/tests/fmt.rs`):
//! * idempotent: `format_source(format_source(x)) == format_source(x)`;
//! * meaning kept: the formatted program checks to the same HIR (spans aside);
//! * comments kept: the same comment texts, each where it was relative to the statements
//!   (before a statement at its indentation, trailing at the end of its line, at the end
//!   of a block). A comment between the arguments of a call, `if`, `switch` or list
//!   breaks it over lines, the comment at the end of the line of the argument it followed
//!   or on a line of its own; a comment anywhere else inside a statement (in an operator
//!   chain, between a `when`'s blocks, in a `fn`'s header) makes that statement print
//!   verbatim from the source (trailing spaces of its code lines aside).
//!
//! Layout: 4-space indentation; blank lines between statements kept, at most one, none at
//! the start or end of a block or file; `;` after every simple statement except the last
//! of a block or program when the source had none there; one newline at the end. What
//! does not fit in [`WIDTH`] columns is broken: a call, `if`, `switch` or list one
//! argument per line (a `switch` one condition/value pair per line) with a trailing
//! comma, a binary chain before its loosest operators, the value of `let`/`fn ... =` on
//! the next line when that makes it fit. A `switch` of two or more pairs written over
//! several lines stays broken ([`kept_broken`]). Operator chains are walked with loops (a chain
//! may have millions of terms); nesting recurses, on a stack grown by `stacker` as the
//! parser's is.

mod scan;
#[cfg(test)]
mod tests;
mod verify;
pub use verify::{meaning, verify, Broken};

use crate::diag::Diagnostic;
use crate::syntax::ast::{
    BinaryOp, Block, Expr, ExprKind, FnBody, Stmt, StmtKind, TypeExpr, TypeExprKind, UnaryOp,
};
use crate::syntax::parse;
pub use scan::Comment;

/// The column a formatted line should not pass.
pub const WIDTH: usize = 100;

const INDENT: usize = 4;

/// Format a whole program. A program that does not parse gives the parser's diagnostics.
pub fn format_source(src: &str) -> Result<String, Vec<Diagnostic>> {
    let program = parse(src)?;
    let out = stacker::maybe_grow(8 << 20, 64 << 20, || {
        let kept = kept_broken(src, &program.stmts);
        let p = Printer {
            src,
            comments: scan::comments(src),
            kept,
        };
        let start = if src.starts_with('\u{FEFF}') { 3 } else { 0 };
        let body = p.region(&program.stmts, start, src.len(), 0, false);
        match body.strip_prefix('\n') {
            Some(text) => format!("{text}\n"),
            None => body,
        }
    });
    Ok(out)
}

/// The comments of `src` (their texts, in order): what formatting must keep.
pub fn comment_texts(src: &str) -> Vec<&str> {
    scan::comments(src).iter().map(|c| c.text(src)).collect()
}

struct Printer<'s> {
    src: &'s str,
    comments: Vec<Comment>,
    /// The spans of the `switch`es that stay broken (see [`kept_broken`]), by start.
    kept: Vec<(usize, usize)>,
}

/// The spans, sorted, of every `switch` of two or more condition/value pairs that the
/// source wrote over several lines (a line break between two of its arguments). Such a
/// `switch` stays broken, one pair per line, even where it would fit on one line: arms
/// laid out as a table read better. Its broken form has such line breaks again, so
/// formatting stays idempotent. One walk of the whole program, with a stack of its own.
fn kept_broken(src: &str, stmts: &[Stmt]) -> Vec<(usize, usize)> {
    let mut kept = Vec::new();
    let mut exprs: Vec<&Expr> = Vec::new();
    let mut blocks: Vec<&[Stmt]> = vec![stmts];
    while let Some(stmts) = blocks.pop() {
        for s in stmts {
            match &s.kind {
                StmtKind::Fn(f) => match &f.body {
                    FnBody::Expr(e) => exprs.push(e),
                    FnBody::Block(b) => blocks.push(&b.stmts),
                },
                StmtKind::Let { value, .. } | StmtKind::Assign { value, .. } => exprs.push(value),
                StmtKind::Expr(e) => exprs.push(e),
                StmtKind::Param { .. } => {}
                StmtKind::When { arms, else_block } => {
                    for arm in arms {
                        exprs.push(&arm.cond);
                        blocks.push(&arm.block.stmts);
                    }
                    if let Some(b) = else_block {
                        blocks.push(&b.stmts);
                    }
                }
            }
        }
        while let Some(e) = exprs.pop() {
            match &e.kind {
                ExprKind::Switch { args, .. } => {
                    let broken = args.len() >= 4
                        && args.windows(2).any(|w| {
                            src[w[0].span.hi as usize..w[1].span.lo as usize].contains('\n')
                        });
                    if broken {
                        kept.push((e.span.lo as usize, e.span.hi as usize));
                    }
                    exprs.extend(args);
                }
                ExprKind::List(args) | ExprKind::Call { args, .. } | ExprKind::If { args, .. } => {
                    exprs.extend(args)
                }
                ExprKind::Coalesce { operands, .. } => exprs.extend(operands),
                ExprKind::Unary { operand, .. } => exprs.push(operand),
                ExprKind::Binary { lhs, rhs, .. } => {
                    exprs.push(&**lhs);
                    exprs.push(rhs);
                }
                ExprKind::Index { target, index } => {
                    exprs.push(target);
                    exprs.push(index);
                }
                ExprKind::Lambda { body, .. } => exprs.push(body),
                _ => {}
            }
        }
    }
    kept.sort_unstable();
    kept
}

enum Item<'a> {
    Stmt(&'a Stmt),
    Comment(&'a Comment),
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// The column after writing `text` starting at `col`.
fn end_col(text: &str, col: usize) -> usize {
    match text.rfind('\n') {
        Some(n) => text[n + 1..].chars().count(),
        None => col + text.chars().count(),
    }
}

fn fits(text: &str, col: usize, tail: usize) -> bool {
    !text.contains('\n') && col + text.chars().count() + tail <= WIDTH
}

/// Binding strength of a binary operator (LANGUAGE.md: loosest first).
fn level(op: BinaryOp) -> u8 {
    use BinaryOp::*;
    match op {
        Or => 1,
        And => 2,
        Eq | Ne | Lt | Le | Gt | Ge | In => 3,
        BitOr => 4,
        BitXor => 5,
        BitAnd => 6,
        Shl | Shr => 7,
        Add | Sub => 8,
        Mul | Div | Rem => 9,
    }
}

impl<'s> Printer<'s> {
    fn text(&self, lo: u32, hi: u32) -> &'s str {
        &self.src[lo as usize..hi as usize]
    }

    /// Comments in `lo..hi`.
    fn comments_in(&self, lo: usize, hi: usize) -> impl Iterator<Item = &Comment> {
        self.comments
            .iter()
            .filter(move |c| c.lo >= lo && c.hi <= hi)
    }

    /// The statements (and comments) of a block's inside or the program, `lo..hi` of the
    /// source, each line indented by `indent`. `open_line`: a `{` line is open, so a
    /// comment on it stays there.
    fn region(
        &self,
        stmts: &[Stmt],
        lo: usize,
        hi: usize,
        indent: usize,
        open_line: bool,
    ) -> String {
        let mut items: Vec<(usize, Item)> = stmts
            .iter()
            .map(|s| (s.span.lo as usize, Item::Stmt(s)))
            .collect();
        for c in self.comments_in(lo, hi) {
            if !stmts
                .iter()
                .any(|s| c.lo >= s.span.lo as usize && c.hi <= s.span.hi as usize)
            {
                items.push((c.lo, Item::Comment(c)));
            }
        }
        items.sort_by_key(|i| i.0);
        let last_stmt = stmts.len().checked_sub(1);
        let mut out = String::new();
        let mut prev_end: Option<usize> = if open_line { Some(lo) } else { None };
        let mut first = true;
        let mut stmt_no = 0;
        for (start, item) in &items {
            let gap = prev_end.map(|p| &self.src[p..*start]);
            match item {
                Item::Comment(c) => {
                    let text = c.text(self.src);
                    match gap {
                        Some(g) if !g.contains('\n') => {
                            // Trailing: keep the spaces written before it (at least one).
                            let n = g.len() - g.trim_end_matches([' ', '\t']).len();
                            out.push_str(&spaces(n.max(1)));
                            out.push_str(text);
                        }
                        _ => {
                            self.new_line(&mut out, gap, first, indent);
                            out.push_str(text);
                        }
                    }
                    first = false;
                    prev_end = Some(c.hi);
                }
                Item::Stmt(s) => {
                    self.new_line(&mut out, gap, first, indent);
                    first = false;
                    out.push_str(&self.stmt(s, indent));
                    let braced = matches!(
                        s.kind,
                        StmtKind::When { .. }
                            | StmtKind::Fn(crate::syntax::ast::FnDecl {
                                body: FnBody::Block(_),
                                ..
                            })
                    );
                    let hi_stmt = s.span.hi as usize;
                    if !braced
                        && (Some(stmt_no) != last_stmt || scan::semi_follows(self.src, hi_stmt))
                    {
                        out.push(';');
                    }
                    // Past the statement and the `;`s right after it.
                    let rest = &self.src[hi_stmt..hi];
                    let skip = rest.len() - rest.trim_start_matches([';', ' ', '\t']).len();
                    let skipped = rest[..skip].trim_end_matches([' ', '\t']);
                    prev_end = Some(hi_stmt + skipped.len());
                    stmt_no += 1;
                }
            }
        }
        out
    }

    /// Start a line: a blank one first when the source had one (not at the start).
    fn new_line(&self, out: &mut String, gap: Option<&str>, first: bool, indent: usize) {
        if !first && gap.is_some_and(|g| g.matches('\n').count() >= 2) {
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&spaces(indent));
    }

    /// Whether a comment sits inside `s`, outside its blocks, where the printer cannot
    /// place it (anywhere but between the arguments of a call, `if`, `switch` or list):
    /// then `s` prints verbatim.
    fn has_inner_comment(&self, s: &Stmt) -> bool {
        let (lo, hi) = (s.span.lo as usize, s.span.hi as usize);
        let (blocks, exprs): (Vec<&Block>, Vec<&Expr>) = match &s.kind {
            StmtKind::When { arms, else_block } => (
                arms.iter()
                    .map(|a| &a.block)
                    .chain(else_block.iter())
                    .collect(),
                arms.iter().map(|a| &a.cond).collect(),
            ),
            StmtKind::Fn(f) => match &f.body {
                FnBody::Block(b) => (vec![b], vec![]),
                FnBody::Expr(e) => (vec![], vec![e]),
            },
            StmtKind::Let { value, .. } | StmtKind::Assign { value, .. } => (vec![], vec![value]),
            StmtKind::Expr(e) => (vec![], vec![e]),
            StmtKind::Param { .. } => (vec![], vec![]),
        };
        self.comments_in(lo, hi).any(|c| {
            let in_block = blocks
                .iter()
                .any(|b| c.lo > b.span.lo as usize && c.hi < b.span.hi as usize);
            !in_block && !exprs.iter().any(|e| self.placeable(e, c))
        })
    }

    /// Whether `c` is inside `e`, between the arguments of the innermost expression
    /// holding it, a call, `if`, `switch` or list with arguments.
    fn placeable(&self, e: &Expr, c: &Comment) -> bool {
        let holds = |x: &Expr| c.lo >= x.span.lo as usize && c.hi <= x.span.hi as usize;
        if !holds(e) {
            return false;
        }
        let mut cur = e;
        loop {
            let children: Vec<&Expr> = match &cur.kind {
                ExprKind::List(args)
                | ExprKind::Call { args, .. }
                | ExprKind::If { args, .. }
                | ExprKind::Switch { args, .. } => args.iter().collect(),
                ExprKind::Unary { operand, .. } => vec![operand],
                ExprKind::Binary { lhs, rhs, .. } => vec![&**lhs, &**rhs],
                ExprKind::Index { target, index } => vec![target, index],
                ExprKind::Coalesce { operands, .. } => operands.iter().collect(),
                ExprKind::Lambda { body, .. } => vec![body],
                _ => vec![],
            };
            match children.into_iter().find(|x| holds(x)) {
                Some(child) => cur = child,
                None => {
                    return match self.brackets(cur) {
                        Some((open, close)) => open < c.lo && c.hi <= close,
                        None => false,
                    }
                }
            }
        }
    }

    /// The offsets of the opening and closing bracket of a call, `if`, `switch` or list
    /// with arguments.
    fn brackets(&self, e: &Expr) -> Option<(usize, usize)> {
        let has_args = match &e.kind {
            ExprKind::List(args)
            | ExprKind::Call { args, .. }
            | ExprKind::If { args, .. }
            | ExprKind::Switch { args, .. } => !args.is_empty(),
            _ => false,
        };
        if !has_args {
            return None;
        }
        let text = self.inner_text(e);
        let lo = text.as_ptr() as usize - self.src.as_ptr() as usize;
        let want = if matches!(e.kind, ExprKind::List(_)) {
            b'['
        } else {
            b'('
        };
        let open = scan::next_code_byte(self.src, lo, want)?;
        Some((open, lo + text.len() - 1))
    }

    /// Whether a comment lies inside `e`.
    fn has_comment(&self, e: &Expr) -> bool {
        let (lo, hi) = (e.span.lo as usize, e.span.hi as usize);
        let first = self.comments.partition_point(|c| c.lo < lo);
        self.comments.get(first).is_some_and(|c| c.hi <= hi)
    }

    fn stmt(&self, s: &Stmt, indent: usize) -> String {
        if self.has_inner_comment(s) {
            return scan::trim_line_ends(self.text(s.span.lo, s.span.hi));
        }
        match &s.kind {
            StmtKind::Let { name, ty, value } => {
                let mut head = format!("let {}", name.name);
                if let Some(t) = ty {
                    head.push_str(": ");
                    head.push_str(&type_expr(t));
                }
                self.binding(head, value, indent)
            }
            StmtKind::Assign { name, value } => self.binding(name.name.clone(), value, indent),
            StmtKind::Param { name, ty } => format!("param {}: {}", name.name, type_expr(ty)),
            StmtKind::Expr(e) => self.expr(e, indent, indent, 1),
            StmtKind::Fn(f) => {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, type_expr(&p.ty)))
                    .collect();
                let ret = f
                    .ret
                    .as_ref()
                    .map(|t| format!(" -> {}", type_expr(t)))
                    .unwrap_or_default();
                let flat = format!("fn {}({}){}", f.name.name, params.join(", "), ret);
                let head = if fits(&flat, indent, 2) {
                    flat
                } else {
                    let inner = spaces(indent + INDENT);
                    let mut h = format!("fn {}(\n", f.name.name);
                    for p in &params {
                        h.push_str(&format!("{inner}{p},\n"));
                    }
                    h.push_str(&format!("{}){}", spaces(indent), ret));
                    h
                };
                match &f.body {
                    FnBody::Expr(e) => self.binding(head, e, indent),
                    FnBody::Block(b) => format!("{head} {}", self.block(b, indent)),
                }
            }
            StmtKind::When { arms, else_block } => {
                let mut out = String::new();
                for (i, arm) in arms.iter().enumerate() {
                    let kw = if i == 0 { "when " } else { " elif " };
                    out.push_str(kw);
                    let col = end_col(&out, indent);
                    // A broken condition goes further in than the block.
                    out.push_str(&self.expr(&arm.cond, col, indent + INDENT, 2));
                    out.push(' ');
                    out.push_str(&self.block(&arm.block, indent));
                }
                if let Some(b) = else_block {
                    out.push_str(" else ");
                    out.push_str(&self.block(b, indent));
                }
                out
            }
        }
    }

    /// `head = value`: on one line, else the value alone on the next line (indented) if
    /// it fits there, else the value broken after `head = `.
    fn binding(&self, head: String, value: &Expr, indent: usize) -> String {
        let col = end_col(&head, indent) + 3;
        let commented = self.has_comment(value) || self.kept_broken(value);
        let flat = if commented {
            String::from("\n")
        } else {
            self.flat(value)
        };
        if fits(&flat, col, 1) {
            return format!("{head} = {flat}");
        }
        let next = indent + INDENT;
        if fits(&flat, next, 1) && !head.contains('\n') {
            return format!("{head} =\n{}{flat}", spaces(next));
        }
        // A broken operator chain starts on a line of its own, its operators further in.
        let chain = matches!(
            value.kind,
            ExprKind::Binary { .. } | ExprKind::Coalesce { .. }
        ) && self.parens(value) == 0;
        if chain {
            let text = self.broken(value, next, next, 1);
            return format!("{head} =\n{}{text}", spaces(next));
        }
        format!("{head} = {}", self.broken(value, col, indent, 1))
    }

    fn block(&self, b: &Block, indent: usize) -> String {
        let (lo, hi) = (b.span.lo as usize + 1, b.span.hi as usize - 1);
        if b.stmts.is_empty() && self.comments_in(lo, hi).next().is_none() {
            return "{}".to_owned();
        }
        // Every line of `body` starts with a line break; a comment on the `{` line does not.
        let body = self.region(&b.stmts, lo, hi, indent + INDENT, true);
        format!("{{{body}\n{}}}", spaces(indent))
    }

    /// `e` starting at column `col` on a line indented by `indent`, with `tail` columns
    /// of text after it on its last line.
    fn expr(&self, e: &Expr, col: usize, indent: usize, tail: usize) -> String {
        if self.has_comment(e) || self.kept_broken(e) {
            return self.broken(e, col, indent, tail);
        }
        let flat = self.flat(e);
        if fits(&flat, col, tail) {
            flat
        } else {
            self.broken(e, col, indent, tail)
        }
    }

    /// Whether `e` is or holds a `switch` that stays broken ([`kept_broken`]), so `e`
    /// cannot be written on one line either.
    fn kept_broken(&self, e: &Expr) -> bool {
        let (lo, hi) = (e.span.lo as usize, e.span.hi as usize);
        let first = self.kept.partition_point(|k| k.0 < lo);
        self.kept.get(first).is_some_and(|k| k.1 <= hi)
    }

    /// How many parentheses the source wrapped `e` in.
    fn parens(&self, e: &Expr) -> usize {
        scan::paren_layers(self.src, e.span.lo as usize, e.span.hi as usize)
    }

    /// The source text of `e` inside its parentheses.
    fn inner_text(&self, e: &Expr) -> &'s str {
        let mut t = self.text(e.span.lo, e.span.hi).trim();
        for _ in 0..self.parens(e) {
            t = t[1..t.len() - 1].trim();
        }
        t
    }

    /// `e` on one line (a multi-line string literal aside).
    fn flat(&self, e: &Expr) -> String {
        let n = self.parens(e);
        let core = self.flat_core(e);
        if n == 0 {
            core
        } else {
            format!("{}{core}{}", "(".repeat(n), ")".repeat(n))
        }
    }

    fn flat_list(&self, args: &[Expr]) -> String {
        args.iter()
            .map(|a| self.flat(a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn flat_core(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int { .. }
            | ExprKind::Float { .. }
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Name(_) => self.inner_text(e).to_owned(),
            ExprKind::List(items) => format!("[{}]", self.flat_list(items)),
            ExprKind::Unary { .. } => {
                let (ops, operand) = self.unary_run(e);
                format!("{ops}{}", self.flat(operand))
            }
            ExprKind::Binary { .. } => {
                let (leaf, links) = self.chain(e);
                let mut out = self.flat(leaf);
                for (op, rhs) in links {
                    out.push(' ');
                    out.push_str(op);
                    out.push(' ');
                    out.push_str(&self.flat(rhs));
                }
                out
            }
            ExprKind::Call { callee, args } => format!("{}({})", callee.name, self.flat_list(args)),
            ExprKind::Index { target, index } => {
                format!("{}[{}]", self.flat(target), self.flat(index))
            }
            ExprKind::If { args, .. } => format!("if({})", self.flat_list(args)),
            ExprKind::Switch { args, .. } => format!("switch({})", self.flat_list(args)),
            ExprKind::Coalesce { operands, .. } => operands
                .iter()
                .map(|o| self.flat(o))
                .collect::<Vec<_>>()
                .join(" ?? "),
            ExprKind::Lambda { params, body } => {
                format!("{} -> {}", lambda_params(params), self.flat(body))
            }
        }
    }

    /// A run of prefix operators as written (spelling kept) and the operand after them.
    fn unary_run<'e>(&self, e: &'e Expr) -> (String, &'e Expr) {
        let mut ops = String::new();
        let mut cur = e;
        while let ExprKind::Unary {
            op,
            op_span,
            operand,
        } = &cur.kind
        {
            if !std::ptr::eq(cur, e) && self.parens(cur) > 0 {
                break;
            }
            let written = self.text(op_span.lo, op_span.hi);
            let sym = match op {
                UnaryOp::Not if written.starts_with('n') => "not ",
                UnaryOp::Not => "!",
                UnaryOp::Neg => "-",
                UnaryOp::Plus => "+",
                UnaryOp::BitNot => "~",
            };
            // `- -x`, not `--x`.
            if (sym == "-" || sym == "+") && (ops.ends_with('-') || ops.ends_with('+')) {
                ops.push(' ');
            }
            ops.push_str(sym);
            cur = operand;
        }
        (ops, cur)
    }

    /// The chain `e` heads, walked with a loop down its left operands (stopping at one
    /// the source parenthesised): the leaf, then each operator (as written) and right
    /// operand in source order.
    fn chain<'e>(&self, e: &'e Expr) -> (&'e Expr, Vec<(&'s str, &'e Expr)>) {
        let mut links = Vec::new();
        let mut cur = e;
        while let ExprKind::Binary {
            op_span, lhs, rhs, ..
        } = &cur.kind
        {
            if !std::ptr::eq(cur, e) && self.parens(cur) > 0 {
                break;
            }
            links.push((self.text(op_span.lo, op_span.hi), &**rhs));
            cur = lhs;
        }
        links.reverse();
        (cur, links)
    }

    /// `e` broken over lines (it did not fit on one).
    fn broken(&self, e: &Expr, col: usize, indent: usize, tail: usize) -> String {
        let n = self.parens(e);
        let core = self.broken_core(e, col + n, indent, tail + n);
        format!("{}{core}{}", "(".repeat(n), ")".repeat(n))
    }

    fn broken_core(&self, e: &Expr, col: usize, indent: usize, tail: usize) -> String {
        match &e.kind {
            ExprKind::List(items) if !items.is_empty() => {
                self.args(e, "[", items, "]", indent, false)
            }
            ExprKind::Call { callee, args } if !args.is_empty() => {
                self.args(e, &format!("{}(", callee.name), args, ")", indent, false)
            }
            ExprKind::If { args, .. } if !args.is_empty() => {
                self.args(e, "if(", args, ")", indent, false)
            }
            ExprKind::Switch { args, .. } if !args.is_empty() => {
                self.args(e, "switch(", args, ")", indent, true)
            }
            ExprKind::Unary { .. } => {
                let (ops, operand) = self.unary_run(e);
                let c = col + ops.chars().count();
                format!("{ops}{}", self.expr(operand, c, indent, tail))
            }
            ExprKind::Index { target, index } => {
                let t = self.expr(target, col, indent, 1);
                let c = end_col(&t, col) + 1;
                format!("{t}[{}]", self.expr(index, c, indent, tail + 1))
            }
            ExprKind::Lambda { params, body } => {
                let head = format!("{} -> ", lambda_params(params));
                let c = col + head.chars().count();
                format!("{head}{}", self.expr(body, c, indent, tail))
            }
            ExprKind::Binary { op, .. } => {
                let (leaf, links) = self.chain(e);
                // With a comment or a kept-broken `switch` inside, every operand is
                // printed on its own terms.
                let every = self.has_comment(e) || self.kept_broken(e);
                let loosest = level(*op);
                let next = indent + INDENT;
                // Segments: the leaf and the tighter links after it, then one per loosest
                // operator with the tighter links after it.
                let mut segments: Vec<(Option<&str>, Vec<&Expr>, Vec<&str>)> =
                    vec![(None, vec![leaf], vec![])];
                for (text, rhs) in links {
                    let l = chain_level(text);
                    if l == loosest || every {
                        segments.push((Some(text), vec![rhs], vec![]));
                    } else if let Some(last) = segments.last_mut() {
                        last.1.push(rhs);
                        last.2.push(text);
                    }
                }
                let count = segments.len();
                let mut out = String::new();
                for (i, (op_text, operands, ops)) in segments.into_iter().enumerate() {
                    let t = if i + 1 == count { tail } else { 0 };
                    let c = match op_text {
                        None => col,
                        Some(op) => {
                            out.push('\n');
                            out.push_str(&spaces(next));
                            out.push_str(op);
                            out.push(' ');
                            next + op.chars().count() + 1
                        }
                    };
                    let ind = if op_text.is_some() { next } else { indent };
                    if operands.len() == 1 {
                        out.push_str(&self.expr(operands[0], c, ind, t));
                    } else {
                        let mut seg = self.flat(operands[0]);
                        for (op, o) in ops.iter().zip(&operands[1..]) {
                            seg.push_str(&format!(" {op} {}", self.flat(o)));
                        }
                        out.push_str(&seg);
                    }
                }
                out
            }
            ExprKind::Coalesce { operands, .. } => {
                let next = indent + INDENT;
                let mut out = String::new();
                for (i, o) in operands.iter().enumerate() {
                    let t = if i + 1 == operands.len() { tail } else { 0 };
                    if i == 0 {
                        out.push_str(&self.expr(o, col, indent, t));
                    } else {
                        out.push('\n');
                        out.push_str(&spaces(next));
                        out.push_str("?? ");
                        out.push_str(&self.expr(o, next + 3, next, t));
                    }
                }
                out
            }
            _ => self.flat_core(e),
        }
    }

    /// `open` args `close`, one argument per line (a `switch`: one pair per line when
    /// the pair fits), a comma after each. `e` holds them: comments between its
    /// arguments stay there, at the end of the line of what they followed or on lines of
    /// their own.
    fn args(
        &self,
        e: &Expr,
        open: &str,
        args: &[Expr],
        close: &str,
        indent: usize,
        pairs: bool,
    ) -> String {
        let inner = indent + INDENT;
        let pad = spaces(inner);
        let (lo, hi) = self.brackets(e).map_or((0, 0), |(o, c)| (o + 1, c));
        // The comments between the arguments, not inside one.
        let between: Vec<&Comment> = self
            .comments_in(lo, hi)
            .filter(|c| {
                !args
                    .iter()
                    .any(|a| c.lo >= a.span.lo as usize && c.hi <= a.span.hi as usize)
            })
            .collect();
        let mut out = open.to_owned();
        let mut prev_end = lo;
        let mut next_comment = 0;
        // Comments before `until`: trailing on the open line, or lines of their own.
        let place = |out: &mut String, prev_end: usize, next: &mut usize, until: usize| {
            let mut at = prev_end;
            while let Some(c) = between.get(*next).filter(|c| c.lo < until) {
                if self.src[at..c.lo].contains('\n') {
                    out.push('\n');
                    out.push_str(&pad);
                } else {
                    out.push(' ');
                }
                out.push_str(c.text(self.src));
                at = c.hi;
                *next += 1;
            }
        };
        let mut i = 0;
        while i < args.len() {
            place(
                &mut out,
                prev_end,
                &mut next_comment,
                args[i].span.lo as usize,
            );
            out.push('\n');
            out.push_str(&pad);
            if pairs && i + 1 < args.len() {
                let (a, b) = (&args[i], &args[i + 1]);
                let quiet = self
                    .comments_in(a.span.lo as usize, b.span.hi as usize)
                    .next()
                    .is_none();
                let pair = format!("{}, {}", self.flat(a), self.flat(b));
                let flat = !self.kept_broken(a) && !self.kept_broken(b);
                if quiet && flat && fits(&pair, inner, 1) {
                    out.push_str(&pair);
                    out.push(',');
                    prev_end = b.span.hi as usize;
                    i += 2;
                    continue;
                }
            }
            out.push_str(&self.expr(&args[i], inner, inner, 1));
            out.push(',');
            prev_end = args[i].span.hi as usize;
            i += 1;
        }
        place(&mut out, prev_end, &mut next_comment, usize::MAX);
        out.push('\n');
        out.push_str(&spaces(indent));
        out.push_str(close);
        out
    }
}

/// The level of a binary operator by its text as written.
fn chain_level(text: &str) -> u8 {
    use BinaryOp::*;
    level(match text {
        "or" | "||" => Or,
        "and" | "&&" => And,
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" => Eq,
        "|" => BitOr,
        "^" => BitXor,
        "&" => BitAnd,
        "<<" | ">>" => Shl,
        "+" | "-" => Add,
        _ => Mul,
    })
}

fn lambda_params(params: &[crate::syntax::ast::Ident]) -> String {
    match params {
        [p] => p.name.clone(),
        _ => format!(
            "({})",
            params
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn type_expr(t: &TypeExpr) -> String {
    match &t.kind {
        TypeExprKind::Named(n) => n.clone(),
        TypeExprKind::List(inner) => format!("[{}]", type_expr(inner)),
        TypeExprKind::Opt(inner) => format!("{}?", type_expr(inner)),
    }
}
