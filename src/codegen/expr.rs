//! Expressions: control flow (`and`/`or`/`if`/`switch` as blocks and phis), lists,
//! calls and builtins. Operators and conversions are in `ops.rs`.

use super::{bug, Cg, Res};
use crate::abi::KindTy;
use crate::abi::{self, Kind};
use crate::chain;
use crate::span::Span;
use crate::types::hir::{Builtin, Expr, ExprKind, FallibleCalls, Walk};
use crate::types::ty::{IntTy, Ty};
use inkwell::basic_block::BasicBlock;
use inkwell::module::Linkage;
use inkwell::types::{BasicMetadataTypeEnum, BasicTypeEnum};
use inkwell::values::{
    BasicMetadataValueEnum, BasicValue, BasicValueEnum, FunctionValue, GlobalValue, IntValue,
};
use inkwell::IntPredicate;

/// The fewest constant elements a list literal copies from read-only data (fewer are
/// stored one by one, as LLVM would lower so small a copy anyway).
const CONST_LIST_MIN: usize = 8;

/// Whether LLVM already holds `v` as a constant.
fn is_const(v: BasicValueEnum<'_>) -> bool {
    match v {
        BasicValueEnum::IntValue(x) => x.is_const(),
        BasicValueEnum::FloatValue(x) => x.is_const(),
        BasicValueEnum::StructValue(x) => x.is_const(),
        BasicValueEnum::PointerValue(x) => x.is_const(),
        _ => false,
    }
}

/// The value of a chain evaluated so far (see `Cg::short_circuit`).
enum Acc<'ctx> {
    Value(BasicValueEnum<'ctx>),
    /// A run of `and` (`is_and`) or `or` not yet merged: the blocks that branched to
    /// `merge` with the deciding constant, and the value of the last operand, in the
    /// current block.
    Run {
        is_and: bool,
        merge: BasicBlock<'ctx>,
        decided: Vec<BasicBlock<'ctx>>,
        last: IntValue<'ctx>,
    },
}

impl<'a, 'ctx> Cg<'a, 'ctx> {
    pub(super) fn expr(&mut self, e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        match &e.kind {
            ExprKind::Bool(b) => Ok(self.cx.bool_type().const_int(*b as u64, false).into()),
            ExprKind::Int(bits) => match &e.ty {
                Ty::Int(it) => Ok(self.int_ty(*it).const_int(*bits, false).into()),
                // A folded `timestamp("...")` / `duration("...")` (v1): its nanoseconds.
                Ty::Timestamp | Ty::Duration => Ok(self.i64_ty().const_int(*bits, false).into()),
                t => bug(format!("integer literal of type `{t}`")),
            },
            ExprKind::Float(v) => match &e.ty {
                Ty::Float(ft) => Ok(self.float_ty(*ft).const_float(*v).into()),
                t => bug(format!("float literal of type `{t}`")),
            },
            ExprKind::Str(s) => self.str_literal(s),
            ExprKind::Var(var) => {
                let (ptr, ty) = self.var_slot(*var)?;
                self.load(ptr, &ty)
            }
            ExprKind::List(items) => self.list_literal(items, &e.ty, e.span),
            ExprKind::Cast(x) => {
                let v = self.expr(x)?;
                self.cast(v, &x.ty, &e.ty)
            }
            ExprKind::Unary { op, operand } => {
                let v = self.expr(operand)?;
                self.unary(*op, v, &operand.ty, e.span)
            }
            // A chain (`a + b + c ...`, any length) with a loop (see `crate::chain`).
            ExprKind::Binary { .. } | ExprKind::And(..) | ExprKind::Or(..) => {
                let acc = chain::fold(
                    self,
                    e,
                    |cg, leaf| Ok(Acc::Value(cg.expr(leaf)?)),
                    |cg, l, node| cg.chain_node(l?, node),
                )?;
                self.settle(acc)
            }
            ExprKind::If { cond, then, else_ } => self.choice(&[(cond, then)], else_, &e.ty),
            ExprKind::Switch { arms, default } => {
                let arms: Vec<(&Expr, &Expr)> = arms.iter().map(|(c, v)| (c, v)).collect();
                self.choice(&arms, default, &e.ty)
            }
            ExprKind::In { item, list } => self.member(item, list, e.span),
            ExprKind::Index { list, index } => self.index(list, index),
            ExprKind::Call { func, args } => self.call(*func, args),
            ExprKind::CallExtern { func, args } => self.call_extern(*func, args),
            ExprKind::CallHost { func, args } => self.call_host(*func, args, e),
            ExprKind::Builtin { op, args } => self.builtin(*op, args, e),
            ExprKind::Hof { .. } => self.hof(e),
            ExprKind::None => self.opt_none(&e.ty),
            ExprKind::Some(x) => {
                let v = self.expr(x)?;
                self.opt_some(v, &x.ty)
            }
            ExprKind::Lift {
                args,
                body,
                on_none,
            } => self.lift(args, body, *on_none, e),
            ExprKind::Coalesce(xs) => self.coalesce(xs, e),
            ExprKind::TryConvert(x) => self.try_convert(x, e),
        }
    }

