//! The generator of random well-typed Kiln programs. It works by type: asked for an
//! expression of a type, it picks a production that yields that type (an operator, a
//! builtin, a conversion, a user function, `if`, `switch`, indexing, ...) and asks for
//! the operands' types in turn, so everything it writes type-checks. Literals are
//! suffixed (`5i8`, `1.5f32`) except, now and then, beside an operand of the same type
//! (where the contract gives them that type), so literal inference is exercised too.
//!
//! Optional values (v1) are types like any other: asked for a `T?` (or a `[T?]`), the
//! generator writes `none` where its context types it (beside a value in `if`, in a list
//! with a value, an annotated `let`), plain values that widen, `T?(...)` conversions,
//! operators and pure built-ins lifted over an optional operand, `??` chains and the
//! aggregates of lists of optionals; asked for a plain type, it now and then reads one
//! from optionals (`??` ending in a plain value, a guarded `unwrap`, `is_none`/`is_some`,
//! total `==`, `compact`, `sum`/`len`/`count_distinct` of `[T?]`). A `bool?` only ever
//! reaches a condition through `?? false`-style chains ending in a `bool`.
//!
//! `format` (issue 15, `gen/format.rs`) gets a literal format string with a random spec
//! that fits each argument's type (lists and optionals included), or now and then a
//! computed one, some of them bad (fault E0618); `round(x, digits)` varied digits.
//!
//! Programs terminate: the only repetition is recursion, and a recursive function's first
//! parameter `n: i64` decreases by one per call and stops at `n <= 0`, with every outside
//! call passing `(e % 6)`. `repeat` counts are bounded the same way, so sizes stay small.

use crate::ast::{Expr, FnDef, Input, Kind, Program, Stmt, Ty, FLOATS, INTS, SCALARS};
use crate::rng::Rng;

mod format;
mod text;

/// The one-argument float functions (`(F) -> F`).
pub const MATH1: [&str; 20] = [
    "sqrt", "exp", "log", "log2", "log10", "sin", "cos", "tan", "floor", "ceil", "round", "trunc",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp2", "cbrt",
];

/// Strings literals are drawn from (Unicode, whitespace, numbers and separators, so the
/// string library and parsing conversions have something to work on).
const STRINGS: [&str; 22] = [
    "", "a", "abc", "héllo", "straße", "  pad ", "a,b,,c", "😀x", "42", "-7", "3.5", "true", "NaN",
    "1e3", "\t\n", "x\"y", "'q'", ",", "l", "255", "-0.0", "inf",
];

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    /// A mutable variable (functions do not see these).
    mutable: bool,
    /// Declared at the program's top level.
    top: bool,
}

#[derive(Clone, Debug)]
struct FnSig {
    name: String,
    params: Vec<Ty>,
    ret: Ty,
    recursive: bool,
    /// One self-call and no `print`: may be called with a large `n`.
    deep: bool,
}

/// Inside a recursive function's step: its name and the types of its other parameters.
#[derive(Clone, Debug)]
struct RecCtx {
    name: String,
    ret: Ty,
    params: Vec<Ty>,
    calls_left: usize,
}

struct Gen {
    rng: Rng,
    vars: Vec<Var>,
    fns: Vec<FnSig>,
    rec: Option<RecCtx>,
    /// Nodes left for the current expression; leaves only when it runs out.
    budget: usize,
    /// User function calls left for the current function body (bounds total work).
    calls_left: usize,
    fresh: usize,
    /// A program for the columnar path too: scalar params, a scalar result, no `print`.
    columnar: bool,
    /// Deep recursion allowed ([`GenOptions::deep_recursion`]).
    deep: bool,
    /// No `print` in what is being generated (a deep function's body).
    no_print: bool,
}

/// The program of `seed`: the same seed gives the same program.
pub fn program(seed: u64) -> Program {
    program_with(seed, &GenOptions::default())
}

/// What the generator may write besides its defaults.
#[derive(Clone, Debug, Default)]
pub struct GenOptions {
    /// Now and then a recursive function without `print` and with one self-call, called
    /// once with a large `n` (up to 10^7): deep recursion, which may hit the stack guard
    /// (E0606). Off by default (the test suite, and campaigns without `--deep`): how
    /// deep generated code gets before E0606 depends on its frame sizes, so on the
    /// optimisation level (-O2 may even turn a self tail call into a loop), which such
    /// programs show as disagreements; and the interpreter needs about 1 GB for each.
    pub deep_recursion: bool,
}

/// The program of `seed` under `options`.
pub fn program_with(seed: u64, options: &GenOptions) -> Program {
    let mut g = Gen {
        deep: options.deep_recursion,
        rng: Rng::new(seed),
        vars: Vec::new(),
        fns: Vec::new(),
        rec: None,
        budget: 0,
        calls_left: 0,
        fresh: 0,
        columnar: false,
        no_print: false,
    };
    g.program()
}

