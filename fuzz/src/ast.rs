//! The generator's own tree of a Kiln program: every expression knows its type, so the
//! shrinker can replace any node by a smaller one of the same type. [`Program::source`]
//! prints it as Kiln text (every operator parenthesised, so precedence never matters).

use kiln::types::ty::{FloatTy, IntTy, Ty as KTy};
use kiln::Value;
use std::fmt::Write;

/// The types the generator uses: every scalar, lists of scalars and (v1) lists of
/// lists.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
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
    Bool,
    Str,
    List(Box<Ty>),
    /// `T?` (v1) of a scalar `T`: params, bindings, function types, expressions (`none`,
    /// lifting, `??`, `T?(...)`), and the elements of lists of optionals `[T?]`.
    Opt(Box<Ty>),
    /// `timestamp` and `duration` (v1): written only by the generator's time
    /// productions (`Gen::time_expr`), params and results.
    Timestamp,
    Duration,
}

pub const INTS: [Ty; 8] = [
    Ty::I8,
    Ty::I16,
    Ty::I32,
    Ty::I64,
    Ty::U8,
    Ty::U16,
    Ty::U32,
    Ty::U64,
];
pub const FLOATS: [Ty; 2] = [Ty::F32, Ty::F64];
pub const SCALARS: [Ty; 12] = [
    Ty::I8,
    Ty::I16,
    Ty::I32,
    Ty::I64,
    Ty::U8,
    Ty::U16,
    Ty::U32,
    Ty::U64,
    Ty::F32,
    Ty::F64,
    Ty::Bool,
    Ty::Str,
];

impl Ty {
    pub fn name(&self) -> String {
        match self {
            Ty::List(e) => format!("[{}]", e.name()),
            Ty::Opt(t) => format!("{}?", t.name()),
            t => t.scalar_name().to_string(),
        }
    }

