//! Higher-order built-ins (`hir::ExprKind::Hof`): a loop in the caller with the lambda's
//! body inlined, no closure and no call per element. Each iteration stores the element
//! (and, for `reduce`, the accumulator) into the lambda's parameters, locals of the
//! enclosing function that LLVM promotes to registers, then evaluates the body.
//!
//! Loops poll the interrupt flag once per chunk ([`super::LOOP_CHUNK`]). A body that is
//! *plain* (scalar operators, variables and pure built-ins that cannot fault: nothing it
//! does can be observed but its value) runs in a loop with no exit but its bound, which
//! LLVM vectorises; `any`, `all` and `find_index` then stop after the chunk that decides,
//! and evaluating the rest of that chunk is unobservable. Any other body runs element
//! by element and they stop at the deciding element itself. `sum`/`avg`/`min`/`max` of a
//! `map` with a plain body fuse into one loop with no intermediate list.

use super::{bug, Cg, Res};
use crate::abi::{Kind, KindTy};
use crate::span::Span;
use crate::types::hir::{Builtin, Effects, Expr, ExprKind, HofOp, LibFn, LocalId, Var};
use crate::types::ty::Ty;
use inkwell::values::{BasicValueEnum, IntValue, PointerValue};
use inkwell::IntPredicate;

/// The parts of a `Hof` node.
struct Hof<'e> {
    op: HofOp,
    args: &'e [Expr],
    params: &'e [LocalId],
    body: &'e Expr,
}

fn parts(e: &Expr) -> Option<Hof<'_>> {
    match &e.kind {
        ExprKind::Hof {
            op,
            args,
            params,
            body,
        } => Some(Hof {
            op: *op,
            args,
            params,
            body,
        }),
        _ => None,
    }
}