fn int_range(ty: &Ty) -> (i128, i128) {
    let bits = ty.bits();
    if ty.is_signed() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

/// The text of a string literal for `s`.
pub fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal of integer type `ty` with value `v` (suffixed; negative ones parenthesised).
pub fn int_lit(ty: &Ty, v: i128) -> Expr {
    let s = ty.name();
    let text = if v < 0 {
        format!("(-{}{s})", v.unsigned_abs())
    } else {
        format!("{v}{s}")
    };
    Expr::lit(ty.clone(), text)
}

/// A literal of float type `ty` (finite in `ty`).
pub fn float_lit(ty: &Ty, v: f64) -> Expr {
    let s = ty.name();
    let digits = if *ty == Ty::F32 {
        format!("{:?}", (v as f32).abs())
    } else {
        format!("{:?}", v.abs())
    };
    let text = if v.is_sign_negative() {
        format!("(-{digits}{s})")
    } else {
        format!("{digits}{s}")
    };
    Expr::lit(ty.clone(), text)
}

/// The simplest literal of a type (what the shrinker replaces nodes with).
pub fn simple(ty: &Ty, which: usize) -> Expr {
    match ty {
        t if t.is_int() => int_lit(t, [0, 1, 2][which % 3]),
        t if t.is_float() => float_lit(t, [0.0, 1.0, 2.5][which % 3]),
        Ty::Bool => Expr::lit(Ty::Bool, ["false", "true", "false"][which % 3]),
        Ty::Str => Expr::lit(Ty::Str, string_literal(["", "a", "ab"][which % 3])),
        Ty::List(e) => {
            let items = (0..(which % 3).max(1)).map(|i| simple(e, i)).collect();
            Expr::new(ty.clone(), Kind::List(items))
        }
        Ty::Opt(_) => Expr::lit(ty.clone(), "none"),
        Ty::Timestamp => time_lit(ty, TIMESTAMPS[which % 3]),
        Ty::Duration => time_lit(ty, DURATIONS[which % 3]),
        _ => unreachable!(),
    }
}

/// Strip the type suffix of a literal (it then takes its type from the other operand).
fn unsuffix(e: &mut Expr) {
    if let Kind::Lit(text) = &mut e.kind {
        let suffix = e.ty.name();
        if let Some(pos) = text.rfind(&suffix) {
            if pos + suffix.len() == text.len() || text[pos + suffix.len()..] == *")" {
                text.replace_range(pos..pos + suffix.len(), "");
            }
        }
    }
}

impl Gen {
    fn name(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh - 1)
    }

    fn scalar(&mut self) -> Ty {
        match self.rng.below(12) {
            0..=5 => self.rng.pick(&INTS).clone(),
            6..=8 => self.rng.pick(&FLOATS).clone(),
            9 => Ty::Bool,
            _ => Ty::Str,
        }
    }

    fn num(&mut self) -> Ty {
        if self.rng.chance(65) {
            self.rng.pick(&INTS).clone()
        } else {
            self.rng.pick(&FLOATS).clone()
        }
    }

    fn any_ty(&mut self) -> Ty {
        if self.rng.chance(22) {
            let e = self.elem_ty();
            Ty::list(e)
        } else {
            self.scalar()
        }
    }

    /// The element type of a list the generator searches or measures: mostly a scalar,
    /// now and then a list of scalars (a list of lists, compared structurally).
    fn elem_ty(&mut self) -> Ty {
        let e = self.scalar();
        if self.rng.chance(15) {
            Ty::list(e)
        } else {
            e
        }
    }

    /// A type that widens to `ty` (other than `ty`), if there is one.
    fn narrower(&mut self, ty: &Ty) -> Option<Ty> {
        let c: Vec<Ty> = SCALARS
            .iter()
            .filter(|s| *s != ty && s.widens_to(ty))
            .cloned()
            .collect();
        (!c.is_empty()).then(|| self.rng.pick(&c).clone())
    }

    // ---- literals ---------------------------------------------------------------------

    fn int_value(&mut self, ty: &Ty) -> i128 {
        let (lo, hi) = int_range(ty);
        match self.rng.below(12) {
            0 => lo,
            1 => hi,
            2 => 0,
            3 => 1,
            4 if lo < 0 => -1,
            5 => 2,
            6 => (self.rng.next_u64() as i128).rem_euclid(hi - lo + 1) + lo,
            7 => hi - 1,
            _ => self.rng.below(100) as i128,
        }
    }

    fn float_value(&mut self, ty: &Ty) -> f64 {
        let f32_only = [
            0.0, -0.0, 1.5, 0.1, 1e-3, 2.5e10, 1e30, 3.4e38, 1e-45, 0.5, 100.0,
        ];
        let v = *self.rng.pick(&f32_only);
        match self.rng.below(10) {
            0 if *ty == Ty::F64 => *self.rng.pick(&[1e300, 5e-324, 1.7976931348623157e308]),
            1 => (self.rng.below(2001) as f64 - 1000.0) / 8.0,
            2 => -v,
            3 => self.rng.below(10) as f64,
            _ => v,
        }
    }

    fn literal(&mut self, ty: &Ty) -> Expr {
        match ty {
            t if t.is_int() => {
                let v = self.int_value(t);
                if v >= 0 && self.rng.chance(10) {
                    Expr::lit(t.clone(), format!("0x{v:x}{}", t.name()))
                } else if v >= 0 && self.rng.chance(3) {
                    Expr::lit(t.clone(), format!("0b{v:b}{}", t.name()))
                } else {
                    int_lit(t, v)
                }
            }
            t if t.is_float() => {
                if self.rng.chance(6) {
                    // NaN, inf, -inf: no literal, a division.
                    let num = *self.rng.pick(&[0.0, 1.0, -1.0]);
                    let n = float_lit(t, num);
                    let z = float_lit(t, 0.0);
                    return Expr::binary(t.clone(), "/", n, z);
                }
                let v = self.float_value(t);
                if v.fract() == 0.0 && v.abs() < 1000.0 && v >= 0.0 && self.rng.chance(10) {
                    // `3f32`: a decimal integer with a float suffix.
                    return Expr::lit(t.clone(), format!("{}{}", v as i64, t.name()));
                }
                float_lit(t, v)
            }
            Ty::Bool => Expr::lit(Ty::Bool, *self.rng.pick(&["true", "false"])),
            Ty::Str => {
                let s = *self.rng.pick(&STRINGS);
                Expr::lit(Ty::Str, string_literal(s))
            }
            Ty::List(e) => {
                let n = self.rng.range(1, 3);
                let items = (0..n).map(|_| self.literal(e)).collect();
                Expr::new(ty.clone(), Kind::List(items))
            }
            Ty::Timestamp | Ty::Duration => self.time_literal(ty),
            _ => unreachable!(),
        }
    }

    // ---- expressions ------------------------------------------------------------------

    fn visible(&self, ty: &Ty) -> Vec<String> {
        self.vars
            .iter()
            .filter(|v| v.ty == *ty)
            .map(|v| v.name.clone())
            .collect()
    }

    fn leaf(&mut self, ty: &Ty) -> Expr {
        if let Some(rec) = &self.rec {
            if rec.calls_left > 0 && rec.ret == *ty && self.rng.chance(50) {
                return self.rec_call();
            }
        }
        let vars = self.visible(ty);
        if !vars.is_empty() && self.rng.chance(55) {
            let v = self.rng.pick(&vars).clone();
            return Expr::var(ty.clone(), v);
        }
        if ty.has_opt() {
            return self.opt_leaf(ty);
        }
        self.literal(ty)
    }

    fn rec_call(&mut self) -> Expr {
        let rec = self.rec.as_mut().expect("inside a recursive function");
        rec.calls_left = rec.calls_left.saturating_sub(1);
        let (name, ret, params) = (rec.name.clone(), rec.ret.clone(), rec.params.clone());
        let args = params.iter().map(|t| self.expr(t, 1)).collect();
        Expr::new(ret, Kind::RecCall(name, args))
    }

    /// An expression of type `ty`, at most `depth` levels deep.
    pub fn expr_of(&mut self, ty: &Ty, depth: usize, budget: usize) -> Expr {
        self.budget = budget;
        self.expr(ty, depth)
    }

    fn expr(&mut self, ty: &Ty, depth: usize) -> Expr {
        if depth == 0 || self.budget == 0 || self.rng.chance(15) {
            return self.leaf(ty);
        }
        self.budget -= 1;
        let d = depth - 1;
        for _ in 0..8 {
            if let Some(e) = self.production(ty, d) {
                return e;
            }
        }
        self.leaf(ty)
    }

    /// One production for `ty`, or `None` when the one drawn does not apply.
    fn production(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if ty.has_opt() {
            return self.opt_production(ty, d);
        }
        if matches!(ty, Ty::Timestamp | Ty::Duration) {
            return Some(self.time_expr(ty, d));
        }
        if self.rng.chance(4) {
            if let Some(e) = self.computed_from_time(ty, d) {
                return Some(e);
            }
        }
        // Forms of every type first, then those of the type's kind.
        match self.rng.below(20) {
            0 => {
                let c = self.expr(&Ty::Bool, d);
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                return Some(Expr::new(
                    ty.clone(),
                    Kind::If(Box::new(c), Box::new(a), Box::new(b)),
                ));
            }
            1 => {
                let mut xs = Vec::new();
                for _ in 0..self.rng.range(1, 3) {
                    xs.push(self.expr(&Ty::Bool, d));
                    xs.push(self.expr(ty, d));
                }
                xs.push(self.expr(ty, d));
                return Some(Expr::new(ty.clone(), Kind::Switch(xs)));
            }
            2 if ty.depth() < 2 => {
                // Mostly an index that exists: a literal list and an index below its
                // length (a fault ends the program, and the rest is not compared).
                let lt = Ty::list(ty.clone());
                let (list, idx) = if self.rng.chance(80) {
                    let n = self.rng.range(1, 4);
                    let list = self.list_of(&lt, n, d);
                    let t = self.index_ty();
                    (list, int_lit(&t, self.rng.below(n) as i128))
                } else {
                    (self.expr(&lt, d), self.index(d))
                };
                return Some(Expr::new(
                    ty.clone(),
                    Kind::Index(Box::new(list), Box::new(idx)),
                ));
            }
            3 if ty.depth() < 2 => {
                let list = self.mostly_nonempty(&Ty::list(ty.clone()), d);
                let f = if self.rng.chance(50) { "first" } else { "last" };
                return Some(Expr::call(ty.clone(), f, vec![list]));
            }
            4 if !self.columnar && !self.no_print && self.rng.chance(30) => {
                let e = self.expr(ty, d);
                return Some(Expr::call(ty.clone(), "print", vec![e]));
            }
            5 | 6 => return self.user_call(ty, d),
            7 => {
                if let Some(e) = self.hof_expr(ty, d) {
                    return Some(e);
                }
            }
            8 if self.rng.chance(60) => {
                if let Some(e) = self.read_opt(ty, d) {
                    return Some(e);
                }
            }
            // Issue 15: regular expressions and characters (`gen/text.rs`).
            9 => {
                if let Some(e) = self.text_expr(ty, d) {
                    return Some(e);
                }
            }
            _ => {}
        }
        match ty {
            t if t.is_int() => self.int_expr(t, d),
            t if t.is_float() => self.float_expr(t, d),
            Ty::Bool => self.bool_expr(d),
            Ty::Str => self.str_expr(d),
            Ty::List(e) => self.list_expr(ty, e, d),
            _ => None,
        }
    }

    /// An index type: any integer type. CONTRACT: the v1 clarifications allow `u64`
    /// indices too, but the checker still refuses them (E0201); add `Ty::U64` here once
    /// it accepts them.
    fn index_ty(&mut self) -> Ty {
        if self.rng.chance(60) {
            Ty::I64
        } else {
            self.rng.pick(&INTS[..7]).clone()
        }
    }

    fn index(&mut self, d: usize) -> Expr {
        let t = self.index_ty();
        if self.rng.chance(65) {
            let v = [0, 1, 2, 0, 1, 3][self.rng.below(6)];
            int_lit(&t, v)
        } else {
            self.expr(&t, d)
        }
    }

    fn user_call(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if self.calls_left == 0 {
            return None;
        }
        let cands: Vec<FnSig> = self.fns.iter().filter(|f| f.ret == *ty).cloned().collect();
        if cands.is_empty() {
            return None;
        }
        self.calls_left -= 1;
        let f = self.rng.pick(&cands).clone();
        let mut args = Vec::new();
        for (i, p) in f.params.iter().enumerate() {
            if f.recursive && i == 0 {
                let e = self.expr(&Ty::I64, d.min(1));
                args.push(Expr::new(Ty::I64, Kind::Bounded(Box::new(e), 6)));
            } else if let (true, Some(n)) = (self.rng.chance(15), self.narrower(p)) {
                // A narrower argument widens to the parameter's type.
                args.push(self.expr(&n, d));
            } else {
                args.push(self.expr(p, d));
            }
        }
        Some(Expr::call(ty.clone(), &f.name, args))
    }

    /// A binary operator on two operands of `ty`; now and then one operand is of a
    /// narrower type, or a literal without suffix.
    fn same_binary(&mut self, ty: &Ty, op: &'static str, d: usize) -> Expr {
        let mut a = self.expr(ty, d);
        let mut b = self.expr(ty, d);
        if self.rng.chance(12) {
            if let Some(n) = self.narrower(ty) {
                if self.rng.chance(50) {
                    a = self.expr(&n, d);
                } else {
                    b = self.expr(&n, d);
                }
            }
        }
        if a.ty == *ty && b.ty == *ty && self.rng.chance(25) {
            if a.is_lit() && !b.is_lit() {
                unsuffix(&mut a);
            } else if b.is_lit() && !a.is_lit() {
                unsuffix(&mut b);
            }
        }
        Expr::binary(ty.clone(), op, a, b)
    }

    /// A non-zero-folding integer divisor of `ty`.
    fn divisor(&mut self, ty: &Ty, d: usize) -> Expr {
        let e = self.expr(ty, d);
        if e.is_constant() {
            // A divisor that folds to zero is a compile error; `| 1` never folds to 0.
            Expr::binary(ty.clone(), "|", e, int_lit(ty, 1))
        } else {
            e
        }
    }

    fn conversion(&mut self, ty: &Ty, d: usize) -> Expr {
        let name = ty.name();
        match self.rng.below(10) {
            0 => {
                let b = self.expr(&Ty::Bool, d);
                Expr::call(ty.clone(), &name, vec![b])
            }
            1 | 2 => {
                // Parsing: the display text of a value of the same type (round trip) or
                // any string (mostly a runtime error).
                let s = if self.rng.chance(85) {
                    let v = self.expr(ty, d);
                    Expr::call(Ty::Str, "string", vec![v])
                } else {
                    self.expr(&Ty::Str, d)
                };
                Expr::call(ty.clone(), &name, vec![s])
            }
            // `bool(x)` converts only a bool or a string.
            _ if *ty == Ty::Bool => {
                let b = self.expr(&Ty::Bool, d);
                Expr::call(ty.clone(), &name, vec![b])
            }
            _ => {
                let from = self.num();
                let e = self.expr(&from, d);
                Expr::call(ty.clone(), &name, vec![e])
            }
        }
    }

    /// Numeric forms shared by integers and floats.
    fn num_common(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = ty.clone();
        Some(match self.rng.below(9) {
            0 => {
                let e = self.expr(ty, d);
                Expr::call(t, "abs", vec![e])
            }
            1 => {
                let f = if self.rng.chance(50) { "min" } else { "max" };
                // Two arguments, now and then three or four (issue 13).
                let n = if self.rng.chance(75) {
                    2
                } else {
                    3 + self.rng.below(2)
                };
                let args = (0..n).map(|_| self.expr(ty, d)).collect();
                Expr::call(t, f, args)
            }
            2 => {
                let x = self.expr(ty, d);
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                // Mostly bounds in order (`min`/`max` of the same two), so the program
                // goes on; now and then as they come, to reach E0615.
                let (lo, hi) = if self.rng.chance(80) {
                    (
                        Expr::call(t.clone(), "min", vec![a.clone(), b.clone()]),
                        Expr::call(t.clone(), "max", vec![a, b]),
                    )
                } else {
                    (a, b)
                };
                Expr::call(t, "clamp", vec![x, lo, hi])
            }
            3 => {
                let e = self.expr(ty, d);
                Expr::call(t, "sign", vec![e])
            }
            4 => {
                let f = *self.rng.pick(&["sum", "min", "max"]);
                let xs = self.mostly_nonempty(&Ty::list(t.clone()), d);
                Expr::call(t, f, vec![xs])
            }
            5 | 6 => self.conversion(ty, d),
            _ => {
                // `+x`, or a negation (not of a literal: `-5u8` is a literal out of range).
                let e = self.expr(ty, d);
                if e.is_lit() || self.rng.chance(20) {
                    Expr::new(t, Kind::Unary("+", Box::new(e)))
                } else {
                    Expr::new(t, Kind::Unary("-", Box::new(e)))
                }
            }
        })
    }

    fn int_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = ty.clone();
        Some(match self.rng.below(16) {
            0..=2 => {
                let op = *self.rng.pick(&["+", "-", "*"]);
                self.same_binary(ty, op, d)
            }
            3 => {
                let op = *self.rng.pick(&["/", "%"]);
                let a = self.expr(ty, d);
                let b = self.divisor(ty, d);
                Expr::binary(t, op, a, b)
            }
            4 => {
                let op = *self.rng.pick(&["&", "|", "^"]);
                self.same_binary(ty, op, d)
            }
            5 => {
                let op = *self.rng.pick(&["<<", ">>"]);
                let a = self.expr(ty, d);
                let ct = self.rng.pick(&INTS).clone();
                let b = self.expr(&ct, d);
                Expr::binary(t, op, a, b)
            }
            6 => {
                let e = self.expr(ty, d);
                Expr::new(t, Kind::Unary("~", Box::new(e)))
            }
            7..=10 if *ty == Ty::I64 => return self.i64_expr(d),
            _ => return self.num_common(ty, d),
        })
    }

    /// Functions that give an i64: lengths, counts, indices.
    fn i64_expr(&mut self, d: usize) -> Option<Expr> {
        let i = Ty::I64;
        Some(match self.rng.below(7) {
            0 => {
                let s = self.expr(&Ty::Str, d);
                Expr::call(i, "len", vec![s])
            }
            1 => {
                let et = self.elem_ty();
                let xs = self.expr(&Ty::list(et), d);
                let f = if self.rng.chance(50) {
                    "len"
                } else {
                    "count_distinct"
                };
                Expr::call(i, f, vec![xs])
            }
            2 => {
                let a = self.expr(&Ty::Str, d);
                let b = self.expr(&Ty::Str, d);
                Expr::call(i, "find", vec![a, b])
            }
            3 => {
                let et = self.elem_ty();
                let xs = self.expr(&Ty::list(et.clone()), d);
                let x = self.expr(&et, d);
                Expr::call(i, "index_of", vec![xs, x])
            }
            4 => {
                let m = self.expr(&Ty::list(Ty::Bool), d);
                Expr::call(i, "count", vec![m])
            }
            5 => {
                let args = (0..3).map(|_| self.expr(&Ty::I64, d)).collect();
                Expr::call(i, "median3", args)
            }
            6 => self.time_field(d),
            _ => return None,
        })
    }

    fn float_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = ty.clone();
        Some(match self.rng.below(16) {
            0..=2 => {
                let op = *self.rng.pick(&["+", "-", "*", "/"]);
                self.same_binary(ty, op, d)
            }
            3 => self.same_binary(ty, "%", d),
            4 | 5 => {
                let f = *self.rng.pick(&MATH1);
                let e = self.expr(ty, d);
                Expr::call(t, f, vec![e])
            }
            6 => {
                let f = *self.rng.pick(&["pow", "hypot", "atan2"]);
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                Expr::call(t, f, vec![a, b])
            }
            7 => {
                let f = *self.rng.pick(&["lerp", "mean3", "median3"]);
                let args = (0..3).map(|_| self.expr(ty, d)).collect();
                Expr::call(t, f, args)
            }
            8 => {
                // avg and median: f32 of [f32], f64 of any other numeric list.
                let et = if *ty == Ty::F32 {
                    Ty::F32
                } else {
                    let mut n = self.num();
                    while n == Ty::F32 {
                        n = self.num();
                    }
                    n
                };
                let xs = self.expr(&Ty::list(et), d);
                let f = if self.rng.chance(50) { "avg" } else { "median" };
                Expr::call(t, f, vec![xs])
            }
            // issue 15: `round(x, digits)`
            9 => self.round_expr(ty, d),
            _ => return self.num_common(ty, d),
        })
    }

    fn bool_expr(&mut self, d: usize) -> Option<Expr> {
        let b = Ty::Bool;
        Some(match self.rng.below(14) {
            0..=2 => {
                let st = self.scalar();
                let op = if st == Ty::Bool {
                    *self.rng.pick(&["==", "!="])
                } else {
                    *self.rng.pick(&["==", "!=", "<", "<=", ">", ">="])
                };
                let mut e = self.same_binary(&st, op, d);
                e.ty = Ty::Bool;
                e
            }
            3 | 4 => {
                let op = *self.rng.pick(&["and", "or", "and", "or", "&&", "||"]);
                let x = self.expr(&b, d);
                let y = self.expr(&b, d);
                Expr::binary(b, op, x, y)
            }
            5 => {
                let e = self.expr(&b, d);
                Expr::new(
                    b,
                    Kind::Unary(if self.rng.chance(80) { "not" } else { "!" }, Box::new(e)),
                )
            }
            6 => {
                let et = self.elem_ty();
                let x = self.expr(&et, d);
                let xs = self.expr(&Ty::list(et), d);
                if self.rng.chance(50) {
                    Expr::binary(b, "in", x, xs)
                } else {
                    Expr::call(b, "contains", vec![xs, x])
                }
            }
            7 => {
                let f = *self.rng.pick(&["contains", "starts_with", "ends_with"]);
                let x = self.expr(&Ty::Str, d);
                let y = self.expr(&Ty::Str, d);
                Expr::call(b, f, vec![x, y])
            }
            8 => {
                let ft = self.rng.pick(&FLOATS).clone();
                let f = if self.rng.chance(50) {
                    "is_nan"
                } else {
                    "is_inf"
                };
                let x = self.expr(&ft, d);
                Expr::call(b, f, vec![x])
            }
            9 => {
                let f = if self.rng.chance(50) { "any" } else { "all" };
                let m = self.expr(&Ty::list(b.clone()), d);
                Expr::call(b, f, vec![m])
            }
            10 => self.conversion(&b, d),
            11 => {
                // Both sides evaluated, no short-circuit.
                let op = *self.rng.pick(&["&", "|", "^"]);
                self.same_binary(&b, op, d)
            }
            _ => return None,
        })
    }

    fn str_expr(&mut self, d: usize) -> Option<Expr> {
        let s = Ty::Str;
        Some(match self.rng.below(13) {
            0 | 1 => self.same_binary(&s, "+", d),
            2 => {
                let a = self.expr(&s, d);
                let b = self.expr(&s, d);
                Expr::call(s, "concat", vec![a, b])
            }
            3 | 4 => {
                let t = self.any_ty();
                let e = self.expr(&t, d);
                Expr::call(s, "string", vec![e])
            }
            5 => {
                let f = *self.rng.pick(&["upper", "lower", "trim"]);
                let e = self.expr(&s, d);
                Expr::call(s, f, vec![e])
            }
            6 => {
                let args = (0..3).map(|_| self.expr(&Ty::Str, d)).collect();
                Expr::call(s, "replace", args)
            }
            7 => {
                let x = self.expr(&s, d);
                let a = self.expr(&Ty::I64, d);
                let b = self.expr(&Ty::I64, d);
                Expr::call(s, "substr", vec![x, a, b])
            }
            8 => {
                let xs = self.expr(&Ty::list(Ty::Str), d);
                let sep = self.expr(&s, d);
                Expr::call(s, "join", vec![xs, sep])
            }
            9 => {
                let x = self.expr(&s, d);
                let n = self.expr(&Ty::I64, d.min(1));
                let n = Expr::new(Ty::I64, Kind::Bounded(Box::new(n), 4));
                Expr::call(s, "repeat", vec![x, n])
            }
            10 => self.time_str(d),
            // issue 15: `format(fmt, args...)`
            11 => self.format_expr(d),
            _ => return None,
        })
    }

    fn list_expr(&mut self, ty: &Ty, elem: &Ty, d: usize) -> Option<Expr> {
        let t = ty.clone();
        Some(match self.rng.below(15) {
            0..=2 => {
                let n = if self.rng.chance(10) {
                    self.rng.range(5, 12)
                } else {
                    self.rng.range(1, 4)
                };
                let items = (0..n).map(|_| self.expr(elem, d.min(1))).collect();
                Expr::new(t, Kind::List(items))
            }
            3 | 4 if elem.is_num() || *elem == Ty::Str => {
                // Element-wise arithmetic: list op list, list op scalar, scalar op list.
                let op = if *elem == Ty::Str {
                    "+"
                } else {
                    *self.rng.pick(&["+", "-", "*", "/", "%"])
                };
                let (a, b) = self.elementwise_operands(elem, d);
                Expr::binary(t, op, a, b)
            }
            5 if *elem == Ty::Bool => {
                let st = self.scalar();
                let op = if st == Ty::Bool {
                    return None;
                } else {
                    *self.rng.pick(&["==", "!=", "<", "<=", ">", ">="])
                };
                let (a, b) = self.elementwise_operands(&st, d);
                Expr::binary(t, op, a, b)
            }
            6 => {
                // Lists have no order: `sort` only of scalars and strings.
                let f = if elem.is_list() {
                    *self.rng.pick(&["reverse", "unique"])
                } else {
                    *self.rng.pick(&["sort", "sort_desc", "reverse", "unique"])
                };
                let xs = self.expr(ty, d);
                Expr::call(t, f, vec![xs])
            }
            7 => {
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                Expr::call(t, "concat", vec![a, b])
            }
            8 => {
                let xs = self.expr(ty, d);
                let a = self.index(d);
                let b = self.index(d);
                let (a, b) = (widen_to_i64(a), widen_to_i64(b));
                Expr::call(t, "slice", vec![xs, a, b])
            }
            9 | 10 => {
                let vars = self.visible(ty);
                let (xs, mask) = if !vars.is_empty() && self.rng.chance(60) && elem.is_num() {
                    // A mask from the same list: `filter(xs, xs > 2)`.
                    let v = self.rng.pick(&vars).clone();
                    let op = *self.rng.pick(&["<", ">", "==", "!="]);
                    let s = self.expr(elem, d);
                    let mask =
                        Expr::binary(Ty::list(Ty::Bool), op, Expr::var(t.clone(), v.clone()), s);
                    (Expr::var(t.clone(), v), mask)
                } else if self.rng.chance(70) {
                    let n = self.rng.range(1, 4);
                    let xs = self.list_of(ty, n, d);
                    let mask = self.list_of(&Ty::list(Ty::Bool), n, d);
                    (xs, mask)
                } else {
                    let xs = self.expr(ty, d);
                    let mask = self.expr(&Ty::list(Ty::Bool), d);
                    (xs, mask)
                };
                Expr::call(t, "filter", vec![xs, mask])
            }
            11 if *elem == Ty::Str => {
                let a = self.expr(&Ty::Str, d);
                let b = self.expr(&Ty::Str, d);
                Expr::call(t, "split", vec![a, b])
            }
            13 if *elem == Ty::Bool => {
                // Masks combined element by element, or negated.
                if self.rng.chance(25) {
                    let m = self.expr(ty, d);
                    let op = if self.rng.chance(80) { "not" } else { "!" };
                    Expr::new(t, Kind::Unary(op, Box::new(m)))
                } else {
                    let op = *self.rng.pick(&["&", "|", "^"]);
                    let (a, b) = self.elementwise_operands(elem, d);
                    Expr::binary(t, op, a, b)
                }
            }
            12 => {
                // An empty list of this type.
                let xs = self.expr(ty, d);
                let z = int_lit(&Ty::I64, 0);
                Expr::call(t, "slice", vec![xs, z.clone(), z])
            }
            13 if *elem == Ty::I64 => self.range(d),
            14 if ty.depth() < 3 => {
                // The inner lists of a list of lists, one after the other.
                let xss = self.expr(&Ty::list(t.clone()), d);
                Expr::call(t, "flatten", vec![xss])
            }
            _ => return None,
        })
    }

    // ---- lambdas in the higher-order built-ins ------------------------------------------

    /// A lambda whose parameters have the types `params` and whose body is of type
    /// `body_ty`. The body reads the parameters and whatever is visible at the call
    /// (captures); no recursive call inside (a loop of them would multiply the work).
    fn lambda(&mut self, params: &[Ty], body_ty: &Ty, d: usize) -> Expr {
        let names: Vec<String> = params.iter().map(|_| self.name("l")).collect();
        let saved = self.vars.len();
        for (n, t) in names.iter().zip(params) {
            self.vars.push(Var {
                name: n.clone(),
                ty: t.clone(),
                mutable: false,
                top: false,
            });
        }
        let rec = self.rec.take();
        let body = self.expr(body_ty, d);
        self.rec = rec;
        self.vars.truncate(saved);
        Expr::new(body_ty.clone(), Kind::Lambda(names, Box::new(body)))
    }

    /// A list to go over: mostly short, now and then a visible one or a `range`.
    fn hof_list(&mut self, lt: &Ty, d: usize) -> Expr {
        if self.rng.chance(70) {
            let n = self.rng.range(0, 4);
            if n == 0 {
                let xs = self.expr(lt, d.min(1));
                let z = int_lit(&Ty::I64, 0);
                return Expr::call(lt.clone(), "slice", vec![xs, z.clone(), z]);
            }
            self.list_of(lt, n, d)
        } else {
            self.expr(lt, d)
        }
    }

    /// A higher-order call giving `ty`, or `None` when the one drawn does not give it.
    fn hof_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = ty.clone();
        let elem = self.elem_ty();
        let lt = Ty::list(elem.clone());
        Some(match self.rng.below(8) {
            // (find(xs, x -> c) ?? default): the first accepted element, else the default.
            7 if !ty.is_list() => {
                let xs = self.hof_list(&Ty::list(ty.clone()), d);
                let c = self.lambda(std::slice::from_ref(ty), &Ty::Bool, d);
                let found = Expr::call(t.clone(), "find", vec![xs, c]);
                let default = self.expr(ty, d.min(1));
                Expr::binary(t, "??", found, default)
            }
            // group_by(xs, x -> key) for a list of lists, keyed by a scalar.
            6 => {
                let Ty::List(g) = ty else { return None };
                let Ty::List(u) = &**g else { return None };
                let key = match self.rng.below(4) {
                    0 => Ty::Bool,
                    1 => Ty::Str,
                    _ => self.num(),
                };
                let xs = self.hof_list(g, d);
                let f = self.lambda(&[(**u).clone()], &key, d);
                Expr::call(t, "group_by", vec![xs, f])
            }
            // map(xs, x -> e): any list type from any element type.
            0 if ty.is_list() => {
                let Ty::List(u) = ty else { return None };
                let xs = self.hof_list(&lt, d);
                let f = self.lambda(&[elem], u, d);
                Expr::call(t, "map", vec![xs, f])
            }
            1 if ty.is_list() => {
                let Ty::List(u) = ty else { return None };
                let u = (**u).clone();
                match self.rng.below(4) {
                    0 => {
                        let xs = self.hof_list(ty, d);
                        let f = self.lambda(&[u], &Ty::Bool, d);
                        Expr::call(t, "filter", vec![xs, f])
                    }
                    3 => {
                        // A numeric or string key.
                        let key = if self.rng.chance(75) {
                            self.num()
                        } else {
                            Ty::Str
                        };
                        let xs = self.hof_list(ty, d);
                        let f = self.lambda(&[u], &key, d);
                        Expr::call(t, "sort_by", vec![xs, f])
                    }
                    1 => {
                        // Mostly lists of one length (else E0607 ends the program).
                        let other = self.scalar();
                        let n = self.rng.range(1, 4);
                        let (xs, ys) = if self.rng.chance(85) {
                            (
                                self.list_of(&lt, n, d),
                                self.list_of(&Ty::list(other.clone()), n, d),
                            )
                        } else {
                            (
                                self.hof_list(&lt, d),
                                self.hof_list(&Ty::list(other.clone()), d),
                            )
                        };
                        let f = self.lambda(&[elem, other], &u, d);
                        Expr::call(t, "zip_with", vec![xs, ys, f])
                    }
                    _ => {
                        let xs = self.hof_list(&lt, d.min(1));
                        let f = self.lambda(&[elem], ty, d.min(2));
                        Expr::call(t, "flat_map", vec![xs, f])
                    }
                }
            }
            2 if *ty == Ty::I64 => {
                let f = *self.rng.pick(&["count", "find_index"]);
                let xs = self.hof_list(&lt, d);
                let c = self.lambda(&[elem], &Ty::Bool, d);
                Expr::call(t, f, vec![xs, c])
            }
            3 if *ty == Ty::Bool => {
                let f = *self.rng.pick(&["any", "all"]);
                let xs = self.hof_list(&lt, d);
                let c = self.lambda(&[elem], &Ty::Bool, d);
                Expr::call(t, f, vec![xs, c])
            }
            4 if !ty.is_list() => {
                // reduce(xs, init, (acc, x) -> e), `init` of the accumulator's type
                // (suffixed, so it keeps that type).
                let xs = self.hof_list(&lt, d);
                let init = self.expr(ty, d.min(1));
                let f = self.lambda(&[ty.clone(), elem], ty, d);
                Expr::call(t, "reduce", vec![xs, init, f])
            }
            5 if ty.is_num() => {
                // An aggregate of a map (fused when the body cannot fault).
                let f = *self.rng.pick(&["sum", "min", "max"]);
                let xs = if f == "sum" {
                    self.hof_list(&lt, d)
                } else {
                    let n = self.rng.range(1, 4);
                    self.list_of(&lt, n, d)
                };
                let m = self.lambda(&[elem], ty, d);
                let mapped = Expr::call(Ty::list(ty.clone()), "map", vec![xs, m]);
                Expr::call(t, f, vec![mapped])
            }
            _ => return None,
        })
    }

    /// `range(n)`, `range(a, b)` or `range(a, b, step)` with bounds kept small (`% 8`);
    /// the step is mostly a nonzero literal, now and then computed (zero: E0613).
    fn range(&mut self, d: usize) -> Expr {
        let n = 1 + self.rng.below(3);
        let mut args: Vec<Expr> = (0..n.min(2))
            .map(|_| {
                let t = self.rng.pick(&INTS).clone();
                let e = self.expr(&t, d.min(1));
                if matches!(t.name().as_str(), "i8" | "u8") && self.rng.chance(30) {
                    // As it is: a parameter widens it (at most 255 elements).
                    return e;
                }
                let e = widen_to_i64(e);
                Expr::new(Ty::I64, Kind::Bounded(Box::new(e), 8))
            })
            .collect();
        if n == 3 {
            args.push(if self.rng.chance(85) {
                let step = *self.rng.pick(&[-3, -2, -1, 1, 1, 2, 3]);
                int_lit(&Ty::I64, step)
            } else {
                let e = self.expr(&Ty::I64, d.min(1));
                Expr::new(Ty::I64, Kind::Bounded(Box::new(e), 3))
            });
        }
        Expr::call(Ty::list(Ty::I64), "range", args)
    }

    /// A list that is mostly not empty (`first`, `min` of `[]` fault).
    fn mostly_nonempty(&mut self, lt: &Ty, d: usize) -> Expr {
        if self.rng.chance(65) {
            let n = self.rng.range(1, 3);
            self.list_of(lt, n, d)
        } else {
            self.expr(lt, d)
        }
    }

    /// A list literal of `n` elements.
    fn list_of(&mut self, lt: &Ty, n: usize, d: usize) -> Expr {
        let elem = lt.elem().expect("a list type").clone();
        let items = (0..n).map(|_| self.expr(&elem, d)).collect();
        Expr::new(lt.clone(), Kind::List(items))
    }

    fn elementwise_operands(&mut self, elem: &Ty, d: usize) -> (Expr, Expr) {
        let lt = Ty::list(elem.clone());
        match self.rng.below(4) {
            // Lists of one length mostly; any two lists now and then (E0607).
            0 if self.rng.chance(75) => {
                let n = self.rng.range(1, 4);
                (self.list_of(&lt, n, d), self.list_of(&lt, n, d))
            }
            0 => (self.expr(&lt, d), self.expr(&lt, d)),
            1 => (self.expr(&lt, d), self.expr(elem, d)),
            _ => (self.expr(elem, d), self.expr(&lt, d)),
        }
    }

    // ---- statements -------------------------------------------------------------------

    fn param_value(&mut self, ty: &Ty) -> String {
        match ty {
            t if t.is_int() => self.int_value(t).to_string(),
            Ty::F32 => {
                let v = match self.rng.below(8) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    _ => self.float_value(ty),
                };
                format!("{:?}", v as f32)
            }
            Ty::F64 => {
                let v = match self.rng.below(8) {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    _ => self.float_value(ty),
                };
                format!("{v:?}")
            }
            Ty::Bool => self.rng.pick(&["true", "false"]).to_string(),
            Ty::Str => self
                .rng
                .pick(&["", "abc", "héllo wörld", "42", "a,b", "x y"])
                .to_string(),
            Ty::Timestamp => self.timestamp_text().to_string(),
            Ty::Duration => self.rng.pick(&DURATIONS).to_string(),
            Ty::List(e) => {
                // Long enough now and then for the vectorised loops of -O2.
                let n = if self.rng.chance(40) {
                    self.rng.range(5, 24)
                } else {
                    self.rng.below(4)
                };
                let items: Vec<String> = (0..n).map(|_| self.param_value(e)).collect();
                format!("[{}]", items.join(", "))
            }
            _ => unreachable!(),
        }
    }

    fn param_ty(&mut self) -> Ty {
        let t = match self.rng.chance(6) {
            true => self.time_ty(),
            false => self.scalar(),
        };
        if self.rng.chance(35) && t != Ty::Str {
            // Now and then a list of lists (`--param g='[[1, 2], []]'`).
            if self.rng.chance(15) {
                Ty::list(Ty::list(t))
            } else {
                Ty::list(t)
            }
        } else {
            t
        }
    }

    fn declare(&mut self, name: &str, ty: &Ty, mutable: bool, top: bool) {
        self.vars.retain(|v| v.name != name);
        self.vars.push(Var {
            name: name.to_string(),
            ty: ty.clone(),
            mutable,
            top,
        });
    }

    fn function(&mut self) -> Stmt {
        let name = self.name("f");
        let recursive = self.rng.chance(40);
        let deep = recursive && self.deep && self.rng.chance(20);
        // A deep function's values are numbers and bools: a string or list built per
        // level would cost quadratic time at a depth of 10^7.
        let pick = |g: &mut Gen| {
            if deep {
                let mut t = g.scalar();
                while t == Ty::Str {
                    t = g.scalar();
                }
                t
            } else if g.rng.chance(10) {
                g.opt_ty()
            } else {
                g.any_ty()
            }
        };
        let mut params: Vec<(String, Ty)> = Vec::new();
        if recursive {
            params.push(("n".to_string(), Ty::I64));
        }
        for i in 0..self.rng.range(usize::from(!recursive), 2) {
            let t = pick(self);
            params.push((format!("a{i}"), t));
        }
        let ret = pick(self);
        // A function sees its parameters and the program-level lets and params so far.
        let saved = std::mem::take(&mut self.vars);
        self.vars = saved
            .iter()
            .filter(|v| v.top && !v.mutable)
            .cloned()
            .collect();
        for (n, t) in &params {
            self.declare(n, t, false, false);
        }
        self.calls_left = 2;
        let block = if self.rng.chance(30) {
            let mut stmts = Vec::new();
            for _ in 0..self.rng.range(1, 2) {
                let t = self.any_ty();
                let e = self.expr_of(&t, 3, 12);
                let l = self.name("l");
                stmts.push(Stmt::Let(l.clone(), None, e));
                self.declare(&l, &t, false, false);
            }
            Some(stmts)
        } else {
            None
        };
        let result = self.expr_of(&ret, 3, 16);
        let step = if recursive {
            self.rec = Some(RecCtx {
                name: name.clone(),
                ret: ret.clone(),
                params: params[1..].iter().map(|(_, t)| t.clone()).collect(),
                calls_left: 2,
            });
            if deep {
                // One self-call only (below), and no output per level (no calls either:
                // a function called may print).
                self.rec.as_mut().unwrap().calls_left = 0;
                self.no_print = true;
                self.calls_left = 0;
            }
            let other = self.expr_of(&ret, 3, 12);
            if let Some(r) = &mut self.rec {
                r.calls_left = 1;
            }
            let first = self.rec_call();
            let (a, b) = if self.rng.chance(50) {
                (first, other)
            } else {
                (other, first)
            };
            self.rec = None;
            self.no_print = false;
            Some(combine(&ret, a, b, self.rng.below(4)))
        } else {
            None
        };
        self.vars = saved;
        self.fns.push(FnSig {
            name: name.clone(),
            params: params.iter().map(|(_, t)| t.clone()).collect(),
            ret: ret.clone(),
            recursive,
            deep,
        });
        Stmt::Fn(FnDef {
            name,
            params,
            ret,
            block,
            result,
            step,
        })
    }

    /// A statement of the program's top level or of a `when` block (`depth` > 0).
    fn statement(&mut self, depth: usize) -> Stmt {
        self.calls_left = 3;
        let top = depth == 0;
        match self.rng.below(10) {
            0..=2 if self.rng.chance(15) => self.opt_let(top),
            0..=2 => {
                let t = self.any_ty();
                let name = if top { self.name("v") } else { self.name("l") };
                // An annotation, now and then of a wider type the value widens to.
                let (ann, et) = if self.rng.chance(40) {
                    match self.narrower(&t) {
                        Some(n) if self.rng.chance(40) => (Some(t.clone()), n),
                        _ => (Some(t.clone()), t.clone()),
                    }
                } else {
                    (None, t.clone())
                };
                let e = self.expr_of(&et, 4, 24);
                let bound = ann.clone().unwrap_or(et);
                self.declare(&name, &bound, false, top);
                Stmt::Let(name, ann, e)
            }
            3 | 4 => {
                let muts: Vec<Var> = self.vars.iter().filter(|v| v.mutable).cloned().collect();
                if !muts.is_empty() && (self.rng.chance(60) || !top) {
                    let v = self.rng.pick(&muts).clone();
                    let et = match self.narrower(&v.ty) {
                        Some(n) if self.rng.chance(20) => n,
                        _ => v.ty.clone(),
                    };
                    let e = self.expr_of(&et, 4, 24);
                    Stmt::Assign(v.name, e)
                } else if top {
                    let t = self.any_ty();
                    let e = self.expr_of(&t, 4, 24);
                    let name = self.name("m");
                    self.declare(&name, &t, true, true);
                    Stmt::Assign(name, e)
                } else {
                    self.print_stmt()
                }
            }
            5 | 6 if depth < 2 => {
                let mut arms = Vec::new();
                for _ in 0..self.rng.range(1, 3) {
                    let c = self.expr_of(&Ty::Bool, 3, 12);
                    let body = self.block(depth + 1);
                    arms.push((c, body));
                }
                let other = self.rng.chance(50).then(|| self.block(depth + 1));
                Stmt::When(arms, other)
            }
            _ => self.print_stmt(),
        }
    }

    fn print_stmt(&mut self) -> Stmt {
        let t = if self.rng.chance(10) {
            self.opt_ty()
        } else {
            self.any_ty()
        };
        if self.columnar {
            // No output but the result: a binding instead.
            let e = self.expr_of(&t, 4, 20);
            let name = self.name("l");
            self.declare(&name, &t, false, false);
            return Stmt::Let(name, None, e);
        }
        let e = self.expr_of(&t, 4, 20);
        Stmt::Expr(Expr::call(t, "print", vec![e]))
    }

    fn block(&mut self, depth: usize) -> Vec<Stmt> {
        let saved = self.vars.clone();
        let stmts = (0..self.rng.range(1, 3))
            .map(|_| self.statement(depth))
            .collect();
        self.vars = saved;
        stmts
    }

    fn program(&mut self) -> Program {
        let mut stmts = Vec::new();
        let mut inputs = Vec::new();
        self.columnar = self.rng.chance(20);
        let params = if self.columnar {
            self.rng.range(1, 3)
        } else {
            self.rng.below(4)
        };
        let mut optionals = Vec::new();
        for i in 0..params {
            let name = format!("p{i}");
            let ty = if self.columnar && self.rng.chance(6) {
                self.time_ty()
            } else if self.columnar {
                self.scalar()
            } else {
                self.param_ty()
            };
            // Now and then an optional input (v1), `none` (an empty value) a third of
            // the time; it is read as `(p ?? literal)`, a `let` of type `T`.
            if !ty.is_list() && self.rng.chance(25) {
                let text = match self.rng.chance(33) {
                    true => String::new(),
                    false => self.param_value(&ty),
                };
                let opt = Ty::Opt(Box::new(ty.clone()));
                stmts.push(Stmt::Param(name.clone(), opt.clone()));
                inputs.push(Input {
                    name: name.clone(),
                    ty: opt.clone(),
                    text,
                });
                // Also read directly, as a `T?`.
                self.declare(&name, &opt, false, true);
                optionals.push((name, opt, ty));
                continue;
            }
            let text = self.param_value(&ty);
            self.declare(&name, &ty, false, true);
            stmts.push(Stmt::Param(name.clone(), ty.clone()));
            inputs.push(Input { name, ty, text });
        }
        for (name, opt, ty) in optionals {
            let default = self.literal(&ty);
            let read = Expr::binary(ty.clone(), "??", Expr::var(opt, &name), default);
            let value = format!("{name}v");
            self.declare(&value, &ty, false, true);
            stmts.push(Stmt::Let(value, None, read));
        }
        for _ in 0..self.rng.below(2) {
            stmts.push(self.statement_let_only());
        }
        for _ in 0..self.rng.below(4) {
            stmts.push(self.function());
        }
        // A deep function is called once with a large `n`.
        let deep: Vec<FnSig> = self.fns.iter().filter(|f| f.deep).cloned().collect();
        for f in deep {
            self.calls_left = 0;
            // 10^7 levels overflow a 256 MiB stack at -O0; 10^4 to 10^6 need not.
            let n = *self.rng.pick(&[10_000i128, 100_000, 1_000_000, 10_000_000]);
            let mut args = vec![int_lit(&Ty::I64, n)];
            for p in &f.params[1..] {
                args.push(self.expr_of(p, 2, 6));
            }
            let call = Expr::call(f.ret.clone(), &f.name, args);
            let name = self.name("v");
            self.declare(&name, &f.ret, false, true);
            stmts.push(Stmt::Let(name, None, call));
        }
        for _ in 0..self.rng.range(1, 5) {
            stmts.push(self.statement(0));
        }
        // The result: mostly an expression, now and then a binding or a `when` (none).
        self.calls_left = 3;
        match self.rng.below(20) {
            0 if !self.columnar => stmts.push(self.statement(0)),
            _ => {
                let t = if self.rng.chance(12) {
                    // An optional result: `none` is printed on every path.
                    self.opt_ty()
                } else if self.rng.chance(6) {
                    self.time_ty()
                } else if self.columnar {
                    self.scalar()
                } else {
                    self.any_ty()
                };
                let e = self.expr_of(&t, 5, 30);
                stmts.push(Stmt::Expr(e));
            }
        }
        Program { stmts, inputs }
    }

    fn statement_let_only(&mut self) -> Stmt {
        self.calls_left = 0;
        let t = self.any_ty();
        let name = self.name("v");
        let e = self.expr_of(&t, 3, 16);
        self.declare(&name, &t, false, true);
        Stmt::Let(name, None, e)
    }
}

