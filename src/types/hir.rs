//! The checked program: every name resolved, every node typed, every implicit
//! conversion explicit. Produced by `types::check`; consumed by `codegen`.
//!
//! Invariants (upheld by `types::check`, relied on by `codegen`):
//! - No `Ty::IntLit`, `Ty::FloatLit`, `Ty::EmptyElem` or `Ty::Error` appears anywhere.
//! - Operands of a `Binary` have equal types, except `Shl`/`Shr` whose rhs is any `Int`.
//! - Every implicit widening is a `Cast` node; a `Cast` converts between `Bool`, `Int`
//!   and `Float` types with Rust `as` semantics (int→int truncates or extends,
//!   float→int saturates with NaN→0, int→float rounds to nearest, bool→int is 0/1), or
//!   between their optionals (v1; `none` stays `none`). `T` widening to `T?` is `Some`.
//! - Literal values already fit their type (`Int` holds the two's-complement bits
//!   truncated to the type's width; an `f32` `Float` holds an f32-representable value).
//! - A `Block` used as a function body has a `value`; `When` blocks have none.

use super::ty::Ty;
pub use super::zones::{TimeField, TimeUnit, UnitArg, ZoneArg};
use crate::chain::{Link, Spine};
use crate::span::Span;

mod calls;
mod effects;
mod walk;

pub use effects::{Effects, FallibleCalls, Overflow};
pub use walk::Walk;

pub type FnId = usize;
pub type LocalId = usize;
pub type GlobalId = usize;

#[derive(Clone, Debug)]
pub struct Program {
    /// User functions; a `Call` names one by index.
    pub functions: Vec<Function>,
    /// The program's top level. Its `params` are the program's inputs (`param x: T;`),
    /// in declaration order; `ret` is the program's result type (`None`: no result).
    pub main: Function,
    /// Program-level bindings that functions read; `main` stores them, functions load them.
    pub globals: Vec<Global>,
    /// One entry per `param` declaration, in order (same order as `main.params`).
    pub inputs: Vec<Input>,
    /// Symbols shared with other modules (the REPL); empty for a file.
    pub link: Linking,
    /// A program set's named outputs (`types::Setup::outputs`), in order; empty
    /// otherwise. Each is a local of `main` holding one output expression's value.
    pub outputs: Vec<Output>,
}

/// One output of a program set (see `Program::outputs`).
#[derive(Clone, Debug)]
pub struct Output {
    pub local: LocalId,
    pub ty: Ty,
    /// The output expression.
    pub span: Span,
}

/// The signature of a host function (registered through the library API): what the
/// checker resolves calls against. `CallHost` names one by its index in
/// `types::Setup::host`.
#[derive(Clone, Debug, PartialEq)]
pub struct HostSig {
    pub name: String,
    pub params: Vec<Ty>,
    pub ret: Ty,
}

/// How a module links to code and data of other modules (used by the REPL, where each
/// line is its own module). A file's program has an empty `Linking`.
#[derive(Clone, Debug, Default)]
pub struct Linking {
    /// Globals defined by an earlier module, by symbol: declared here, never defined nor
    /// zeroed.
    pub imported_globals: Vec<(GlobalId, String)>,
    /// Globals this module defines under an exported symbol.
    pub exported_globals: Vec<ExportedGlobal>,
    /// Functions this module defines under an exported symbol.
    pub exported_fns: Vec<(FnId, String)>,
    /// Functions defined by earlier modules; `CallExtern` names one by index.
    pub extern_fns: Vec<ExternFn>,
    /// Late binding (REPL): this module's functions that are called through a slot, a
    /// cell at that address holding the function's current code (see
    /// [`ExternFn::slot`]). Filled in by the REPL session after checking.
    pub fn_slots: Vec<(FnId, usize)>,
    /// The first span id of this module: faults raised by code of several modules in
    /// one run name ids from one table (the REPL's). Span `base + i` is the module's
    /// `spans[i]`. 0 for a file.
    pub span_base: u32,
}

