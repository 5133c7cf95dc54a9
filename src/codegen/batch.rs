//! Entries of a program set (`hir::Program::outputs`): run every output into a row, or
//! one output by index.
//!
//! A set's top level is the internal function [`SET_MAIN`], `void (ctx, row, sel: i64,
//! inputs...)`. It runs the shared statements in order; the assignment of output `k`
//! runs only when `sel` is `k` or [`ALL_OUTPUTS`], and is followed by a store of the
//! value into the 16-byte slot `k` of `row` (the slot convention of `kiln_entry`: a
//! scalar's ABI bits in the first word, a string or list as (ptr, len)). It is
//! `alwaysinline`: each of the two entries below gets its own copy, where the guards fold
//! (`sel` a constant) or become one switch (`sel` a parameter):
//! - [`SET_ALL_SYMBOL`] `(ctx, inputs, row)` ([`super::EntryFn`]): `sel` = all. Every
//!   output is computed in one function with no guard left, so identical pure
//!   sub-expressions of different outputs are merged by CSE/GVN (at -O1 and above).
//! - [`SET_ONE_SYMBOL`] `(ctx, inputs, row, k)` ([`SetOneFn`]): `sel` = `k`; only output
//!   `k`'s expression runs (the shared statements run too; pure ones nothing reads are
//!   dropped by the optimiser). Only slot `k` of `row` is written.
//!
//! Both are `noinline`; the symbols every program has are thin wrappers over them.
//! [`super::ENTRY_SYMBOL`] keeps its contract for a program with no result: it runs every
//! output into a row on its own stack and stores nothing. [`super::MAIN_SYMBOL`] has the
//! signature of [`SET_ONE_SYMBOL`] and calls it.

use super::{bug, is_pair, Cg, Res};
use crate::types::hir::{Stmt, Var};
use inkwell::attributes::AttributeLoc;
use inkwell::module::Linkage;
use inkwell::types::{BasicMetadataTypeEnum, FunctionType};
use inkwell::values::{BasicMetadataValueEnum, FunctionValue};
use inkwell::IntPredicate;

/// The all-outputs entry of a program set: [`super::EntryFn`], `out` a row of one slot
/// per output.
pub const SET_ALL_SYMBOL: &str = "kiln_set_all";

/// The one-output entry of a program set: [`SetOneFn`].
pub const SET_ONE_SYMBOL: &str = "kiln_set_one";

/// The Rust type of [`SET_ONE_SYMBOL`]: `(ctx, inputs, row, k)`; `k` must be an output
/// index (any other value runs no output).
pub type SetOneFn =
    unsafe extern "C" fn(*mut crate::runtime::RunCtx, *const [u64; 2], *mut [u64; 2], u64);

/// The `sel` of [`SET_MAIN`] that runs every output.
pub const ALL_OUTPUTS: u64 = u64::MAX;

