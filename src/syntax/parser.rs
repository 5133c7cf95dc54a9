//! The parser: pest grammar (`grammar/kiln.pest`) → AST, plus human-readable diagnostics.
//!
//! Pipeline of [`parse_program`]:
//! 1. `lexer::lex` tokenizes the source for lexical errors (E0006, E0007, E0011) and
//!    `lexer::check_nesting` rejects over-deep input (E0010) before pest runs, so the
//!    recursive-descent parser can never exhaust the stack.
//! 2. pest parses. On failure its error (a position plus the rules it expected there) is
//!    translated into one diagnostic in plain words (E0001, E0002, E0003, E0008); pest
//!    rule names never reach the user. Then every other top-level statement chunk
//!    (`recover.rs`) is parsed on its own, so one run reports each broken statement's
//!    first error and the literal errors of the statements that parse; a chunk whose
//!    failure follows a lexical error in it adds nothing (the lexical error explains it).
//! 3. The pair tree is converted to the AST. Errors found here (bad literals and escapes,
//!    `fn`/`param` inside blocks) are all collected, not just the first.
//!
//! Span conventions: every node's span covers exactly its text, without surrounding
//! whitespace or comments. An expression written in parentheses gets the span *including*
//! the parentheses (`(a + b)` is a `Binary` whose span starts at `(`), so the span of any
//! expression always covers all of its text. A statement's span excludes its `;`.
//!
//! Error codes defined here (E0001–E0099):
//!
//! | code  | meaning                                                                    |
//! |-------|----------------------------------------------------------------------------|
//! | E0001 | unexpected token / expected something else (expression, `)`, a name, ...) |
//! | E0002 | missing `;` between statements (span: empty, at the end of the previous)  |
//! | E0003 | unclosed, unmatched or mismatched delimiter `(` `[` `{`                   |
//! | E0004 | invalid escape in a string literal (`\q`, bad `\u{...}`)                   |
//! | E0005 | invalid number literal (bad suffix, `0x` without digits, misplaced `_`,   |
//! |       | float suffix on hex/binary, integer suffix on a float, too large for u128)|
//! | E0006 | unterminated string literal                                                |
//! | E0007 | unterminated block comment                                                 |
//! | E0008 | keyword used as a name                                                     |
//! | E0009 | `fn` or `param` not at the top level                                       |
//! | E0010 | nesting too deep (brackets, prefix operators, expression tree)             |
//! | E0011 | invalid character in source (NUL, `@`, non-ASCII letter, ...)              |
//! | E0099 | internal parser error (a bug: grammar and AST builder disagree)            |

use super::ast::*;
use super::lexer::{self, CloserProblem, TokKind, Token};
use super::literal;
use crate::chain::Spine;
use crate::diag::Diagnostic;
use crate::span::Span;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use std::sync::OnceLock;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/kiln.pest"]
struct KilnGrammar;

/// Deepest expression/statement tree the parser builds, counting the levels later stages
/// recurse through: brackets, prefix operators, indexing, calls, blocks, and the right
/// operands of binary operators. The left spine of a chain (`a + b + c + ...`) is not
/// nesting: every stage walks it with a loop (`crate::chain`), so a chain of any length
/// counts as at most [`PRECEDENCE_LEVELS`] levels (each right operand is an operand of a
/// tighter-binding operator). Later stages may recurse over the rest of the AST without
/// worrying about deeper trees.
pub(crate) const MAX_TREE_DEPTH: usize = 1024;

/// How many levels of binary precedence the Pratt parser has (see [`pratt`]).
const PRECEDENCE_LEVELS: usize = 10;

/// Parse a whole program (see the module docs).
pub(crate) fn parse_program(src: &str) -> Result<Program, Vec<Diagnostic>> {
    let lexed = lexer::lex(src);
    if let Some(d) = lexer::check_nesting(&lexed.tokens, src) {
        let mut diags = lexed.errors;
        diags.push(d);
        return Err(sorted(diags));
    }
    let first_lex_error = lexed.errors.iter().map(|d| d.span.lo as usize).min();

    match KilnGrammar::parse(Rule::program, src) {
        Ok(mut pairs) => {
            if !lexed.errors.is_empty() {
                return Err(sorted(lexed.errors));
            }
            let mut b = Builder::default();
            let stmts = match pairs.next() {
                Some(program) => b.program(program),
                None => b.internal(Span::new(0, 0)),
            };
            match stmts {
                Ok(stmts) if b.diags.is_empty() => Ok(Program {
                    stmts,
                    strings: b.strings,
                }),
                _ => Err(sorted(b.diags)),
            }
        }
        Err(err) => {
            let (pos, d) = syntax_error(src, &lexed.tokens, &err);
            let mut diags = Vec::new();
            if first_lex_error.is_none_or(|lo| pos < lo) {
                diags.push(d);
            }
            // Recovery: every other top-level chunk on its own (see `recover.rs`). The
            // chunk pest failed in keeps the whole-program diagnostic above.
            for (lo, hi) in super::recover::chunks(&lexed.tokens, src) {
                if (lo..hi).contains(&pos) || (hi == src.len() && pos == hi) {
                    continue;
                }
                // A lexical error in the chunk explains any failure after it.
                let lexical = |at: usize| {
                    let errors = lexed.errors.iter().map(|e| e.span.lo as usize);
                    errors
                        .chain(lexed.quiet.iter().copied())
                        .any(|e| lo <= e && e <= at)
                };
                for (at, d) in parse_chunk(&src[lo..hi]) {
                    if !lexical(lo + at) {
                        diags.push(shifted(d, lo));
                    }
                }
            }
            let mut all = lexed.errors;
            all.extend(diags);
            Err(sorted(all))
        }
    }
}