    /// A chain node whose left operand is `l`.
    fn chain_node(&mut self, l: Acc<'ctx>, e: &Expr) -> Res<Acc<'ctx>> {
        let is_and = match &e.kind {
            ExprKind::Binary { op, lhs, rhs } => {
                let l = self.settle(l)?;
                let r = self.expr(rhs)?;
                return Ok(Acc::Value(
                    self.binary(*op, l, r, &lhs.ty, &rhs.ty, e.span)?,
                ));
            }
            ExprKind::And(..) => true,
            ExprKind::Or(..) => false,
            _ => return bug("a chain node that is not a binary operator"),
        };
        let (ExprKind::And(_, r) | ExprKind::Or(_, r)) = &e.kind else {
            return bug("a chain node that is not a binary operator");
        };
        self.short_circuit(l, r, is_and)
    }

    /// `and` (`is_and`) / `or` of `l` and `r`: `r` runs in its own block only when `l`
    /// does not decide. A run of the same operator (`a and b and c ...`) shares one merge
    /// block, where a single phi takes the deciding constant from every link and the last
    /// operand's value: the shape LLVM would otherwise thread nested phis into, at a cost
    /// that grows with the square of the run's length.
    fn short_circuit(&mut self, l: Acc<'ctx>, r: &Expr, is_and: bool) -> Res<Acc<'ctx>> {
        if self.speculatable(r) {
            // Nothing can tell whether `r` ran: compute it and combine, no branch (LLVM
            // would speculate it too, after work that grows with the square of a run).
            let lv = self.settle(l)?.into_int_value();
            let rv = self.expr(r)?.into_int_value();
            let v = match is_and {
                true => self.b.build_and(lv, rv, "")?,
                false => self.b.build_or(lv, rv, "")?,
            };
            return Ok(Acc::Value(v.into()));
        }
        let (lv, merge, mut decided) = match l {
            Acc::Run {
                is_and: same,
                merge,
                decided,
                last,
            } if same == is_and => (last, merge, decided),
            other => {
                let lv = self.settle(other)?.into_int_value();
                let merge = self.block(if is_and { "and.end" } else { "or.end" })?;
                (lv, merge, Vec::new())
            }
        };
        let l_end = self.current_block()?;
        let rhs = self.block(if is_and { "and.rhs" } else { "or.rhs" })?;
        let _ = rhs.move_after(l_end);
        if is_and {
            self.b.build_conditional_branch(lv, rhs, merge)?;
        } else {
            self.b.build_conditional_branch(lv, merge, rhs)?;
        }
        decided.push(l_end);
        self.b.position_at_end(rhs);
        let last = self.expr(r)?.into_int_value();
        Ok(Acc::Run {
            is_and,
            merge,
            decided,
            last,
        })
    }

    /// The value of a chain so far: a run of `and`/`or` is closed by its merge block.
    fn settle(&mut self, acc: Acc<'ctx>) -> Res<BasicValueEnum<'ctx>> {
        let (is_and, merge, decided, last) = match acc {
            Acc::Value(v) => return Ok(v),
            Acc::Run {
                is_and,
                merge,
                decided,
                last,
            } => (is_and, merge, decided, last),
        };
        let end = self.current_block()?;
        self.b.build_unconditional_branch(merge)?;
        let _ = merge.move_after(end);
        self.b.position_at_end(merge);
        let phi = self.b.build_phi(self.cx.bool_type(), "")?;
        let short = self.cx.bool_type().const_int(!is_and as u64, false);
        let mut incoming: Vec<(&dyn BasicValue<'ctx>, BasicBlock<'ctx>)> =
            decided.iter().map(|b| (&short as _, *b)).collect();
        incoming.push((&last, end));
        phi.add_incoming(&incoming);
        Ok(phi.as_basic_value())
    }

    /// `if` and `switch`: each condition in turn; only the chosen value is evaluated.
    fn choice(
        &mut self,
        arms: &[(&Expr, &Expr)],
        default: &Expr,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let merge = self.block("choice.end")?;
        let mut incoming: Vec<(BasicValueEnum<'ctx>, BasicBlock<'ctx>)> = Vec::new();
        for (cond, value) in arms {
            let c = self.expr(cond)?.into_int_value();
            let then = self.block("choice.then")?;
            let next = self.block("choice.next")?;
            self.b.build_conditional_branch(c, then, next)?;
            self.b.position_at_end(then);
            let v = self.expr(value)?;
            incoming.push((v, self.current_block()?));
            self.b.build_unconditional_branch(merge)?;
            self.b.position_at_end(next);
        }
        let v = self.expr(default)?;
        self.merge_with(merge, incoming, v, ty)
    }

    /// The end of branches to `merge` (`if`/`switch`, `??`, lifting): `v`, computed
    /// where control is now, joins `incoming` in one phi of type `ty` at `merge`.
    pub(super) fn merge_with(
        &mut self,
        merge: BasicBlock<'ctx>,
        mut incoming: Vec<(BasicValueEnum<'ctx>, BasicBlock<'ctx>)>,
        v: BasicValueEnum<'ctx>,
        ty: &Ty,
    ) -> Res<BasicValueEnum<'ctx>> {
        let end = self.current_block()?;
        incoming.push((v, end));
        self.b.build_unconditional_branch(merge)?;
        let _ = merge.move_after(end);
        self.b.position_at_end(merge);
        let phi = self.b.build_phi(self.llty(ty)?, "")?;
        let refs: Vec<(&dyn BasicValue<'ctx>, BasicBlock<'ctx>)> = incoming
            .iter()
            .map(|(v, b)| (v as &dyn BasicValue<'ctx>, *b))
            .collect();
        phi.add_incoming(&refs);
        Ok(phi.as_basic_value())
    }

    fn elem_ty<'t>(&self, list_ty: &'t Ty) -> Res<&'t Ty> {
        match list_ty {
            Ty::List(e) => Ok(e),
            t => bug(format!("`{t}` is not a list type")),
        }
    }

    /// A list literal: one arena allocation, then each element stored in order. Its
    /// constant elements (literals, and operators on them that cannot fault) are one
    /// array in read-only data, copied in with one `memcpy` before the others are stored:
    /// LLVM's time and memory on a list of 100 000 stores grew much faster than its length.
    fn list_literal(&mut self, items: &[Expr], ty: &Ty, span: Span) -> Res<BasicValueEnum<'ctx>> {
        let elem = self.elem_ty(ty)?;
        let n = self.i64_ty().const_int(items.len() as u64, false);
        if items.is_empty() {
            return Ok(self.make_pair(self.ptr_ty().const_null(), n)?.into());
        }
        let (size, align) = match Kind::of(elem) {
            Some(k) => k.layout(),
            None => (16, 8), // a nested list: a (ptr, len) pair
        };
        let mem = self.mem_ty(elem)?;
        // A constant element has no effect and cannot fault: evaluating it first (the
        // builder folds it, emitting nothing) changes nothing observable.
        let mut consts = Vec::with_capacity(items.len());
        for item in items {
            let c = match self.is_constant(item) {
                true => Some(self.expr(item)?).filter(|v| is_const(*v)),
                false => None,
            };
            consts.push(match c {
                Some(v) => Some(self.reg_to_mem(v, elem)?),
                None => None,
            });
        }
        let bytes = self.i64_ty().const_int(size * items.len() as u64, false);
        let ptr = self.alloc(span, bytes, align)?;
        let copied = consts.iter().flatten().count() >= CONST_LIST_MIN;
        if copied {
            let data = self.const_data(mem, &consts)?;
            let align = align as u32;
            self.b
                .build_memcpy(ptr, align, data.as_pointer_value(), align, bytes)?;
        }
        for (i, (item, c)) in items.iter().zip(consts).enumerate() {
            if copied && c.is_some() {
                continue;
            }
            let idx = self.i64_ty().const_int(i as u64, false);
            match c {
                Some(v) => {
                    // SAFETY (IR): the allocation holds `items.len()` elements.
                    let p = unsafe { self.b.build_in_bounds_gep(mem, ptr, &[idx], "")? };
                    self.b.build_store(p, v)?;
                }
                None => {
                    let v = self.expr(item)?;
                    // SAFETY (IR): as above.
                    let p = unsafe { self.b.build_in_bounds_gep(mem, ptr, &[idx], "")? };
                    self.store(p, v, elem)?;
                }
            }
        }
        Ok(self.make_pair(ptr, n)?.into())
    }

    /// Whether evaluating `e` is unobservable and cheap: scalar operators that cannot
    /// fault over literals and variables, no calls, strings, lists or loops.
    fn speculatable(&self, e: &Expr) -> bool {
        !e.any(|n| matches!(n.ty, Ty::Str | Ty::List(_)))
            && self.only_safe_operators(e, |n| {
                matches!(
                    n.kind,
                    ExprKind::Var(_) | ExprKind::And(..) | ExprKind::Or(..)
                )
            })
    }

    /// Whether `e` is built only from literals by operators that cannot fault.
    fn is_constant(&self, e: &Expr) -> bool {
        self.only_safe_operators(e, |n| matches!(n.kind, ExprKind::Str(_)))
    }

    /// Whether every node of `e` is a number or bool literal, a unary or binary operator,
    /// a cast, or a node `also` admits, and none of them can fault.
    pub(super) fn only_safe_operators(&self, e: &Expr, also: impl Fn(&Expr) -> bool) -> bool {
        let calls = FallibleCalls {
            overflow: self.overflow,
            ..FallibleCalls::default()
        };
        !e.any(|n| {
            let safe_kind = matches!(
                n.kind,
                ExprKind::Bool(_)
                    | ExprKind::Int(_)
                    | ExprKind::Float(_)
                    | ExprKind::Unary { .. }
                    | ExprKind::Cast(_)
                    | ExprKind::Binary { .. }
            ) || also(n);
            !safe_kind || n.may_fault_locally(calls)
        })
    }

    /// A private constant array of element type `mem` (as in memory): each `Some` value,
    /// zero where the element is stored at run time.
    fn const_data(
        &mut self,
        mem: BasicTypeEnum<'ctx>,
        values: &[Option<BasicValueEnum<'ctx>>],
    ) -> Res<GlobalValue<'ctx>> {
        let zero = mem.const_zero();
        let all = values.iter().map(|v| v.unwrap_or(zero));
        let array = match mem {
            BasicTypeEnum::IntType(t) => {
                t.const_array(&all.map(|v| v.into_int_value()).collect::<Vec<_>>())
            }
            BasicTypeEnum::FloatType(t) => {
                t.const_array(&all.map(|v| v.into_float_value()).collect::<Vec<_>>())
            }
            BasicTypeEnum::StructType(t) => {
                t.const_array(&all.map(|v| v.into_struct_value()).collect::<Vec<_>>())
            }
            t => return bug(format!("list elements of LLVM type {t}")),
        };
        let g = self.module.add_global(array.get_type(), None, "list");
        g.set_initializer(&array);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        Ok(g)
    }

    /// `list[index]`, bounds-checked: an index that is negative or at least the length
    /// faults with `a` = index, `b` = length, pointing at the index.
    fn index(&mut self, list: &Expr, index: &Expr) -> Res<BasicValueEnum<'ctx>> {
        let elem = self.elem_ty(&list.ty)?;
        let lv = self.expr(list)?;
        let iv = self.expr(index)?.into_int_value();
        // Any integer type: extended by its signedness (a u64 keeps its bits, so one of
        // 2^63 or more compares as huge below, like a negative one).
        let signed = matches!(&index.ty, Ty::Int(i) if i.signed());
        let iv = self
            .b
            .build_int_cast_sign_flag(iv, self.i64_ty(), signed, "")?;
        let (ptr, len) = self.split_pair(lv)?;
        // Unsigned comparison: a negative index is a huge one.
        let oob = self.b.build_int_compare(IntPredicate::UGE, iv, len, "")?;
        let fault = if index.ty == Ty::Int(IntTy::U64) {
            abi::Fault::IndexOutOfBoundsU64
        } else {
            abi::Fault::IndexOutOfBounds
        };
        self.fail_if(oob, fault, index.span, iv, len)?;
        let mem = self.mem_ty(elem)?;
        // SAFETY (IR): 0 <= index < len was just checked.
        let p = unsafe { self.b.build_in_bounds_gep(mem, ptr, &[iv], "")? };
        self.load(p, elem)
    }