/// Two values of `ty` combined into one (a recursive step uses its self-call).
fn combine(ty: &Ty, a: Expr, b: Expr, which: usize) -> Expr {
    let t = ty.clone();
    match ty {
        t2 if t2.is_int() => Expr::binary(t, ["+", "-", "^", "*"][which % 4], a, b),
        t2 if t2.is_float() => Expr::binary(t, ["+", "-", "*", "+"][which % 4], a, b),
        Ty::Bool => Expr::binary(t, ["and", "or", "==", "!="][which % 4], a, b),
        Ty::Str => Expr::binary(t, "+", a, b),
        Ty::List(_) => Expr::call(t, "concat", vec![a, b]),
        // Both optional: the first that is not none.
        Ty::Opt(_) => Expr::new(t, Kind::Coalesce(vec![a, b])),
        _ => unreachable!(),
    }
}

/// An index of any integer type as the i64 `slice` takes: widened when it can be.
fn widen_to_i64(e: Expr) -> Expr {
    if e.ty.widens_to(&Ty::I64) {
        e
    } else {
        Expr::call(Ty::I64, "i64", vec![e])
    }
}

// ---- optional values (v1) ---------------------------------------------------------------

/// Texts the `T?(...)` conversions parse: numbers in and out of every type's range,
/// unparsable ones, and the float specials.
const OPT_TEXTS: [&str; 14] = [
    "12",
    "-7",
    "255",
    "256",
    "-129",
    "300",
    "3.5",
    "abc",
    "",
    "NaN",
    "inf",
    "1e400",
    "99999999999999999999",
    " 4",
];