/// The diagnostics of one top-level chunk parsed as a program of its own: its first
/// syntax error, or the errors of building its AST. Each comes with the position the
/// parser failed at (for a syntax error) or its own start. Positions are within `chunk`.
fn parse_chunk(chunk: &str) -> Vec<(usize, Diagnostic)> {
    match KilnGrammar::parse(Rule::program, chunk) {
        Ok(mut pairs) => {
            let mut b = Builder::default();
            if let Some(program) = pairs.next() {
                let _ = b.program(program);
            }
            b.diags
                .into_iter()
                .map(|d| (d.span.lo as usize, d))
                .collect()
        }
        Err(err) => {
            let tokens = lexer::lex(chunk).tokens;
            vec![syntax_error(chunk, &tokens, &err)]
        }
    }
}

/// A diagnostic of a chunk starting at byte `by`, moved to whole-source positions.
fn shifted(mut d: Diagnostic, by: usize) -> Diagnostic {
    let by = by as u32;
    let shift = |s: Span| Span {
        lo: s.lo + by,
        hi: s.hi + by,
    };
    d.span = shift(d.span);
    for l in &mut d.secondary {
        l.span = shift(l.span);
    }
    d
}

fn sorted(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by_key(|d| (d.span.lo, d.span.hi));
    diags
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        use Rule::*;
        PrattParser::new()
            .op(Op::infix(op_or, Assoc::Left))
            .op(Op::infix(op_and, Assoc::Left))
            .op(Op::infix(op_eq, Assoc::Left)
                | Op::infix(op_ne, Assoc::Left)
                | Op::infix(op_lt, Assoc::Left)
                | Op::infix(op_le, Assoc::Left)
                | Op::infix(op_gt, Assoc::Left)
                | Op::infix(op_ge, Assoc::Left)
                | Op::infix(op_in, Assoc::Left))
            .op(Op::infix(op_coalesce, Assoc::Right))
            .op(Op::infix(op_bitor, Assoc::Left))
            .op(Op::infix(op_bitxor, Assoc::Left))
            .op(Op::infix(op_bitand, Assoc::Left))
            .op(Op::infix(op_shl, Assoc::Left) | Op::infix(op_shr, Assoc::Left))
            .op(Op::infix(op_add, Assoc::Left) | Op::infix(op_sub, Assoc::Left))
            .op(Op::infix(op_mul, Assoc::Left)
                | Op::infix(op_div, Assoc::Left)
                | Op::infix(op_rem, Assoc::Left))
    })
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    use BinaryOp::*;
    Some(match rule {
        Rule::op_or => Or,
        Rule::op_and => And,
        Rule::op_eq => Eq,
        Rule::op_ne => Ne,
        Rule::op_lt => Lt,
        Rule::op_le => Le,
        Rule::op_gt => Gt,
        Rule::op_ge => Ge,
        Rule::op_in => In,
        Rule::op_bitor => BitOr,
        Rule::op_bitxor => BitXor,
        Rule::op_bitand => BitAnd,
        Rule::op_shl => Shl,
        Rule::op_shr => Shr,
        Rule::op_add => Add,
        Rule::op_sub => Sub,
        Rule::op_mul => Mul,
        Rule::op_div => Div,
        Rule::op_rem => Rem,
        _ => return None,
    })
}

fn unary_op(rule: Rule) -> Option<UnaryOp> {
    Some(match rule {
        Rule::op_neg => UnaryOp::Neg,
        Rule::op_plus => UnaryOp::Plus,
        Rule::op_not => UnaryOp::Not,
        Rule::op_bitnot => UnaryOp::BitNot,
        _ => return None,
    })
}