impl Linking {
    /// The late-binding slot through which this module's function `id` is called.
    pub fn slot_of(&self, id: FnId) -> Option<usize> {
        self.fn_slots
            .iter()
            .find(|(f, _)| *f == id)
            .map(|&(_, slot)| slot)
    }
}

/// A program-level binding exported to later modules.
#[derive(Clone, Debug)]
pub struct ExportedGlobal {
    pub global: GlobalId,
    pub symbol: String,
    pub name: String,
    pub ty: Ty,
    pub mutable: bool,
    /// Later lines see it by name (false: a shadowed binding only this module's
    /// functions read).
    pub visible: bool,
}

/// A function of another module: `(ctx, params...) -> ret`; it may fail.
#[derive(Clone, Debug)]
pub struct ExternFn {
    pub name: String,
    pub symbol: String,
    pub params: Vec<Ty>,
    pub ret: Ty,
    /// Late binding: the address of the cell holding the code of the function's current
    /// definition (a redefinition with the same parameter types overwrites it), which
    /// every call loads; 0 calls `symbol` directly. Filled in by the REPL session.
    pub slot: usize,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub name: String,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Global {
    pub name: String,
    pub ty: Ty,
}

#[derive(Clone, Debug)]
pub struct Function {
    /// The name as written (`main` for the top level).
    pub name: String,
    /// Parameters, in order: each is a local.
    pub params: Vec<LocalId>,
    /// Every variable of the function (parameters first), with its type.
    pub locals: Vec<Local>,
    /// `None` only for a `main` with no result.
    pub ret: Option<Ty>,
    pub body: Block,
    /// The declaration (for `main`, the whole program).
    pub span: Span,
}

impl Function {
    /// The types of its parameters, in order.
    pub fn param_types(&self) -> Vec<Ty> {
        self.params
            .iter()
            .map(|&p| self.locals[p].ty.clone())
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub ty: Ty,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    /// The block's value: present for function bodies (and `main` with a result).
    pub value: Option<Box<Expr>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    Local(LocalId),
    Global(GlobalId),
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// Store a value into a variable: `let`, assignment, and binding of inputs.
    Assign { var: Var, value: Expr },
    /// Evaluate for its effects.
    Expr(Expr),
    /// `when`/`elif` arms in order, then the optional `else`.
    When {
        arms: Vec<(Expr, Block)>,
        else_block: Option<Block>,
    },
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    /// Runtime errors raised by this node point here.
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Ty, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    /// While checking: a node standing for an expression whose error was already
    /// reported (it never reaches a checked program).
    pub fn error(span: Span) -> Expr {
        Expr::new(ExprKind::Int(0), Ty::Error, span)
    }
}

/// Binary operators, `and` and `or` chain: see `crate::chain`.
impl Link for Expr {
    fn lhs(&self) -> Option<&Expr> {
        match &self.kind {
            ExprKind::Binary { lhs, .. } | ExprKind::And(lhs, _) | ExprKind::Or(lhs, _) => {
                lhs.node()
            }
            _ => None,
        }
    }

    fn take_lhs(&mut self) -> Option<Spine<Expr>> {
        match &mut self.kind {
            ExprKind::Binary { lhs, .. } | ExprKind::And(lhs, _) | ExprKind::Or(lhs, _) => {
                lhs.detach()
            }
            _ => None,
        }
    }