impl Gen {
    /// `T?` of a scalar `T`.
    fn opt_ty(&mut self) -> Ty {
        let t = self.scalar();
        Ty::opt(t)
    }

    /// `let x: T? = e;`: `none`, a plain value that widens, or an optional expression.
    fn opt_let(&mut self, top: bool) -> Stmt {
        let ty = self.opt_ty();
        let Ty::Opt(t) = &ty else { unreachable!() };
        let t = (**t).clone();
        let e = match self.rng.below(6) {
            0 => Expr::lit(ty.clone(), "none"),
            1 => self.expr_of(&t, 4, 24),
            _ => self.expr_of(&ty, 4, 24),
        };
        let name = if top { self.name("v") } else { self.name("l") };
        self.declare(&name, &ty, false, top);
        Stmt::Let(name, Some(ty), e)
    }

    /// `if(c, v, none)` or `if(c, none, v)`: `none` typed by the value beside it.
    fn beside_none(&mut self, ty: &Ty, c: Expr, v: Expr) -> Expr {
        let none = Expr::lit(ty.clone(), "none");
        let (a, b) = if self.rng.chance(50) {
            (v, none)
        } else {
            (none, v)
        };
        Expr::new(ty.clone(), Kind::If(Box::new(c), Box::new(a), Box::new(b)))
    }