fn span_of(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

/// The span of a pair without trailing whitespace/comments: from its start to the end of
/// its last token. (pest may let a non-atomic rule end after skipped whitespace when its
/// last element is an optional or a repetition that matched nothing.)
fn tight_span(pair: &Pair<Rule>) -> Span {
    let start = pair.as_span().start();
    let mut cur = pair.clone();
    // `string` is compound-atomic: its own span is exact and its last child is not.
    while cur.as_rule() != Rule::string {
        match cur.clone().into_inner().last() {
            Some(child) => cur = child,
            None => break,
        }
    }
    Span::new(start, cur.as_span().end().max(start))
}

/// Stop building: the reason is already in `Builder::diags`.
struct Abort;

type Built<T> = Result<T, Abort>;

#[derive(Default)]
struct Builder {
    diags: Vec<Diagnostic>,
    strings: StringMap,
}

impl Builder {
    fn internal<T>(&mut self, span: Span) -> Built<T> {
        self.diags.push(
            Diagnostic::error("E0099", span, "internal parser error")
                .with_note("the grammar and the AST builder disagree; this is a bug in Kiln"),
        );
        Err(Abort)
    }

    fn too_deep<T>(&mut self, span: Span) -> Built<T> {
        self.diags.push(lexer::too_deep(
            span,
            format!("expressions may be at most {MAX_TREE_DEPTH} levels deep"),
        ));
        Err(Abort)
    }

    fn program(&mut self, pair: Pair<Rule>) -> Built<Vec<Stmt>> {
        let mut stmts = Vec::new();
        for p in pair.into_inner() {
            if let Some(s) = self.stmt(p, true, 0)? {
                stmts.push(s);
            }
        }
        Ok(stmts)
    }

    fn block(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Block> {
        let span = tight_span(&pair);
        if depth > MAX_TREE_DEPTH {
            return self.too_deep(span);
        }
        let mut stmts = Vec::new();
        for p in pair.into_inner() {
            if let Some(s) = self.stmt(p, false, depth + 1)? {
                stmts.push(s);
            }
        }
        Ok(Block { stmts, span })
    }

    /// A statement, or `None` for punctuation (`;`, braces, end of input).
    fn stmt(&mut self, pair: Pair<Rule>, top: bool, depth: usize) -> Built<Option<Stmt>> {
        let span = tight_span(&pair);
        let kind = match pair.as_rule() {
            Rule::fn_block | Rule::fn_expr => {
                if !top {
                    self.not_top_level(&pair, "functions can only be defined at the top level");
                }
                StmtKind::Fn(self.fn_decl(pair, depth)?)
            }
            Rule::param_stmt => {
                if !top {
                    self.not_top_level(&pair, "params can only be declared at the top level");
                }
                let (mut name, mut ty) = (None, None);
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => name = Some(ident(&p)),
                        Rule::type_expr => ty = Some(self.type_expr(p)?),
                        _ => {}
                    }
                }
                let (Some(name), Some(ty)) = (name, ty) else {
                    return self.internal(span);
                };
                StmtKind::Param { name, ty }
            }
            Rule::let_stmt => {
                let (mut name, mut ty, mut value) = (None, None, None);
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => name = Some(ident(&p)),
                        Rule::type_expr => ty = Some(self.type_expr(p)?),
                        Rule::expr => value = Some(self.expr(p, depth + 1)?),
                        _ => {}
                    }
                }
                let (Some(name), Some(value)) = (name, value) else {
                    return self.internal(span);
                };
                StmtKind::Let { name, ty, value }
            }
            Rule::assign_stmt => {
                let (mut name, mut value) = (None, None);
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => name = Some(ident(&p)),
                        Rule::expr => value = Some(self.expr(p, depth + 1)?),
                        _ => {}
                    }
                }
                let (Some(name), Some(value)) = (name, value) else {
                    return self.internal(span);
                };
                StmtKind::Assign { name, value }
            }
            Rule::expr_stmt => match pair.into_inner().next() {
                Some(e) => StmtKind::Expr(self.expr(e, depth + 1)?),
                None => return self.internal(span),
            },
            Rule::when_stmt => self.when_stmt(pair, depth)?,
            _ => return Ok(None),
        };
        Ok(Some(Stmt { kind, span }))
    }

    fn not_top_level(&mut self, pair: &Pair<Rule>, message: &str) {
        let keyword = pair
            .clone()
            .into_inner()
            .next()
            .map(|k| span_of(&k))
            .unwrap_or_else(|| tight_span(pair));
        self.diags.push(
            Diagnostic::error("E0009", keyword, message)
                .with_label("not allowed inside a block")
                .with_help("move it out of the block, to the top level of the program"),
        );
    }

    fn when_stmt(&mut self, pair: Pair<Rule>, depth: usize) -> Built<StmtKind> {
        let span = tight_span(&pair);
        let mut arms = Vec::new();
        let mut else_block = None;
        let arm = |b: &mut Builder, parts: Vec<Pair<Rule>>| -> Built<WhenArm> {
            let (mut kw, mut cond, mut block) = (None, None, None);
            for p in parts {
                match p.as_rule() {
                    Rule::kw_when | Rule::kw_elif => kw = Some(span_of(&p)),
                    Rule::expr => cond = Some(b.expr(p, depth + 1)?),
                    Rule::block => block = Some(b.block(p, depth + 1)?),
                    _ => {}
                }
            }
            match (kw, cond, block) {
                (Some(keyword_span), Some(cond), Some(block)) => Ok(WhenArm {
                    cond,
                    block,
                    keyword_span,
                }),
                _ => b.internal(span),
            }
        };
        let mut first = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::elif_arm => arms.push(arm(self, p.into_inner().collect())?),
                Rule::else_arm => {
                    for b in p.into_inner() {
                        if b.as_rule() == Rule::block {
                            else_block = Some(self.block(b, depth + 1)?);
                        }
                    }
                }
                _ => first.push(p),
            }
            if first.len() == 3 {
                arms.insert(0, arm(self, std::mem::take(&mut first))?);
            }
        }
        if arms.is_empty() {
            return self.internal(span);
        }
        Ok(StmtKind::When { arms, else_block })
    }

    fn fn_decl(&mut self, pair: Pair<Rule>, depth: usize) -> Built<FnDecl> {
        let span = tight_span(&pair);
        let (mut name, mut params, mut ret, mut body) = (None, Vec::new(), None, None);
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(ident(&p)),
                Rule::fn_params => {
                    for fp in p.into_inner().filter(|q| q.as_rule() == Rule::fn_param) {
                        let fspan = span_of(&fp);
                        let (mut pname, mut pty) = (None, None);
                        for q in fp.into_inner() {
                            match q.as_rule() {
                                Rule::ident => pname = Some(ident(&q)),
                                Rule::type_expr => pty = Some(self.type_expr(q)?),
                                _ => {}
                            }
                        }
                        let (Some(name), Some(ty)) = (pname, pty) else {
                            return self.internal(fspan);
                        };
                        params.push(FnParam { name, ty });
                    }
                }
                Rule::fn_ret => {
                    for q in p.into_inner() {
                        if q.as_rule() == Rule::type_expr {
                            ret = Some(self.type_expr(q)?);
                        }
                    }
                }
                Rule::block => body = Some(FnBody::Block(self.block(p, depth + 1)?)),
                Rule::expr => body = Some(FnBody::Expr(self.expr(p, depth + 1)?)),
                _ => {}
            }
        }
        let (Some(name), Some(body)) = (name, body) else {
            return self.internal(span);
        };
        Ok(FnDecl {
            name,
            params,
            ret,
            body,
        })
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> Built<TypeExpr> {
        let span = tight_span(&pair);
        let (mut base, mut optional, mut inner_span) = (None, false, span);
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => {
                    inner_span = tight_span(&p);
                    base = Some(TypeExprKind::Named(p.as_str().to_string()))
                }
                Rule::lbracket => inner_span = tight_span(&p),
                Rule::rbracket => inner_span = inner_span.to(tight_span(&p)),
                Rule::type_expr => {
                    let inner = self.type_expr(p)?;
                    base = Some(TypeExprKind::List(Box::new(inner)));
                }
                Rule::qmark => optional = true,
                _ => {}
            }
        }
        let Some(kind) = base else {
            return self.internal(span);
        };
        if !optional {
            return Ok(TypeExpr { kind, span });
        }
        Ok(TypeExpr {
            kind: TypeExprKind::Opt(Box::new(TypeExpr {
                kind,
                span: inner_span,
            })),
            span,
        })
    }

    /// `unary (op unary)*`, folded by the Pratt parser. `depth` is the depth of the
    /// resulting node. Its operands are built at `depth` plus the number of right-operand
    /// edges above them, at most one per precedence level (a left-associative chain is a
    /// loop for every later stage, not nesting: see [`MAX_TREE_DEPTH`]).
    fn expr(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        if let Some(lambda) = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::lambda)
        {
            return self.lambda(lambda, depth);
        }
        let ops = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() != Rule::unary)
            .count();
        let operand_depth = depth + ops.min(PRECEDENCE_LEVELS);
        pratt()
            .map_primary(|p| self.unary(p, operand_depth))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let op_span = span_of(&op);
                if op.as_rule() == Rule::op_coalesce {
                    return Ok(coalesce(lhs, op_span, rhs));
                }
                // Every infix rule registered with the Pratt parser has a BinaryOp.
                let op = binary_op(op.as_rule()).unwrap_or(BinaryOp::Add);
                Ok(Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op,
                        op_span,
                        lhs: Spine::new(lhs),
                        rhs: Box::new(rhs),
                    },
                })
            })
            .parse(pair.into_inner())
    }

    /// `params -> body` (v1).
    fn lambda(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let span = tight_span(&pair);
        if depth + 1 > MAX_TREE_DEPTH {
            return self.too_deep(span);
        }
        let mut params = Vec::new();
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::lambda_params => params.extend(
                    p.into_inner()
                        .filter(|q| q.as_rule() == Rule::ident)
                        .map(|q| ident(&q)),
                ),
                Rule::expr => body = Some(self.expr(p, depth + 1)?),
                _ => {}
            }
        }
        let Some(body) = body else {
            return self.internal(span);
        };
        Ok(Expr {
            kind: ExprKind::Lambda {
                params,
                body: Box::new(body),
            },
            span,
        })
    }

    /// `prefix_op* postfix`: prefix operators are applied innermost-first, iteratively.
    fn unary(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let span = tight_span(&pair);
        let mut ops = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            match unary_op(p.as_rule()) {
                Some(op) => ops.push((op, span_of(&p))),
                None => operand = Some(p),
            }
        }
        if depth + ops.len() > MAX_TREE_DEPTH {
            let idx = MAX_TREE_DEPTH.saturating_sub(depth);
            let at = ops.get(idx).or(ops.last()).map(|o| o.1).unwrap_or(span);
            return self.too_deep(at);
        }
        let Some(operand) = operand else {
            return self.internal(span);
        };
        let mut e = self.postfix(operand, depth + ops.len())?;
        for (op, op_span) in ops.into_iter().rev() {
            e = Expr {
                span: op_span.to(e.span),
                kind: ExprKind::Unary {
                    op,
                    op_span,
                    operand: Box::new(e),
                },
            };
        }
        Ok(e)
    }

    /// `primary index_suffix*`.
    fn postfix(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let span = tight_span(&pair);
        let mut parts = pair.into_inner();
        let Some(primary) = parts.next() else {
            return self.internal(span);
        };
        let suffixes: Vec<Pair<Rule>> = parts.collect();
        if depth + suffixes.len() > MAX_TREE_DEPTH {
            let idx = MAX_TREE_DEPTH.saturating_sub(depth);
            let at = suffixes
                .get(idx)
                .or(suffixes.last())
                .map(span_of)
                .unwrap_or(span);
            return self.too_deep(at);
        }
        let inner_depth = depth + suffixes.len();
        let mut e = self.primary(primary, inner_depth)?;
        for s in suffixes {
            let end = tight_span(&s).hi;
            let Some(index) = s.into_inner().find(|p| p.as_rule() == Rule::expr) else {
                return self.internal(span);
            };
            let index = self.expr(index, inner_depth)?;
            e = Expr {
                span: Span {
                    lo: e.span.lo,
                    hi: end,
                },
                kind: ExprKind::Index {
                    target: Box::new(e),
                    index: Box::new(index),
                },
            };
        }
        Ok(e)
    }

    fn primary(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Expr> {
        let span = tight_span(&pair);
        if depth > MAX_TREE_DEPTH {
            return self.too_deep(span);
        }
        let kind = match pair.as_rule() {
            Rule::number => match literal::parse_number(pair.as_str(), span.lo as usize) {
                Ok(kind) => kind,
                Err(d) => {
                    self.diags.push(*d);
                    ExprKind::Int {
                        value: 0,
                        suffix: None,
                    }
                }
            },
            Rule::string => {
                let body = pair.into_inner().next();
                let (text, lo) = match &body {
                    Some(b) => (b.as_str(), b.as_span().start()),
                    None => ("", span.lo as usize + 1),
                };
                let mut escapes = Vec::new();
                let text = literal::decode_string(text, lo, &mut self.diags, &mut escapes);
                self.strings.record(span.lo, escapes);
                ExprKind::Str(text)
            }
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::kw_none => ExprKind::None,
            Rule::name => ExprKind::Name(pair.as_str().to_string()),
            Rule::paren => {
                let Some(inner) = pair.into_inner().find(|p| p.as_rule() == Rule::expr) else {
                    return self.internal(span);
                };
                // No node for the parentheses: the inner expression takes their span.
                let mut e = self.expr(inner, depth)?;
                e.span = span;
                return Ok(e);
            }
            Rule::list => ExprKind::List(self.exprs_in(pair, depth + 1)?),
            Rule::call => {
                let mut callee = None;
                let mut args = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::ident => callee = Some(ident(&p)),
                        // `T?(...)`: the callee is named `T?`.
                        Rule::qmark => {
                            if let Some(c) = callee.as_mut() {
                                c.name.push('?');
                                c.span = c.span.to(span_of(&p));
                            }
                        }
                        Rule::call_args => args = self.exprs_in(p, depth + 1)?,
                        _ => {}
                    }
                }
                let Some(callee) = callee else {
                    return self.internal(span);
                };
                ExprKind::Call { callee, args }
            }
            Rule::if_expr | Rule::switch_expr => {
                let is_if = pair.as_rule() == Rule::if_expr;
                let mut keyword_span = span;
                let mut args = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_if | Rule::kw_switch => keyword_span = span_of(&p),
                        Rule::call_args => args = self.exprs_in(p, depth + 1)?,
                        _ => {}
                    }
                }
                if is_if {
                    ExprKind::If { keyword_span, args }
                } else {
                    ExprKind::Switch { keyword_span, args }
                }
            }
            _ => return self.internal(span),
        };
        Ok(Expr { kind, span })
    }

    /// The `expr` children of a list literal or argument list.
    fn exprs_in(&mut self, pair: Pair<Rule>, depth: usize) -> Built<Vec<Expr>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::expr)
            .map(|p| self.expr(p, depth))
            .collect()
    }
}

