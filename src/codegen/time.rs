//! `timestamp` and `duration` (v1) operators: both are i64 nanoseconds, so they compare
//! as signed integers; their arithmetic (`ts - ts`, `ts ± d`, `d ± d`, `d * n`, `n * d`,
//! `d / n`, `-d`) is checked in every overflow mode: a result outside i64 is fault
//! E0621 (`Fault::TimeRange`, `b` = 0: an operator) at the operator, never a wrap.

use super::ops::int_predicate;
use super::{bug, Cg, Res};
use crate::abi::Fault;
use crate::span::Span;
use crate::types::hir::{BinOp, TimeFn};
use crate::types::ty::Ty;
use inkwell::values::{BasicValueEnum, IntValue};
use inkwell::IntPredicate;
use kiln_runtime::time::{NANOS_PER_SEC, UNITS};

/// Whether `ty` is a time type (its operators are here).
pub(super) fn is_time(ty: &Ty) -> bool {
    matches!(ty, Ty::Timestamp | Ty::Duration)
}

impl<'ctx> Cg<'_, 'ctx> {
    /// `l op r` where one operand is a timestamp or a duration (the checker settled
    /// which combinations exist; the other operand of `*` and `/` is an i64).
    pub(super) fn time_binary(
        &mut self,
        op: BinOp,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
        lty: &Ty,
        rty: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (l, r) = (l.into_int_value(), r.into_int_value());
        if let Some(pred) = int_predicate(op, true) {
            return Ok(self.b.build_int_compare(pred, l, r, "")?.into());
        }
        let name = match op {
            BinOp::Add => "llvm.sadd.with.overflow",
            BinOp::Sub => "llvm.ssub.with.overflow",
            BinOp::Mul => "llvm.smul.with.overflow",
            BinOp::Div if *lty == Ty::Duration && *rty == Ty::I64 => {
                return self.duration_div(l, r, span)
            }
            _ => return bug(format!("{op:?} on `{lty}` and `{rty}`")),
        };
        self.time_checked(name, l, r, span)
    }

    /// `seconds(d)`, and the unit constructors (`days(n)` ...: a checked multiply, E0621
    /// with `a` = n, `b` = the unit's index + 1).
    pub(super) fn time_fn(
        &mut self,
        f: TimeFn,
        v: BasicValueEnum<'ctx>,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let i64t = self.i64_ty();
        let n = v.into_int_value();
        match f {
            TimeFn::Seconds => {
                let f64t = self.cx.f64_type();
                let x = self.b.build_signed_int_to_float(n, f64t, "")?;
                let per = f64t.const_float(NANOS_PER_SEC as f64);
                Ok(self.b.build_float_div(x, per, "")?.into())
            }
            TimeFn::Unit(i) => {
                let Some((_, per)) = UNITS.get(i as usize) else {
                    return bug(format!("time unit {i}"));
                };
                let per = i64t.const_int(*per as u64, false);
                let pair = self
                    .intrinsic(
                        "llvm.smul.with.overflow",
                        &[i64t.into()],
                        &[n.into(), per.into()],
                    )?
                    .into_struct_value();
                let value = self.b.build_extract_value(pair, 0, "")?;
                let overflowed = self.b.build_extract_value(pair, 1, "")?.into_int_value();
                let which = i64t.const_int(i as u64 + 1, false);
                self.fail_if(overflowed, Fault::TimeRange, span, n, which)?;
                Ok(value)
            }
        }
    }

    /// `-d`: fault E0621 for the one duration whose negation does not fit.
    pub(super) fn duration_neg(
        &mut self,
        v: BasicValueEnum<'ctx>,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let zero = self.i64_ty().const_zero();
        self.time_checked("llvm.ssub.with.overflow", zero, v.into_int_value(), span)
    }

    /// An `llvm.s*.with.overflow` on i64 nanoseconds, faulting E0621 on overflow.
    fn time_checked(
        &mut self,
        intrinsic: &str,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let i64t = self.i64_ty();
        let pair = self
            .intrinsic(intrinsic, &[i64t.into()], &[l.into(), r.into()])?
            .into_struct_value();
        let value = self.b.build_extract_value(pair, 0, "")?.into_int_value();
        let overflowed = self.b.build_extract_value(pair, 1, "")?.into_int_value();
        let zero = i64t.const_zero();
        self.fail_if(overflowed, Fault::TimeRange, span, zero, zero)?;
        Ok(value.into())
    }

    /// `d / n`, truncating like integer division: a zero divisor is E0601 (as for
    /// integers), `MIN / -1` does not fit (E0621).
    fn duration_div(
        &mut self,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let i64t = self.i64_ty();
        let zero = self
            .b
            .build_int_compare(IntPredicate::EQ, r, i64t.const_zero(), "")?;
        let duration = i64t.const_int(2, false);
        self.fail_if(zero, Fault::DivByZero, span, l, duration)?;
        let min = i64t.const_int(i64::MIN as u64, false);
        let is_min = self.b.build_int_compare(IntPredicate::EQ, l, min, "")?;
        let is_m1 = self
            .b
            .build_int_compare(IntPredicate::EQ, r, i64t.const_all_ones(), "")?;
        let overflow = self.b.build_and(is_min, is_m1, "")?;
        let zero = i64t.const_zero();
        self.fail_if(overflow, Fault::TimeRange, span, zero, zero)?;
        Ok(self.b.build_int_signed_div(l, r, "")?.into())
    }
}