    /// An operand beside an optional one: optional, plain (it widens), or `none` now and
    /// then (the other operand types it).
    fn opt_or_plain(&mut self, t: &Ty, d: usize) -> Expr {
        match self.rng.below(10) {
            0 => Expr::lit(Ty::opt(t.clone()), "none"),
            1..=4 => self.expr(&Ty::opt(t.clone()), d),
            _ => self.expr(t, d),
        }
    }

    /// An argument of a built-in beside an optional one: optional or plain (`none` takes
    /// no type from the other arguments of a call).
    fn opt_or_plain_arg(&mut self, t: &Ty, d: usize) -> Expr {
        if self.rng.chance(45) {
            self.expr(&Ty::opt(t.clone()), d)
        } else {
            self.expr(t, d)
        }
    }

    /// A leaf of a type holding an optional when no binding of it is visible: a
    /// conversion of a literal, or a literal beside `none`; a list of optionals.
    fn opt_leaf(&mut self, ty: &Ty) -> Expr {
        match ty {
            Ty::Opt(t) => {
                if t.is_num() && self.rng.chance(60) {
                    let from = if self.rng.chance(60) {
                        (**t).clone()
                    } else {
                        self.num()
                    };
                    let x = self.literal(&from);
                    return Expr::call(ty.clone(), &ty.name(), vec![x]);
                }
                let c = self.literal(&Ty::Bool);
                let v = self.literal(t);
                self.beside_none(ty, c, v)
            }
            _ => self.opt_list(ty, 0),
        }
    }