/// `lhs ?? rhs`, kept flat: `a ?? (b ?? c)` (how the right-associative operator
/// groups) becomes one node with operands `a, b, c`.
fn coalesce(lhs: Expr, op_span: Span, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    let (mut operands, mut op_spans) = (vec![lhs], vec![op_span]);
    match rhs.kind {
        ExprKind::Coalesce {
            operands: more,
            op_spans: more_spans,
        } => {
            operands.extend(more);
            op_spans.extend(more_spans);
        }
        kind => operands.push(Expr {
            kind,
            span: rhs.span,
        }),
    }
    Expr {
        kind: ExprKind::Coalesce { operands, op_spans },
        span,
    }
}

fn ident(pair: &Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

// ---------------------------------------------------------------------------------------
// Syntax errors: pest's "expected one of these rules at this position" → plain words.

/// What pest expected, in words. Ordered by how the phrases are listed in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Want {
    Statement,
    Expression,
    Name,
    Type,
    Param,
    Semi,
    Comma,
    Colon,
    Assign,
    Arrow,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Elif,
    Else,
    Operator,
    End,
}

impl Want {
    fn phrase(self) -> &'static str {
        match self {
            Want::Statement => "a statement",
            Want::Expression => "an expression",
            Want::Name => "a name",
            Want::Type => "a type",
            Want::Param => "a parameter",
            Want::Semi => "`;`",
            Want::Comma => "`,`",
            Want::Colon => "`:`",
            Want::Assign => "`=`",
            Want::Arrow => "`->`",
            Want::LParen => "`(`",
            Want::RParen => "`)`",
            Want::LBracket => "`[`",
            Want::RBracket => "`]`",
            Want::LBrace => "`{`",
            Want::RBrace => "`}`",
            Want::Elif => "`elif`",
            Want::Else => "`else`",
            Want::Operator => "an operator",
            Want::End => "end of input",
        }
    }

    fn closer(text: &str) -> Want {
        match text {
            ")" => Want::RParen,
            "]" => Want::RBracket,
            _ => Want::RBrace,
        }
    }
}

