//! Operators, conversions and math builtins. The per-type choices are data: predicate
//! tables, intrinsic-name tables and one conversion match.

use super::{bug, Cg, Res, LOOP_CHUNK};
use crate::abi::KindTy;
use crate::abi::{self, Fault, Kind};
use crate::span::Span;
use crate::types::hir::{BinOp, Builtin, Expr, ExprKind, LibFn, MathFn, Overflow, UnOp};
use crate::types::ty::{IntTy, Ty};
use inkwell::intrinsics::Intrinsic;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, FloatValue, IntValue, PointerValue};
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

pub(super) fn int_predicate(op: BinOp, signed: bool) -> Option<IntPredicate> {
    INT_PREDICATES
        .iter()
        .find(|r| r.0 == op)
        .map(|r| if signed { r.1 } else { r.2 })
}

fn float_predicate(op: BinOp) -> Option<FloatPredicate> {
    FLOAT_PREDICATES.iter().find(|r| r.0 == op).map(|r| r.1)
}

/// The one-argument math builtins: each an LLVM intrinsic overloaded on f32/f64.
/// Math functions IEEE defines exactly: LLVM intrinsics (inline instructions, or C
/// library calls that every C library answers alike).
const MATH_INTRINSICS: [(MathFn, &str); 5] = [
    (MathFn::Sqrt, "llvm.sqrt"),
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
        // `timestamp` and `duration` (v1) order as their i64 nanoseconds.
        Ty::Timestamp | Ty::Duration => Some(Class::Signed),
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
    // Floats: `float_min_max`.
    (Builtin::Min, Class::Float, None),
    (Builtin::Max, Class::Signed, Some("llvm.smax")),
    (Builtin::Max, Class::Unsigned, Some("llvm.umax")),
    (Builtin::Max, Class::Float, None),
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
        if let (Ty::Opt(a), Ty::Opt(t)) = (from, to) {
            return self.opt_cast(v, a, t);
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
        &mut self,
        op: UnOp,
        v: BasicValueEnum<'ctx>,
        ty: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        Ok(match (op, ty) {
            (UnOp::Neg, Ty::Int(it)) if self.overflow == Overflow::Trap => {
                let zero = self.int_ty(*it).const_zero();
                self.checked_arith(BinOp::Sub, zero, v.into_int_value(), *it, span)?
            }
            // Checked in every mode (v1): E0621.
            (UnOp::Neg, Ty::Duration) => self.duration_neg(v, span)?,
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
        if super::time::is_time(lty) || super::time::is_time(rty) {
            return self.time_binary(op, l, r, lty, rty, span);
        }
        match lty {
            // Elements of optional lists (v1).
            Ty::Opt(inner) => self.opt_binary(op, l, r, inner, span),
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
            Ty::Str => self.str_binary(op, l, r, span),
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
            BinOp::Add | BinOp::Sub | BinOp::Mul if self.overflow == Overflow::Trap => {
                self.checked_arith(op, l, r, it, span)?
            }
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

    /// `l op r` for `+ - *` in overflow-trap mode: LLVM's `*.with.overflow` intrinsic,
    /// faulting with E0617 (operands in the record) when the result does not fit.
    fn checked_arith(
        &mut self,
        op: BinOp,
        l: IntValue<'ctx>,
        r: IntValue<'ctx>,
        it: IntTy,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let signed = it.signed();
        let name = match (op, signed) {
            (BinOp::Add, true) => "llvm.sadd.with.overflow",
            (BinOp::Add, false) => "llvm.uadd.with.overflow",
            (BinOp::Sub, true) => "llvm.ssub.with.overflow",
            (BinOp::Sub, false) => "llvm.usub.with.overflow",
            (BinOp::Mul, true) => "llvm.smul.with.overflow",
            (BinOp::Mul, false) => "llvm.umul.with.overflow",
            _ => return bug(format!("checked {op:?}")),
        };
        let ty = self.int_ty(it);
        let pair = self
            .intrinsic(name, &[ty.into()], &[l.into(), r.into()])?
            .into_struct_value();
        let value = self.b.build_extract_value(pair, 0, "")?.into_int_value();
        let overflowed = self.b.build_extract_value(pair, 1, "")?.into_int_value();
        let i64t = self.i64_ty();
        let l64 = self.b.build_int_cast_sign_flag(l, i64t, signed, "")?;
        let r64 = self.b.build_int_cast_sign_flag(r, i64t, signed, "")?;
        self.fail_if(overflowed, Fault::IntOverflow, span, l64, r64)?;
        Ok(value.into())
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

    pub(super) fn float_binary(
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
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (lp, ll) = self.split_pair(l)?;
        let (rp, rl) = self.split_pair(r)?;
        if op == BinOp::Add {
            let ctx = self.ctx_ptr()?;
            let span = self.span_arg(span);
            let args = [
                ctx.into(),
                span.into(),
                lp.into(),
                ll.into(),
                rp.into(),
                rl.into(),
            ];
            let s = self.call_rt_pair(abi::RT_CONCAT, &args)?;
            self.check_status()?;
            return Ok(s);
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
            Ty::Int(_) | Ty::Bool | Ty::Float(_) | Ty::Str | Ty::Timestamp | Ty::Duration => {
                self.binary(BinOp::Eq, a, b, ty, ty, Span::default())?
            }
            // A list of lists: the runtime compares the two lists structurally.
            Ty::List(elem) => {
                let Some(code) = abi::type_code(elem) else {
                    return bug(format!("no runtime type code for `{elem}`"));
                };
                let (ap, al) = self.split_pair(a)?;
                let (bp, bl) = self.split_pair(b)?;
                let code = self.i32_ty().const_int(code.0 as u64, false);
                let args = [code.into(), ap.into(), al.into(), bp.into(), bl.into()];
                let Some(eq) = self.call_rt(abi::RT_LIST_EQ, &args)? else {
                    return bug("kiln_rt_list_eq returned nothing");
                };
                let zero = self.i32_ty().const_zero();
                self.b
                    .build_int_compare(IntPredicate::NE, eq.into_int_value(), zero, "")?
                    .into()
            }
            Ty::Opt(inner) => return self.opt_equal(a, b, inner),
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
        if let (Builtin::Min | Builtin::Max, [first, second, rest @ ..]) = (op, args) {
            if !rest.is_empty() {
                // Three or more: pairwise, left to right (the NaN and signed-zero rules
                // make the order irrelevant).
                let mut acc = self.math(op, &[*first, *second], ty)?;
                for &v in rest {
                    acc = self.math(op, &[acc, v], ty)?;
                }
                return Ok(acc);
            }
        }
        let overload = [self.llty(ty)?];
        let vals: Vec<BasicMetadataValueEnum> = args.iter().map(|&v| v.into()).collect();
        let name = match op {
            Builtin::Math(f) => {
                if let Some(v) = self.math_call(Some(f), &vals, ty)? {
                    return Ok(v);
                }
                MATH_INTRINSICS.iter().find(|r| r.0 == f).map(|r| r.1)
            }
            Builtin::IsNan | Builtin::IsInf => return self.float_test(op, args[0]),
            Builtin::Pow => {
                return self
                    .math_call(None, &vals, ty)?
                    .map_or_else(|| bug("pow"), Ok)
            }
            _ => {
                let Some(c) = class(ty) else {
                    return bug(format!("{op:?} on `{ty}`"));
                };
                if c == Class::Float && matches!(op, Builtin::Min | Builtin::Max) {
                    return self.float_min_max(op == Builtin::Max, args[0], args[1]);
                }
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

// ---- standard library: strings and lists ------------------------------------------------

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// A standard-library call: the few list functions that are a load or a loop inline,
    /// the rest one runtime call `(ctx, span, elem_kind, args...)` (`abi::LIB_SYMBOLS`).
    pub(super) fn lib_call(
        &mut self,
        f: LibFn,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        if f.is_time() {
            return self.time_call(f, vals, args, e);
        }
        match f {
            LibFn::ListLen => return Ok(self.split_pair(vals[0])?.1.into()),
            LibFn::First | LibFn::Last => {
                return self.list_end(f == LibFn::First, vals[0], &e.ty, e.span)
            }
            LibFn::IndexOf | LibFn::ListContains => {
                let i = self.find_index(vals[0], vals[1], &args[1].ty, e.span)?;
                if f == LibFn::IndexOf {
                    return Ok(i.into());
                }
                let zero = self.i64_ty().const_zero();
                return Ok(self
                    .b
                    .build_int_compare(IntPredicate::SGE, i, zero, "")?
                    .into());
            }
            LibFn::Sum | LibFn::Avg | LibFn::ListMin | LibFn::ListMax => {
                let Ty::List(elem) = &args[0].ty else {
                    return bug(format!("{f:?} of a non-list"));
                };
                let elem = (**elem).clone();
                return self.aggregate(f, vals[0], &elem, &e.ty, e.span);
            }
            LibFn::Map(op) => return self.map_lists(op, vals, args, e),
            LibFn::Filter => return self.filter_list(vals, args, e),
            LibFn::Count | LibFn::Any | LibFn::All => {
                let (ptr, len) = self.split_pair(vals[0])?;
                let n = self.count_true(ptr, len, e.span)?;
                let (pred, rhs) = match f {
                    LibFn::Count => return Ok(n.into()),
                    LibFn::Any => (IntPredicate::SGT, self.i64_ty().const_zero()),
                    _ => (IntPredicate::EQ, len),
                };
                return Ok(self.b.build_int_compare(pred, n, rhs, "")?.into());
            }
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
            | LibFn::FromCharCode => return self.text_call(f, vals, args, e),
            LibFn::RoundTo => return self.round_to(vals, args, e),
            _ => {}
        }
        let Some(symbol) = abi::lib_symbol(f) else {
            return bug(format!("{f:?} has no runtime function"));
        };
        // The element's type code (a scalar's is its kind; `[T]` for a list of lists).
        let kind = args
            .iter()
            .find_map(|a| match &a.ty {
                Ty::List(elem) => abi::type_code(elem).map(|c| c.0),
                _ => None,
            })
            .unwrap_or(Kind::I64 as u32);
        let span = if f.effects().can_fault {
            self.span_id(e.span)
        } else {
            0
        };
        let mut call: Vec<BasicMetadataValueEnum<'ctx>> = vec![
            self.ctx_ptr()?.into(),
            self.i32_ty().const_int(span as u64, false).into(),
            self.i32_ty().const_int(kind as u64, false).into(),
        ];
        if f == LibFn::Range {
            // `range(n)` is `range(0, n, 1)`, `range(a, b)` is `range(a, b, 1)`.
            let i64t = self.i64_ty();
            let zero: BasicMetadataValueEnum<'ctx> = i64t.const_zero().into();
            let one: BasicMetadataValueEnum<'ctx> = i64t.const_int(1, false).into();
            let (start, end) = match vals {
                [n] => (zero, (*n).into()),
                [a, b, ..] => ((*a).into(), (*b).into()),
                [] => return bug("range without arguments"),
            };
            let step = match (vals.get(2), args.get(2)) {
                // A zero step faults at the step (E0613), before the call.
                (Some(&s), Some(arg)) => {
                    let s = s.into_int_value();
                    let zero = i64t.const_zero();
                    let bad = self.b.build_int_compare(IntPredicate::EQ, s, zero, "")?;
                    self.fail_if(bad, Fault::ZeroStep, arg.span, zero, zero)?;
                    s.into()
                }
                _ => one,
            };
            call.extend([start, end, step]);
        } else {
            for (&v, a) in vals.iter().zip(args) {
                match &a.ty {
                    Ty::Str | Ty::List(_) => {
                        let (p, l) = self.split_pair(v)?;
                        call.push(p.into());
                        call.push(l.into());
                    }
                    t => call.push(self.to_bits(v, t)?.into()),
                }
            }
        }
        if crate::value::layout::is_pair(&e.ty) {
            let v = self.call_rt_pair(symbol, &call)?;
            if f.effects().can_fault {
                self.check_status()?;
            }
            return Ok(v);
        }
        let Some(bits) = self.call_rt(symbol, &call)? else {
            return bug(format!("{symbol} returned nothing"));
        };
        if f.effects().can_fault {
            self.check_status()?;
        }
        self.bits_to_value(bits.into_int_value(), &e.ty)
    }

    /// `sum`, `avg`, `min`, `max` of a numeric list: one accumulator loop.
    fn aggregate(
        &mut self,
        f: LibFn,
        list: BasicValueEnum<'ctx>,
        elem: &Ty,
        ret: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (ptr, len) = self.split_pair(list)?;
        self.aggregate_over(f, len, elem, ret, span, &mut |cg, i| {
            let p = cg.elem_ptr(elem, ptr, i)?;
            cg.load(p, elem)
        })
    }

    /// `sum`, `avg`, `min`, `max` over `len` values of type `vt`, the `i`th given by
    /// `value_at` (a list's element, a `map` body, ...): one accumulator loop. `sum` adds
    /// in `vt` (wrapping, or IEEE in order); `avg` adds in f64 and divides (NaN for
    /// none); `min`/`max` use the scalar builtins (floats ignore NaN) and fault when
    /// `len` is 0 (E0608, `value_at(0)` is the first accumulator).
    pub(super) fn aggregate_over(
        &mut self,
        f: LibFn,
        len: IntValue<'ctx>,
        vt: &Ty,
        ret: &Ty,
        span: Span,
        value_at: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> Res<BasicValueEnum<'ctx>>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let f64t = Ty::Float(crate::types::ty::FloatTy::F64);
        let acc_ty = if f == LibFn::Avg { &f64t } else { vt };
        let acc = self.entry_alloca(self.llty(acc_ty)?, "acc")?;
        let init: BasicValueEnum<'ctx> = match (f, acc_ty) {
            (LibFn::ListMin | LibFn::ListMax, _) => {
                let i64t = self.i64_ty();
                let empty =
                    self.b
                        .build_int_compare(IntPredicate::EQ, len, i64t.const_zero(), "")?;
                let which = i64t.const_int((f == LibFn::ListMax) as u64, false);
                self.fail_if(empty, Fault::EmptyList, span, which, i64t.const_zero())?;
                value_at(self, i64t.const_zero())?
            }
            (_, Ty::Int(it)) => self.int_ty(*it).const_zero().into(),
            (_, Ty::Float(ft)) => self.float_ty(*ft).const_float(0.0).into(),
            (_, t) => return bug(format!("{f:?} of `[{t}]`")),
        };
        self.b.build_store(acc, init)?;
        let acc_llty = self.llty(acc_ty)?;
        self.counted_loop(len, span, &mut |cg, i| {
            let x = value_at(cg, i)?;
            let a = cg.b.build_load(acc_llty, acc, "")?;
            let next = match f {
                LibFn::Sum => cg.binary(BinOp::Add, a, x, vt, vt, span)?,
                LibFn::Avg => {
                    let x = cg.cast(x, vt, &f64t)?;
                    cg.float_binary(BinOp::Add, a.into_float_value(), x.into_float_value())?
                }
                LibFn::ListMin => cg.math(Builtin::Min, &[a, x], vt)?,
                _ => cg.math(Builtin::Max, &[a, x], vt)?,
            };
            cg.b.build_store(acc, next)?;
            Ok(())
        })?;
        let total = self.b.build_load(acc_llty, acc, "")?;
        if f != LibFn::Avg {
            return Ok(total);
        }
        let n = self
            .b
            .build_signed_int_to_float(len, self.cx.f64_type(), "")?;
        let mean = self.b.build_float_div(total.into_float_value(), n, "")?;
        self.cast(mean.into(), &f64t, ret)
    }

    /// `sum(compact(xs))` of a `[T?]`, `T` numeric (how the checker writes `sum` of a list
    /// of optionals): one loop over `xs` adding each value that is not none, with no list
    /// in between. Adding a zero for a none is exact (the sum starts at `+0.0` and so is
    /// never `-0.0`), so the loop has no branch and vectorises. `None` when `e` is not such
    /// a call.
    pub(super) fn sum_of_optionals(&mut self, e: &Expr) -> Res<Option<BasicValueEnum<'ctx>>> {
        let ExprKind::Builtin {
            op: Builtin::Lib(LibFn::Sum),
            args,
        } = &e.kind
        else {
            return Ok(None);
        };
        let Some(ExprKind::Builtin {
            op: Builtin::Lib(LibFn::Compact),
            args: inner,
        }) = args.first().map(|a| &a.kind)
        else {
            return Ok(None);
        };
        let Some(Ty::List(opt)) = inner.first().map(|xs| &xs.ty) else {
            return Ok(None);
        };
        let vt = opt.strip_opt().clone();
        if !opt.is_opt() || !matches!(vt, Ty::Int(_) | Ty::Float(_)) {
            return Ok(None);
        }
        let xs = self.expr(&inner[0])?;
        let (ptr, len) = self.split_pair(xs)?;
        let zero: BasicValueEnum<'ctx> = match &vt {
            Ty::Int(it) => self.int_ty(*it).const_zero().into(),
            Ty::Float(ft) => self.float_ty(*ft).const_float(0.0).into(),
            _ => return Ok(None),
        };
        let total = self.aggregate_over(LibFn::Sum, len, &vt, &e.ty, e.span, &mut |cg, i| {
            let p = cg.elem_ptr(opt, ptr, i)?;
            let pair = cg.load(p, opt)?.into_struct_value();
            let value = cg.b.build_extract_value(pair, 0, "")?;
            let valid = cg.b.build_extract_value(pair, 1, "")?.into_int_value();
            Ok(cg.b.build_select(valid, value, zero, "")?)
        })?;
        Ok(Some(total))
    }

    /// `first(xs)` / `last(xs)`: an empty list faults (E0608).
    fn list_end(
        &mut self,
        first: bool,
        list: BasicValueEnum<'ctx>,
        elem: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (ptr, len) = self.split_pair(list)?;
        let i64t = self.i64_ty();
        let empty = self
            .b
            .build_int_compare(IntPredicate::EQ, len, i64t.const_zero(), "")?;
        let which = i64t.const_int(if first { 2 } else { 3 }, false);
        self.fail_if(empty, Fault::EmptyList, span, which, len)?;
        let i = if first {
            i64t.const_zero()
        } else {
            self.b.build_int_sub(len, i64t.const_int(1, false), "")?
        };
        let mem = self.mem_ty(elem)?;
        // SAFETY (IR): 0 <= i < len was just checked.
        let p = unsafe { self.b.build_in_bounds_gep(mem, ptr, &[i], "")? };
        self.load(p, elem)
    }

    /// The index of the first element equal to `item` (as `in` compares), or -1.
    fn find_index(
        &mut self,
        list: BasicValueEnum<'ctx>,
        item: BasicValueEnum<'ctx>,
        elem: &Ty,
        span: Span,
    ) -> Res<IntValue<'ctx>> {
        let (ptr, len) = self.split_pair(list)?;
        let miss = self.i64_ty().const_all_ones();
        self.first_where(len, miss, span, &mut |cg, i| {
            let mem = cg.mem_ty(elem)?;
            // SAFETY (IR): 0 <= i < len.
            let p = unsafe { cg.b.build_in_bounds_gep(mem, ptr, &[i], "")? };
            let ev = cg.load(p, elem)?;
            cg.equal(item, ev, elem)
        })
    }

    /// `for i in 0..len`, stopping at the first `i` for which `hit(i)` (an `i1`) is true:
    /// that `i`, or `miss` when there is none. Later elements are never evaluated; the
    /// interrupt flag is polled once per chunk of iterations.
    pub(super) fn first_where(
        &mut self,
        len: IntValue<'ctx>,
        miss: IntValue<'ctx>,
        span: Span,
        hit: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> Res<IntValue<'ctx>>,
    ) -> Res<IntValue<'ctx>> {
        let i64t = self.i64_ty();
        let pre = self.current_block()?;
        let header = self.block("find.loop")?;
        let body = self.block("find.body")?;
        let merge = self.block("find.end")?;
        self.b.build_unconditional_branch(header)?;

        self.b.position_at_end(header);
        let i = self.b.build_phi(i64t, "i")?;
        let iv = i.as_basic_value().into_int_value();
        let done = self.b.build_int_compare(IntPredicate::SGE, iv, len, "")?;
        self.b.build_conditional_branch(done, merge, body)?;

        self.b.position_at_end(body);
        let found = hit(self, iv)?;
        let body_end = self.current_block()?;
        let next = self.block("find.next")?;
        self.b.build_conditional_branch(found, merge, next)?;

        self.b.position_at_end(next);
        let inc = self.b.build_int_add(iv, i64t.const_int(1, false), "")?;
        let latches = self.poll_every_chunk(inc, header, span)?;
        i.add_incoming(&[(&i64t.const_zero(), pre)]);
        for latch in latches {
            i.add_incoming(&[(&inc, latch)]);
        }
        let _ = merge.move_after(latches[1]);
        self.b.position_at_end(merge);
        let phi = self.b.build_phi(i64t, "")?;
        phi.add_incoming(&[(&miss, header), (&iv, body_end)]);
        Ok(phi.as_basic_value().into_int_value())
    }
}

// ---- element-wise operations and masks: loops the optimiser can vectorise ---------------

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// `for i in 0..len { body(i) }`, continuing after the loop. The loop runs in chunks
    /// of [`LOOP_CHUNK`] iterations, polling the interrupt flag before each (a fault at
    /// `span`); the inner loop has no exit besides its bound, so it still vectorises.
    pub(super) fn counted_loop(
        &mut self,
        len: IntValue<'ctx>,
        span: Span,
        body: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> Res<()>,
    ) -> Res<()> {
        self.chunked_loop(len, span, None, body)
    }

    /// [`counted_loop`](Self::counted_loop); with `until`, it also stops before a chunk
    /// once the `i64` at `until` is below `len` (a body that decided the result wrote its
    /// index there, as `any`, `all`, `find` and `find_index` do).
    pub(super) fn chunked_loop(
        &mut self,
        len: IntValue<'ctx>,
        span: Span,
        until: Option<PointerValue<'ctx>>,
        body: &mut dyn FnMut(&mut Self, IntValue<'ctx>) -> Res<()>,
    ) -> Res<()> {
        let i64t = self.i64_ty();
        let pre = self.current_block()?;
        let outer = self.block("chunk.loop")?;
        let exit = self.block("each.end")?;
        self.b.build_unconditional_branch(outer)?;
        self.b.position_at_end(outer);
        let i0 = self.b.build_phi(i64t, "i0")?;
        let i0v = i0.as_basic_value().into_int_value();
        let mut more = self.b.build_int_compare(IntPredicate::SLT, i0v, len, "")?;
        if let Some(first) = until {
            let f = self.b.build_load(i64t, first, "")?.into_int_value();
            let undecided = self.b.build_int_compare(IntPredicate::EQ, f, len, "")?;
            more = self.b.build_and(more, undecided, "")?;
        }
        let chunk = self.block("chunk.poll")?;
        self.b.build_conditional_branch(more, chunk, exit)?;
        self.b.position_at_end(chunk);
        self.poll_interrupt(span)?;
        let step = self
            .b
            .build_int_add(i0v, i64t.const_int(LOOP_CHUNK, false), "")?;
        let short = self.b.build_int_compare(IntPredicate::SLT, step, len, "")?;
        let hi = self
            .b
            .build_select(short, step, len, "hi")?
            .into_int_value();
        let inner_pre = self.current_block()?;
        let header = self.block("each.loop")?;
        let inner = self.block("each.body")?;
        let chunk_end = self.block("chunk.next")?;
        self.b.build_unconditional_branch(header)?;
        self.b.position_at_end(header);
        let i = self.b.build_phi(i64t, "i")?;
        let iv = i.as_basic_value().into_int_value();
        let more = self.b.build_int_compare(IntPredicate::SLT, iv, hi, "")?;
        self.b.build_conditional_branch(more, inner, chunk_end)?;
        self.b.position_at_end(inner);
        body(self, iv)?;
        let inc = self.b.build_int_add(iv, i64t.const_int(1, false), "")?;
        let latch = self.current_block()?;
        self.b.build_unconditional_branch(header)?;
        i.add_incoming(&[(&i0v, inner_pre), (&inc, latch)]);
        let _ = chunk_end.move_after(latch);
        self.b.position_at_end(chunk_end);
        self.b.build_unconditional_branch(outer)?;
        i0.add_incoming(&[(&i64t.const_zero(), pre), (&hi, chunk_end)]);
        let _ = exit.move_after(chunk_end);
        self.b.position_at_end(exit);
        Ok(())
    }

    /// Arena memory for `len` elements of `elem` (a fault at `span` when it does not fit).
    pub(super) fn alloc_list(
        &mut self,
        elem: &Ty,
        len: IntValue<'ctx>,
        span: Span,
    ) -> Res<PointerValue<'ctx>> {
        let (size, align) = Kind::of(elem).map_or((16, 8), Kind::layout);
        let i64t = self.i64_ty();
        let bytes = self.b.build_int_mul(len, i64t.const_int(size, false), "")?;
        self.alloc(span, bytes, align)
    }

    pub(super) fn elem_ptr(
        &self,
        elem: &Ty,
        base: PointerValue<'ctx>,
        i: IntValue<'ctx>,
    ) -> Res<PointerValue<'ctx>> {
        let mem = self.mem_ty(elem)?;
        // SAFETY (IR): callers index below the list's length.
        Ok(unsafe { self.b.build_in_bounds_gep(mem, base, &[i], "")? })
    }

    /// Fault E0607 unless two lengths are equal.
    pub(super) fn same_length(
        &mut self,
        a: IntValue<'ctx>,
        b: IntValue<'ctx>,
        span: Span,
    ) -> Res<()> {
        let differ = self.b.build_int_compare(IntPredicate::NE, a, b, "")?;
        self.fail_if(differ, Fault::LengthMismatch, span, a, b)
    }

    /// Element-wise `l op r` (see `LibFn::Map`).
    fn map_lists(
        &mut self,
        op: BinOp,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let operand = |t: &Ty| match t {
            Ty::List(x) => Some((**x).clone()),
            _ => None,
        };
        let (lelem, relem) = (operand(&args[0].ty), operand(&args[1].ty));
        let Some(elem) = lelem.clone().or_else(|| relem.clone()) else {
            return bug("element-wise operation without a list");
        };
        let Ty::List(res) = &e.ty else {
            return bug("element-wise operation without a list result");
        };
        let res = (**res).clone();
        let side = |v: BasicValueEnum<'ctx>, is_list: bool, cg: &Self| -> Res<_> {
            Ok(if is_list {
                let (p, l) = cg.split_pair(v)?;
                (Some(p), Some(l), v)
            } else {
                (None, None, v)
            })
        };
        let (lp, ll, lv) = side(vals[0], lelem.is_some(), self)?;
        let (rp, rl, rv) = side(vals[1], relem.is_some(), self)?;
        let len = match (ll, rl) {
            (Some(a), Some(b)) => {
                self.same_length(a, b, e.span)?;
                a
            }
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return bug("element-wise operation without a list"),
        };
        let dst = self.alloc_list(&res, len, e.span)?;
        let span = e.span;
        self.counted_loop(len, span, &mut |cg, i| {
            let a = match lp {
                Some(p) => {
                    let p = cg.elem_ptr(&elem, p, i)?;
                    cg.load(p, &elem)?
                }
                None => lv,
            };
            let b = match rp {
                Some(p) => {
                    let p = cg.elem_ptr(&elem, p, i)?;
                    cg.load(p, &elem)?
                }
                None => rv,
            };
            let v = cg.binary(op, a, b, &elem, &elem, span)?;
            let q = cg.elem_ptr(&res, dst, i)?;
            cg.store(q, v, &res)
        })?;
        Ok(self.make_pair(dst, len)?.into())
    }

    /// `filter(xs, mask)`: a branch-free compaction loop.
    fn filter_list(
        &mut self,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let Ty::List(elem) = &args[0].ty else {
            return bug("filter of a non-list");
        };
        let elem = (**elem).clone();
        let (xp, xl) = self.split_pair(vals[0])?;
        let (mp, ml) = self.split_pair(vals[1])?;
        self.same_length(xl, ml, e.span)?;
        let dst = self.alloc_list(&elem, xl, e.span)?;
        let i64t = self.i64_ty();
        let count = self.entry_alloca(i64t.into(), "kept")?;
        self.b.build_store(count, i64t.const_zero())?;
        self.counted_loop(xl, e.span, &mut |cg, i| {
            let j = cg.b.build_load(i64t, count, "")?.into_int_value();
            let src = cg.elem_ptr(&elem, xp, i)?;
            let v = cg.load(src, &elem)?;
            let q = cg.elem_ptr(&elem, dst, j)?;
            cg.store(q, v, &elem)?;
            let mptr = cg.elem_ptr(&Ty::Bool, mp, i)?;
            let keep = cg.load(mptr, &Ty::Bool)?.into_int_value();
            let keep = cg.b.build_int_z_extend(keep, i64t, "")?;
            let j = cg.b.build_int_add(j, keep, "")?;
            cg.b.build_store(count, j)?;
            Ok(())
        })?;
        let n = self.b.build_load(i64t, count, "")?.into_int_value();
        Ok(self.make_pair(dst, n)?.into())
    }

    /// The number of true entries of a `[bool]`.
    fn count_true(
        &mut self,
        ptr: PointerValue<'ctx>,
        len: IntValue<'ctx>,
        span: Span,
    ) -> Res<IntValue<'ctx>> {
        let i64t = self.i64_ty();
        let acc = self.entry_alloca(i64t.into(), "count")?;
        self.b.build_store(acc, i64t.const_zero())?;
        self.counted_loop(len, span, &mut |cg, i| {
            let p = cg.elem_ptr(&Ty::Bool, ptr, i)?;
            let byte = cg.b.build_load(cg.cx.i8_type(), p, "")?.into_int_value();
            let bit = cg.b.build_int_z_extend(byte, i64t, "")?;
            let n = cg.b.build_load(i64t, acc, "")?.into_int_value();
            let n = cg.b.build_int_add(n, bit, "")?;
            cg.b.build_store(acc, n)?;
            Ok(())
        })?;
        Ok(self.b.build_load(i64t, acc, "")?.into_int_value())
    }
}