    /// A literal list of optionals `[T?]`: plain values (they widen), optional
    /// expressions and `none`, with at least one element that is not `none` (it types the
    /// list) and one that is optional.
    fn opt_list(&mut self, lt: &Ty, d: usize) -> Expr {
        let ot = lt.elem().expect("a list type").clone();
        let Ty::Opt(t) = &ot else {
            unreachable!("a list of optionals")
        };
        let t = (**t).clone();
        let n = self.rng.range(2, 5);
        let mut items: Vec<Expr> = (0..n)
            .map(|_| match self.rng.below(3) {
                0 => Expr::lit(ot.clone(), "none"),
                1 => self.expr(&ot, d.min(1)),
                _ => self.expr(&t, d.min(1)),
            })
            .collect();
        let none = |e: &Expr| matches!(&e.kind, Kind::Lit(s) if s == "none");
        if items.iter().all(none) {
            let at = self.rng.below(n);
            items[at] = self.expr(&t, d.min(1));
        }
        if items.iter().all(|e| e.ty == t) {
            let at = self.rng.below(n);
            items[at] = Expr::lit(ot.clone(), "none");
            if items.iter().all(none) {
                items[(at + 1) % n] = self.expr(&t, d.min(1));
            }
        }
        Expr::new(lt.clone(), Kind::List(items))
    }

    /// One production of a type holding an optional (`T?` or `[T?]`).
    fn opt_production(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = match ty {
            Ty::Opt(t) => (**t).clone(),
            Ty::List(e) if e.is_opt() => return Some(self.opt_list(ty, d)),
            _ => return None,
        };
        Some(match self.rng.below(16) {
            0 => {
                // Both branches optional, or a plain one beside an optional one.
                let c = self.expr(&Ty::Bool, d);
                let a = self.expr(ty, d);
                let b = self.opt_or_plain(&t, d);
                let (a, b) = if self.rng.chance(50) { (a, b) } else { (b, a) };
                Expr::new(ty.clone(), Kind::If(Box::new(c), Box::new(a), Box::new(b)))
            }
            1 => {
                let mut xs = Vec::new();
                for _ in 0..self.rng.range(1, 2) {
                    xs.push(self.expr(&Ty::Bool, d));
                    xs.push(self.expr(ty, d));
                }
                xs.push(self.expr(ty, d));
                Expr::new(ty.clone(), Kind::Switch(xs))
            }
            2 => {
                let lt = Ty::list(ty.clone());
                let list = self.opt_list(&lt, d);
                let Kind::List(items) = &list.kind else {
                    unreachable!()
                };
                let i = self.rng.below(items.len());
                let it = self.index_ty();
                let idx = int_lit(&it, i as i128);
                Expr::new(ty.clone(), Kind::Index(Box::new(list), Box::new(idx)))
            }
            3 => {
                let list = self.opt_list(&Ty::list(ty.clone()), d);
                let f = if self.rng.chance(50) { "first" } else { "last" };
                Expr::call(ty.clone(), f, vec![list])
            }
            4 if !self.columnar && !self.no_print => {
                let e = self.expr(ty, d);
                Expr::call(ty.clone(), "print", vec![e])
            }
            5 => return self.user_call(ty, d),
            6 | 7 => {
                // An all-optional `??` chain, `none` now and then in the middle.
                let mut xs = vec![self.expr(ty, d)];
                if self.rng.chance(40) {
                    xs.push(self.opt_or_plain(&t, d));
                    if !xs[1].ty.is_opt() {
                        xs[1] = self.expr(ty, d);
                    }
                }
                xs.push(self.expr(ty, d));
                Expr::new(ty.clone(), Kind::Coalesce(xs))
            }
            8 if t.is_num() => self.opt_conversion(ty, d),
            9..=12 => return self.lift(ty, &t, d),
            13 if t.is_num() => {
                // Aggregates of a list of optionals that give `T?` (none when nothing is
                // left).
                if t.is_float() && self.rng.chance(50) {
                    let et = if t == Ty::F32 {
                        Ty::F32
                    } else {
                        let mut n = self.num();
                        while n == Ty::F32 {
                            n = self.num();
                        }
                        n
                    };
                    let xs = self.opt_list(&Ty::list(Ty::opt(et)), d);
                    let f = if self.rng.chance(50) { "avg" } else { "median" };
                    Expr::call(ty.clone(), f, vec![xs])
                } else {
                    let xs = self.opt_list(&Ty::list(ty.clone()), d);
                    let f = if self.rng.chance(50) { "min" } else { "max" };
                    Expr::call(ty.clone(), f, vec![xs])
                }
            }
            _ => {
                let c = self.expr(&Ty::Bool, d);
                let v = self.expr(&t, d);
                self.beside_none(ty, c, v)
            }
        })
    }

    /// `T?(x)`: text (parsable or not), a number of any type (in `T`'s range or not),
    /// another optional.
    fn opt_conversion(&mut self, ty: &Ty, d: usize) -> Expr {
        let arg = match self.rng.below(6) {
            0 | 1 => {
                let s = *self.rng.pick(&OPT_TEXTS);
                Expr::lit(Ty::Str, string_literal(s))
            }
            2 => {
                let from = self.num();
                let v = self.expr(&from, d);
                Expr::call(Ty::Str, "string", vec![v])
            }
            3 => self.expr(&Ty::Str, d),
            4 => {
                let from = self.num();
                self.expr(&from, d)
            }
            _ => {
                let from = Ty::opt(self.num());
                self.expr(&from, d)
            }
        };
        Expr::call(ty.clone(), &ty.name(), vec![arg])
    }

    /// An operator or pure built-in lifted over an optional operand (the first one drawn
    /// is always optional, so the result is).
    fn lift(&mut self, ty: &Ty, t: &Ty, d: usize) -> Option<Expr> {
        let o = ty.clone();
        let swap = |g: &mut Gen, a: Expr, b: Expr| {
            if g.rng.chance(50) {
                (a, b)
            } else {
                (b, a)
            }
        };
        Some(match t {
            t if t.is_num() => match self.rng.below(9) {
                0 | 1 => {
                    let op = if t.is_float() {
                        *self.rng.pick(&["+", "-", "*", "/", "%"])
                    } else {
                        *self.rng.pick(&["+", "-", "*", "&", "|", "^"])
                    };
                    let a = self.expr(ty, d);
                    let b = self.opt_or_plain(t, d);
                    let (a, b) = swap(self, a, b);
                    Expr::binary(o, op, a, b)
                }
                2 if t.is_int() => {
                    let op = *self.rng.pick(&["/", "%"]);
                    let a = self.expr(ty, d);
                    let b = self.divisor(t, d);
                    Expr::binary(o, op, a, b)
                }
                3 if t.is_int() => {
                    let op = *self.rng.pick(&["<<", ">>"]);
                    let ct = self.rng.pick(&INTS).clone();
                    let (a, b) = if self.rng.chance(70) {
                        let a = self.expr(ty, d);
                        (a, self.opt_or_plain(&ct, d))
                    } else {
                        // A plain value shifted by an optional count.
                        (self.expr(t, d), self.expr(&Ty::opt(ct), d))
                    };
                    Expr::binary(o, op, a, b)
                }
                4 => {
                    let e = self.expr(ty, d);
                    let op = if t.is_int() && self.rng.chance(40) {
                        "~"
                    } else {
                        "-"
                    };
                    Expr::new(o, Kind::Unary(op, Box::new(e)))
                }
                5 => {
                    let f = *self.rng.pick(&["abs", "min", "max"]);
                    let mut args = vec![self.expr(ty, d)];
                    if f == "min" || f == "max" {
                        let b = self.opt_or_plain_arg(t, d);
                        args.push(b);
                    }
                    Expr::call(o, f, args)
                }
                6 if t.is_float() => {
                    let f = *self.rng.pick(&MATH1);
                    let e = self.expr(ty, d);
                    Expr::call(o, f, vec![e])
                }
                7 if t.is_float() => {
                    let f = *self.rng.pick(&["pow", "hypot", "atan2"]);
                    let a = self.expr(ty, d);
                    let b = self.opt_or_plain_arg(t, d);
                    let (a, b) = swap(self, a, b);
                    Expr::call(o, f, vec![a, b])
                }
                8 if *t == Ty::I64 => {
                    let s = self.expr(&Ty::opt(Ty::Str), d);
                    Expr::call(o, "len", vec![s])
                }
                _ => {
                    // A conversion lifted: `i32(x)` of an optional number.
                    let from = Ty::opt(self.num());
                    let e = self.expr(&from, d);
                    Expr::call(o, &t.name(), vec![e])
                }
            },
            Ty::Bool => match self.rng.below(3) {
                0 => {
                    // Ordering gives `bool?`.
                    let st = loop {
                        let s = self.scalar();
                        if s != Ty::Bool {
                            break s;
                        }
                    };
                    let op = *self.rng.pick(&["<", "<=", ">", ">="]);
                    let a = self.expr(&Ty::opt(st.clone()), d);
                    let b = self.opt_or_plain(&st, d);
                    let (a, b) = swap(self, a, b);
                    Expr::binary(o, op, a, b)
                }
                1 => {
                    let ft = self.rng.pick(&FLOATS).clone();
                    let f = if self.rng.chance(50) {
                        "is_nan"
                    } else {
                        "is_inf"
                    };
                    let x = self.expr(&Ty::opt(ft), d);
                    Expr::call(o, f, vec![x])
                }
                _ => {
                    let f = *self.rng.pick(&["contains", "starts_with", "ends_with"]);
                    let x = self.expr(&Ty::opt(Ty::Str), d);
                    let y = self.expr(&Ty::Str, d);
                    Expr::call(o, f, vec![x, y])
                }
            },
            Ty::Str => match self.rng.below(4) {
                0 => {
                    let a = self.expr(ty, d);
                    let b = self.opt_or_plain(t, d);
                    let (a, b) = swap(self, a, b);
                    Expr::binary(o, "+", a, b)
                }
                1 => {
                    let f = *self.rng.pick(&["upper", "lower", "trim"]);
                    let e = self.expr(ty, d);
                    Expr::call(o, f, vec![e])
                }
                2 => {
                    let x = self.expr(ty, d);
                    let a = self.expr(&Ty::Str, d);
                    let b = self.expr(&Ty::Str, d);
                    Expr::call(o, "replace", vec![x, a, b])
                }
                _ => {
                    let from = self.opt_ty();
                    let e = self.expr(&from, d);
                    Expr::call(o, "string", vec![e])
                }
            },
            _ => return None,
        })
    }