fn want_of(rule: Rule) -> Option<Want> {
    use Rule::*;
    Some(match rule {
        program | kw_let | kw_fn | kw_param | kw_when | when_stmt | fn_block | fn_expr
        | let_stmt | param_stmt | assign_stmt | expr_stmt => Want::Statement,
        expr | unary | postfix | number | string | kw_true | kw_false | kw_none | if_expr
        | switch_expr | lambda | lambda_params | kw_if | kw_switch | call | name | paren | list
        | op_neg | op_plus | op_not | op_bitnot | call_args => Want::Expression,
        ident => Want::Name,
        type_expr => Want::Type,
        fn_param => Want::Param,
        semi => Want::Semi,
        comma => Want::Comma,
        colon => Want::Colon,
        assign => Want::Assign,
        arrow | fn_ret => Want::Arrow,
        lparen | fn_params => Want::LParen,
        rparen => Want::RParen,
        lbracket => Want::LBracket,
        rbracket => Want::RBracket,
        lbrace | block => Want::LBrace,
        rbrace => Want::RBrace,
        kw_elif | elif_arm => Want::Elif,
        kw_else | else_arm => Want::Else,
        index_suffix | call_open | index_open | op_or | op_and | op_eq | op_ne | op_shl | op_le
        | op_lt | op_shr | op_ge | op_gt | op_in | op_coalesce | qmark | op_bitor | op_bitxor
        | op_bitand | op_add | op_sub | op_mul | op_div | op_rem => Want::Operator,
        EOI => Want::End,
        _ => return None,
    })
}

/// Join phrases as "a, b or c".
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Shorten a token's text for a message.
fn quote(text: &str) -> String {
    let mut t: String = text.chars().take(24).collect();
    if t.len() < text.len() {
        t.push('…');
    }
    format!("`{}`", t.escape_debug())
}

fn describe(tok: Option<&Token>, src: &str) -> String {
    match tok {
        None => "end of input".to_string(),
        Some(t) => match t.kind {
            TokKind::Keyword => format!("keyword `{}`", t.text(src)),
            TokKind::Str => "a string".to_string(),
            _ => quote(t.text(src)),
        },
    }
}

/// Could this token start a statement (so a missing `;` before it is the likely cause)?
fn starts_statement(t: &Token, src: &str) -> bool {
    match t.kind {
        TokKind::Ident | TokKind::Number | TokKind::Str => true,
        TokKind::Keyword => matches!(
            t.text(src),
            "let" | "fn" | "param" | "when" | "if" | "switch" | "not" | "true" | "false"
        ),
        TokKind::Punct => matches!(t.text(src), "!" | "~"),
    }
}