    fn with_lhs(&self, lhs: Spine<Expr>) -> Expr {
        let kind = match &self.kind {
            ExprKind::Binary { op, rhs, .. } => ExprKind::Binary {
                op: *op,
                lhs,
                rhs: rhs.clone(),
            },
            ExprKind::And(_, rhs) => ExprKind::And(lhs, rhs.clone()),
            ExprKind::Or(_, rhs) => ExprKind::Or(lhs, rhs.clone()),
            other => other.clone(),
        };
        Expr::new(kind, self.ty.clone(), self.span)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// Integer: wrapping negation. Float: IEEE negation.
    Neg,
    /// Bool negation.
    Not,
    /// Integer bitwise complement.
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// Int: wrapping. Float: IEEE. Str: concatenation.
    Add,
    Sub,
    Mul,
    /// Int: truncating; zero divisor and MIN / -1 are runtime errors. Float: IEEE.
    Div,
    /// Int: sign of the dividend; zero divisor is a runtime error; MIN % -1 is 0.
    /// Float: fmod.
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    /// Count taken modulo the lhs width.
    Shl,
    /// Arithmetic on signed, logical on unsigned; count modulo the lhs width.
    Shr,
    /// Comparisons give Bool; operands are numeric, Bool (Eq/Ne only) or Str (bytewise).
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The one-argument float functions, each an LLVM intrinsic for f32 and f64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathFn {
    Sqrt,
    Exp,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Floor,
    Ceil,
    Round,
    Trunc,
    // The extras (issue 5): lowered to libm calls or intrinsics by `codegen::ops`.
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp2,
    Cbrt,
    /// Two arguments.
    Hypot,
    /// Two arguments: `atan2(y, x)`.
    Atan2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// `print(x)`: writes x in the display format and a newline; returns x.
    Print,
    /// `string(x)`: the display format of x (identity on Str).
    ToString,
    /// `T(s)` with `s: string` and T scalar: parse like Rust's `str::parse::<T>`; failure
    /// is a runtime error. The target type is the node's type.
    Parse,
    /// Integer: wrapping absolute value (identity on unsigned). Float: fabs.
    Abs,
    /// Two or more arguments of the node's type. Float: NaN ignored (NaN only when every
    /// argument is), `-0.0` below `0.0`.
    Min,
    Max,
    /// Two float arguments of the node's type.
    Pow,
    /// One float argument of the node's type (two for `Hypot`, `Atan2`).
    Math(MathFn),
    /// A standard-library function on strings or lists (see [`LibFn`]).
    Lib(LibFn),
    /// `is_nan(x)`, `is_inf(x)`: one float argument, a bool result.
    IsNan,
    IsInf,
    /// `clamp(x, lo, hi)`, three arguments of the node's numeric type: `lo` when
    /// `x < lo`, else `hi` when `x > hi`, else `x` (so a NaN `x` stays NaN).
    Clamp,
    // ---- format (issue 15) ----
    /// `format(fmt, args...)` (v1, `types/format.rs`): `args[0]` is the format string,
    /// the rest its arguments, of any types. A literal `fmt` (an `ExprKind::Str`) was
    /// checked against the arguments' types when the program compiled; another one is
    /// parsed at run time (fault E0618 when bad).
    Format,
    /// A time function codegen writes inline (v1, see [`TimeFn`]).
    Time(TimeFn),
}

/// The time functions (v1) that are arithmetic on i64 nanoseconds, written inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeFn {
    /// `seconds(d) -> f64`: a duration in seconds.
    Seconds,
    /// `days(n) hours(n) minutes(n) secs(n) millis(n) -> duration`: `n` times the unit
    /// `kiln_runtime::time::UNITS[i]`; a result outside i64 nanoseconds is E0621.
    Unit(u8),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Bool(bool),
    /// Two's-complement bits of an integer constant, truncated to the type's width.
    Int(u64),
    Float(f64),
    Str(String),
    Var(Var),
    /// A list literal; `ty` is `List(elem)`.
    List(Vec<Expr>),
    /// Numeric conversion from the operand's type to this node's type.
    Cast(Box<Expr>),
    Unary {
        op: UnOp,
        operand: Box<Expr>,
    },
    /// `Binary`, `And` and `Or` chain (`a + b + c`, any length): their left operands are
    /// [`Spine`]s, walked with a loop (see `crate::chain`).
    Binary {
        op: BinOp,
        lhs: Spine<Expr>,
        rhs: Box<Expr>,
    },
    /// Short-circuit: rhs only when lhs is true.
    And(Spine<Expr>, Box<Expr>),
    /// Short-circuit: rhs only when lhs is false.
    Or(Spine<Expr>, Box<Expr>),
    /// Only the chosen branch is evaluated.
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        else_: Box<Expr>,
    },
    /// Conditions in order; nothing after the first true one is evaluated.
    Switch {
        arms: Vec<(Expr, Expr)>,
        default: Box<Expr>,
    },
    /// `item in list`; `item` has the list's element type.
    In {
        item: Box<Expr>,
        list: Box<Expr>,
    },
    /// `list[index]`, `index` of any integer type, bounds-checked (negative is out of
    /// bounds, and so is a u64 of 2^63 or more).
    Index {
        list: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        func: FnId,
        args: Vec<Expr>,
    },
    /// A call of `Program::link.extern_fns[func]`.
    CallExtern {
        func: usize,
        args: Vec<Expr>,
    },
    Builtin {
        op: Builtin,
        args: Vec<Expr>,
    },
    /// A call of host function `func` (an index into `types::Setup::host`, and into the
    /// `codegen::HostImpl`s the program is compiled with).
    CallHost {
        func: usize,
        args: Vec<Expr>,
    },
    /// A higher-order built-in with its lambda inlined (see [`HofOp`]): `args` are the
    /// list(s) and, for `reduce`, the initial accumulator; `params` are the lambda's
    /// parameters, locals of the enclosing function that each iteration assigns (the
    /// accumulator first for `reduce`, then the element(s)); `body` is the lambda's body,
    /// evaluated once per element (per pair for `zip_with`) in list order.
    Hof {
        op: HofOp,
        args: Vec<Expr>,
        params: Vec<LocalId>,
        body: Box<Expr>,
    },
    // ---- optional values (v1) ----------------------------------------------------------
    /// `none` of this node's type (a `T?`).
    None,
    /// A `T` widened to `T?` (this node's type): the implicit widening of a value to its
    /// optional type, explicit like a `Cast`.
    Some(Box<Expr>),
    /// Lifting (and every test of an optional): evaluate `args` in order, binding each
    /// to its local; an optional argument's local has the inner type and holds the
    /// value when it is not none. When an optional argument is none the result is
    /// decided by `on_none` and `body` is not evaluated; otherwise it is `body` (with
    /// [`OnNone::None`], its value made optional unless the body already is).
    Lift {
        args: Vec<LiftArg>,
        body: Box<Expr>,
        on_none: OnNone,
    },
    /// `a ?? b ?? c`: the first operand that is not none, later operands unevaluated.
    /// Every operand but the last is optional; this node has the last operand's type
    /// and each optional operand has the type `T?` of this node's `T`.
    Coalesce(Vec<Expr>),
    /// `T?(x)`, the conversion that cannot fail, to this node's type `T?` (`T` numeric):
    /// `x` a string parses like `T(x)`, a number converts like `T(x)`; `none` where
    /// `T(x)` would fail (unparsable text) or saturate (out of `T`'s range, NaN).
    TryConvert(Box<Expr>),
}

/// An operand of [`ExprKind::Lift`] and the local it is bound to.
#[derive(Clone, Debug)]
pub struct LiftArg {
    pub local: LocalId,
    pub value: Expr,
}

/// What [`ExprKind::Lift`] gives when an optional argument is none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnNone {
    /// `none`: lifting an operation (the node's type is `T?` of the body's `T`).
    None,
    /// A constant (`is_some`, `is_none`); the node's type is the body's, `bool`.
    Bool(bool),
    /// Total equality (`==` gives `false`, `!=` gives `ne = true`): when every argument
    /// is optional and none the result is `!ne`, when only some are none it is `ne`.
    Equal { ne: bool },
    /// `unwrap`: runtime fault E0612 at the none argument's span.
    Fault,
}

// ---- standard library: strings and lists ------------------------------------------------

/// Standard-library functions on strings and lists. Except `ListLen` (the pair's length),
/// each is a runtime function called as `(ctx, span, elem_kind, args...)`: strings and
/// lists pass as (ptr, len), scalars as `u64` bits; a scalar result comes back as bits, a
/// string or list through an out pointer. Counts, lengths and indices are `i64`;
/// strings count Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LibFn {
    StrLen,
    StrConcat,
    StrContains,
    StartsWith,
    EndsWith,
    Find,
    Substr,
    Upper,
    Lower,
    Trim,
    Replace,
    Split,
    Join,
    Repeat,
    ListLen,
    Sum,
    ListMin,
    ListMax,
    Avg,
    Median,
    Sort,
    SortDesc,
    Reverse,
    Unique,
    CountDistinct,
    ListConcat,
    Slice,
    First,
    Last,
    IndexOf,
    ListContains,
    /// Element-wise `lhs op rhs`: two lists of one element type and equal length (else
    /// fault E0607), or a list and a scalar of its element type (either side). The node's
    /// type is `[elem]`, `[bool]` for comparisons. Integer `/` and `%` keep their checks.
    Map(BinOp),
    /// `filter(xs, mask)`: the elements whose mask entry is true (lengths must match).
    Filter,
    /// `count(mask)`, `any(mask)`, `all(mask)` over a `[bool]`.
    Count,
    Any,
    All,
    /// `range(n)`, `range(a, b)`, `range(a, b, step)`: `[i64]`, end-exclusive, counting
    /// down for a negative step; a zero step is fault E0613. One, two or three `i64`
    /// arguments (the missing start is 0, the missing step 1).
    Range,
    /// `flatten(xss: [[T]]) -> [T]` (v1): the inner lists one after the other.
    Flatten,
    /// `compact(xs)` of a `[T?]` (v1): its values, in order, as a `[T]`.
    Compact,
    /// `compact` giving a `[T]?`: `none` when no value is left (how `avg`, `median`,
    /// `min` and `max` of a `[T?]` give none).
    CompactSome,
    // ---- issue 15: regular expressions (the `regex` crate's syntax and meaning) -------
    // `(s, re)` (`replace_all`: `(s, re, with)`). A literal `re` is checked and compiled
    // when the program is (`types/regex.rs`) and reached through its call site's slot
    // (`codegen/regex.rs`, `kiln_runtime::regex`); a computed one through a bounded
    // cache, fault E0614 at `re` when it does not compile.
    /// `matches(s, re) -> bool`: the pattern matches somewhere in `s`.
    Matches,
    /// `find_match(s, re) -> string?`: the leftmost match.
    FindMatch,
    /// `captures(s, re) -> [string?]?`: group 0 then each group of the leftmost match.
    Captures,
    /// `replace_all(s, re, with) -> string`, `$1` / `${name}` expanded.
    ReplaceAll,
    /// `split_re(s, re) -> [string]`: the pieces between matches (empty ones kept).
    SplitRe,
    // ---- issue 15: characters (Unicode scalar values) -----------------------------------
    /// `chars(s) -> [string]`.
    Chars,
    /// `is_digit(s)`: every character ASCII `0`-`9` (false for "").
    IsDigit,
    /// `is_alpha(s)`: every character Unicode Alphabetic (false for "").
    IsAlpha,
    /// `is_space(s)`: every character Unicode White_Space (false for "").
    IsSpace,
    /// `char_code(s) -> i64`: fault E0620 at `s` unless it is one character.
    CharCode,
    /// `from_char_code(n) -> string`: fault E0620 at `n` unless it is a scalar value.
    FromCharCode,
    // ---- format (issue 15) ----
    /// `round(x, digits)` (v1), `x` f32 or f64 and `digits` i64: half away from zero on
    /// the shortest decimal text of `x` (`runtime/src/format.rs`).
    RoundTo,
    // ---- the time library (issue 15; planned in `types/zones.rs`) ----
    /// `year(ts)` … `day_of_year(ts)` -> i64, with the zone as an optional second
    /// argument (its plan: `ZoneArg`).
    TimeField(TimeField, ZoneArg),
    /// `format_time(ts, fmt [, zone])` -> string; `literal_fmt`: the format is a literal,
    /// checked when the program was compiled.
    FormatTime {
        literal_fmt: bool,
        zone: ZoneArg,
    },
    /// `parse_time(s, fmt [, zone])` -> timestamp? (none when the text does not match).
    ParseTime {
        literal_fmt: bool,
        zone: ZoneArg,
    },
    /// `date_trunc(ts, unit [, zone])` -> timestamp.
    DateTrunc(UnitArg, ZoneArg),
    /// `now()` -> timestamp: the host clock (a side effect: never folded or merged).
    Now,
}

