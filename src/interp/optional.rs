//! Optional values (v1), restated over `Value`s: a `T?` is `Value::None` or the `T`
//! value itself. Lifting, `??`, total equality, `unwrap` and the `T?(...)` conversions.

use super::eval::{Frame, Machine};
use super::ops::{self, bug, fault, int_of, make_int, R};
use crate::abi::Fault;
use crate::span::Span;
use crate::types::hir::{BinOp, Expr, LiftArg, OnNone, Overflow};
use crate::types::ty::{FloatTy, Ty};
use crate::value::Value;

impl Machine<'_> {
    /// `Lift`: the arguments in order, then the test, then the body.
    pub(super) fn lift(
        &mut self,
        args: &[LiftArg],
        body: &Expr,
        on_none: OnNone,
        frame: &mut Frame,
    ) -> R<Value> {
        let (mut nones, mut optionals) = (0, 0);
        let mut first_none = None;
        for a in args {
            let v = self.eval(&a.value, frame)?;
            if a.value.ty.is_opt() {
                optionals += 1;
                if matches!(v, Value::None) {
                    nones += 1;
                    first_none.get_or_insert(a.value.span);
                    continue;
                }
            }
            frame.set(a.local, v);
        }
        if let Some(span) = first_none {
            return Ok(match on_none {
                OnNone::None => Value::None,
                OnNone::Bool(b) => Value::Bool(b),
                OnNone::Equal { ne } => {
                    let all = nones == optionals && optionals == args.len();
                    Value::Bool(if all { !ne } else { ne })
                }
                OnNone::Fault => return Err(fault(Fault::UnwrapNone, span, 0, 0)),
            });
        }
        self.eval(body, frame)
    }

    /// `a ?? b ?? c`: the first operand that is not none.
    pub(super) fn coalesce(&mut self, xs: &[Expr], frame: &mut Frame) -> R<Value> {
        let Some((last, firsts)) = xs.split_last() else {
            return Err(bug("an empty `??`"));
        };
        for x in firsts {
            let v = self.eval(x, frame)?;
            if !matches!(v, Value::None) {
                return Ok(v);
            }
        }
        self.eval(last, frame)
    }

    /// `T?(x)`.
    pub(super) fn try_convert(&mut self, x: &Expr, e: &Expr, frame: &mut Frame) -> R<Value> {
        let v = self.eval(x, frame)?;
        let to = e.ty.strip_opt();
        Ok(try_convert(&v, to).unwrap_or(Value::None))
    }
}

/// `a op b` for one element of an element-wise operation: lifted over optional
/// elements (v1), `==`/`!=` total; plain elements as `ops::binary`.
pub(super) fn elementwise(op: BinOp, a: &Value, b: &Value, span: Span, ovf: Overflow) -> R<Value> {
    let (an, bn) = (matches!(a, Value::None), matches!(b, Value::None));
    if !an && !bn {
        return ops::binary(op, a, b, span, ovf);
    }
    Ok(match op {
        BinOp::Eq => Value::Bool(an && bn),
        BinOp::Ne => Value::Bool(!(an && bn)),
        _ => Value::None,
    })
}

/// `T?(v)`: `None` where `T(v)` would fail or saturate.
fn try_convert(v: &Value, to: &Ty) -> Option<Value> {
    if let Value::Str(s) = v {
        return ops::parse(s, to, Default::default()).ok();
    }
    if let Some((_, x)) = int_of(v) {
        return match to {
            Ty::Int(t) => t.fits(x).then(|| make_int(*t, x)),
            _ => ops::cast(v, to).ok(),
        };
    }
    let x = match v {
        Value::F64(x) => *x,
        Value::F32(x) => *x as f64,
        _ => return None,
    };
    if x.is_nan() {
        return None;
    }
    match to {
        &Ty::Int(t) => {
            let x = x.trunc();
            // Within range exactly when the truncated value is at least MIN and below
            // MAX + 1 (both powers of two or their negations, exact in f64).
            (x >= t.min() as f64 && x < (t.max() + 1) as f64).then(|| make_int(t, x as i128))
        }
        Ty::Float(FloatTy::F32) if x.is_finite() && x.abs() > f32::MAX as f64 => None,
        _ => ops::cast(v, to).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ty::IntTy;

    fn conv(v: Value, to: Ty) -> Option<Value> {
        try_convert(&v, &to)
    }

    #[test]
    fn conversions_give_none_exactly_where_the_plain_one_fails_or_saturates() {
        let (u8t, i64t) = (Ty::Int(IntTy::U8), Ty::I64);
        assert_eq!(conv(Value::I64(300), u8t.clone()), None);
        assert_eq!(conv(Value::I64(255), u8t.clone()), Some(Value::U8(255)));
        assert_eq!(conv(Value::F64(3.7), u8t.clone()), Some(Value::U8(3)));
        assert_eq!(conv(Value::F64(-0.9), u8t.clone()), Some(Value::U8(0)));
        assert_eq!(conv(Value::F64(-1.0), u8t.clone()), None);
        assert_eq!(conv(Value::F64(255.99), u8t), Some(Value::U8(255)));
        assert_eq!(conv(Value::F64(f64::NAN), i64t.clone()), None);
        assert_eq!(conv(Value::F64(i64::MAX as f64), i64t.clone()), None);
        assert_eq!(
            conv(Value::F64(i64::MIN as f64), i64t.clone()),
            Some(Value::I64(i64::MIN))
        );
        assert_eq!(conv(Value::U64(u64::MAX), i64t.clone()), None);
        assert_eq!(
            conv(Value::Str("12".into()), i64t.clone()),
            Some(Value::I64(12))
        );
        assert_eq!(conv(Value::Str("1e3".into()), i64t), None);
        assert_eq!(conv(Value::F64(1e300), Ty::Float(FloatTy::F32)), None);
        assert_eq!(
            conv(Value::F64(f64::INFINITY), Ty::Float(FloatTy::F32)),
            Some(Value::F32(f32::INFINITY))
        );
        assert_eq!(conv(Value::F32(f32::NAN), Ty::F64), None);
        assert_eq!(
            conv(Value::I64(i64::MAX), Ty::Float(FloatTy::F32)),
            Some(Value::F32(i64::MAX as f32))
        );
    }

    #[test]
    fn lifting_coalesce_and_unwrap_in_the_interpreter() {
        let run = |src: &str| {
            let checked = crate::driver::check_source(src).unwrap_or_else(|d| panic!("{d:?}"));
            let mut out = String::new();
            let r = crate::interp::run(&checked.program, &[], &Default::default(), &mut out);
            (r, out)
        };
        let (r, out) = run("let n: i64? = none; let z = len(\"\"); print(n / z); n ?? print(7)");
        assert_eq!(
            (r.unwrap(), out.as_str()),
            (Some(Value::I64(7)), "none\n7\n")
        );
        let src = "let n: i64? = none;\nunwrap(n)";
        let (r, _) = run(src);
        let e = r.unwrap_err();
        assert_eq!(
            (e.code(), &src[e.span.lo as usize..e.span.hi as usize]),
            ("E0612", "n")
        );
        let (r, _) = run("let a: string? = none; let b: string? = none; [a == b, a != \"x\"]");
        assert_eq!(r.unwrap().unwrap().to_string(), "[true, true]");
    }
}