/// What kind of construct an opening bracket (token index `o`) belongs to.
fn bracket_role(tokens: &[Token], src: &str, o: usize) -> &'static str {
    let open = tokens[o].text(src);
    let prev = o.checked_sub(1).map(|i| &tokens[i]);
    let prev_prev = o.checked_sub(2).map(|i| &tokens[i]);
    let prev_ends_operand = prev.is_some_and(|p| {
        matches!(p.kind, TokKind::Ident | TokKind::Number | TokKind::Str)
            || p.is_punct(src, ")")
            || p.is_punct(src, "]")
    });
    match open {
        "(" => {
            if prev_prev.is_some_and(|t| t.is_keyword(src, "fn")) {
                "the parameter list"
            } else if prev.is_some_and(|p| {
                p.kind == TokKind::Ident || p.is_keyword(src, "if") || p.is_keyword(src, "switch")
            }) {
                "this call"
            } else {
                "this parenthesis"
            }
        }
        "[" => {
            if prev_ends_operand {
                "this index"
            } else if prev.is_some_and(|p| p.is_punct(src, ":") || p.is_punct(src, "->")) {
                "this list type"
            } else {
                "this list"
            }
        }
        _ => "this block",
    }
}

/// Translate a pest error into one diagnostic. Returns the byte position pest failed at.
fn syntax_error(
    src: &str,
    tokens: &[Token],
    err: &pest::error::Error<Rule>,
) -> (usize, Diagnostic) {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((p, _)) => p,
    }
    .min(src.len());
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => {
            // pest's own guards ("stack limit reached" / "call limit reached").
            let at = Span::new(pos, pos);
            return (
                pos,
                lexer::too_deep(at, "the parser ran out of stack".to_string()),
            );
        }
    };
    let mut wants: Vec<Want> = positives.iter().filter_map(|&r| want_of(r)).collect();
    wants.sort();
    wants.dedup();
    (pos, explain(src, tokens, pos, &wants))
}