    fn scalar_name(&self) -> &'static str {
        match self {
            Ty::I8 => "i8",
            Ty::I16 => "i16",
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::U8 => "u8",
            Ty::U16 => "u16",
            Ty::U32 => "u32",
            Ty::U64 => "u64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::Bool => "bool",
            Ty::Str => "string",
            Ty::List(_) => "list",
            Ty::Opt(_) => "optional",
            Ty::Timestamp => "timestamp",
            Ty::Duration => "duration",
        }
    }

    pub fn list(elem: Ty) -> Ty {
        Ty::List(Box::new(elem))
    }

    /// `T?`.
    pub fn opt(t: Ty) -> Ty {
        Ty::Opt(Box::new(t))
    }

    pub fn is_opt(&self) -> bool {
        matches!(self, Ty::Opt(_))
    }

    /// Whether an optional occurs in the type (`T?`, `[T?]`).
    pub fn has_opt(&self) -> bool {
        match self {
            Ty::Opt(_) => true,
            Ty::List(e) => e.has_opt(),
            _ => false,
        }
    }

    pub fn elem(&self) -> Option<&Ty> {
        match self {
            Ty::List(e) => Some(e),
            _ => None,
        }
    }

    pub fn is_int(&self) -> bool {
        INTS.contains(self)
    }

    pub fn is_signed(&self) -> bool {
        matches!(self, Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64)
    }

    pub fn is_float(&self) -> bool {
        matches!(self, Ty::F32 | Ty::F64)
    }

    pub fn is_num(&self) -> bool {
        self.is_int() || self.is_float()
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Ty::List(_))
    }

    /// How many lists deep the type is: 0 for a scalar, 2 for `[[i64]]`.
    pub fn depth(&self) -> usize {
        match self {
            Ty::List(e) => 1 + e.depth(),
            _ => 0,
        }
    }

    /// Bits of an integer type.
    pub fn bits(&self) -> u32 {
        match self {
            Ty::I8 | Ty::U8 => 8,
            Ty::I16 | Ty::U16 => 16,
            Ty::I32 | Ty::U32 | Ty::F32 => 32,
            _ => 64,
        }
    }

    /// Whether a value of `self` widens implicitly to `to` (the contract's table).
    pub fn widens_to(&self, to: &Ty) -> bool {
        use Ty::*;
        if self == to {
            return true;
        }
        match self {
            I8 => matches!(to, I16 | I32 | I64 | F32 | F64),
            I16 => matches!(to, I32 | I64 | F32 | F64),
            I32 => matches!(to, I64 | F64),
            U8 => matches!(to, U16 | U32 | U64 | I16 | I32 | I64 | F32 | F64),
            U16 => matches!(to, U32 | U64 | I32 | I64 | F32 | F64),
            U32 => matches!(to, U64 | I64 | F64),
            F32 => matches!(to, F64),
            _ => false,
        }
    }

    /// The compiler's type.
    pub fn kiln(&self) -> KTy {
        match self {
            Ty::I8 => KTy::Int(IntTy::I8),
            Ty::I16 => KTy::Int(IntTy::I16),
            Ty::I32 => KTy::Int(IntTy::I32),
            Ty::I64 => KTy::Int(IntTy::I64),
            Ty::U8 => KTy::Int(IntTy::U8),
            Ty::U16 => KTy::Int(IntTy::U16),
            Ty::U32 => KTy::Int(IntTy::U32),
            Ty::U64 => KTy::Int(IntTy::U64),
            Ty::F32 => KTy::Float(FloatTy::F32),
            Ty::F64 => KTy::Float(FloatTy::F64),
            Ty::Bool => KTy::Bool,
            Ty::Str => KTy::Str,
            Ty::List(e) => KTy::List(Box::new(e.kiln())),
            Ty::Opt(t) => KTy::opt(t.kiln()),
            Ty::Timestamp => KTy::Timestamp,
            Ty::Duration => KTy::Duration,
        }
    }

    /// The generator's type of a compiler type (`None`: one the generator does not use).
    pub fn from_kiln(t: &KTy) -> Option<Ty> {
        Some(match t {
            KTy::Int(IntTy::I8) => Ty::I8,
            KTy::Int(IntTy::I16) => Ty::I16,
            KTy::Int(IntTy::I32) => Ty::I32,
            KTy::Int(IntTy::I64) => Ty::I64,
            KTy::Int(IntTy::U8) => Ty::U8,
            KTy::Int(IntTy::U16) => Ty::U16,
            KTy::Int(IntTy::U32) => Ty::U32,
            KTy::Int(IntTy::U64) => Ty::U64,
            KTy::Float(FloatTy::F32) => Ty::F32,
            KTy::Float(FloatTy::F64) => Ty::F64,
            KTy::Bool => Ty::Bool,
            KTy::Str => Ty::Str,
            KTy::List(e) => Ty::list(Ty::from_kiln(e)?),
            KTy::Opt(t) => Ty::Opt(Box::new(Ty::from_kiln(t)?)),
            KTy::Timestamp => Ty::Timestamp,
            KTy::Duration => Ty::Duration,
            _ => return None,
        })
    }
}

/// An expression and its type.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub ty: Ty,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Literal text as written (negative ones already in parentheses).
    Lit(String),
    Var(String),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `c1, v1, ..., cn, vn, default`.
    Switch(Vec<Expr>),
    List(Vec<Expr>),
    /// `(e % m)` with `m` an i64 literal: an argument that must stay small (recursion
    /// depth, `repeat` counts). The shrinker keeps the bound.
    Bounded(Box<Expr>, i64),
    /// A recursive function's call of itself: `name((n - 1), args...)`.
    RecCall(String, Vec<Expr>),
    /// A lambda `x -> body` or `(a, b) -> body`, only as the last argument of a
    /// higher-order built-in; its type is the body's.
    Lambda(Vec<String>, Box<Expr>),
    /// A flat `??` chain (v1) `(a ?? b ?? c)`, right-associative: every operand but the
    /// last is optional.
    Coalesce(Vec<Expr>),
}