impl LibFn {
    /// Whether it is one of the time library's functions (`types/zones.rs`,
    /// `codegen/zones.rs`, `interp/zones.rs`).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            LibFn::TimeField(..)
                | LibFn::FormatTime { .. }
                | LibFn::ParseTime { .. }
                | LibFn::DateTrunc(..)
                | LibFn::Now
        )
    }
}

// ---- higher-order built-ins (lambdas) -----------------------------------------------------

/// The built-ins that take a lambda. For `xs: [T]` (the node's type in brackets):
/// `map(xs, x -> e)` [U]; `filter(xs, x -> c)` [T]; `reduce(xs, init, (acc, x) -> e)` A;
/// `any`/`all(xs, x -> c)` bool; `count(xs, x -> c)` i64; `find(xs, x -> c)` T?;
/// `find_index(xs, x -> c)` i64 (-1 when none); `sort_by(xs, x -> key)` [T] (stable,
/// NaN keys last, `-0.0` before `0.0`); `zip_with(xs, ys, (a, b) -> e)` [U] (lengths
/// must match, E0607); `flat_map(xs, x -> ys)` [U]; `group_by(xs, x -> key)` [[T]].
/// `any`, `all`, `find` and `find_index` stop at the first element that decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HofOp {
    Map,
    Filter,
    Reduce,
    Any,
    All,
    Count,
    Find,
    FindIndex,
    SortBy,
    ZipWith,
    FlatMap,
    GroupBy,
}