/// The internal function holding a set's top level.
const SET_MAIN: &str = "kiln.set.main";

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// Whether the program is a program set.
    pub(super) fn is_set(&self) -> bool {
        !self.prog.outputs.is_empty()
    }

    /// The top level of a set: `void (ctx, row, sel, inputs...)`, always inlined.
    pub(super) fn declare_set_main(&mut self) -> Res<FunctionValue<'ctx>> {
        let main = &self.prog.main;
        let mut params: Vec<BasicMetadataTypeEnum> = vec![
            self.ptr_ty().into(),
            self.ptr_ty().into(),
            self.i64_ty().into(),
        ];
        for &p in &main.params {
            params.push(self.local_ty(main, p)?.into());
        }
        let fn_ty = self.cx.void_type().fn_type(&params, false);
        let f = self
            .module
            .add_function(SET_MAIN, fn_ty, Some(Linkage::Internal));
        f.add_attribute(AttributeLoc::Function, self.enum_attr("alwaysinline"));
        Ok(f)
    }

    /// A statement of a set's top level: an output's assignment is guarded by `sel` and
    /// followed by the store of its value into the row.
    pub(super) fn set_stmt(&mut self, s: &Stmt) -> Res<()> {
        let output = match s {
            Stmt::Assign {
                var: Var::Local(l), ..
            } => self.prog.outputs.iter().position(|o| o.local == *l),
            _ => None,
        };
        let Some(k) = output else {
            return self.stmt(s);
        };
        let func = self.frame()?.func;
        let (Some(row), Some(sel)) = (func.get_nth_param(1), func.get_nth_param(2)) else {
            return bug("set main parameters");
        };
        let sel = sel.into_int_value();
        let i64t = self.i64_ty();
        let is_k =
            self.b
                .build_int_compare(IntPredicate::EQ, sel, i64t.const_int(k as u64, false), "")?;
        let is_all = self
            .b
            .build_int_compare(IntPredicate::EQ, sel, i64t.const_all_ones(), "")?;
        let run = self.b.build_or(is_k, is_all, "")?;
        let then = self.block("output")?;
        let next = self.block("output.next")?;
        self.b.build_conditional_branch(run, then, next)?;
        self.b.position_at_end(then);
        self.stmt(s)?;
        let (ptr, ty) = self.var_slot(Var::Local(self.prog.outputs[k].local))?;
        let v = self.load(ptr, &ty)?;
        let slot = self.slot(row.into_pointer_value(), k)?;
        if is_pair(&ty) {
            self.b.build_store(slot, v)?;
        } else if ty.is_opt() {
            self.opt_to_slot(slot, v, &ty)?;
        } else {
            let bits = self.to_bits(v, &ty)?;
            self.b.build_store(slot, bits)?;
        }
        self.b.build_unconditional_branch(next)?;
        self.b.position_at_end(next);
        Ok(())
    }

    /// Slot `k` (16 bytes each) of the row or input array at `base`.
    /// The entries of a set (see the module docs), after its top level `main`.
    pub(super) fn define_set_entries(&mut self, main: FunctionValue<'ctx>) -> Res<()> {
        let ptr = self.ptr_ty();
        let all_ty = self
            .cx
            .void_type()
            .fn_type(&[ptr.into(), ptr.into(), ptr.into()], false);
        let all = self.set_entry(SET_ALL_SYMBOL, all_ty, main, None)?;
        let one_ty = self.cx.void_type().fn_type(
            &[ptr.into(), ptr.into(), ptr.into(), self.i64_ty().into()],
            false,
        );
        let one = self.set_entry(SET_ONE_SYMBOL, one_ty, main, Some(3))?;
        // `kiln_entry`: every output into a row of its own; nothing is stored into `out`.
        let entry = self.wrapper(super::ENTRY_SYMBOL, all_ty)?;
        let row_ty = self.i64_ty().array_type(2 * self.prog.outputs.len() as u32);
        let row = self.b.build_alloca(row_ty, "row")?;
        let (Some(ctx), Some(inputs)) = (entry.get_nth_param(0), entry.get_nth_param(1)) else {
            return bug("entry parameters");
        };
        self.b
            .build_call(all, &[ctx.into(), inputs.into(), row.into()], "")?;
        self.b.build_return(None)?;
        // `kiln_main`: `kiln_set_one` under the name every program has.
        let wrapper = self.wrapper(super::MAIN_SYMBOL, one_ty)?;
        let args: Vec<BasicMetadataValueEnum> =
            wrapper.get_param_iter().map(|p| p.into()).collect();
        self.b.build_call(one, &args, "")?;
        self.b.build_return(None)?;
        Ok(())
    }

    /// An external function `name` of type `ty`, the builder at the end of its entry
    /// block.
    fn wrapper(&mut self, name: &str, ty: FunctionType<'ctx>) -> Res<FunctionValue<'ctx>> {
        let func = self.module.add_function(name, ty, Some(Linkage::External));
        self.b
            .position_at_end(self.cx.append_basic_block(func, "entry"));
        Ok(func)
    }

    /// An entry `(ctx, inputs, row[, sel])` with its own copy of the set's top level,
    /// `sel` = parameter `sel_param` or all outputs.
    fn set_entry(
        &mut self,
        name: &str,
        ty: FunctionType<'ctx>,
        main: FunctionValue<'ctx>,
        sel_param: Option<u32>,
    ) -> Res<FunctionValue<'ctx>> {
        let func = self.wrapper(name, ty)?;
        func.add_attribute(AttributeLoc::Function, self.enum_attr("noinline"));
        let p = |i| func.get_nth_param(i);
        let (Some(ctx), Some(inputs), Some(row)) = (p(0), p(1), p(2)) else {
            return bug("set entry parameters");
        };
        let sel = match sel_param.and_then(p) {
            Some(v) => v.into_int_value(),
            None => self.i64_ty().const_int(ALL_OUTPUTS, false),
        };
        let mut args: Vec<BasicMetadataValueEnum> = vec![ctx.into(), row.into(), sel.into()];
        for (i, input) in self.prog.inputs.iter().enumerate() {
            let v = self.load_input(inputs.into_pointer_value(), i, &input.ty)?;
            args.push(v.into());
        }
        self.b.build_call(main, &args, "")?;
        self.b.build_return(None)?;
        Ok(func)
    }
}