impl Expr {
    pub fn new(ty: Ty, kind: Kind) -> Expr {
        Expr { ty, kind }
    }

    pub fn lit(ty: Ty, text: impl Into<String>) -> Expr {
        Expr::new(ty, Kind::Lit(text.into()))
    }

    pub fn var(ty: Ty, name: impl Into<String>) -> Expr {
        Expr::new(ty, Kind::Var(name.into()))
    }

    pub fn call(ty: Ty, name: &str, args: Vec<Expr>) -> Expr {
        Expr::new(ty, Kind::Call(name.to_string(), args))
    }

    pub fn binary(ty: Ty, op: &'static str, a: Expr, b: Expr) -> Expr {
        Expr::new(ty, Kind::Binary(op, Box::new(a), Box::new(b)))
    }

    pub fn is_lit(&self) -> bool {
        matches!(self.kind, Kind::Lit(_))
    }

    /// The direct children.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            Kind::Lit(_) | Kind::Var(_) => vec![],
            Kind::Unary(_, a) | Kind::Bounded(a, _) | Kind::Lambda(_, a) => vec![a],
            Kind::Binary(_, a, b) | Kind::Index(a, b) => vec![a, b],
            Kind::If(c, a, b) => vec![c, a, b],
            Kind::Call(_, xs)
            | Kind::Switch(xs)
            | Kind::List(xs)
            | Kind::RecCall(_, xs)
            | Kind::Coalesce(xs) => xs.iter().collect(),
        }
    }

    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            Kind::Lit(_) | Kind::Var(_) => vec![],
            Kind::Unary(_, a) | Kind::Bounded(a, _) | Kind::Lambda(_, a) => vec![a],
            Kind::Binary(_, a, b) | Kind::Index(a, b) => vec![a, b],
            Kind::If(c, a, b) => vec![c, a, b],
            Kind::Call(_, xs)
            | Kind::Switch(xs)
            | Kind::List(xs)
            | Kind::RecCall(_, xs)
            | Kind::Coalesce(xs) => xs.iter_mut().collect(),
        }
    }

    /// Number of nodes.
    pub fn size(&self) -> usize {
        1 + self.children().iter().map(|c| c.size()).sum::<usize>()
    }

    /// Whether the names `pred` accepts occur in this expression (variables and calls).
    pub fn mentions(&self, name: &str) -> bool {
        match &self.kind {
            Kind::Var(n) if n == name => true,
            Kind::Call(n, _) | Kind::RecCall(n, _) if n == name => true,
            _ => self.children().iter().any(|c| c.mentions(name)),
        }
    }

    /// Built only of literals, operators and conversions: the checker folds it, so as an
    /// integer divisor it must not be zero.
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            Kind::Lit(_) => true,
            Kind::Unary(_, a) => a.is_constant(),
            Kind::Binary(_, a, b) => a.is_constant() && b.is_constant(),
            Kind::Bounded(a, _) => a.is_constant(),
            Kind::Call(name, args) => {
                SCALARS.iter().any(|t| t.name() == *name) && args.iter().all(Expr::is_constant)
            }
            _ => false,
        }
    }

    pub fn write(&self, out: &mut String) {
        match &self.kind {
            Kind::Lit(t) | Kind::Var(t) => out.push_str(t),
            Kind::Unary(op, a) => {
                out.push('(');
                out.push_str(op);
                if *op == "not" {
                    out.push(' ');
                }
                a.write(out);
                out.push(')');
            }
            Kind::Binary(op, a, b) => {
                out.push('(');
                a.write(out);
                let _ = write!(out, " {op} ");
                b.write(out);
                out.push(')');
            }
            Kind::Call(name, args) => {
                out.push_str(name);
                write_args(out, args.iter());
            }
            Kind::RecCall(name, args) => {
                out.push_str(name);
                out.push_str("((n - 1i64)");
                for a in args {
                    out.push_str(", ");
                    a.write(out);
                }
                out.push(')');
            }
            Kind::Index(a, i) => {
                let wrap = !matches!(a.kind, Kind::Var(_) | Kind::Call(..) | Kind::List(_));
                if wrap {
                    out.push('(');
                }
                a.write(out);
                if wrap {
                    out.push(')');
                }
                out.push('[');
                i.write(out);
                out.push(']');
            }
            Kind::If(c, a, b) => {
                out.push_str("if");
                write_args(out, [&**c, &**a, &**b].into_iter());
            }
            Kind::Switch(xs) => {
                out.push_str("switch");
                write_args(out, xs.iter());
            }
            Kind::List(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.write(out);
                }
                out.push(']');
            }
            Kind::Bounded(a, m) => {
                out.push('(');
                a.write(out);
                let _ = write!(out, " % {m}i64)");
            }
            Kind::Lambda(params, body) => {
                match params.as_slice() {
                    [one] => out.push_str(one),
                    _ => {
                        out.push('(');
                        out.push_str(&params.join(", "));
                        out.push(')');
                    }
                }
                out.push_str(" -> ");
                body.write(out);
            }
            Kind::Coalesce(xs) => {
                out.push('(');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" ?? ");
                    }
                    x.write(out);
                }
                out.push(')');
            }
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }
}