fn elem_of(t: &Ty) -> Res<Ty> {
    match t {
        Ty::List(e) => Ok((**e).clone()),
        t => bug(format!("a higher-order call over `{t}`")),
    }
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// Whether a lambda body is plain: evaluating it has no effect but its value (see
    /// the module's docs), so it may run for elements whose result is not needed.
    pub(super) fn plain_body(&self, body: &Expr) -> bool {
        self.only_safe_operators(body, |n| match &n.kind {
            ExprKind::Var(_)
            | ExprKind::And(..)
            | ExprKind::Or(..)
            | ExprKind::If { .. }
            | ExprKind::Switch { .. } => true,
            ExprKind::Builtin { op, .. } => op.effects(&n.ty) == Effects::NONE,
            _ => false,
        })
    }

    /// A `map` whose body is plain: its list, its parameter and its body (an operand
    /// element-wise operators fuse with: see `ops.rs`, `fusable`).
    pub(super) fn plain_map<'e>(&self, e: &'e Expr) -> Option<(&'e Expr, LocalId, &'e Expr)> {
        let h = parts(e)?;
        match (h.op, h.args, h.params) {
            (HofOp::Map, [xs], [param]) if self.plain_body(h.body) => Some((xs, *param, h.body)),
            _ => None,
        }
    }

    /// The body of a `map` for the element `x`.
    pub(super) fn map_element(
        &mut self,
        param: LocalId,
        x: BasicValueEnum<'ctx>,
        body: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        self.set_param(param, x)?;
        self.expr(body)
    }

    /// Store `v` into the lambda parameter `id`.
    fn set_param(&mut self, id: LocalId, v: BasicValueEnum<'ctx>) -> Res<()> {
        let (ptr, ty) = self.var_slot(Var::Local(id))?;
        self.store(ptr, v, &ty)
    }

    /// Load element `i` of the list at `ptr` into the lambda parameter `id`.
    fn bind_elem(
        &mut self,
        id: LocalId,
        elem: &Ty,
        ptr: PointerValue<'ctx>,
        i: IntValue<'ctx>,
    ) -> Res<()> {
        let p = self.elem_ptr(elem, ptr, i)?;
        let x = self.load(p, elem)?;
        self.set_param(id, x)
    }

    /// The body evaluated as a condition (`i1`).
    fn cond_body(&mut self, body: &Expr) -> Res<IntValue<'ctx>> {
        Ok(self.expr(body)?.into_int_value())
    }

    pub(super) fn hof(&mut self, e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        let Some(h) = parts(e) else {
            return bug("not a higher-order call");
        };
        let Some(first) = h.args.first() else {
            return bug(format!("{:?} without a list", h.op));
        };
        let elem = elem_of(&first.ty)?;
        let xs = self.expr(first)?;
        let (ptr, len) = self.split_pair(xs)?;
        let span = e.span;
        let i64t = self.i64_ty();
        match h.op {
            HofOp::Map => {
                let res = elem_of(&e.ty)?;
                let dst = self.alloc_list(&res, len, span)?;
                self.counted_loop(len, span, &mut |cg, i| {
                    cg.bind_elem(h.params[0], &elem, ptr, i)?;
                    let v = cg.expr(h.body)?;
                    let q = cg.elem_ptr(&res, dst, i)?;
                    cg.store(q, v, &res)
                })?;
                Ok(self.make_pair(dst, len)?.into())
            }
            HofOp::ZipWith => {
                let Some(second) = h.args.get(1) else {
                    return bug("zip_with without its second list");
                };
                let elem2 = elem_of(&second.ty)?;
                let ys = self.expr(second)?;
                let (ptr2, len2) = self.split_pair(ys)?;
                self.same_length(len, len2, span)?;
                let res = elem_of(&e.ty)?;
                let dst = self.alloc_list(&res, len, span)?;
                self.counted_loop(len, span, &mut |cg, i| {
                    cg.bind_elem(h.params[0], &elem, ptr, i)?;
                    cg.bind_elem(h.params[1], &elem2, ptr2, i)?;
                    let v = cg.expr(h.body)?;
                    let q = cg.elem_ptr(&res, dst, i)?;
                    cg.store(q, v, &res)
                })?;
                Ok(self.make_pair(dst, len)?.into())
            }
            HofOp::Filter => {
                // Room for every element, then a branch-free compaction.
                let dst = self.alloc_list(&elem, len, span)?;
                let kept = self.entry_alloca(i64t.into(), "kept")?;
                self.b.build_store(kept, i64t.const_zero())?;
                self.counted_loop(len, span, &mut |cg, i| {
                    let p = cg.elem_ptr(&elem, ptr, i)?;
                    let x = cg.load(p, &elem)?;
                    cg.set_param(h.params[0], x)?;
                    let keep = cg.cond_body(h.body)?;
                    let j = cg.b.build_load(i64t, kept, "")?.into_int_value();
                    let q = cg.elem_ptr(&elem, dst, j)?;
                    cg.store(q, x, &elem)?;
                    let keep = cg.b.build_int_z_extend(keep, i64t, "")?;
                    let j = cg.b.build_int_add(j, keep, "")?;
                    cg.b.build_store(kept, j)?;
                    Ok(())
                })?;
                let n = self.b.build_load(i64t, kept, "")?.into_int_value();
                Ok(self.make_pair(dst, n)?.into())
            }
            HofOp::Reduce => {
                let Some(init) = h.args.get(1) else {
                    return bug("reduce without init");
                };
                let v = self.expr(init)?;
                let (acc, acc_ty) = self.var_slot(Var::Local(h.params[0]))?;
                self.store(acc, v, &acc_ty)?;
                self.counted_loop(len, span, &mut |cg, i| {
                    cg.bind_elem(h.params[1], &elem, ptr, i)?;
                    let v = cg.expr(h.body)?;
                    cg.store(acc, v, &acc_ty)
                })?;
                self.load(acc, &acc_ty)
            }
            HofOp::Count => {
                let n = self.entry_alloca(i64t.into(), "count")?;
                self.b.build_store(n, i64t.const_zero())?;
                self.counted_loop(len, span, &mut |cg, i| {
                    cg.bind_elem(h.params[0], &elem, ptr, i)?;
                    let c = cg.cond_body(h.body)?;
                    let c = cg.b.build_int_z_extend(c, i64t, "")?;
                    let k = cg.b.build_load(i64t, n, "")?.into_int_value();
                    let k = cg.b.build_int_add(k, c, "")?;
                    cg.b.build_store(n, k)?;
                    Ok(())
                })?;
                Ok(self.b.build_load(i64t, n, "")?)
            }
            HofOp::Any | HofOp::All | HofOp::FindIndex => {
                let at = self.first_match(&h, &elem, ptr, len, span)?;
                let v = match h.op {
                    HofOp::Any => self.b.build_int_compare(IntPredicate::SLT, at, len, "")?,
                    HofOp::All => self.b.build_int_compare(IntPredicate::EQ, at, len, "")?,
                    _ => {
                        let none = self.b.build_int_compare(IntPredicate::EQ, at, len, "")?;
                        let minus = i64t.const_all_ones();
                        return Ok(self.b.build_select(none, minus, at, "")?);
                    }
                };
                Ok(v.into())
            }
            HofOp::FlatMap => self.flat_map(&h, &elem, ptr, len, e),
            HofOp::SortBy | HofOp::GroupBy => {
                // The keys in a list of their own, then the runtime's stable sort of the
                // elements by them, or its grouping.
                let key = h.body.ty.clone();
                let keys = self.alloc_list(&key, len, span)?;
                self.counted_loop(len, span, &mut |cg, i| {
                    cg.bind_elem(h.params[0], &elem, ptr, i)?;
                    let k = cg.expr(h.body)?;
                    let q = cg.elem_ptr(&key, keys, i)?;
                    cg.store(q, k, &key)
                })?;
                let (Some(kk), Some(ek)) = (Kind::of(&key), crate::abi::type_code(&elem)) else {
                    return bug(format!("sort_by of `[{elem}]` by `{key}`"));
                };
                let i32t = self.i32_ty();
                let args = [
                    self.ctx_ptr()?.into(),
                    self.span_arg(span).into(),
                    i32t.const_int(kk as u64, false).into(),
                    keys.into(),
                    len.into(),
                    i32t.const_int(ek.0 as u64, false).into(),
                    ptr.into(),
                ];
                let symbol = match h.op {
                    HofOp::SortBy => crate::abi::RT_LIST_SORT_BY,
                    _ => crate::abi::RT_LIST_GROUP_BY,
                };
                let v = self.call_rt_pair(symbol, &args)?;
                self.check_status()?;
                Ok(v)
            }
            HofOp::Find => {
                // The first element the body accepts, made optional; none when there is
                // none (the element is loaded only when it exists).
                let at = self.first_match(&h, &elem, ptr, len, span)?;
                let found = self.b.build_int_compare(IntPredicate::SLT, at, len, "")?;
                let none = self.opt_none(&e.ty)?;
                let pre = self.current_block()?;
                let some = self.block("find.some")?;
                let merge = self.block("find.end")?;
                self.b.build_conditional_branch(found, some, merge)?;
                self.b.position_at_end(some);
                let p = self.elem_ptr(&elem, ptr, at)?;
                let x = self.load(p, &elem)?;
                let x = if elem.is_opt() {
                    x
                } else {
                    self.opt_some(x, &elem)?
                };
                let some_end = self.current_block()?;
                self.b.build_unconditional_branch(merge)?;
                self.b.position_at_end(merge);
                let phi = self.b.build_phi(none.get_type(), "found")?;
                phi.add_incoming(&[(&none, pre), (&x, some_end)]);
                Ok(phi.as_basic_value())
            }
        }
    }

    /// The index of the first element that decides `any` (the body true), `all` (the
    /// body false) or `find_index` (true), or `len` when none does. A plain body runs
    /// chunk by chunk without an exit inside one; any other stops at that element.
    fn first_match(
        &mut self,
        h: &Hof<'_>,
        elem: &Ty,
        ptr: PointerValue<'ctx>,
        len: IntValue<'ctx>,
        span: Span,
    ) -> Res<IntValue<'ctx>> {
        let wants = h.op != HofOp::All;
        let i64t = self.i64_ty();
        if self.plain_body(h.body) {
            let first = self.entry_alloca(i64t.into(), "first")?;
            self.b.build_store(first, len)?;
            self.chunked_loop(len, span, Some(first), &mut |cg, i| {
                cg.bind_elem(h.params[0], elem, ptr, i)?;
                let c = cg.cond_body(h.body)?;
                let hit = if wants { c } else { cg.b.build_not(c, "")? };
                let f = cg.b.build_load(i64t, first, "")?.into_int_value();
                let at = cg.b.build_select(hit, i, len, "")?.into_int_value();
                let lower = cg.b.build_int_compare(IntPredicate::SLT, at, f, "")?;
                let f = cg.b.build_select(lower, at, f, "")?;
                cg.b.build_store(first, f)?;
                Ok(())
            })?;
            return Ok(self.b.build_load(i64t, first, "")?.into_int_value());
        }
        self.first_where(len, len, span, &mut |cg, i| {
            cg.bind_elem(h.params[0], elem, ptr, i)?;
            let c = cg.cond_body(h.body)?;
            Ok(if wants { c } else { cg.b.build_not(c, "")? })
        })
    }

    /// `flat_map`: the body's lists kept in a scratch array while their lengths add up,
    /// then one allocation of the total and one copy per list.
    fn flat_map(
        &mut self,
        h: &Hof<'_>,
        elem: &Ty,
        ptr: PointerValue<'ctx>,
        len: IntValue<'ctx>,
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let span = e.span;
        let res = elem_of(&e.ty)?;
        let i64t = self.i64_ty();
        let lists = self.alloc_list(&e.ty, len, span)?;
        let total = self.entry_alloca(i64t.into(), "total")?;
        self.b.build_store(total, i64t.const_zero())?;
        self.counted_loop(len, span, &mut |cg, i| {
            cg.bind_elem(h.params[0], elem, ptr, i)?;
            let v = cg.expr(h.body)?;
            let q = cg.elem_ptr(&e.ty, lists, i)?;
            cg.store(q, v, &e.ty)?;
            let (_, n) = cg.split_pair(v)?;
            let t = cg.b.build_load(i64t, total, "")?.into_int_value();
            let t = cg.b.build_int_add(t, n, "")?;
            cg.b.build_store(total, t)?;
            Ok(())
        })?;
        let n = self.b.build_load(i64t, total, "")?.into_int_value();
        let dst = self.alloc_list(&res, n, span)?;
        let (size, align) = Kind::of(&res).map_or((16, 8), Kind::layout);
        let size = i64t.const_int(size, false);
        let at = self.entry_alloca(i64t.into(), "at")?;
        self.b.build_store(at, i64t.const_zero())?;
        self.counted_loop(len, span, &mut |cg, i| {
            let q = cg.elem_ptr(&e.ty, lists, i)?;
            let v = cg.load(q, &e.ty)?;
            let (p, k) = cg.split_pair(v)?;
            let o = cg.b.build_load(i64t, at, "")?.into_int_value();
            let d = cg.elem_ptr(&res, dst, o)?;
            let bytes = cg.b.build_int_mul(k, size, "")?;
            cg.b.build_memcpy(d, align as u32, p, align as u32, bytes)
                .map_err(|m| super::Error(format!("flat_map copy: {m}")))?;
            let o = cg.b.build_int_add(o, k, "")?;
            cg.b.build_store(at, o)?;
            Ok(())
        })?;
        Ok(self.make_pair(dst, n)?.into())
    }

    /// `sum`, `avg`, `min` or `max` of a `map` whose body is plain: one loop, no list in
    /// between. `None` when `e` is not such a call.
    pub(super) fn fused_aggregate(&mut self, e: &Expr) -> Res<Option<BasicValueEnum<'ctx>>> {
        let ExprKind::Builtin {
            op: Builtin::Lib(f @ (LibFn::Sum | LibFn::Avg | LibFn::ListMin | LibFn::ListMax)),
            args,
        } = &e.kind
        else {
            return Ok(None);
        };
        let Some(h) = args.first().and_then(parts) else {
            return Ok(None);
        };
        if h.op != HofOp::Map || !self.plain_body(h.body) {
            return Ok(None);
        }
        let f = *f;
        let elem = elem_of(&h.args[0].ty)?;
        let vt = h.body.ty.clone();
        let xs = self.expr(&h.args[0])?;
        let (ptr, len) = self.split_pair(xs)?;
        let total = self.aggregate_over(f, len, &vt, &e.ty, e.span, &mut |cg, i| {
            cg.bind_elem(h.params[0], &elem, ptr, i)?;
            cg.expr(h.body)
        })?;
        Ok(Some(total))
    }
}