fn explain(src: &str, tokens: &[Token], pos: usize, wants: &[Want]) -> Diagnostic {
    let found_idx = tokens.iter().position(|t| t.lo >= pos);
    let found = found_idx.map(|i| &tokens[i]);
    let prev_idx = tokens.iter().rposition(|t| t.hi <= pos);
    let prev = prev_idx.map(|i| &tokens[i]);
    let next = found_idx.and_then(|i| tokens.get(i + 1));
    let found_desc = describe(found, src);
    let found_span = found.map(Token::span).unwrap_or(Span::new(pos, pos));
    // Where a missing token belongs: right after the previous token.
    let missing_at = prev.map(|p| p.span().end_point()).unwrap_or(found_span);
    let has = |w: Want| wants.contains(&w);

    // 1. A closing bracket that does not fit, at or before the failure.
    let br = lexer::brackets(tokens, src);
    if let Some(problem) = br.problem {
        let c = &tokens[problem.closer()];
        if c.lo <= pos {
            let ctext = c.text(src);
            return match problem {
                CloserProblem::Unmatched(_) => {
                    Diagnostic::error("E0003", c.span(), format!("unmatched `{ctext}`")).with_label(
                        format!(
                            "this `{ctext}` has no opening `{}`",
                            match ctext {
                                ")" => "(",
                                "]" => "[",
                                _ => "{",
                            }
                        ),
                    )
                }
                CloserProblem::Mismatched(_, o) => {
                    let otext = tokens[o].text(src);
                    let want = lexer::closer_of(otext);
                    Diagnostic::error(
                        "E0003",
                        c.span(),
                        format!("mismatched closing delimiter `{ctext}`"),
                    )
                    .with_label(format!("expected `{want}` to close the `{otext}`"))
                    .with_secondary(tokens[o].span(), format!("`{otext}` opened here"))
                }
            };
        }
    }

    // A statement of another language (`for`, `while`, `return`, `var`, `def`, ...).
    if let Some(d) = foreign_statement_at(src, tokens, found_idx.unwrap_or(tokens.len())) {
        return d;
    }

    // A parameter without a type: `fn add(a, b)`.
    if let (Some(i), Some(o)) = (prev_idx, lexer::open_bracket_at(tokens, src, pos)) {
        let p = &tokens[i];
        let before = i.checked_sub(1).map(|j| &tokens[j]);
        if has(Want::Colon)
            && p.kind == TokKind::Ident
            && before.is_some_and(|t| t.is_punct(src, "(") || t.is_punct(src, ","))
            && bracket_role(tokens, src, o) == "the parameter list"
        {
            let name = p.text(src);
            return Diagnostic::error(
                "E0013",
                p.span(),
                format!("parameter `{name}` needs a type"),
            )
            .with_label("no type given")
            .with_note("every parameter of a `fn` states its type")
            .with_help(format!(
                "write `{name}: i64` (or the type it takes: `f64`, `string`, `[i64]`, ...)"
            ));
        }
    }

    // `=` inside an expression, where `==` was meant: `if(x = 3, ...)`, `when x = 3 { }`.
    if let (Some(f), Some(p)) = (found.filter(|f| f.is_punct(src, "=")), prev) {
        let start = statement_start(tokens, src, found_idx.unwrap_or(0));
        let in_condition = tokens[start..found_idx.unwrap_or(0)]
            .iter()
            .any(|t| t.is_keyword(src, "when") || t.is_keyword(src, "elif"));
        let open = lexer::open_bracket_at(tokens, src, pos);
        let in_brackets =
            open.is_some_and(|o| tokens[o].is_punct(src, "(") || tokens[o].is_punct(src, "["));
        // `f(x, digits = 2)`: a named argument, perhaps.
        let in_call = open.is_some_and(|o| {
            tokens[o].is_punct(src, "(")
                && o.checked_sub(1)
                    .is_some_and(|k| tokens[k].kind == TokKind::Ident)
        });
        // `map(xs, x -> total = total + x)`: a lambda's body assigning a variable.
        let in_lambda = open.is_some_and(|o| {
            tokens[o..found_idx.unwrap_or(0)]
                .iter()
                .any(|t| t.is_punct(src, "->"))
        });
        if in_lambda && lexer::ends_operand(p, src) {
            return Diagnostic::error("E0001", f.span(), "a lambda cannot assign a variable")
                .with_label("`=` assigns, and only as a statement of its own")
                .with_note("a lambda's body is one expression, its value; it reads the variables around it but cannot change them")
                .with_help("give the new value as the lambda's result, or fold a list into one value with `reduce(xs, init, (acc, x) -> acc + x)`");
        }
        if (in_brackets || in_condition) && lexer::ends_operand(p, src) {
            let simple = |t: &Token| t.kind != TokKind::Punct && lexer::ends_operand(t, src);
            let help = match next.filter(|n| simple(n) && simple(p)) {
                Some(n) => format!(
                    "to compare, write `==`: `{} == {}`",
                    p.text(src),
                    n.text(src)
                ),
                None => "to compare, write `==` instead of `=`".to_string(),
            };
            let help = if in_call {
                format!("{help}; arguments have no names, they are passed by position")
            } else {
                help
            };
            return Diagnostic::error("E0001", f.span(), "`=` cannot stand inside an expression")
                .with_label("`=` assigns, and only as a statement of its own")
                .with_help(help);
        }
    }

    // 2. A keyword where a name belongs.
    let wants_name_only =
        (has(Want::Name) || has(Want::Type)) && !has(Want::Expression) && !has(Want::Statement);
    let next_is_assign = next.is_some_and(|n| n.is_punct(src, "="));
    if let Some(f) = found.filter(|f| f.kind == TokKind::Keyword) {
        if wants_name_only || (has(Want::Statement) && next_is_assign) {
            return keyword_as_name(f, src);
        }
    }
    if let (Some(f), Some(p)) = (found, prev) {
        let at_stmt_start = prev_idx
            .and_then(|i| i.checked_sub(1))
            .map(|i| &tokens[i])
            .is_none_or(|t| t.is_punct(src, ";") || t.is_punct(src, "{") || t.is_punct(src, "}"));
        if f.is_punct(src, "=") && p.kind == TokKind::Keyword && at_stmt_start {
            return keyword_as_name(p, src);
        }
    }

    // 3. The innermost open bracket is never closed, and its closer would fit here.
    let open = lexer::open_bracket_at(tokens, src, pos);
    if let Some(o) = open {
        let otext = tokens[o].text(src);
        let want = lexer::closer_of(otext);
        if has(Want::closer(want)) && !br.closed[o] {
            return Diagnostic::error("E0003", missing_at, format!("unclosed `{otext}`"))
                .with_label(format!("expected `{want}` here, found {found_desc}"))
                .with_secondary(tokens[o].span(), "opened here");
        }
    }

    // 4. Two statements without `;` between them.
    if has(Want::Semi) && found.is_some_and(|f| starts_statement(f, src)) {
        return Diagnostic::error("E0002", missing_at, "expected `;` after this statement")
            .with_label(format!("add `;` here (found {found_desc} next)"))
            .with_help("statements are separated by `;`");
    }

    // 5. `else`/`elif` with no `when` before it.
    if let Some(f) = found.filter(|f| f.is_keyword(src, "else") || f.is_keyword(src, "elif")) {
        if has(Want::Statement) {
            let k = f.text(src);
            return Diagnostic::error(
                "E0001",
                f.span(),
                format!("`{k}` without a preceding `when`"),
            )
            .with_label(format!(
                "`{k}` must directly follow the `}}` of a `when` or `elif` block"
            ));
        }
    }

    // 6. The open bracket could be closed here but something else came.
    if let Some(o) = open {
        let otext = tokens[o].text(src);
        let want = lexer::closer_of(otext);
        if has(Want::closer(want)) && otext != "{" && !has(Want::Expression) {
            let role = bracket_role(tokens, src, o);
            let d = Diagnostic::error(
                "E0001",
                found_span,
                format!("expected `{want}` to close {role}"),
            )
            .with_label(format!("found {found_desc}"))
            .with_secondary(tokens[o].span(), "opened here");
            return if has(Want::Comma) {
                let what = match role {
                    "this call" => "arguments",
                    "the parameter list" => "parameters",
                    _ => "elements",
                };
                d.with_help(format!("separate {what} with `,`"))
            } else {
                d
            };
        }
    }

    // 7. `if`/`switch` without an argument list.
    if wants == [Want::LParen] {
        if let Some(k) = prev.filter(|p| p.is_keyword(src, "if") || p.is_keyword(src, "switch")) {
            let kw = k.text(src);
            let d = Diagnostic::error("E0001", found_span, format!("expected `(` after `{kw}`"))
                .with_label(format!("found {found_desc}"));
            return if kw == "if" {
                d.with_help("`if` is an expression: `if(cond, then, else)`; for a statement-level branch write `when cond { ... }`")
            } else {
                d.with_help("write `switch(c1, v1, c2, v2, ..., default)`")
            };
        }
    }

    // `else if` (as in other languages) instead of `elif`.
    if found.is_some_and(|f| f.is_keyword(src, "if"))
        && prev.is_some_and(|p| p.is_keyword(src, "else"))
    {
        return Diagnostic::error("E0001", found_span, "expected `{` after `else`")
            .with_label("found keyword `if`")
            .with_help("write `elif cond { ... }` for another condition");
    }

    // 8. An operand is missing.
    let only_expr = wants
        .iter()
        .all(|w| matches!(w, Want::Expression | Want::Name));
    if has(Want::Expression) && only_expr {
        let message = match prev {
            Some(p) => format!("expected an expression after {}", quote(p.text(src))),
            None => "expected an expression".to_string(),
        };
        return Diagnostic::error("E0001", found_span, message)
            .with_label(format!("found {found_desc}"));
    }

    // 9. Generic: list what would have fitted.
    let mut shown: Vec<Want> = wants.to_vec();
    if shown.contains(&Want::Statement) {
        shown.retain(|w| !matches!(w, Want::Expression | Want::Name));
    }
    if shown.len() > 1 {
        // "an operator" and "end of input" are always possible after a complete expression
        // or statement; they only add noise next to the real options.
        shown.retain(|w| !matches!(w, Want::Operator | Want::End));
    }
    let phrases: Vec<&str> = shown.iter().map(|w| w.phrase()).collect();
    let message = if phrases.is_empty() {
        format!("unexpected {found_desc}")
    } else {
        format!("expected {}, found {found_desc}", join_or(&phrases))
    };
    let d = Diagnostic::error("E0001", found_span, message).with_label("unexpected here");
    if found.is_some_and(|f| f.is_punct(src, "=")) && has(Want::Semi) {
        return d.with_help("only a name can be assigned, as in `x = value`; to compare, use `==`");
    }
    if found.is_some_and(|f| f.is_punct(src, ".")) {
        return d.with_help("Kiln has no fields or methods; call functions as in `f(x)`");
    }
    if found.is_some_and(|f| f.is_punct(src, "{")) && has(Want::Statement) {
        return d.with_help(
            "a block `{ ... }` can only follow `when`, `elif`, `else` or a function signature",
        );
    }
    if found.is_some_and(|f| f.is_punct(src, "("))
        && prev.is_some_and(|p| p.is_punct(src, ")") || p.is_punct(src, "]"))
    {
        return d.with_help("only a function name can be called, as in `f(x)`");
    }
    d
}