fn write_args<'a>(out: &mut String, args: impl Iterator<Item = &'a Expr>) {
    out.push('(');
    for (i, a) in args.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        a.write(out);
    }
    out.push(')');
}

/// A user function.
#[derive(Clone, Debug, PartialEq)]
pub struct FnDef {
    pub name: String,
    pub params: Vec<(String, Ty)>,
    pub ret: Ty,
    /// Statements of a block body before its result (`None`: an expression body).
    pub block: Option<Vec<Stmt>>,
    /// The body's value. For a recursive function, the base case.
    pub result: Expr,
    /// A recursive function (its first parameter is `n: i64`): the step, taken while
    /// `n > 0`, whose self-calls pass `n - 1`.
    pub step: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Param(String, Ty),
    /// `let name[: ann] = e;`
    Let(String, Option<Ty>, Expr),
    /// `name = e;` (declares a mutable variable the first time).
    Assign(String, Expr),
    Expr(Expr),
    /// `when c { } elif c { } else { }`.
    When(Vec<(Expr, Vec<Stmt>)>, Option<Vec<Stmt>>),
    Fn(FnDef),
}

impl Stmt {
    pub fn write(&self, out: &mut String, indent: usize) {
        let pad = "    ".repeat(indent);
        out.push_str(&pad);
        match self {
            Stmt::Param(n, t) => {
                let _ = writeln!(out, "param {n}: {};", t.name());
            }
            Stmt::Let(n, ann, e) => {
                match ann {
                    Some(t) => {
                        let _ = write!(out, "let {n}: {} = ", t.name());
                    }
                    None => {
                        let _ = write!(out, "let {n} = ");
                    }
                }
                e.write(out);
                out.push_str(";\n");
            }
            Stmt::Assign(n, e) => {
                let _ = write!(out, "{n} = ");
                e.write(out);
                out.push_str(";\n");
            }
            Stmt::Expr(e) => {
                e.write(out);
                out.push_str(";\n");
            }
            Stmt::When(arms, other) => {
                for (i, (c, body)) in arms.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&pad);
                        out.push_str("elif ");
                    } else {
                        out.push_str("when ");
                    }
                    c.write(out);
                    out.push_str(" {\n");
                    for s in body {
                        s.write(out, indent + 1);
                    }
                    out.push_str(&pad);
                    out.push_str("}\n");
                }
                if let Some(body) = other {
                    out.push_str(&pad);
                    out.push_str("else {\n");
                    for s in body {
                        s.write(out, indent + 1);
                    }
                    out.push_str(&pad);
                    out.push_str("}\n");
                }
            }
            Stmt::Fn(f) => {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|(n, t)| format!("{n}: {}", t.name()))
                    .collect();
                let _ = write!(
                    out,
                    "fn {}({}) -> {}",
                    f.name,
                    params.join(", "),
                    f.ret.name()
                );
                let mut value = String::new();
                match &f.step {
                    Some(step) => {
                        value.push_str("if((n <= 0i64), ");
                        f.result.write(&mut value);
                        value.push_str(", ");
                        step.write(&mut value);
                        value.push(')');
                    }
                    None => f.result.write(&mut value),
                }
                match &f.block {
                    None => {
                        let _ = writeln!(out, " = {value};");
                    }
                    Some(stmts) => {
                        out.push_str(" {\n");
                        for s in stmts {
                            s.write(out, indent + 1);
                        }
                        let _ = writeln!(out, "{pad}    {value}\n{pad}}}");
                    }
                }
            }
        }
    }
}