    /// `item in list`: a loop over the elements that stops at the first equal one.
    fn member(&mut self, item: &Expr, list: &Expr, span: Span) -> Res<BasicValueEnum<'ctx>> {
        let elem = self.elem_ty(&list.ty)?;
        let iv = self.expr(item)?;
        let lv = self.expr(list)?;
        let (ptr, len) = self.split_pair(lv)?;
        let pre = self.current_block()?;
        let header = self.block("in.loop")?;
        let body = self.block("in.body")?;
        let next = self.block("in.next")?;
        let merge = self.block("in.end")?;
        self.b.build_unconditional_branch(header)?;

        self.b.position_at_end(header);
        let i = self.b.build_phi(self.i64_ty(), "i")?;
        let iv64 = i.as_basic_value().into_int_value();
        let done = self.b.build_int_compare(IntPredicate::SGE, iv64, len, "")?;
        self.b.build_conditional_branch(done, merge, body)?;

        self.b.position_at_end(body);
        let mem = self.mem_ty(elem)?;
        // SAFETY (IR): 0 <= i < len.
        let p = unsafe { self.b.build_in_bounds_gep(mem, ptr, &[iv64], "")? };
        let ev = self.load(p, elem)?;
        let eq = self.equal(iv, ev, elem)?;
        let body_end = self.current_block()?;
        self.b.build_conditional_branch(eq, merge, next)?;