/// Statements of other languages that Kiln does not have: the words, what Kiln has
/// instead (a note) and what to write (a help). The parser reports one of these words
/// starting a statement that does not parse (E0012); the checker adds the same note and
/// help to an unknown name or function of that spelling (`return;`, `break;`).
const FOREIGN_STATEMENTS: &[(&[&str], &str, &str)] = &[
    (
        &["for", "while", "loop", "break", "continue"],
        "Kiln has no loops: a program computes with whole values",
        "work on whole lists instead: element-wise operators (`xs * 2`, `xs > 0`), \
         `filter(xs, mask)`, `sum`, `count`, `any`, `all`; repeat with a recursive function",
    ),
    (
        &["return"],
        "Kiln has no `return`: a function's value is its body, and nothing returns early",
        "remove `return`: the last expression of a `{ ... }` body is its value, and \
         `fn f(x: i64) -> i64 = x * 2;` needs no block",
    ),
    (
        &["var", "const"],
        "Kiln makes names with `let`, or by assigning them",
        "write `let x = 5;` for a name that never changes, or `x = 5;` for a mutable variable",
    ),
    (
        &["function", "def", "func", "fun"],
        "Kiln defines functions with `fn`",
        "write `fn name(a: i64) -> i64 = a * 2;`",
    ),
];

/// What Kiln has instead of statement word `word` of another language, and what to
/// write (see [`FOREIGN_STATEMENTS`]).
pub(crate) fn foreign_statement(word: &str) -> Option<(&'static str, &'static str)> {
    FOREIGN_STATEMENTS
        .iter()
        .find(|(words, ..)| words.contains(&word))
        .map(|(_, what, help)| (*what, *help))
}

/// The index of the first token of the statement that token `idx` belongs to: the
/// token after the last `;`, `{` or `}` before it.
fn statement_start(tokens: &[Token], src: &str, idx: usize) -> usize {
    tokens[..idx.min(tokens.len())]
        .iter()
        .rposition(|t| t.is_punct(src, ";") || t.is_punct(src, "{") || t.is_punct(src, "}"))
        .map_or(0, |i| i + 1)
}

/// E0012 when the statement that failed to parse before token `idx` starts with a
/// statement word of another language followed by what would follow it there (a name,
/// a value, a bracket), as in `for x in xs`, `while (c) {`, `return x`, `var x = 1`.
/// (`for = 1;` or `loop + 1` use the word as a name and are left alone.)
fn foreign_statement_at(src: &str, tokens: &[Token], idx: usize) -> Option<Diagnostic> {
    let start = statement_start(tokens, src, idx);
    let word = tokens.get(start).filter(|t| t.kind == TokKind::Ident)?;
    let (what, help) = foreign_statement(word.text(src))?;
    let after = tokens.get(start + 1).filter(|_| start < idx)?;
    let w = word.text(src);
    // `while (c) {`, `for (...)`, `loop {`; a name's `(`/`[` would be a call or an index.
    let continues = matches!(
        after.kind,
        TokKind::Ident | TokKind::Keyword | TokKind::Number | TokKind::Str
    ) || (after.is_punct(src, "(") && matches!(w, "for" | "while"))
        || (after.is_punct(src, "{") && w == "loop");
    if !continues {
        return None;
    }
    Some(
        Diagnostic::error(
            "E0012",
            word.span(),
            format!("`{w}` is not a Kiln statement"),
        )
        .with_label("a statement of another language")
        .with_note(what)
        .with_help(help),
    )
}

fn keyword_as_name(t: &Token, src: &str) -> Diagnostic {
    let k = t.text(src);
    Diagnostic::error(
        "E0008",
        t.span(),
        format!("`{k}` is a keyword and cannot be used as a name"),
    )
    .with_label("keyword used as a name")
    .with_help(format!("choose another name, such as `{k}_`"))
}
