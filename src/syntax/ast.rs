//! The surface syntax tree. Every node keeps the span of the text it came from.
//! Produced by `syntax::parse`; read by `types::check`. Nothing here is typed yet.

use crate::chain::{Link, LinkEq, Spine};
pub use crate::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
    /// Where the escapes of string literals sit in the source, so a report about part of
    /// a literal's text (a format string's placeholder, a regex pattern's error) can point
    /// at the exact characters.
    pub strings: StringMap,
}

/// One escape of a string literal: `len` decoded bytes at `at` in the literal's text came
/// from `src_len` source bytes at `src` (absolute offsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escape {
    pub at: usize,
    pub len: usize,
    pub src: usize,
    pub src_len: usize,
}

/// The escapes of every string literal that has any, by the literal's start. A literal
/// without escapes has no entry: its text is the source between its quotes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StringMap {
    escapes: Vec<(u32, Vec<Escape>)>,
}

impl StringMap {
    /// Record the escapes of the literal starting at `literal_lo` (literals come in
    /// source order, so the table stays sorted).
    pub(crate) fn record(&mut self, literal_lo: u32, escapes: Vec<Escape>) {
        if !escapes.is_empty() {
            self.escapes.push((literal_lo, escapes));
        }
    }

    /// The source span of bytes `range` of the decoded text of the string literal at
    /// `literal` (its whole span, quotes included). An escape counts whole: a range that
    /// starts or ends inside the character an escape wrote covers all of the escape.
    pub fn span_in(&self, literal: Span, range: std::ops::Range<usize>) -> Span {
        let escapes = match self.escapes.binary_search_by_key(&literal.lo, |e| e.0) {
            Ok(i) => self.escapes[i].1.as_slice(),
            Err(_) => &[],
        };
        let body = literal.lo as usize + 1;
        // The source bytes of the character holding decoded byte `d`: an escape's whole
        // text, or the one byte copied verbatim (offsets shift by each earlier escape).
        let source_of = |d: usize| -> (usize, usize) {
            let (mut decoded, mut source) = (0, body);
            for e in escapes {
                if d < e.at {
                    break;
                }
                if d < e.at + e.len {
                    return (e.src, e.src + e.src_len);
                }
                (decoded, source) = (e.at + e.len, e.src + e.src_len);
            }
            let s = source + (d - decoded);
            (s, s + 1)
        };
        let lo = source_of(range.start).0;
        let hi = match range.end.checked_sub(1) {
            Some(last) if range.end > range.start => source_of(last).1,
            _ => lo,
        };
        Span::new(lo, hi)
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A type as written: `i64`, `string`, `[f64]`, `[[u8]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// Any identifier in type position; `types` decides whether it names a type.
    Named(String),
    List(Box<TypeExpr>),
    /// `T?` (v1).
    Opt(Box<TypeExpr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    /// The whole statement, without its terminating `;`.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `fn name(a: T, ...) -> R = expr;` or `fn name(...) -> R { ... }`.
    Fn(FnDecl),
    /// `let x = e;` / `let x: T = e;`
    Let {
        name: Ident,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    /// `x = e;`
    Assign { name: Ident, value: Expr },
    /// `param x: T;`
    Param { name: Ident, ty: TypeExpr },
    /// `e;`
    Expr(Expr),
    /// `when c { ... } elif c { ... } else { ... }`: one arm per `when`/`elif`.
    When {
        arms: Vec<WhenArm>,
        else_block: Option<Block>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct WhenArm {
    pub cond: Expr,
    pub block: Block,
    /// The `when` or `elif` keyword.
    pub keyword_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<FnParam>,
    pub ret: Option<TypeExpr>,
    pub body: FnBody,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnParam {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FnBody {
    /// `= expr`
    Expr(Expr),
    /// `{ stmt; ...; last }`: its value is the value of its last statement.
    Block(Block),
}

/// `{ stmt; stmt; ... }` — the final `;` is optional.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// From `{` to `}` inclusive.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumSuffix {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
}

impl NumSuffix {
    pub fn parse(s: &str) -> Option<NumSuffix> {
        use NumSuffix::*;
        Some(match s {
            "i8" => I8,
            "i16" => I16,
            "i32" => I32,
            "i64" => I64,
            "u8" => U8,
            "u16" => U16,
            "u32" => U32,
            "u64" => U64,
            "f32" => F32,
            "f64" => F64,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        use NumSuffix::*;
        match self {
            I8 => "i8",
            I16 => "i16",
            I32 => "i32",
            I64 => "i64",
            U8 => "u8",
            U16 => "u16",
            U32 => "u32",
            U64 => "u64",
            F32 => "f32",
            F64 => "f64",
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, NumSuffix::F32 | NumSuffix::F64)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-`
    Neg,
    /// `+`
    Plus,
    /// `not` or `!`
    Not,
    /// `~`
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    BitOr,
    BitXor,
    BitAnd,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    /// The operator as the user would write it (`and` for both `and` and `&&`).
    pub fn symbol(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            In => "in",
            BitOr => "|",
            BitXor => "^",
            BitAnd => "&",
            Shl => "<<",
            Shr => ">>",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal: `42`, `1_000`, `0xff`, `0b1010`, `255u8`. The value is the
    /// magnitude as written (a leading `-` is a separate `Unary`); it may exceed u64, in
    /// which case `types` reports it. A decimal literal with a float suffix (`3f32`) is a
    /// `Float`, not an `Int`.
    Int {
        value: u128,
        suffix: Option<NumSuffix>,
    },
    /// A float literal: `1.5`, `.5`, `2.`, `1e-3`, `3f32`. `text` is the literal without
    /// underscores and suffix, ready for `str::parse::<f32 | f64>()`.
    Float {
        text: String,
        suffix: Option<NumSuffix>,
    },
    /// A string literal with its escapes already decoded.
    Str(String),
    Bool(bool),
    /// `none` (v1): its type comes from context.
    None,
    Name(String),
    /// `[a, b, c]`
    List(Vec<Expr>),
    Unary {
        op: UnaryOp,
        op_span: Span,
        operand: Box<Expr>,
    },
    /// A chain `a + b + c` is left-deep and may be any length: its left operands are
    /// [`Spine`]s, walked with a loop (see `crate::chain`).
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Spine<Expr>,
        rhs: Box<Expr>,
    },
    /// `f(a, b)`; also type-name conversions such as `i32(x)`.
    Call {
        callee: Ident,
        args: Vec<Expr>,
    },
    /// `xs[i]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `if(c, a, b)`, with whatever arguments were written (arity is checked by `types`).
    If {
        keyword_span: Span,
        args: Vec<Expr>,
    },
    /// `switch(c1, v1, ..., default)`, arguments as written.
    Switch {
        keyword_span: Span,
        args: Vec<Expr>,
    },
    /// `a ?? b ?? c` (v1, right-associative): kept flat, operands in order (at least
    /// two), with the span of each `??` between them.
    Coalesce {
        operands: Vec<Expr>,
        op_spans: Vec<Span>,
    },
    /// A lambda `x -> e`, `(a, b) -> e` (v1). It parses wherever an expression can stand;
    /// the checker accepts it only as an argument of a higher-order builtin.
    Lambda {
        params: Vec<Ident>,
        body: Box<Expr>,
    },
}

/// Binary operators chain (`a + b + c`): see `crate::chain`.
impl Link for Expr {
    fn lhs(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Binary { lhs, .. } => lhs.node(),
            _ => None,
        }
    }

    fn take_lhs(&mut self) -> Option<Spine<Expr>> {
        match &mut self.kind {
            ExprKind::Binary { lhs, .. } => lhs.detach(),
            _ => None,
        }
    }

    fn with_lhs(&self, lhs: Spine<Expr>) -> Expr {
        let kind = match &self.kind {
            ExprKind::Binary {
                op, op_span, rhs, ..
            } => ExprKind::Binary {
                op: *op,
                op_span: *op_span,
                lhs,
                rhs: rhs.clone(),
            },
            other => other.clone(),
        };
        Expr {
            kind,
            span: self.span,
        }
    }
}

impl LinkEq for Expr {
    fn eq_node(&self, other: &Expr) -> bool {
        match (&self.kind, &other.kind) {
            (
                ExprKind::Binary {
                    op, op_span, rhs, ..
                },
                ExprKind::Binary {
                    op: op2,
                    op_span: op_span2,
                    rhs: rhs2,
                    ..
                },
            ) => self.span == other.span && op == op2 && op_span == op_span2 && rhs == rhs2,
            _ => false,
        }
    }
}