/// A value given to a `param`: its text as `--param` reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub name: String,
    pub ty: Ty,
    pub text: String,
}

impl Input {
    /// The value the library gets: `text` read as `ty` (as `--param` reads it).
    pub fn value(&self) -> Result<Value, String> {
        parse_value(&self.ty, &self.text)
    }
}

/// Read `text` as a value of `ty` the way `--param` does (Rust's `str::parse`; a list as
/// `[a, b, c]`).
/// The items of a list's text between its brackets: split at the commas that are not
/// inside an inner list (`[1, 2], [3]` is two items).
fn top_level_items(inner: &str) -> Vec<&str> {
    let (mut depth, mut start, mut items) = (0usize, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
}

pub fn parse_value(ty: &Ty, text: &str) -> Result<Value, String> {
    fn p<T: std::str::FromStr>(t: &str) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        t.parse::<T>().map_err(|e| format!("{t:?}: {e}"))
    }
    Ok(match ty {
        // `none` is an empty value (v1), as `--param x=` gives it; a `string?`'s only
        // when it is empty.
        Ty::Opt(t) if **t == Ty::Str && text.is_empty() => Value::None,
        Ty::Opt(t) if **t != Ty::Str && text.trim().is_empty() => Value::None,
        Ty::Opt(t) => parse_value(t, text)?,
        Ty::I8 => Value::I8(p(text)?),
        Ty::I16 => Value::I16(p(text)?),
        Ty::I32 => Value::I32(p(text)?),
        Ty::I64 => Value::I64(p(text)?),
        Ty::U8 => Value::U8(p(text)?),
        Ty::U16 => Value::U16(p(text)?),
        Ty::U32 => Value::U32(p(text)?),
        Ty::U64 => Value::U64(p(text)?),
        Ty::F32 => Value::F32(p(text)?),
        Ty::F64 => Value::F64(p(text)?),
        Ty::Bool => Value::Bool(p(text)?),
        Ty::Str => Value::Str(text.to_string()),
        Ty::Timestamp => Value::Timestamp(
            kiln::runtime::time::parse_timestamp(text.trim())
                .map_err(|e| format!("{text:?}: {e:?}"))?,
        ),
        Ty::Duration => Value::Duration(
            kiln::runtime::time::parse_duration(text.trim())
                .map_err(|e| format!("{text:?}: {e:?}"))?,
        ),
        Ty::List(e) => {
            let inner = text
                .trim()
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .ok_or_else(|| format!("not a list: {text:?}"))?;
            let items = if inner.trim().is_empty() {
                Vec::new()
            } else {
                top_level_items(inner)
                    .into_iter()
                    .map(|i| parse_value(e, i.trim()))
                    .collect::<Result<_, _>>()?
            };
            Value::List(e.kiln(), items)
        }
    })
}

/// A whole program: statements (params first), and the values of its params.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
    pub inputs: Vec<Input>,
}

