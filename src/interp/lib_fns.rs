//! The standard library's string and list functions (`hir::LibFn`), restated over
//! [`Value`]s. Strings count Unicode scalar values; faults are raised at the call.

use super::eval::Machine;
use super::ops::{self, bug, fault, R};
use crate::abi::Fault;
use crate::span::Span;
use crate::types::hir::{BinOp, Expr, ExprKind, LibFn};
use crate::types::ty::{FloatTy, Ty};
use crate::value::Value;
use std::cmp::Ordering;

fn str_arg(v: &Value) -> R<&str> {
    match v {
        Value::Str(s) => Ok(s),
        v => Err(bug(format!("a string argument of type {}", v.ty()))),
    }
}

fn int_arg(v: &Value) -> R<i64> {
    match ops::int_of(v) {
        Some((_, x)) => Ok(x as i64),
        None => Err(bug(format!("an integer argument of type {}", v.ty()))),
    }
}

fn list_arg(v: &Value) -> R<(&Ty, &[Value])> {
    match v {
        Value::List(elem, items) => Ok((elem, items)),
        v => Err(bug(format!("a list argument of type {}", v.ty()))),
    }
}

/// The element type of a list type.
fn elem_of(ty: &Ty) -> R<&Ty> {
    match ty {
        Ty::List(e) => Ok(e),
        t => Err(bug(format!("{t} is not a list type"))),
    }
}

/// Ascending order for `sort`: numbers by the contract's order (-0.0 before 0.0) with
/// every NaN after every number, bools false first, strings bytewise.
pub(super) fn ascending(a: &Value, b: &Value) -> Ordering {
    match (ops::is_nan(a), ops::is_nan(b)) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => ops::num_order(a, b).unwrap_or(Ordering::Equal),
    }
}

/// Whether two elements are one for `unique` and `count_distinct`: numbers by value
/// (-0.0 is 0.0, and every NaN is one value), strings by content, lists element by
/// element by the same rule.
pub(super) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(_, xs), Value::List(_, ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        _ => (ops::is_nan(a) && ops::is_nan(b)) || ops::equal(a, b),
    }
}

/// The index of the first character at or after character position `i` (clamped to
/// `0..=chars`), as a byte offset.
fn char_offset(s: &str, i: i64) -> usize {
    if i <= 0 {
        return 0;
    }
    s.char_indices()
        .nth(i as usize)
        .map_or(s.len(), |(off, _)| off)
}

/// A value of type `f32` or `f64` (the result type of `avg`, `median`) from an f64.
fn float_result(ty: &Ty, x: f64) -> Value {
    match ty {
        Ty::Float(FloatTy::F32) => Value::F32(x as f32),
        _ => Value::F64(x),
    }
}

/// A number widened to f64 (integers rounded to nearest).
fn to_f64(v: &Value) -> R<f64> {
    match ops::cast(v, &Ty::F64)? {
        Value::F64(x) => Ok(x),
        _ => Err(bug("widening to f64")),
    }
}

/// The mean of two middle values without overflow, exact for infinities: `(a + b) / 2`
/// when the sum is finite, else `a / 2 + b / 2` (which is ±inf, or NaN for `-inf` and
/// `inf`).
fn midpoint(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_finite() {
        sum / 2.0
    } else {
        a / 2.0 + b / 2.0
    }
}