        self.b.position_at_end(next);
        let one = self.i64_ty().const_int(1, false);
        let inc = self.b.build_int_add(iv64, one, "")?;
        let latches = self.poll_every_chunk(inc, header, span)?;
        i.add_incoming(&[(&self.i64_ty().const_zero(), pre)]);
        for latch in latches {
            i.add_incoming(&[(&inc, latch)]);
        }

        self.b.position_at_end(merge);
        let phi = self.b.build_phi(self.cx.bool_type(), "")?;
        let f = self.cx.bool_type().const_zero();
        let t = self.cx.bool_type().const_all_ones();
        phi.add_incoming(&[(&f, header), (&t, body_end)]);
        Ok(phi.as_basic_value())
    }

    fn call(&mut self, func: usize, args: &[Expr]) -> Res<BasicValueEnum<'ctx>> {
        let Some(&f) = self.fns.get(func) else {
            return bug(format!("call of unknown function {func}"));
        };
        let mut vals: Vec<BasicMetadataValueEnum<'ctx>> = vec![self.ctx_ptr()?.into()];
        for a in args {
            vals.push(self.expr(a)?.into());
        }
        // Late binding (REPL): the current definition, which may be a later line's.
        // A function calls itself directly: a session function is only ever entered
        // through its slot, and slots change only between runs, so while it runs its
        // slot holds it (and recursion keeps LLVM's direct-call optimisations).
        let this = self.current_block()?.get_parent();
        let slot = self.prog.link.slot_of(func).filter(|_| this != Some(f));
        // A later definition may fault where this one cannot.
        let may_fail = self.fallible[func] || slot.is_some();
        self.call_code(f, slot, &vals, may_fail)
    }

    /// Call `f`, or the code the late-binding slot (a cell at the constant address
    /// `slot`, see `hir::ExternFn::slot`) holds now, with `f`'s type; when the callee
    /// `may_fail`, check the status word afterwards.
    fn call_code(
        &mut self,
        f: FunctionValue<'ctx>,
        slot: Option<usize>,
        vals: &[BasicMetadataValueEnum<'ctx>],
        may_fail: bool,
    ) -> Res<BasicValueEnum<'ctx>> {
        let call = match slot {
            Some(slot) => {
                let cell = self.b.build_int_to_ptr(
                    self.i64_ty().const_int(slot as u64, false),
                    self.ptr_ty(),
                    "slot",
                )?;
                let callee = self
                    .b
                    .build_load(self.ptr_ty(), cell, "callee")?
                    .into_pointer_value();
                self.b.build_indirect_call(f.get_type(), callee, vals, "")?
            }
            None => self.b.build_call(f, vals, "")?,
        };
        if may_fail {
            self.check_status()?;
        }
        match call.try_as_basic_value() {
            inkwell::values::ValueKind::Basic(v) => Ok(v),
            inkwell::values::ValueKind::Instruction(_) => {
                bug("a function used as a value has no result".to_string())
            }
        }
    }

    /// A call of a function defined by another module (declared by symbol on first use);
    /// it may fail, so the status word is checked afterwards.
    fn call_extern(&mut self, func: usize, args: &[Expr]) -> Res<BasicValueEnum<'ctx>> {
        let Some(ext) = self.prog.link.extern_fns.get(func) else {
            return bug(format!("call of unknown extern function {func}"));
        };
        let f = match self.module.get_function(&ext.symbol) {
            Some(f) => f,
            None => {
                let mut params: Vec<BasicMetadataTypeEnum<'ctx>> = vec![self.ptr_ty().into()];
                for p in &ext.params {
                    params.push(self.llty(p)?.into());
                }
                let fn_ty = self.fn_type(Some(&ext.ret), &params)?;
                self.module
                    .add_function(&ext.symbol, fn_ty, Some(Linkage::External))
            }
        };
        let mut vals: Vec<BasicMetadataValueEnum<'ctx>> = vec![self.ctx_ptr()?.into()];
        for a in args {
            vals.push(self.expr(a)?.into());
        }
        let slot = Some(ext.slot).filter(|&s| s != 0);
        self.call_code(f, slot, &vals, true)
    }

    /// The runtime type code of `ty` (a scalar's is its kind), for runtime functions
    /// that take a kind: nested lists print and compare through it.
    fn kind(&self, ty: &Ty) -> Res<IntValue<'ctx>> {
        match abi::type_code(ty) {
            Some(k) => Ok(self.i32_ty().const_int(k.0 as u64, false)),
            None => bug(format!("no runtime type code for `{ty}`")),
        }
    }

    /// `print`'s output of `v`, of type `ty`.
    pub(super) fn print_value(&mut self, v: BasicValueEnum<'ctx>, ty: &Ty) -> Res<()> {
        let ctx = self.ctx_ptr()?;
        match ty {
            Ty::Str => {
                let (p, l) = self.split_pair(v)?;
                self.call_rt(abi::RT_PRINT_STR, &[ctx.into(), p.into(), l.into()])?;
            }
            Ty::List(elem) => {
                let k = self.kind(elem)?;
                let (p, l) = self.split_pair(v)?;
                let args = [ctx.into(), k.into(), p.into(), l.into()];
                self.call_rt(abi::RT_PRINT_LIST, &args)?;
            }
            t if t.is_opt() => self.print_opt(v, t)?,
            t => {
                let k = self.kind(t)?;
                let bits = self.to_bits(v, t)?;
                self.call_rt(abi::RT_PRINT, &[ctx.into(), k.into(), bits.into()])?;
            }
        }
        Ok(())
    }

    fn builtin(&mut self, op: Builtin, args: &[Expr], e: &Expr) -> Res<BasicValueEnum<'ctx>> {
        if self.fusable(e) {
            return self.fused_map(e);
        }
        if let Some(v) = self.fused_aggregate(e)? {
            return Ok(v);
        }
        if let Some(v) = self.sum_of_optionals(e)? {
            return Ok(v);
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.expr(a)?);
        }
        if op == Builtin::Lib(crate::types::hir::LibFn::Now) {
            return self.time_call(crate::types::hir::LibFn::Now, &vals, args, e);
        }
        let Some((&v, arg)) = vals.first().zip(args.first()) else {
            return bug(format!("{op:?} without arguments"));
        };
        let ctx = self.ctx_ptr()?;
        match op {
            Builtin::Print => {
                self.print_value(v, &arg.ty)?;
                Ok(v)
            }
            Builtin::ToString => match &arg.ty {
                Ty::Str => Ok(v),
                Ty::List(elem) => {
                    let k = self.kind(elem)?;
                    let (p, l) = self.split_pair(v)?;
                    let span = self.span_arg(e.span);
                    let s = self.call_rt_pair(
                        abi::RT_LIST_TO_STRING,
                        &[ctx.into(), span.into(), k.into(), p.into(), l.into()],
                    )?;
                    self.check_status()?;
                    Ok(s)
                }
                t => {
                    let k = self.kind(t)?;
                    let bits = self.to_bits(v, t)?;
                    let span = self.span_arg(e.span);
                    let args = [ctx.into(), span.into(), k.into(), bits.into()];
                    let s = self.call_rt_pair(abi::RT_TO_STRING, &args)?;
                    self.check_status()?;
                    Ok(s)
                }
            },
            Builtin::Parse => {
                if e.ty == Ty::Str {
                    return Ok(v);
                }
                let k = self.kind(&e.ty)?;
                let span = self.span_id(e.span);
                let span = self.i32_ty().const_int(span as u64, false);
                let (p, l) = self.split_pair(v)?;
                let args = [ctx.into(), span.into(), k.into(), p.into(), l.into()];
                let Some(bits) = self.call_rt(abi::RT_PARSE, &args)? else {
                    return bug("kiln_rt_parse returned nothing");
                };
                self.check_status()?;
                self.bits_to_value(bits.into_int_value(), &e.ty)
            }
            Builtin::Lib(f) => self.lib_call(f, &vals, args, e),
            Builtin::Clamp => self.clamp(&vals, &e.ty, e.span),
            Builtin::Time(f) => self.time_fn(f, v, e.span),
            Builtin::Format => self.format(&vals, args, e),
            _ => self.math(op, &vals, &e.ty),
        }
    }
}