// ---- fused element-wise expressions ------------------------------------------------------

/// A value an element-wise tree reads: a list (read at each index) or a scalar.
#[derive(Clone, Copy)]
enum Leaf<'ctx> {
    List(PointerValue<'ctx>),
    Scalar(BasicValueEnum<'ctx>),
}

/// The operands of an element-wise node, when `e` is one.
fn map_node(e: &Expr) -> Option<(BinOp, &Expr, &Expr)> {
    match &e.kind {
        ExprKind::Builtin {
            op: Builtin::Lib(LibFn::Map(op)),
            args,
        } if args.len() == 2 => Some((*op, &args[0], &args[1])),
        _ => None,
    }
}

/// The element type an element-wise node computes on.
fn operand_elem(x: &Expr) -> &Ty {
    match &x.ty {
        Ty::List(e) => e,
        t => t,
    }
}

/// No per-element fault (an operator's own, such as integer `/`) anywhere in the tree;
/// lengths are checked before the loop.
fn fault_free(e: &Expr, overflow: Overflow) -> bool {
    match map_node(e) {
        None => true,
        Some((op, l, r)) => {
            !op.effects(operand_elem(l), overflow).can_fault
                && fault_free(l, overflow)
                && fault_free(r, overflow)
        }
    }
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// An element-wise node whose operands are element-wise nodes too, with no
    /// per-element faults, becomes one loop without intermediate lists. Operands are
    /// evaluated and lengths checked in the order the unfused code would use, so the
    /// observable behaviour is the same.
    pub(super) fn fusable(&self, e: &Expr) -> bool {
        let nested = |x: &Expr| map_node(x).is_some() || self.plain_map(x).is_some();
        map_node(e)
            .is_some_and(|(_, l, r)| (nested(l) || nested(r)) && fault_free(e, self.overflow))
    }

    pub(super) fn fused_map(&mut self, e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        let mut leaves = Vec::new();
        let Some(len) = self.plan(e, &mut leaves)? else {
            return bug("element-wise tree without a list");
        };
        let Ty::List(res) = &e.ty else {
            return bug("element-wise tree without a list result");
        };
        let res = (**res).clone();
        let dst = self.alloc_list(&res, len, e.span)?;
        self.counted_loop(len, e.span, &mut |cg, i| {
            let mut next = 0;
            let v = cg.element(e, &leaves, &mut next, i)?;
            let q = cg.elem_ptr(&res, dst, i)?;
            cg.store(q, v, &res)
        })?;
        Ok(self.make_pair(dst, len)?.into())
    }

    /// Evaluate the tree's leaves left to right, checking each node's lengths after its
    /// operands; the tree's length (`None` for a scalar).
    fn plan(&mut self, e: &Expr, leaves: &mut Vec<Leaf<'ctx>>) -> Res<Option<IntValue<'ctx>>> {
        if let Some((_, l, r)) = map_node(e) {
            let a = self.plan(l, leaves)?;
            let b = self.plan(r, leaves)?;
            return Ok(match (a, b) {
                (Some(a), Some(b)) => {
                    self.same_length(a, b, e.span)?;
                    Some(a)
                }
                (Some(a), None) | (None, Some(a)) => Some(a),
                (None, None) => return bug("element-wise node without a list"),
            });
        }
        // A `map` with a plain body: its list is the leaf, its body runs in the loop.
        let e = self.plain_map(e).map_or(e, |(xs, _, _)| xs);
        let v = self.expr(e)?;
        if matches!(e.ty, Ty::List(_)) {
            let (p, l) = self.split_pair(v)?;
            leaves.push(Leaf::List(p));
            Ok(Some(l))
        } else {
            leaves.push(Leaf::Scalar(v));
            Ok(None)
        }
    }

    /// Element `i` of the tree, reading the leaves in `plan`'s order.
    fn element(
        &mut self,
        e: &Expr,
        leaves: &[Leaf<'ctx>],
        next: &mut usize,
        i: IntValue<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        if let Some((op, l, r)) = map_node(e) {
            let a = self.element(l, leaves, next, i)?;
            let b = self.element(r, leaves, next, i)?;
            let t = operand_elem(l).clone();
            return self.binary(op, a, b, &t, &t, e.span);
        }
        let Some(&leaf) = leaves.get(*next) else {
            return bug("element-wise leaf out of range");
        };
        *next += 1;
        match leaf {
            Leaf::Scalar(v) => Ok(v),
            Leaf::List(p) => {
                if let Some((xs, param, body)) = self.plain_map(e) {
                    let t = operand_elem(xs).clone();
                    let q = self.elem_ptr(&t, p, i)?;
                    let x = self.load(q, &t)?;
                    return self.map_element(param, x, body);
                }
                let t = operand_elem(e).clone();
                let q = self.elem_ptr(&t, p, i)?;
                self.load(q, &t)
            }
        }
    }
}

/// The math functions a C library may round differently: calls of the runtime's own
/// implementations (f64 symbol, f32 symbol; both in `abi::LIBM_FUNCTIONS`), so every
/// execution path computes the same bits and LLVM never folds them with the host's libm.
/// `pow` is here too, under `None`.
const MATH_CALLS: [(Option<MathFn>, &str, &str); 18] = [
    (Some(MathFn::Exp), "kiln_math_exp", "kiln_math_expf"),
    (Some(MathFn::Exp2), "kiln_math_exp2", "kiln_math_exp2f"),
    (Some(MathFn::Log), "kiln_math_log", "kiln_math_logf"),
    (Some(MathFn::Log2), "kiln_math_log2", "kiln_math_log2f"),
    (Some(MathFn::Log10), "kiln_math_log10", "kiln_math_log10f"),
    (Some(MathFn::Sin), "kiln_math_sin", "kiln_math_sinf"),
    (Some(MathFn::Cos), "kiln_math_cos", "kiln_math_cosf"),
    (Some(MathFn::Tan), "kiln_math_tan", "kiln_math_tanf"),
    (Some(MathFn::Asin), "kiln_math_asin", "kiln_math_asinf"),
    (Some(MathFn::Acos), "kiln_math_acos", "kiln_math_acosf"),
    (Some(MathFn::Atan), "kiln_math_atan", "kiln_math_atanf"),
    (Some(MathFn::Sinh), "kiln_math_sinh", "kiln_math_sinhf"),
    (Some(MathFn::Cosh), "kiln_math_cosh", "kiln_math_coshf"),
    (Some(MathFn::Tanh), "kiln_math_tanh", "kiln_math_tanhf"),
    (Some(MathFn::Cbrt), "kiln_math_cbrt", "kiln_math_cbrtf"),
    (Some(MathFn::Hypot), "kiln_math_hypot", "kiln_math_hypotf"),
    (Some(MathFn::Atan2), "kiln_math_atan2", "kiln_math_atan2f"),
    (None, "kiln_math_pow", "kiln_math_powf"),
];

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// A call of the runtime's math function for `f` (`None`: `pow`), or `None` when `f`
    /// is an intrinsic.
    fn math_call(
        &self,
        f: Option<MathFn>,
        args: &[BasicMetadataValueEnum<'ctx>],
        ty: &Ty,
    ) -> Res<Option<BasicValueEnum<'ctx>>> {
        let Some(&(_, f64_name, f32_name)) = MATH_CALLS.iter().find(|r| r.0 == f) else {
            return Ok(None);
        };
        let fty = self.llty(ty)?;
        let name = match ty {
            Ty::Float(crate::types::ty::FloatTy::F32) => f32_name,
            _ => f64_name,
        };
        let decl = match self.module.get_function(name) {
            Some(d) => d,
            None => {
                let BasicTypeEnum::FloatType(ft) = fty else {
                    return bug(format!("{f:?} on `{ty}`"));
                };
                let params = vec![ft.into(); args.len()];
                let fn_ty = ft.fn_type(&params, false);
                let f =
                    self.module
                        .add_function(name, fn_ty, Some(inkwell::module::Linkage::External));
                // A pure function of its arguments (`memory(none)`): calls may be merged,
                // hoisted out of loops or dropped, as LLVM's own math intrinsics may.
                let memory = inkwell::attributes::Attribute::get_named_enum_kind_id("memory");
                let fn_loc = inkwell::attributes::AttributeLoc::Function;
                f.add_attribute(fn_loc, self.cx.create_enum_attribute(memory, 0));
                for attr in ["nounwind", "willreturn", "nosync", "nofree"] {
                    f.add_attribute(fn_loc, self.enum_attr(attr));
                }
                f
            }
        };
        match self.b.build_call(decl, args, "")?.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Ok(Some(v)),
            inkwell::values::ValueKind::Instruction(_) => bug(format!("{name} has no result")),
        }
    }

    /// Float `min`/`max` as the contract orders them: `-0.0` below `0.0`, and NaN ignored
    /// (NaN only when both are). Selects, no intrinsic: `llvm.minnum` leaves the sign of
    /// a zero result open, so it could differ between optimisation levels.
    fn float_min_max(
        &self,
        max: bool,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (a, b) = (a.into_float_value(), b.into_float_value());
        let fty = a.get_type();
        let ity = match fty.get_bit_width() {
            32 => self.cx.i32_type(),
            _ => self.cx.i64_type(),
        };
        let bld = &self.b;
        let lt = bld.build_float_compare(FloatPredicate::OLT, a, b, "")?;
        let gt = bld.build_float_compare(FloatPredicate::OGT, a, b, "")?;
        let eq = bld.build_float_compare(FloatPredicate::OEQ, a, b, "")?;
        let a_nan = bld.build_float_compare(FloatPredicate::UNO, a, a, "")?;
        // Equal values have equal bits except for the zeros: a set sign bit is the
        // smaller, so `min` ORs the bits and `max` ANDs them.
        let (ai, bi) = (
            bld.build_bit_cast(a, ity, "")?.into_int_value(),
            bld.build_bit_cast(b, ity, "")?.into_int_value(),
        );
        let tie = match max {
            true => bld.build_and(ai, bi, "")?,
            false => bld.build_or(ai, bi, "")?,
        };
        let tie = bld.build_bit_cast(tie, fty, "")?;
        let (lower, upper) = (a, b);
        let unordered = bld.build_select(a_nan, b, a, "")?;
        let on_eq = bld.build_select(eq, tie, unordered, "")?;
        let (if_lt, if_gt) = match max {
            true => (upper, lower),
            false => (lower, upper),
        };
        let on_gt = bld.build_select(gt, if_gt, on_eq.into_float_value(), "")?;
        Ok(bld.build_select(lt, if_lt, on_gt.into_float_value(), "")?)
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
    pub(super) fn clamp(
        &mut self,
        args: &[BasicValueEnum<'ctx>],
        ty: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let [x, lo, hi] = args else {
            return bug("clamp takes three arguments");
        };
        // Bounds out of order, or a NaN bound (`!(lo <= hi)`), fault with E0615.
        let bad = match ty {
            Ty::Int(it) => self.b.build_int_compare(
                int_predicate(BinOp::Gt, it.signed()).unwrap_or(IntPredicate::SGT),
                lo.into_int_value(),
                hi.into_int_value(),
                "",
            )?,
            Ty::Float(_) => self.b.build_float_compare(
                FloatPredicate::UGT,
                lo.into_float_value(),
                hi.into_float_value(),
                "",
            )?,
            t => return bug(format!("clamp on `{t}`")),
        };
        let (lo_bits, hi_bits) = (self.to_bits(*lo, ty)?, self.to_bits(*hi, ty)?);
        self.fail_if(bad, Fault::ClampBounds, span, lo_bits, hi_bits)?;
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