impl Program {
    pub fn source(&self) -> String {
        let mut out = String::new();
        for s in &self.stmts {
            s.write(&mut out, 0);
        }
        out
    }

    /// The runnable case: source text and param values.
    pub fn case(&self) -> Case {
        Case {
            source: self.source(),
            inputs: self.inputs.clone(),
        }
    }
}

/// A program as the runner takes it: its text and the values of its params.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub source: String,
    pub inputs: Vec<Input>,
}

impl Case {
    pub fn new(source: impl Into<String>) -> Case {
        Case {
            source: source.into(),
            inputs: Vec::new(),
        }
    }

    /// The case as a file: one `// param NAME = VALUE` line per input, then the source.
    pub fn to_file(&self) -> String {
        let mut s = String::new();
        for i in &self.inputs {
            let _ = writeln!(s, "// param {} = {}", i.name, i.text);
        }
        s.push_str(&self.source);
        s
    }

    /// Read a case file written by [`Case::to_file`] (other leading `//` lines are
    /// notes): the param values' types come from the program's `param` declarations.
    pub fn from_file(text: &str) -> Result<Case, String> {
        let mut values = Vec::new();
        // The leading comment lines: `// param` ones give values, others are notes.
        for line in text.lines() {
            if !line.starts_with("//") {
                break;
            }
            let Some(rest) = line.strip_prefix("// param ") else {
                continue;
            };
            let (name, value) = rest
                .split_once(" = ")
                .ok_or_else(|| format!("bad param line {line:?}"))?;
            values.push((name.to_string(), value.to_string()));
        }
        let mut inputs = Vec::new();
        if !values.is_empty() {
            let checked = kiln::check_source(text).map_err(|d| {
                format!(
                    "the case does not compile: {}",
                    d.first().map_or("", |d| d.message.as_str())
                )
            })?;
            for p in &checked.program.inputs {
                let ty = Ty::from_kiln(&p.ty)
                    .ok_or_else(|| format!("param `{}` has an unsupported type", p.name))?;
                let text = values
                    .iter()
                    .find(|(n, _)| *n == p.name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("no value for param `{}`", p.name))?;
                inputs.push(Input {
                    name: p.name.clone(),
                    ty,
                    text,
                });
            }
        }
        Ok(Case {
            source: text.to_string(),
            inputs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A nested list param (as the generator writes them) parses level by level.
    #[test]
    fn nested_list_values_parse() {
        let t = Ty::list(Ty::list(Ty::I64));
        let v = parse_value(&t, "[[1, 2], [], [3]]").unwrap();
        let row = |xs: &[i64]| {
            kiln::Value::List(
                Ty::I64.kiln(),
                xs.iter().map(|&x| kiln::Value::I64(x)).collect(),
            )
        };
        assert_eq!(
            v,
            kiln::Value::List(
                Ty::list(Ty::I64).kiln(),
                vec![row(&[1, 2]), row(&[]), row(&[3])]
            )
        );
    }

    #[test]
    fn case_files_round_trip_with_notes_before_the_params() {
        let case = Case {
            source: "param x: f32;\nparam xs: [i64];\nx + f32(len(xs))\n".into(),
            inputs: vec![
                Input {
                    name: "x".into(),
                    ty: Ty::F32,
                    text: "-0.0".into(),
                },
                Input {
                    name: "xs".into(),
                    ty: Ty::list(Ty::I64),
                    text: "[1, -2]".into(),
                },
            ],
        };
        let file = format!("// a note\n{}", case.to_file());
        let back = Case::from_file(&file).unwrap();
        assert_eq!(back.inputs, case.inputs);
        assert_eq!(back.inputs[0].value(), Ok(Value::F32(-0.0)));
        assert_eq!(
            back.inputs[1].value(),
            Ok(Value::List(
                Ty::I64.kiln(),
                vec![Value::I64(1), Value::I64(-2)]
            ))
        );
    }
}