    /// A value of a plain type `ty` read from optionals: `??` chains, a guarded
    /// `unwrap`, `is_none`/`is_some`, total `==`, aggregates of lists of optionals,
    /// `compact`.
    fn read_opt(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if let Ty::List(e) = ty {
            if e.is_list() {
                return None;
            }
            let lt = Ty::list(Ty::opt((**e).clone()));
            let xs = self.opt_list(&lt, d);
            return Some(Expr::call(ty.clone(), "compact", vec![xs]));
        }
        let ot = Ty::opt(ty.clone());
        Some(match self.rng.below(9) {
            0..=2 => {
                // `a ?? b ?? c`: optional operands, a plain last one; now and then one
                // that faults (`unwrap` of an optional), reached only when all before
                // it are none.
                let mut xs = vec![self.expr(&ot, d)];
                if self.rng.chance(30) {
                    xs.push(self.expr(&ot, d));
                }
                let last = if self.rng.chance(15) {
                    let inner = self.expr(&ot, d);
                    Expr::call(ty.clone(), "unwrap", vec![inner])
                } else {
                    self.expr(ty, d)
                };
                xs.push(last);
                Expr::new(ty.clone(), Kind::Coalesce(xs))
            }
            3 | 4 => self.guarded_unwrap(ty, &ot, d),
            5 if *ty == Ty::Bool => {
                let f = if self.rng.chance(50) {
                    "is_none"
                } else {
                    "is_some"
                };
                let t = self.opt_ty();
                let x = self.expr(&t, d);
                Expr::call(Ty::Bool, f, vec![x])
            }
            6 if *ty == Ty::Bool => {
                // Total equality: with `none`, another optional, or a plain value.
                let st = self.scalar();
                let a = self.expr(&Ty::opt(st.clone()), d);
                let b = match self.rng.below(3) {
                    0 => Expr::lit(Ty::opt(st.clone()), "none"),
                    1 => self.expr(&Ty::opt(st.clone()), d),
                    _ => self.expr(&st, d),
                };
                let (a, b) = if self.rng.chance(50) { (a, b) } else { (b, a) };
                let op = *self.rng.pick(&["==", "!="]);
                Expr::binary(Ty::Bool, op, a, b)
            }
            5 | 6 if *ty == Ty::I64 => {
                if self.rng.chance(25) {
                    let xs = self.opt_list(&Ty::list(Ty::opt(Ty::Bool)), d);
                    Expr::call(Ty::I64, "count", vec![xs])
                } else {
                    let t = self.opt_ty();
                    let xs = self.opt_list(&Ty::list(t), d);
                    let f = if self.rng.chance(50) {
                        "len"
                    } else {
                        "count_distinct"
                    };
                    Expr::call(Ty::I64, f, vec![xs])
                }
            }
            7 if ty.is_num() => {
                let xs = self.opt_list(&Ty::list(ot), d);
                Expr::call(ty.clone(), "sum", vec![xs])
            }
            _ => return None,
        })
    }

    /// `unwrap` that mostly succeeds: of a binding tested first, of a conversion of a
    /// value of its own type, of the first of a list that starts with a value; now and
    /// then of any optional (E0612 when it is none).
    fn guarded_unwrap(&mut self, ty: &Ty, ot: &Ty, d: usize) -> Expr {
        let vars = self.visible(ot);
        let unwrap = |x: Expr| Expr::call(ty.clone(), "unwrap", vec![x]);
        if !vars.is_empty() && self.rng.chance(70) {
            let v = Expr::var(ot.clone(), self.rng.pick(&vars).clone());
            let test = Expr::call(Ty::Bool, "is_some", vec![v.clone()]);
            let other = self.expr(ty, d);
            return Expr::new(
                ty.clone(),
                Kind::If(Box::new(test), Box::new(unwrap(v)), Box::new(other)),
            );
        }
        if self.rng.chance(85) {
            let v = self.expr(ty, d);
            let x = if ty.is_num() && self.rng.chance(50) {
                Expr::call(ot.clone(), &ot.name(), vec![v])
            } else {
                let list = Expr::new(
                    Ty::list(ot.clone()),
                    Kind::List(vec![v, Expr::lit(ot.clone(), "none")]),
                );
                Expr::call(ot.clone(), "first", vec![list])
            };
            return unwrap(x);
        }
        let x = self.expr(ot, d);
        unwrap(x)
    }
}

// ---- timestamps and durations (v1, issue 15 time core) ---------------------------------

/// Timestamp texts: offsets, fractions, and (the last [`EDGE_TIMESTAMPS`]) instants near
/// the ends of the range, where arithmetic faults with E0621.
const TIMESTAMPS: [&str; 8] = [
    "2024-03-01T12:00:00Z",
    "1970-01-01T00:00:00Z",
    "2024-02-29T23:59:59.5+02:00",
    "1999-12-31T23:59:59.999999999Z",
    "2000-01-01T00:00:00.000001-05:30",
    "1969-07-20T20:17:40Z",
    "2262-04-11T23:47:16Z",
    "1677-09-21T00:12:44Z",
];

/// How many of [`TIMESTAMPS`], at its end, are at the edges of the range.
const EDGE_TIMESTAMPS: usize = 2;

/// Duration texts, friendly and ISO 8601.
const DURATIONS: [&str; 9] = [
    "1h30m",
    "0s",
    "-2h5m",
    "1.5s",
    "PT36H",
    "250ms",
    "45s",
    "2 days",
    "-0.000000001s",
];

/// `timestamp("...")` / `duration("...")` of `text`.
fn time_lit(ty: &Ty, text: &str) -> Expr {
    Expr::call(
        ty.clone(),
        &ty.name(),
        vec![Expr::lit(Ty::Str, string_literal(text))],
    )
}