impl HofOp {
    pub const ALL: [HofOp; 12] = [
        HofOp::Map,
        HofOp::Filter,
        HofOp::Reduce,
        HofOp::Any,
        HofOp::All,
        HofOp::Count,
        HofOp::Find,
        HofOp::FindIndex,
        HofOp::SortBy,
        HofOp::ZipWith,
        HofOp::FlatMap,
        HofOp::GroupBy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            HofOp::Map => "map",
            HofOp::Filter => "filter",
            HofOp::Reduce => "reduce",
            HofOp::Any => "any",
            HofOp::All => "all",
            HofOp::Count => "count",
            HofOp::Find => "find",
            HofOp::FindIndex => "find_index",
            HofOp::SortBy => "sort_by",
            HofOp::ZipWith => "zip_with",
            HofOp::FlatMap => "flat_map",
            HofOp::GroupBy => "group_by",
        }
    }

    pub fn from_name(name: &str) -> Option<HofOp> {
        HofOp::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The arguments before the lambda: the list, and `init` (`reduce`) or the second
    /// list (`zip_with`).
    pub fn leading_args(self) -> usize {
        match self {
            HofOp::Reduce | HofOp::ZipWith => 2,
            _ => 1,
        }
    }

    /// How many parameters its lambda takes.
    pub fn lambda_params(self) -> usize {
        match self {
            HofOp::Reduce | HofOp::ZipWith => 2,
            _ => 1,
        }
    }

    /// Whether the lambda's body is a condition (`bool`).
    pub fn is_predicate(self) -> bool {
        matches!(
            self,
            HofOp::Filter | HofOp::Any | HofOp::All | HofOp::Count | HofOp::Find | HofOp::FindIndex
        )
    }
}
