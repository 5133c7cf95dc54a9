//! Operators, conversions and math builtins. The per-type choices are data: predicate
//! tables, intrinsic-name tables and one conversion match.

use super::{bug, Cg, Res};
use crate::abi::{self, Fault};
use crate::span::Span;
use crate::types::hir::{BinOp, Builtin, MathFn, UnOp};
use crate::types::ty::{IntTy, Ty};
use inkwell::intrinsics::Intrinsic;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FloatValue, IntValue};
use inkwell::{FloatPredicate, IntPredicate};

/// The integer predicate of a comparison: (op, signed predicate, unsigned predicate).
const INT_PREDICATES: [(BinOp, IntPredicate, IntPredicate); 6] = [
    (BinOp::Eq, IntPredicate::EQ, IntPredicate::EQ),
    (BinOp::Ne, IntPredicate::NE, IntPredicate::NE),
    (BinOp::Lt, IntPredicate::SLT, IntPredicate::ULT),
    (BinOp::Le, IntPredicate::SLE, IntPredicate::ULE),
    (BinOp::Gt, IntPredicate::SGT, IntPredicate::UGT),
    (BinOp::Ge, IntPredicate::SGE, IntPredicate::UGE),
];

/// Float comparisons: ordered, except `!=` which is unordered-or-unequal (NaN != NaN).
const FLOAT_PREDICATES: [(BinOp, FloatPredicate); 6] = [
    (BinOp::Eq, FloatPredicate::OEQ),
    (BinOp::Ne, FloatPredicate::UNE),
    (BinOp::Lt, FloatPredicate::OLT),
    (BinOp::Le, FloatPredicate::OLE),
    (BinOp::Gt, FloatPredicate::OGT),
    (BinOp::Ge, FloatPredicate::OGE),
];

fn int_predicate(op: BinOp, signed: bool) -> Option<IntPredicate> {
    INT_PREDICATES
        .iter()
        .find(|r| r.0 == op)
        .map(|r| if signed { r.1 } else { r.2 })
}

fn float_predicate(op: BinOp) -> Option<FloatPredicate> {
    FLOAT_PREDICATES.iter().find(|r| r.0 == op).map(|r| r.1)
}

/// The one-argument math builtins: each an LLVM intrinsic overloaded on f32/f64.
const MATH_INTRINSICS: [(MathFn, &str); 12] = [
    (MathFn::Sqrt, "llvm.sqrt"),
    (MathFn::Exp, "llvm.exp"),
    (MathFn::Log, "llvm.log"),
    (MathFn::Log2, "llvm.log2"),
    (MathFn::Log10, "llvm.log10"),
    (MathFn::Sin, "llvm.sin"),
    (MathFn::Cos, "llvm.cos"),
    (MathFn::Tan, "llvm.tan"),
    (MathFn::Floor, "llvm.floor"),
    (MathFn::Ceil, "llvm.ceil"),
    (MathFn::Round, "llvm.round"),
    (MathFn::Trunc, "llvm.trunc"),
];

/// Type classes for the two-operand numeric builtins.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Signed,
    Unsigned,
    Float,
}

fn class(ty: &Ty) -> Option<Class> {
    match ty {
        Ty::Int(i) if i.signed() => Some(Class::Signed),
        Ty::Int(_) => Some(Class::Unsigned),
        Ty::Float(_) => Some(Class::Float),
        _ => None,
    }
}