impl Gen {
    /// One of [`TIMESTAMPS`]: an edge of the range one time in ten, so that time
    /// arithmetic faults (E0621) without ending most programs that use times.
    fn timestamp_text(&mut self) -> &'static str {
        let plain = TIMESTAMPS.len() - EDGE_TIMESTAMPS;
        match self.rng.chance(10) {
            true => TIMESTAMPS[plain + self.rng.below(EDGE_TIMESTAMPS)],
            false => TIMESTAMPS[self.rng.below(plain)],
        }
    }

    fn time_ty(&mut self) -> Ty {
        match self.rng.chance(50) {
            true => Ty::Timestamp,
            false => Ty::Duration,
        }
    }

    /// A small i64 literal (a scale or a unit count).
    fn small_i64(&mut self, lo: i128, hi: i128) -> Expr {
        let v = self.rng.range(0, (hi - lo) as usize + 1) as i128 + lo;
        int_lit(&Ty::I64, v)
    }

    /// The text of a timestamp or duration of type `ty`.
    fn time_text(&mut self, ty: &Ty) -> &'static str {
        match ty {
            Ty::Timestamp => self.timestamp_text(),
            _ => DURATIONS[self.rng.below(DURATIONS.len())],
        }
    }

    /// A time literal: parsed text, a unit constructor, or a `?` conversion with a
    /// fallback.
    fn time_literal(&mut self, ty: &Ty) -> Expr {
        match self.rng.below(6) {
            0 if *ty == Ty::Duration => {
                let unit = *self
                    .rng
                    .pick(&["days", "hours", "minutes", "secs", "millis"]);
                let n = self.small_i64(-400, 400);
                Expr::call(ty.clone(), unit, vec![n])
            }
            1 => {
                // `T?(s) ?? fallback`, `s` good or bad text.
                let s = match self.rng.chance(50) {
                    true => self.time_text(ty),
                    false => *self.rng.pick(&STRINGS),
                };
                let conv = Expr::call(
                    Ty::opt(ty.clone()),
                    &format!("{}?", ty.name()),
                    vec![Expr::lit(Ty::Str, string_literal(s))],
                );
                let text = self.time_text(ty);
                let fallback = time_lit(ty, text);
                Expr::new(ty.clone(), Kind::Coalesce(vec![conv, fallback]))
            }
            _ => {
                let text = self.time_text(ty);
                time_lit(ty, text)
            }
        }
    }

    /// An expression of a time type.
    fn time_expr(&mut self, ty: &Ty, d: usize) -> Expr {
        let (ts, dur) = (Ty::Timestamp, Ty::Duration);
        match self.rng.below(12) {
            0 => {
                let c = self.expr(&Ty::Bool, d);
                let a = self.expr(ty, d);
                let b = self.expr(ty, d);
                Expr::new(ty.clone(), Kind::If(Box::new(c), Box::new(a), Box::new(b)))
            }
            1 => {
                let f = *self.rng.pick(&["min", "max"]);
                let (a, b) = (self.expr(ty, d), self.expr(ty, d));
                match self.rng.chance(50) {
                    true => Expr::call(ty.clone(), f, vec![a, b]),
                    false => {
                        let list = Expr::new(Ty::list(ty.clone()), Kind::List(vec![a, b]));
                        Expr::call(ty.clone(), f, vec![list])
                    }
                }
            }
            2 => {
                let list = self.time_list(ty, d);
                let sorted = Expr::call(Ty::list(ty.clone()), "sort", vec![list]);
                let f = *self.rng.pick(&["first", "last"]);
                Expr::call(ty.clone(), f, vec![sorted])
            }
            3 if !self.columnar && !self.no_print && self.rng.chance(30) => {
                let e = self.expr(ty, d);
                Expr::call(ty.clone(), "print", vec![e])
            }
            // Text only known at run time: mostly E0604, now and then a value.
            4 if self.rng.chance(10) => {
                // Through `trim`: a literal would be read at compile time (E0261).
                let s = self.expr(&Ty::Str, d);
                let s = Expr::call(Ty::Str, "trim", vec![s]);
                Expr::call(ty.clone(), &ty.name(), vec![s])
            }
            _ if *ty == Ty::Timestamp => {
                let (a, b) = (self.expr(&ts, d), self.expr(&dur, d));
                match self.rng.below(3) {
                    0 => Expr::binary(ts, "+", a, b),
                    1 => Expr::binary(ts, "+", b, a),
                    _ => Expr::binary(ts, "-", a, b),
                }
            }
            _ => match self.rng.below(8) {
                0 => {
                    let (a, b) = (self.expr(&ts, d), self.expr(&ts, d));
                    Expr::binary(dur, "-", a, b)
                }
                1 | 2 => {
                    let (a, b) = (self.expr(&dur, d), self.expr(&dur, d));
                    let op = *self.rng.pick(&["+", "-"]);
                    Expr::binary(dur, op, a, b)
                }
                3 => {
                    let (a, k) = (self.expr(&dur, d), self.small_i64(-5, 5));
                    match self.rng.chance(50) {
                        true => Expr::binary(dur, "*", a, k),
                        false => Expr::binary(dur, "*", k, a),
                    }
                }
                4 => {
                    let a = self.expr(&dur, d);
                    // A computed divisor now and then (zero: E0601).
                    let k = match self.rng.chance(20) {
                        true => self.divisor(&Ty::I64, d),
                        false => self.small_i64(1, 7),
                    };
                    Expr::binary(dur, "/", a, k)
                }
                5 => {
                    let a = self.expr(&dur, d);
                    Expr::new(dur, Kind::Unary("-", Box::new(a)))
                }
                6 => {
                    let unit = *self
                        .rng
                        .pick(&["days", "hours", "minutes", "secs", "millis"]);
                    let n = Expr::new(
                        Ty::I64,
                        Kind::Bounded(Box::new(self.expr(&Ty::I64, d)), 1000),
                    );
                    Expr::call(dur, unit, vec![n])
                }
                _ => self.time_literal(&dur),
            },
        }
    }

    /// A short list literal of times.
    fn time_list(&mut self, ty: &Ty, d: usize) -> Expr {
        let n = self.rng.range(1, 4);
        let items = (0..n).map(|_| self.expr(ty, d)).collect();
        Expr::new(Ty::list(ty.clone()), Kind::List(items))
    }

    /// A value of a plain type computed from times, when `ty` has such a form.
    fn computed_from_time(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let t = self.time_ty();
        Some(match ty {
            Ty::Bool => {
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let (a, b) = (self.expr(&t, d), self.expr(&t, d));
                Expr::binary(Ty::Bool, op, a, b)
            }
            Ty::F64 => {
                let a = self.expr(&Ty::Duration, d);
                Expr::call(Ty::F64, "seconds", vec![a])
            }
            Ty::Str => {
                let v = match self.rng.chance(60) {
                    true => self.expr(&t, d),
                    false => {
                        let list = self.time_list(&t, d);
                        let f = *self.rng.pick(&["sort", "sort_desc", "unique", "reverse"]);
                        Expr::call(Ty::list(t.clone()), f, vec![list])
                    }
                };
                Expr::call(Ty::Str, "string", vec![v])
            }
            Ty::I64 => {
                let list = self.time_list(&t, d);
                let x = self.expr(&t, d);
                Expr::call(Ty::I64, "index_of", vec![list, x])
            }
            _ => return None,
        })
    }
}

// ---- the time library (issue 15): accessors, format_time, parse_time, date_trunc -------
//
// A timestamp argument is an instant chosen for its edges (daylight saving changes, leap
// days, the ends of the range), now and then moved by `millis(...)`, or any timestamp
// expression the generator writes. Zones are UTC, fixed offsets and real zones
// with daylight saving time (literal, or now and then computed, sometimes unknown:
// E0619); units are every unit (computed ones sometimes wrong: E0622); formats are ones
// jiff formats for every timestamp. `now()` is never written (it is not deterministic).

/// Instants around daylight-saving changes, leap days, ISO week-year edges, before the
/// epoch and near the ends of the range.
const TIME_LIB_TIMESTAMPS: [&str; 12] = [
    "2024-03-31T00:59:59Z",
    "2024-03-31T01:30:00.25Z",
    "2024-11-03T06:30:00Z",
    "2018-11-04T03:30:00Z",
    "2000-02-29T12:00:00Z",
    "2024-12-30T23:15:00Z",
    "2021-01-03T10:00:00.000000001Z",
    "1969-12-31T23:59:59.999999999Z",
    "1970-01-01T00:00:00Z",
    "1677-09-21T00:12:44Z",
    "2262-04-11T23:47:16Z",
    "2025-06-15T08:45:30.5Z",
];

/// Zones: UTC, fixed offsets, and IANA zones with gaps and folds (Lord Howe's is 30
/// minutes; Sao Paulo's midnight once did not exist).
const ZONES: [&str; 10] = [
    "UTC",
    "Z",
    "+05:30",
    "-08:00",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Pacific/Chatham",
];

const FIELDS: [&str; 8] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "weekday",
    "day_of_year",
];

const UNITS: [&str; 8] = [
    "year", "quarter", "month", "week", "day", "hour", "minute", "second",
];

/// Formats jiff writes for every timestamp in every zone.
const TIME_FORMATS: [&str; 9] = [
    "%Y-%m-%d",
    "%H:%M:%S%.f",
    "%A %d %B %Y",
    "%j %U %W %V %G %u %w",
    "%s %N",
    "%z %:z %Z",
    "%e/%k/%l %p %P",
    "%y %C %q %D %T",
    "%-d %_m %^b %3f",
];

/// Formats with text that matches (for `parse_time`) and text that does not.
const PARSE_CASES: [(&str, &str); 6] = [
    ("%Y-%m-%d %H:%M", "2024-03-31 02:30"),
    ("%Y-%m-%d %H:%M", "2024-11-03 01:30"),
    ("%d/%m/%Y", "29/02/2024"),
    ("%Y-%m-%dT%H:%M:%S%z", "2024-03-01T12:00:00+0530"),
    ("%s", "1700000000"),
    ("%Y-%m-%d", "2023-02-29"),
];

impl Gen {
    /// A timestamp argument: one of the instants above (now and then moved by
    /// `millis(...)` of a generated i64), or any timestamp expression.
    fn time_arg(&mut self, d: usize) -> Expr {
        if self.rng.chance(30) {
            return self.expr(&Ty::Timestamp, d);
        }
        let at = *self.rng.pick(&TIME_LIB_TIMESTAMPS);
        let ts = time_lit(&Ty::Timestamp, at);
        if !self.rng.chance(30) {
            return ts;
        }
        let n = self.expr(&Ty::I64, d.min(1));
        let n = Expr::new(Ty::I64, Kind::Bounded(Box::new(n), 100_000_000_000));
        let by = Expr::call(Ty::Duration, "millis", vec![n]);
        Expr::binary(Ty::Timestamp, "+", ts, by)
    }

    /// A zone argument: mostly a literal, now and then computed (rarely unknown).
    fn zone_arg(&mut self, d: usize) -> Expr {
        let zone = *self.rng.pick(&ZONES);
        match self.rng.below(10) {
            0 => {
                // Computed: `trim(" Europe/Berlin ")`, or a misspelt one (E0619).
                let z = if self.rng.chance(30) {
                    "Europe/Berln"
                } else {
                    zone
                };
                let padded = Expr::lit(Ty::Str, string_literal(&format!(" {z} ")));
                Expr::call(Ty::Str, "trim", vec![padded])
            }
            // Any computed string (`trim` keeps a literal from being checked as a zone).
            1 if self.rng.chance(20) => {
                let e = self.expr(&Ty::Str, d);
                Expr::call(Ty::Str, "trim", vec![e])
            }
            _ => Expr::lit(Ty::Str, string_literal(zone)),
        }
    }

    /// The optional zone of a time function's call.
    fn maybe_zone(&mut self, args: &mut Vec<Expr>, d: usize) {
        if self.rng.chance(60) {
            let z = self.zone_arg(d);
            args.push(z);
        }
    }

    /// `year(ts)` ... `day_of_year(ts, zone)`.
    fn time_field(&mut self, d: usize) -> Expr {
        let f = *self.rng.pick(&FIELDS);
        let mut args = vec![self.time_arg(d)];
        self.maybe_zone(&mut args, d);
        Expr::call(Ty::I64, f, args)
    }

    /// `format_time(...)`, `string(date_trunc(...))`, or `format_time` of a `parse_time`.
    fn time_str(&mut self, d: usize) -> Expr {
        let s = Ty::Str;
        match self.rng.below(3) {
            0 => {
                let fmt = *self.rng.pick(&TIME_FORMATS);
                let fmt = Expr::lit(s.clone(), string_literal(fmt));
                let mut args = vec![self.time_arg(d), fmt];
                self.maybe_zone(&mut args, d);
                Expr::call(s, "format_time", args)
            }
            1 => {
                let unit = *self.rng.pick(&UNITS);
                let unit = match self.rng.below(8) {
                    // Computed: `trim(" day ")`, or `upper` of it, which is no unit (E0622).
                    0 => {
                        let padded = Expr::lit(s.clone(), string_literal(&format!(" {unit} ")));
                        let f = if self.rng.chance(30) { "upper" } else { "trim" };
                        Expr::call(s.clone(), f, vec![padded])
                    }
                    _ => Expr::lit(s.clone(), string_literal(unit)),
                };
                let mut args = vec![self.time_arg(d), unit];
                self.maybe_zone(&mut args, d);
                let t = Expr::call(Ty::Timestamp, "date_trunc", args);
                Expr::call(s, "string", vec![t])
            }
            _ => {
                let (fmt, text) = *self.rng.pick(&PARSE_CASES);
                let text = if self.rng.chance(25) {
                    self.expr(&s, d)
                } else {
                    Expr::lit(s.clone(), string_literal(text))
                };
                let mut args = vec![text, Expr::lit(s.clone(), string_literal(fmt))];
                self.maybe_zone(&mut args, d);
                let opt = Ty::Opt(Box::new(Ty::Timestamp));
                let parsed = Expr::call(opt, "parse_time", args);
                let or = self.time_arg(d);
                let ts = Expr::new(Ty::Timestamp, Kind::Coalesce(vec![parsed, or]));
                let out = Expr::lit(s.clone(), string_literal("%Y-%m-%dT%H:%M:%S%.f%:z"));
                Expr::call(s, "format_time", vec![ts, out])
            }
        }
    }
}