impl Machine<'_> {
    pub(super) fn lib(&mut self, f: LibFn, vals: Vec<Value>, e: &Expr) -> R<Value> {
        let span = e.span;
        let arg = |i: usize| {
            vals.get(i)
                .ok_or_else(|| bug(format!("{f:?}: argument {i}")))
        };
        Ok(match f {
            // Issue 15: regular expressions and characters (`regex.rs`).
            LibFn::Matches
            | LibFn::FindMatch
            | LibFn::Captures
            | LibFn::ReplaceAll
            | LibFn::SplitRe
            | LibFn::Chars
            | LibFn::IsDigit
            | LibFn::IsAlpha
            | LibFn::IsSpace
            | LibFn::CharCode
            | LibFn::FromCharCode => return self.text_lib(f, vals, e),
            // ---- the time library (issue 15): `zones.rs`
            LibFn::TimeField(..)
            | LibFn::FormatTime { .. }
            | LibFn::ParseTime { .. }
            | LibFn::DateTrunc(..)
            | LibFn::Now => return self.time_lib(f, &vals, e),
            // ---- strings
            LibFn::StrLen => Value::I64(str_arg(arg(0)?)?.chars().count() as i64),
            LibFn::StrConcat => {
                let s = [str_arg(arg(0)?)?, str_arg(arg(1)?)?].concat();
                self.string(s, span)?
            }
            LibFn::StrContains | LibFn::StartsWith | LibFn::EndsWith => {
                let (s, t) = (str_arg(arg(0)?)?, str_arg(arg(1)?)?);
                Value::Bool(match f {
                    LibFn::StrContains => s.contains(t),
                    LibFn::StartsWith => s.starts_with(t),
                    _ => s.ends_with(t),
                })
            }
            LibFn::Find => {
                let (s, t) = (str_arg(arg(0)?)?, str_arg(arg(1)?)?);
                Value::I64(match s.find(t) {
                    Some(off) => s[..off].chars().count() as i64,
                    None => -1,
                })
            }
            LibFn::Substr => {
                let s = str_arg(arg(0)?)?;
                let (start, count) = (int_arg(arg(1)?)?, int_arg(arg(2)?)?);
                let end = start.saturating_add(count.max(0));
                let lo = char_offset(s, start);
                let hi = char_offset(s, end).max(lo);
                self.string(s[lo..hi].to_owned(), span)?
            }
            LibFn::Upper => {
                let s = str_arg(arg(0)?)?.to_uppercase();
                self.string(s, span)?
            }
            LibFn::Lower => {
                let s = str_arg(arg(0)?)?.to_lowercase();
                self.string(s, span)?
            }
            // A view of the argument: nothing new is built.
            LibFn::Trim => Value::Str(str_arg(arg(0)?)?.trim().to_owned()),
            LibFn::Replace => {
                let (s, from, to) = (str_arg(arg(0)?)?, str_arg(arg(1)?)?, str_arg(arg(2)?)?);
                if from.is_empty() {
                    Value::Str(s.to_owned())
                } else {
                    let n = s.matches(from).count() as u64;
                    let bytes = (s.len() as u64)
                        .saturating_add(n.saturating_mul(to.len() as u64))
                        .saturating_sub(n.saturating_mul(from.len() as u64));
                    self.alloc(bytes, span)?;
                    Value::Str(s.replace(from, to))
                }
            }
            LibFn::Split => {
                let (s, sep) = (str_arg(arg(0)?)?, str_arg(arg(1)?)?);
                let parts: Vec<Value> = if sep.is_empty() {
                    s.chars().map(|c| Value::Str(c.to_string())).collect()
                } else {
                    s.split(sep).map(|p| Value::Str(p.to_owned())).collect()
                };
                // The pieces are views of `s`; the list of them is new.
                self.alloc_list(&Ty::Str, parts.len(), span)?;
                Value::List(Ty::Str, parts)
            }
            LibFn::Join => {
                let (_, items) = list_arg(arg(0)?)?;
                let sep = str_arg(arg(1)?)?;
                let parts: Vec<&str> = items.iter().map(str_arg).collect::<R<_>>()?;
                let bytes = parts.iter().map(|p| p.len() as u64).sum::<u64>()
                    + (sep.len() * parts.len().saturating_sub(1)) as u64;
                self.alloc(bytes, span)?;
                Value::Str(parts.join(sep))
            }
            LibFn::Repeat => {
                let s = str_arg(arg(0)?)?;
                let n = int_arg(arg(1)?)?.max(0);
                let bytes = (s.len() as i64).saturating_mul(n);
                self.alloc(bytes as u64, span)?;
                Value::Str(s.repeat(n as usize))
            }
            // ---- lists
            LibFn::ListLen => Value::I64(list_arg(arg(0)?)?.1.len() as i64),
            LibFn::Sum => {
                let (elem, items) = list_arg(arg(0)?)?;
                let mut acc = ops::zero(elem);
                for x in items {
                    self.poll(span)?;
                    // `sum` adds with `+`: it wraps, or traps in overflow-trap mode.
                    acc = ops::binary(BinOp::Add, &acc, x, span, self.opts.overflow)?;
                }
                acc
            }
            LibFn::Avg => {
                let (_, items) = list_arg(arg(0)?)?;
                let mut total = 0.0f64;
                for x in items {
                    self.poll(span)?;
                    total += to_f64(x)?;
                }
                float_result(&e.ty, total / items.len() as f64)
            }
            LibFn::ListMin | LibFn::ListMax => {
                let is_max = f == LibFn::ListMax;
                let (_, items) = list_arg(arg(0)?)?;
                let Some(mut acc) = items.first().cloned() else {
                    return Err(fault(Fault::EmptyList, span, is_max as i64, 0));
                };
                for x in items {
                    self.poll(span)?;
                    acc = ops::min_max(is_max, &acc, x);
                }
                acc
            }
            LibFn::Median => {
                let (_, items) = list_arg(arg(0)?)?;
                let mut xs = items.to_vec();
                self.poll(span)?;
                xs.sort_by(ascending);
                let n = xs.len();
                let m = match n {
                    0 => f64::NAN,
                    _ if n % 2 == 1 => to_f64(&xs[n / 2])?,
                    _ => midpoint(to_f64(&xs[n / 2 - 1])?, to_f64(&xs[n / 2])?),
                };
                float_result(&e.ty, m)
            }
            LibFn::Sort | LibFn::SortDesc => {
                let (elem, items) = list_arg(arg(0)?)?;
                self.alloc_list(elem, items.len(), span)?;
                let mut xs = items.to_vec();
                for _ in items {
                    self.poll(span)?;
                }
                // A list of optionals: every none after every value, in both directions.
                let none = |v: &Value| matches!(v, Value::None);
                if f == LibFn::Sort {
                    xs.sort_by(|a, b| none(a).cmp(&none(b)).then_with(|| ascending(a, b)));
                } else {
                    // Descending, NaN still last; stable.
                    xs.sort_by(|a, b| {
                        none(a)
                            .cmp(&none(b))
                            .then_with(|| match (ops::is_nan(a), ops::is_nan(b)) {
                                (false, false) => ascending(b, a),
                                _ => ascending(a, b),
                            })
                    });
                }
                Value::List(elem.clone(), xs)
            }
            LibFn::Reverse => {
                let (elem, items) = list_arg(arg(0)?)?;
                self.alloc_list(elem, items.len(), span)?;
                Value::List(elem.clone(), items.iter().rev().cloned().collect())
            }
            LibFn::Unique | LibFn::CountDistinct => {
                let (elem, items) = list_arg(arg(0)?)?;
                let mut kept: Vec<Value> = Vec::new();
                for x in items {
                    self.poll(span)?;
                    if !kept.iter().any(|k| same(k, x)) {
                        kept.push(x.clone());
                    }
                }
                if f == LibFn::CountDistinct {
                    Value::I64(kept.len() as i64)
                } else {
                    self.alloc_list(elem, kept.len(), span)?;
                    Value::List(elem.clone(), kept)
                }
            }
            LibFn::Compact | LibFn::CompactSome => {
                let (elem, items) = list_arg(arg(0)?)?;
                let mut kept = Vec::new();
                for x in items {
                    self.poll(span)?;
                    if !matches!(x, Value::None) {
                        kept.push(x.clone());
                    }
                }
                if kept.is_empty() && f == LibFn::CompactSome {
                    return Ok(Value::None);
                }
                let inner = elem.strip_opt();
                self.alloc_list(inner, kept.len(), span)?;
                Value::List(inner.clone(), kept)
            }
            // ---- format (issue 15)
            LibFn::RoundTo => super::format::round_to(arg(0)?, arg(1)?)?,
            LibFn::ListConcat => {
                let (elem, a) = list_arg(arg(0)?)?;
                let (_, b) = list_arg(arg(1)?)?;
                self.alloc_list(elem, a.len() + b.len(), span)?;
                Value::List(elem.clone(), a.iter().chain(b).cloned().collect())
            }
            LibFn::Slice => {
                let (elem, items) = list_arg(arg(0)?)?;
                let n = items.len() as i64;
                let lo = int_arg(arg(1)?)?.clamp(0, n);
                let hi = int_arg(arg(2)?)?.clamp(0, n).max(lo);
                // A view: nothing new is built.
                Value::List(elem.clone(), items[lo as usize..hi as usize].to_vec())
            }
            LibFn::First | LibFn::Last => {
                let (_, items) = list_arg(arg(0)?)?;
                let v = if f == LibFn::First {
                    items.first()
                } else {
                    items.last()
                };
                match v {
                    Some(v) => v.clone(),
                    None => {
                        let which = if f == LibFn::First { 2 } else { 3 };
                        return Err(fault(Fault::EmptyList, span, which, 0));
                    }
                }
            }
            LibFn::IndexOf | LibFn::ListContains => {
                let (_, items) = list_arg(arg(0)?)?;
                let x = arg(1)?;
                let mut found = -1i64;
                for (i, v) in items.iter().enumerate() {
                    self.poll(span)?;
                    if ops::equal(x, v) {
                        found = i as i64;
                        break;
                    }
                }
                if f == LibFn::IndexOf {
                    Value::I64(found)
                } else {
                    Value::Bool(found >= 0)
                }
            }
            LibFn::Map(op) => self.map(op, &vals, e)?,
            LibFn::Filter => {
                let (elem, items) = list_arg(arg(0)?)?;
                let (_, mask) = list_arg(arg(1)?)?;
                if items.len() != mask.len() {
                    return Err(fault(
                        Fault::LengthMismatch,
                        span,
                        items.len() as i64,
                        mask.len() as i64,
                    ));
                }
                let mut kept = Vec::new();
                for (x, m) in items.iter().zip(mask) {
                    self.poll(span)?;
                    if *m == Value::Bool(true) {
                        kept.push(x.clone());
                    }
                }
                self.alloc_list(elem, kept.len(), span)?;
                Value::List(elem.clone(), kept)
            }
            LibFn::Count | LibFn::Any | LibFn::All => {
                let (_, mask) = list_arg(arg(0)?)?;
                let mut n = 0i64;
                for m in mask {
                    self.poll(span)?;
                    n += (*m == Value::Bool(true)) as i64;
                }
                match f {
                    LibFn::Count => Value::I64(n),
                    LibFn::Any => Value::Bool(n > 0),
                    _ => Value::Bool(n == mask.len() as i64),
                }
            }
            LibFn::Flatten => {
                let (_, lists) = list_arg(arg(0)?)?;
                let elem = elem_of(&e.ty)?.clone();
                let mut items = Vec::new();
                for l in lists {
                    items.extend_from_slice(list_arg(l)?.1);
                }
                self.alloc_list(&elem, items.len(), span)?;
                Value::List(elem, items)
            }
            LibFn::Range => {
                let ints = vals.iter().map(int_arg).collect::<R<Vec<i64>>>()?;
                let (start, end, step) = match ints[..] {
                    [n] => (0, n, 1),
                    [a, b] => (a, b, 1),
                    [a, b, s] => (a, b, s),
                    _ => return Err(bug("range with 0 or more than 3 arguments")),
                };
                if step == 0 {
                    // At the step, as generated code reports it.
                    let at = match &e.kind {
                        ExprKind::Builtin { args, .. } => args.get(2).map_or(span, |a| a.span),
                        _ => span,
                    };
                    return Err(fault(Fault::ZeroStep, at, 0, 0));
                }
                // Counted in i128, where neither the distance nor the rounding overflows;
                // accounted before anything is built.
                let (dist, by) = (end as i128 - start as i128, step as i128);
                let len = if dist.signum() == by.signum() {
                    (dist + by - by.signum()) / by
                } else {
                    0
                };
                self.alloc_list(&Ty::I64, len as usize, span)?;
                let items = (0..len).map(|i| Value::I64((start as i128 + i * by) as i64));
                Value::List(Ty::I64, items.collect())
            }
        })
    }

    /// Element-wise `lhs op rhs` (lists of equal length, or a list and a scalar): the
    /// lengths are checked first (E0607), then each element in order; the operator's
    /// own faults point at the node.
    fn map(&mut self, op: BinOp, vals: &[Value], e: &Expr) -> R<Value> {
        let span: Span = e.span;
        let res = elem_of(&e.ty)?.clone();
        let (Some(l), Some(r)) = (vals.first(), vals.get(1)) else {
            return Err(bug("element-wise operation without two operands"));
        };
        let len = match (l, r) {
            (Value::List(_, a), Value::List(_, b)) => {
                if a.len() != b.len() {
                    return Err(fault(
                        Fault::LengthMismatch,
                        span,
                        a.len() as i64,
                        b.len() as i64,
                    ));
                }
                a.len()
            }
            (Value::List(_, a), _) | (_, Value::List(_, a)) => a.len(),
            _ => return Err(bug("element-wise operation without a list")),
        };
        self.alloc_list(&res, len, span)?;
        let at = |v: &Value, i: usize| -> Value {
            match v {
                Value::List(_, items) => items[i].clone(),
                v => v.clone(),
            }
        };
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            self.poll(span)?;
            let (a, b) = (at(l, i), at(r, i));
            if let (BinOp::Add, Value::Str(x), Value::Str(y)) = (op, &a, &b) {
                self.alloc((x.len() + y.len()) as u64, span)?;
            }
            out.push(super::optional::elementwise(
                op,
                &a,
                &b,
                span,
                self.opts.overflow,
            )?);
        }
        Ok(Value::List(res, out))
    }
}