/// (builtin, class) → intrinsic. `None` for `Abs` on unsigned: the identity.
const NUMERIC_INTRINSICS: [(Builtin, Class, Option<&str>); 9] = [
    (Builtin::Abs, Class::Signed, Some("llvm.abs")),
    (Builtin::Abs, Class::Unsigned, None),
    (Builtin::Abs, Class::Float, Some("llvm.fabs")),
    (Builtin::Min, Class::Signed, Some("llvm.smin")),
    (Builtin::Min, Class::Unsigned, Some("llvm.umin")),
    (Builtin::Min, Class::Float, Some("llvm.minnum")),
    (Builtin::Max, Class::Signed, Some("llvm.smax")),
    (Builtin::Max, Class::Unsigned, Some("llvm.umax")),
    (Builtin::Max, Class::Float, Some("llvm.maxnum")),
];

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// Call an (overloaded) LLVM intrinsic.
    pub(super) fn intrinsic(
        &self,
        name: &str,
        overload: &[BasicTypeEnum<'ctx>],
        args: &[BasicMetadataValueEnum<'ctx>],
    ) -> Res<BasicValueEnum<'ctx>> {
        let Some(decl) =
            Intrinsic::find(name).and_then(|i| i.get_declaration(&self.module, overload))
        else {
            return bug(format!("intrinsic {name} is not available"));
        };
        match self.b.build_call(decl, args, "")?.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Ok(v),
            inkwell::values::ValueKind::Instruction(_) => bug(format!("{name} has no result")),
        }
    }

    /// Conversion with Rust `as` semantics.
    pub(super) fn cast(
        &self,
        v: BasicValueEnum<'ctx>,
        from: &Ty,
        to: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        if from == to {
            return Ok(v);
        }
        let b = &self.b;
        Ok(match (from, to) {
            (Ty::Bool, Ty::Int(t)) => b
                .build_int_z_extend(v.into_int_value(), self.int_ty(*t), "")?
                .into(),
            (Ty::Bool, Ty::Float(f)) => b
                .build_unsigned_int_to_float(v.into_int_value(), self.float_ty(*f), "")?
                .into(),
            (Ty::Int(a), Ty::Int(t)) => b
                .build_int_cast_sign_flag(v.into_int_value(), self.int_ty(*t), a.signed(), "")?
                .into(),
            (Ty::Int(a), Ty::Float(f)) if a.signed() => b
                .build_signed_int_to_float(v.into_int_value(), self.float_ty(*f), "")?
                .into(),
            (Ty::Int(_), Ty::Float(f)) => b
                .build_unsigned_int_to_float(v.into_int_value(), self.float_ty(*f), "")?
                .into(),
            (Ty::Float(f), Ty::Int(t)) => {
                // Saturating, NaN → 0: exactly Rust's `as`.
                let name = if t.signed() {
                    "llvm.fptosi.sat"
                } else {
                    "llvm.fptoui.sat"
                };
                let overload = [self.int_ty(*t).into(), self.float_ty(*f).into()];
                self.intrinsic(name, &overload, &[v.into()])?
            }
            (Ty::Float(a), Ty::Float(t)) if a.bits() < t.bits() => b
                .build_float_ext(v.into_float_value(), self.float_ty(*t), "")?
                .into(),
            (Ty::Float(_), Ty::Float(t)) => b
                .build_float_trunc(v.into_float_value(), self.float_ty(*t), "")?
                .into(),
            (Ty::Int(a), Ty::Bool) => {
                let zero = self.int_ty(*a).const_zero();
                b.build_int_compare(IntPredicate::NE, v.into_int_value(), zero, "")?
                    .into()
            }
            _ => return bug(format!("unsupported conversion from `{from}` to `{to}`")),
        })
    }

    pub(super) fn unary(
        &self,
        op: UnOp,
        v: BasicValueEnum<'ctx>,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        Ok(match (op, ty) {
            // `sub 0, x` without nsw: wraps, so -MIN is MIN.
            (UnOp::Neg, Ty::Int(_)) => self.b.build_int_neg(v.into_int_value(), "")?.into(),
            (UnOp::Neg, Ty::Float(_)) => self.b.build_float_neg(v.into_float_value(), "")?.into(),
            (UnOp::Not, Ty::Bool) | (UnOp::BitNot, Ty::Int(_)) => {
                self.b.build_not(v.into_int_value(), "")?.into()
            }
            _ => return bug(format!("unary {op:?} on `{ty}`")),
        })
    }

    pub(super) fn binary(
        &mut self,
        op: BinOp,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
        lty: &Ty,
        rty: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        match lty {
            Ty::Int(it) => {
                self.int_binary(op, l.into_int_value(), r.into_int_value(), *it, rty, span)
            }
            Ty::Float(_) => self.float_binary(op, l.into_float_value(), r.into_float_value()),
            Ty::Bool => {
                let (l, r) = (l.into_int_value(), r.into_int_value());
                Ok(match op {
                    BinOp::Eq | BinOp::Ne => {
                        let pred = int_predicate(op, false).unwrap_or(IntPredicate::EQ);
                        self.b.build_int_compare(pred, l, r, "")?.into()
                    }
                    BinOp::BitAnd => self.b.build_and(l, r, "")?.into(),
                    BinOp::BitOr => self.b.build_or(l, r, "")?.into(),
                    BinOp::BitXor => self.b.build_xor(l, r, "")?.into(),
                    _ => return bug(format!("{op:?} on bool")),
                })
            }
            Ty::Str => self.str_binary(op, l, r),
            t => bug(format!("{op:?} on `{t}`")),
        }
    }

    fn int_binary(
        &mut self,
        op: BinOp,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        it: IntTy,
        rty: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let b = &self.b;
        let signed = it.signed();
        if let Some(pred) = int_predicate(op, signed) {
            return Ok(b.build_int_compare(pred, l, r, "")?.into());
        }
        Ok(match op {
            // Plain add/sub/mul: no nsw/nuw, so they wrap.
            BinOp::Add => b.build_int_add(l, r, "")?.into(),
            BinOp::Sub => b.build_int_sub(l, r, "")?.into(),
            BinOp::Mul => b.build_int_mul(l, r, "")?.into(),
            BinOp::BitAnd => b.build_and(l, r, "")?.into(),
            BinOp::BitOr => b.build_or(l, r, "")?.into(),
            BinOp::BitXor => b.build_xor(l, r, "")?.into(),
            BinOp::Shl | BinOp::Shr => {
                if !matches!(rty, Ty::Int(_)) {
                    return bug(format!("shift count of type `{rty}`"));
                }
                // The count's low bits at the lhs width: `count & (bits - 1)`.
                let ty = self.int_ty(it);
                let count = b.build_int_cast_sign_flag(r, ty, false, "")?;
                let mask = ty.const_int(it.bits() as u64 - 1, false);
                let count = b.build_and(count, mask, "")?;
                if op == BinOp::Shl {
                    b.build_left_shift(l, count, "")?.into()
                } else {
                    b.build_right_shift(l, count, signed, "")?.into()
                }
            }
            BinOp::Div | BinOp::Rem => self.int_div_rem(op, l, r, it, span)?,
            _ => return bug(format!("{op:?} on integers")),
        })
    }

    /// Guarded `/` and `%`: a zero divisor faults; signed `MIN / -1` faults; `MIN % -1`
    /// is 0 (the divisor -1 is replaced by 1, which gives the same remainder everywhere).
    fn int_div_rem(
        &mut self,
        op: BinOp,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        it: IntTy,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let ty = self.int_ty(it);
        let i64t = self.i64_ty();
        let signed = it.signed();
        let is_rem = op == BinOp::Rem;
        let zero = self
            .b
            .build_int_compare(IntPredicate::EQ, r, ty.const_zero(), "")?;
        let l64 = self.b.build_int_cast_sign_flag(l, i64t, signed, "")?;
        let which = i64t.const_int(is_rem as u64, false);
        self.fail_if(zero, Fault::DivByZero, span, l64, which)?;
        let b = &self.b;
        Ok(match (signed, is_rem) {
            (false, false) => b.build_int_unsigned_div(l, r, "")?.into(),
            (false, true) => b.build_int_unsigned_rem(l, r, "")?.into(),
            (true, false) => {
                let min = ty.const_int(1u64 << (it.bits() - 1), false);
                let is_min = b.build_int_compare(IntPredicate::EQ, l, min, "")?;
                let is_m1 = b.build_int_compare(IntPredicate::EQ, r, ty.const_all_ones(), "")?;
                let overflow = b.build_and(is_min, is_m1, "")?;
                let r64 = b.build_int_s_extend(r, i64t, "")?;
                self.fail_if(overflow, Fault::DivOverflow, span, l64, r64)?;
                self.b.build_int_signed_div(l, r, "")?.into()
            }
            (true, true) => {
                let is_m1 = b.build_int_compare(IntPredicate::EQ, r, ty.const_all_ones(), "")?;
                let safe = b
                    .build_select(is_m1, ty.const_int(1, false), r, "")?
                    .into_int_value();
                b.build_int_signed_rem(l, safe, "")?.into()
            }
        })
    }

    fn float_binary(
        &self,
        op: BinOp,
        l: FloatValue<'ctx>,
        r: FloatValue<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let b = &self.b;
        if let Some(pred) = float_predicate(op) {
            return Ok(b.build_float_compare(pred, l, r, "")?.into());
        }
        Ok(match op {
            BinOp::Add => b.build_float_add(l, r, "")?.into(),
            BinOp::Sub => b.build_float_sub(l, r, "")?.into(),
            BinOp::Mul => b.build_float_mul(l, r, "")?.into(),
            BinOp::Div => b.build_float_div(l, r, "")?.into(),
            BinOp::Rem => b.build_float_rem(l, r, "")?.into(),
            _ => return bug(format!("{op:?} on floats")),
        })
    }

    fn str_binary(
        &mut self,
        op: BinOp,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (lp, ll) = self.split_pair(l)?;
        let (rp, rl) = self.split_pair(r)?;
        if op == BinOp::Add {
            let ctx = self.ctx_ptr()?;
            let args = [ctx.into(), lp.into(), ll.into(), rp.into(), rl.into()];
            return self.call_rt_pair(abi::RT_CONCAT, &args);
        }
        let Some(pred) = int_predicate(op, true) else {
            return bug(format!("{op:?} on strings"));
        };
        let Some(c) = self.call_rt(
            abi::RT_STR_CMP,
            &[lp.into(), ll.into(), rp.into(), rl.into()],
        )?
        else {
            return bug("kiln_rt_str_cmp returned nothing");
        };
        let zero = self.i32_ty().const_zero();
        Ok(self
            .b
            .build_int_compare(pred, c.into_int_value(), zero, "")?
            .into())
    }

    /// Equality for `in`: numeric (ordered for floats), bool, bytewise for strings.
    pub(super) fn equal(
        &mut self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        ty: &Ty,
    ) -> Res<IntValue<'ctx>> {
        let v = match ty {
            Ty::Int(_) | Ty::Bool | Ty::Float(_) | Ty::Str => {
                self.binary(BinOp::Eq, a, b, ty, ty, Span::default())?
            }
            t => return bug(format!("`in` on a list of `{t}`")),
        };
        Ok(v.into_int_value())
    }

    /// `abs`, `min`, `max`, `pow` and the one-argument math functions.
    pub(super) fn math(
        &self,
        op: Builtin,
        args: &[BasicValueEnum<'ctx>],
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let overload = [self.llty(ty)?];
        let vals: Vec<BasicMetadataValueEnum> = args.iter().map(|&v| v.into()).collect();
        let name = match op {
            Builtin::Math(f) => {
                if let Some(v) = self.math_extra(f, &vals, ty)? {
                    return Ok(v);
                }
                MATH_INTRINSICS.iter().find(|r| r.0 == f).map(|r| r.1)
            }
            Builtin::IsNan | Builtin::IsInf => return self.float_test(op, args[0]),
            Builtin::Clamp => return self.clamp(args, ty),
            Builtin::Pow => Some("llvm.pow"),
            _ => {
                let Some(c) = class(ty) else {
                    return bug(format!("{op:?} on `{ty}`"));
                };
                match NUMERIC_INTRINSICS.iter().find(|r| r.0 == op && r.1 == c) {
                    Some((_, _, None)) => return Ok(args[0]),
                    Some((_, _, Some(name))) => Some(*name),
                    None => None,
                }
            }
        };
        let Some(name) = name else {
            return bug(format!("{op:?} on `{ty}`"));
        };
        if name == "llvm.abs" {
            // is_int_min_poison = false: abs(MIN) is MIN (wrapping).
            let no_poison = self.cx.bool_type().const_zero();
            return self.intrinsic(name, &overload, &[vals[0], no_poison.into()]);
        }
        self.intrinsic(name, &overload, &vals)
    }
}

