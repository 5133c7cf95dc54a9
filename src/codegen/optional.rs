//! Optional values (v1): their registers, memory and slots, and the lowering of the
//! optional nodes (`None`, `Some`, `Lift`, `Coalesce`, `TryConvert`).
//!
//! Layout, as `kiln_runtime::typecode` fixes it: a `string?` or `[T]?` is its pair, with
//! length -1 (and a null pointer) for `none`; a scalar `T?` is `{ T, i1 }` in registers,
//! `{ T, i8 }` in memory (the same size and alignment as the typecode's
//! `{ T, u8 valid }`), `[bits, valid]` in a 16-byte slot. Nothing here runs for a
//! program without optionals: every other node is lowered as before.

use super::{bug, Cg, Res};
use crate::abi::{self, Kind, KindTy};
use crate::span::Span;
use crate::types::hir::{BinOp, Expr, LiftArg, OnNone, Var};
use crate::types::ty::{FloatTy, Ty};
use crate::value::layout::is_pair;
use inkwell::basic_block::BasicBlock;
use inkwell::types::BasicTypeEnum;
use inkwell::values::{BasicValue, BasicValueEnum, IntValue, PointerValue};
use inkwell::{FloatPredicate, IntPredicate};
use kiln_runtime::typecode::NONE_LEN;

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// The register type of `T?` with `inner` = `T`.
    pub(super) fn opt_llty(&self, inner: &Ty) -> Res<BasicTypeEnum<'ctx>> {
        if is_pair(inner) {
            return Ok(self.pair_ty().into());
        }
        let t = self.llty(inner)?;
        Ok(self
            .cx
            .struct_type(&[t, self.cx.bool_type().into()], false)
            .into())
    }

    /// The memory type of `T?` with `inner` = `T`.
    pub(super) fn opt_mem_ty(&self, inner: &Ty) -> Res<BasicTypeEnum<'ctx>> {
        if is_pair(inner) {
            return Ok(self.pair_ty().into());
        }
        let t = self.mem_ty(inner)?;
        Ok(self
            .cx
            .struct_type(&[t, self.cx.i8_type().into()], false)
            .into())
    }

    /// A scalar optional between registers (`to_mem`) and memory.
    pub(super) fn opt_convert(
        &self,
        v: BasicValueEnum<'ctx>,
        inner: &Ty,
        to_mem: bool,
    ) -> Res<BasicValueEnum<'ctx>> {
        if is_pair(inner) {
            return Ok(v);
        }
        let s = v.into_struct_value();
        let x = self.b.build_extract_value(s, 0, "")?;
        let valid = self.b.build_extract_value(s, 1, "")?.into_int_value();
        let (x, valid, ty) = if to_mem {
            let x = self.reg_to_mem(x, inner)?;
            let valid = self.b.build_int_z_extend(valid, self.cx.i8_type(), "")?;
            (x, valid, self.opt_mem_ty(inner)?)
        } else {
            let x = self.mem_to_reg(x, inner)?;
            let valid = self.b.build_int_truncate(valid, self.cx.bool_type(), "")?;
            (x, valid, self.opt_llty(inner)?)
        };
        let undef = ty.into_struct_type().get_undef();
        let s = self.b.build_insert_value(undef, x, 0, "")?;
        Ok(self
            .b
            .build_insert_value(s, valid, 1, "")?
            .as_basic_value_enum())
    }

    /// Whether `v` (of type `ty`, a `T?`) holds a value.
    pub(super) fn opt_valid(&self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<IntValue<'ctx>> {
        if is_pair(ty.strip_opt()) {
            let (_, len) = self.split_pair(v)?;
            let none = self.i64_ty().const_int(NONE_LEN as u64, true);
            return Ok(self.b.build_int_compare(IntPredicate::NE, len, none, "")?);
        }
        Ok(self
            .b
            .build_extract_value(v.into_struct_value(), 1, "")?
            .into_int_value())
    }

    /// The `T` in `v` (of type `T?`); unspecified when it is none.
    pub(super) fn opt_payload(
        &self,
        v: BasicValueEnum<'ctx>,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        if is_pair(ty.strip_opt()) {
            return Ok(v);
        }
        Ok(self.b.build_extract_value(v.into_struct_value(), 0, "")?)
    }

    /// `v` (a `T`) as a `T?`.
    pub(super) fn opt_some(
        &self,
        v: BasicValueEnum<'ctx>,
        inner: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        if is_pair(inner) {
            return Ok(v);
        }
        let undef = self.opt_llty(inner)?.into_struct_type().get_undef();
        let s = self.b.build_insert_value(undef, v, 0, "")?;
        let t = self.cx.bool_type().const_int(1, false);
        Ok(self
            .b
            .build_insert_value(s, t, 1, "")?
            .as_basic_value_enum())
    }

    /// `none` of type `ty` (a `T?`): zero bits, not valid (a null pair of length -1).
    pub(super) fn opt_none(&self, ty: &Ty) -> Res<BasicValueEnum<'ctx>> {
        let inner = ty.strip_opt();
        if is_pair(inner) {
            let none = self.i64_ty().const_int(NONE_LEN as u64, true);
            return Ok(self
                .cx
                .const_struct(&[self.ptr_ty().const_null().into(), none.into()], false)
                .as_basic_value_enum());
        }
        Ok(self.opt_llty(inner)?.const_zero())
    }

    /// `Lift`: the arguments in order, one test of their validity bits, the body only
    /// when every optional argument holds a value.
    pub(super) fn lift(
        &mut self,
        args: &[LiftArg],
        body: &Expr,
        on_none: OnNone,
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let mut valids = Vec::new();
        for a in args {
            let v = self.expr(&a.value)?;
            let (slot, ty) = self.var_slot(Var::Local(a.local))?;
            let x = if a.value.ty.is_opt() {
                valids.push(self.opt_valid(v, &a.value.ty)?);
                self.opt_payload(v, &a.value.ty)?
            } else {
                v
            };
            self.store(slot, x, &ty)?;
        }
        let Some(all) = valids
            .iter()
            .copied()
            .reduce(|x, y| self.b.build_and(x, y, "").unwrap_or(x))
        else {
            return bug("a lifting node without optional arguments");
        };
        let then = self.block("opt.some")?;
        let none = self.block("opt.none")?;
        let merge = self.block("opt.end")?;
        self.b.build_conditional_branch(all, then, none)?;
        let mut incoming: Vec<(BasicValueEnum<'ctx>, BasicBlock<'ctx>)> = Vec::new();

        self.b.position_at_end(none);
        let on_none_value = match on_none {
            OnNone::None => Some(self.opt_none(&e.ty)?),
            OnNone::Bool(b) => Some(self.cx.bool_type().const_int(b as u64, false).into()),
            OnNone::Equal { ne } => {
                // Every argument optional and none: equal; some none: not equal.
                let all_optional = valids.len() == args.len();
                let any_valid = valids
                    .iter()
                    .copied()
                    .reduce(|x, y| self.b.build_or(x, y, "").unwrap_or(x));
                let all_none = match (all_optional, any_valid) {
                    (true, Some(v)) => self.b.build_not(v, "")?,
                    _ => self.cx.bool_type().const_zero(),
                };
                let v = match ne {
                    true => self.b.build_not(all_none, "")?,
                    false => all_none,
                };
                Some(v.into())
            }
            OnNone::Fault => {
                let span = args.first().map_or(e.span, |a| a.value.span);
                let (ctx, bail) = (self.ctx_ptr()?, self.frame()?.bail);
                let zero = self.i64_ty().const_zero();
                self.record_fault(ctx, abi::Fault::UnwrapNone, span, (zero, zero), bail)?;
                None
            }
        };
        if let Some(v) = on_none_value {
            incoming.push((v, self.current_block()?));
            self.b.build_unconditional_branch(merge)?;
        }

        self.b.position_at_end(then);
        let v = self.expr(body)?;
        let v = match on_none {
            OnNone::None if !body.ty.is_opt() => self.opt_some(v, &body.ty)?,
            _ => v,
        };
        self.merge_with(merge, incoming, v, &e.ty)
    }

    /// `a ?? b ?? c`: each operand in turn until one holds a value.
    pub(super) fn coalesce(&mut self, xs: &[Expr], e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        let Some((last, firsts)) = xs.split_last() else {
            return bug("an empty `??`");
        };
        let merge = self.block("coalesce.end")?;
        let mut incoming: Vec<(BasicValueEnum<'ctx>, BasicBlock<'ctx>)> = Vec::new();
        for x in firsts {
            let v = self.expr(x)?;
            let valid = self.opt_valid(v, &x.ty)?;
            let taken = match e.ty.is_opt() {
                true => v,
                false => self.opt_payload(v, &x.ty)?,
            };
            incoming.push((taken, self.current_block()?));
            let next = self.block("coalesce.next")?;
            self.b.build_conditional_branch(valid, merge, next)?;
            self.b.position_at_end(next);
        }
        let v = self.expr(last)?;
        self.merge_with(merge, incoming, v, &e.ty)
    }

    /// `T?(x)`: the conversion, and whether it is exact enough to keep (see
    /// `hir::ExprKind::TryConvert`).
    pub(super) fn try_convert(&mut self, x: &Expr, e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        let to = e.ty.strip_opt();
        let v = self.expr(x)?;
        let (value, valid) = match (&x.ty, to) {
            (Ty::Str, _) => {
                let Some(k) = Kind::of(to) else {
                    return bug(format!("`{to}?(string)`"));
                };
                let out = self.entry_alloca(self.i64_ty().into(), "parsed")?;
                let (p, l) = self.split_pair(v)?;
                let kind = self.i32_ty().const_int(k as u64, false);
                let args = [kind.into(), p.into(), l.into(), out.into()];
                let Some(ok) = self.call_rt(abi::RT_TRY_PARSE, &args)? else {
                    return bug("kiln_rt_try_parse returned nothing");
                };
                let zero = self.i32_ty().const_zero();
                let ok =
                    self.b
                        .build_int_compare(IntPredicate::NE, ok.into_int_value(), zero, "")?;
                let bits = self.b.build_load(self.i64_ty(), out, "")?.into_int_value();
                (self.bits_to_value(bits, to)?, ok)
            }
            (&Ty::Int(from), &Ty::Int(t)) => {
                let xi = v.into_int_value();
                let ity = self.int_ty(from);
                let mut valid = self.cx.bool_type().const_int(1, false);
                let (lo, hi) = (t.min().max(from.min()), t.max().min(from.max()));
                let (lt, gt) = match from.signed() {
                    true => (IntPredicate::SLT, IntPredicate::SGT),
                    false => (IntPredicate::ULT, IntPredicate::UGT),
                };
                if lo > from.min() {
                    let c = ity.const_int(lo as i64 as u64, from.signed());
                    let below = self.b.build_int_compare(lt, xi, c, "")?;
                    let ok = self.b.build_not(below, "")?;
                    valid = self.b.build_and(valid, ok, "")?;
                }
                if hi < from.max() {
                    let c = ity.const_int(hi as u64, false);
                    let above = self.b.build_int_compare(gt, xi, c, "")?;
                    let ok = self.b.build_not(above, "")?;
                    valid = self.b.build_and(valid, ok, "")?;
                }
                (self.cast(v, &x.ty, to)?, valid)
            }
            (Ty::Int(_), Ty::Float(_)) => (
                self.cast(v, &x.ty, to)?,
                self.cx.bool_type().const_int(1, false),
            ),
            (Ty::Float(f), &Ty::Int(t)) => {
                let fv = v.into_float_value();
                let fty = self.float_ty(*f);
                let overload = [fty.into()];
                let tr = self
                    .intrinsic("llvm.trunc", &overload, &[fv.into()])?
                    .into_float_value();
                // MIN and MAX + 1 are (negated) powers of two: exact in f32 and f64.
                let lo = fty.const_float(t.min() as f64);
                let hi = fty.const_float((t.max() + 1) as f64);
                let ge = self
                    .b
                    .build_float_compare(FloatPredicate::OGE, tr, lo, "")?;
                let lt = self
                    .b
                    .build_float_compare(FloatPredicate::OLT, tr, hi, "")?;
                (self.cast(v, &x.ty, to)?, self.b.build_and(ge, lt, "")?)
            }
            (Ty::Float(f), Ty::Float(t)) => {
                let fv = v.into_float_value();
                let ordered = self
                    .b
                    .build_float_compare(FloatPredicate::ORD, fv, fv, "")?;
                let valid = if *f == FloatTy::F64 && *t == FloatTy::F32 {
                    // A finite value beyond f32's range would saturate to infinity.
                    let overload = [self.float_ty(*f).into()];
                    let abs = self
                        .intrinsic("llvm.fabs", &overload, &[fv.into()])?
                        .into_float_value();
                    let max = self.cx.f64_type().const_float(f32::MAX as f64);
                    let inf = self.cx.f64_type().const_float(f64::INFINITY);
                    let small = self
                        .b
                        .build_float_compare(FloatPredicate::OLE, abs, max, "")?;
                    let infinite = self
                        .b
                        .build_float_compare(FloatPredicate::OEQ, abs, inf, "")?;
                    self.b.build_or(small, infinite, "")?
                } else {
                    ordered
                };
                (self.cast(v, &x.ty, to)?, valid)
            }
            (from, to) => return bug(format!("`{to}?({from})`")),
        };
        let s = self.opt_some(value, to)?;
        Ok(self
            .b
            .build_insert_value(s.into_struct_value(), valid, 1, "")?
            .as_basic_value_enum())
    }

    /// The stand-in value of type `inner` where an optional is none in branch-free code:
    /// zero, or an empty pair.
    fn blank(&self, inner: &Ty) -> Res<BasicValueEnum<'ctx>> {
        Ok(match is_pair(inner) {
            true => self
                .cx
                .const_struct(
                    &[
                        self.ptr_ty().const_null().into(),
                        self.i64_ty().const_zero().into(),
                    ],
                    false,
                )
                .as_basic_value_enum(),
            false => self.llty(inner)?.const_zero(),
        })
    }

    /// `l op r` on two optionals, element by element (a list of optionals, v1), without
    /// branches so the loop stays straight: the operation runs on the values, or on
    /// zeros (a divisor of one) where either is none, and the result is none there;
    /// `==`/`!=` are total (`none == none`).
    pub(super) fn opt_binary(
        &mut self,
        op: BinOp,
        l: BasicValueEnum<'ctx>,
        r: BasicValueEnum<'ctx>,
        inner: &Ty,
        span: Span,
    ) -> Res<BasicValueEnum<'ctx>> {
        let opt = Ty::opt(inner.clone());
        let (vl, vr) = (self.opt_valid(l, &opt)?, self.opt_valid(r, &opt)?);
        let both = self.b.build_and(vl, vr, "")?;
        let zero = self.blank(inner)?;
        let one = match inner {
            Ty::Int(it) if matches!(op, BinOp::Div | BinOp::Rem) => {
                self.int_ty(*it).const_int(1, false).as_basic_value_enum()
            }
            _ => zero,
        };
        let pl = self.opt_payload(l, &opt)?;
        let pr = self.opt_payload(r, &opt)?;
        let pl = self.b.build_select(both, pl, zero, "")?;
        let pr = self.b.build_select(both, pr, one, "")?;
        let v = self.binary(op, pl, pr, inner, inner, span)?;
        match op {
            BinOp::Eq | BinOp::Ne => {
                let pred = match op {
                    BinOp::Eq => IntPredicate::EQ,
                    _ => IntPredicate::NE,
                };
                let nones = self.b.build_int_compare(pred, vl, vr, "")?;
                Ok(self.b.build_select(both, v, nones.into(), "")?)
            }
            _ => {
                let res = match op {
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => Ty::Bool,
                    _ => inner.clone(),
                };
                let s = self.opt_some(v, &res)?;
                if is_pair(&res) {
                    let none = self.opt_none(&Ty::opt(res))?;
                    return Ok(self.b.build_select(both, s, none, "")?);
                }
                Ok(self
                    .b
                    .build_insert_value(s.into_struct_value(), both, 1, "")?
                    .as_basic_value_enum())
            }
        }
    }

    /// Structural `==` of two `T?` (elements of a list of optionals for `in`,
    /// `contains`, `index_of`): two nones are equal, a none and a value are not, two
    /// values by `T`'s equality. Branch-free: the payloads compared are the values, or
    /// zeros (an empty pair) where either is none.
    pub(super) fn opt_equal(
        &mut self,
        a: BasicValueEnum<'ctx>,
        b: BasicValueEnum<'ctx>,
        inner: &Ty,
    ) -> Res<IntValue<'ctx>> {
        let opt = Ty::opt(inner.clone());
        let (va, vb) = (self.opt_valid(a, &opt)?, self.opt_valid(b, &opt)?);
        let both = self.b.build_and(va, vb, "")?;
        let zero = self.blank(inner)?;
        let pa = self.opt_payload(a, &opt)?;
        let pb = self.opt_payload(b, &opt)?;
        let pa = self.b.build_select(both, pa, zero, "")?;
        let pb = self.b.build_select(both, pb, zero, "")?;
        let eq = self.equal(pa, pb, inner)?;
        let nones = self.b.build_int_compare(IntPredicate::EQ, va, vb, "")?;
        Ok(self.b.build_select(both, eq, nones, "")?.into_int_value())
    }

    /// A `Cast` between scalar optionals: the value converted, its validity kept.
    pub(super) fn opt_cast(
        &self,
        v: BasicValueEnum<'ctx>,
        from: &Ty,
        to: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let opt = Ty::opt(from.clone());
        let valid = self.opt_valid(v, &opt)?;
        let x = self.cast(self.opt_payload(v, &opt)?, from, to)?;
        let s = self.opt_some(x, to)?;
        Ok(self
            .b
            .build_insert_value(s.into_struct_value(), valid, 1, "")?
            .as_basic_value_enum())
    }

    /// `print(x)` of an optional: `none`, or the value as `print` shows it.
    pub(super) fn print_opt(&mut self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<()> {
        let valid = self.opt_valid(v, ty)?;
        let some = self.block("print.some")?;
        let none = self.block("print.none")?;
        let end = self.block("print.end")?;
        self.b.build_conditional_branch(valid, some, none)?;
        self.b.position_at_end(none);
        let text = self.str_literal("none")?;
        let (p, l) = self.split_pair(text)?;
        let ctx = self.ctx_ptr()?;
        self.call_rt(abi::RT_PRINT_STR, &[ctx.into(), p.into(), l.into()])?;
        self.b.build_unconditional_branch(end)?;
        self.b.position_at_end(some);
        let x = self.opt_payload(v, ty)?;
        self.print_value(x, ty.strip_opt())?;
        self.b.build_unconditional_branch(end)?;
        self.b.position_at_end(end);
        Ok(())
    }

    /// `kiln_entry`'s result slot of an optional scalar: `[bits, valid]`.
    pub(super) fn opt_to_slot(
        &self,
        out: PointerValue<'ctx>,
        v: BasicValueEnum<'ctx>,
        ty: &Ty,
    ) -> Res<()> {
        let inner = ty.strip_opt();
        let valid = self.opt_valid(v, ty)?;
        let bits = self.to_bits(self.opt_payload(v, ty)?, inner)?;
        // A none's bits are zero, whatever its register held.
        let zero = self.i64_ty().const_zero();
        let bits = self.b.build_select(valid, bits, zero, "")?;
        self.b.build_store(out, bits)?;
        let valid = self.b.build_int_z_extend(valid, self.i64_ty(), "")?;
        let eight = self.i64_ty().const_int(8, false);
        // SAFETY (IR): the slot is 16 bytes.
        let hi = unsafe {
            self.b
                .build_in_bounds_gep(self.cx.i8_type(), out, &[eight], "")?
        };
        self.b.build_store(hi, valid)?;
        Ok(())
    }

    /// An optional scalar input from its slot `[bits, valid]`.
    pub(super) fn opt_from_slot(
        &self,
        slot: PointerValue<'ctx>,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let inner = ty.strip_opt();
        let bits = self.b.build_load(self.i64_ty(), slot, "")?.into_int_value();
        let eight = self.i64_ty().const_int(8, false);
        // SAFETY (IR): the slot is 16 bytes.
        let hi = unsafe {
            self.b
                .build_in_bounds_gep(self.cx.i8_type(), slot, &[eight], "")?
        };
        let valid = self.b.build_load(self.i64_ty(), hi, "")?.into_int_value();
        let zero = self.i64_ty().const_zero();
        let valid = self
            .b
            .build_int_compare(IntPredicate::NE, valid, zero, "")?;
        let x = self.bits_to_value(bits, inner)?;
        let s = self.opt_some(x, inner)?;
        Ok(self
            .b
            .build_insert_value(s.into_struct_value(), valid, 1, "")?
            .as_basic_value_enum())
    }
}