/// How a math extra (issue 5) is lowered: an intrinsic overloaded on f32/f64, or a C
/// math library call (f64 name, f32 name; both in `abi::LIBM_FUNCTIONS`).
#[derive(Clone, Copy)]
enum Lower {
    Intrinsic(&'static str),
    Libm(&'static str, &'static str),
}

const MATH_EXTRAS: [(MathFn, Lower); 10] = [
    (MathFn::Asin, Lower::Libm("asin", "asinf")),
    (MathFn::Acos, Lower::Libm("acos", "acosf")),
    (MathFn::Atan, Lower::Libm("atan", "atanf")),
    (MathFn::Sinh, Lower::Libm("sinh", "sinhf")),
    (MathFn::Cosh, Lower::Libm("cosh", "coshf")),
    (MathFn::Tanh, Lower::Libm("tanh", "tanhf")),
    (MathFn::Exp2, Lower::Intrinsic("llvm.exp2")),
    (MathFn::Cbrt, Lower::Libm("cbrt", "cbrtf")),
    (MathFn::Hypot, Lower::Libm("hypot", "hypotf")),
    (MathFn::Atan2, Lower::Libm("atan2", "atan2f")),
];

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// A math extra, or `None` for the original one-argument intrinsics.
    fn math_extra(
        &self,
        f: MathFn,
        args: &[BasicMetadataValueEnum<'ctx>],
        ty: &Ty,
    ) -> Res<Option<BasicValueEnum<'ctx>>> {
        let Some(&(_, lower)) = MATH_EXTRAS.iter().find(|r| r.0 == f) else {
            return Ok(None);
        };
        let fty = self.llty(ty)?;
        let name = match (lower, ty) {
            (Lower::Intrinsic(name), _) => return self.intrinsic(name, &[fty], args).map(Some),
            (Lower::Libm(_, f32_name), Ty::Float(crate::types::ty::FloatTy::F32)) => f32_name,
            (Lower::Libm(f64_name, _), _) => f64_name,
        };
        let decl = match self.module.get_function(name) {
            Some(d) => d,
            None => {
                let BasicTypeEnum::FloatType(ft) = fty else {
                    return bug(format!("{f:?} on `{ty}`"));
                };
                let params = vec![ft.into(); args.len()];
                let fn_ty = ft.fn_type(&params, false);
                self.module
                    .add_function(name, fn_ty, Some(inkwell::module::Linkage::External))
            }
        };
        match self.b.build_call(decl, args, "")?.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Ok(Some(v)),
            inkwell::values::ValueKind::Instruction(_) => bug(format!("{name} has no result")),
        }
    }

    /// `is_nan` (unordered with itself) and `is_inf` (|x| == inf).
    fn float_test(&self, op: Builtin, v: BasicValueEnum<'ctx>) -> Res<BasicValueEnum<'ctx>> {
        let x = v.into_float_value();
        Ok(match op {
            Builtin::IsNan => self
                .b
                .build_float_compare(FloatPredicate::UNO, x, x, "")?
                .into(),
            _ => {
                let a = self
                    .intrinsic("llvm.fabs", &[x.get_type().into()], &[x.into()])?
                    .into_float_value();
                let inf = x.get_type().const_float(f64::INFINITY);
                self.b
                    .build_float_compare(FloatPredicate::OEQ, a, inf, "")?
                    .into()
            }
        })
    }
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// `clamp(x, lo, hi)`: two compares and selects; float compares are ordered, so a
    /// NaN `x` is returned unchanged.
    fn clamp(&self, args: &[BasicValueEnum<'ctx>], ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        let [x, lo, hi] = args else {
            return bug("clamp takes three arguments");
        };
        let below = |a: BasicValueEnum<'ctx>, b: BasicValueEnum<'ctx>| -> Res<IntValue<'ctx>> {
            Ok(match ty {
                Ty::Int(it) => self.b.build_int_compare(
                    int_predicate(BinOp::Lt, it.signed()).unwrap_or(IntPredicate::SLT),
                    a.into_int_value(),
                    b.into_int_value(),
                    "",
                )?,
                Ty::Float(_) => self.b.build_float_compare(
                    FloatPredicate::OLT,
                    a.into_float_value(),
                    b.into_float_value(),
                    "",
                )?,
                t => return bug(format!("clamp on `{t}`")),
            })
        };
        let low = below(*x, *lo)?;
        let v = self.b.build_select(low, *lo, *x, "")?;
        let high = below(*hi, v)?;
        Ok(self.b.build_select(high, *hi, v, "")?)
    }
}
