//! `format(fmt, args...)` and `round(x, digits)` (v1).
//!
//! The arguments are stored, each in its memory layout, into 16-byte cells of one stack
//! array. A literal format string is planned now (`kiln_runtime::format::Plan`: its
//! literal text and each argument's type code and spec, checked by the checker
//! already) and becomes a private constant; the run calls `kiln_rt_format` with it, so
//! no format string is parsed at run time. A computed format string goes to
//! `kiln_rt_format_dyn` with the arguments' type codes (a constant array), which parses
//! it and faults E0618 at the format string when it is bad.

use super::{bug, Cg, Res};
use crate::abi;
use crate::types::hir::{Expr, ExprKind};
use inkwell::module::Linkage;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, PointerValue};
use inkwell::AddressSpace;
use kiln_runtime::format::Plan;
use kiln_runtime::typecode::TypeCode;

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// `format`: `vals` are the evaluated arguments of `e`, the format string first.
    pub(super) fn format(
        &mut self,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (Some((&fmt, vals)), Some((fmt_node, args))) = (vals.split_first(), args.split_first())
        else {
            return bug("format without its format string");
        };
        let mut codes = Vec::with_capacity(args.len());
        for a in args {
            match abi::type_code(&a.ty) {
                Some(c) => codes.push(c),
                None => return bug(format!("no type code for `{}`", a.ty)),
            }
        }
        let cells = self.format_cells(vals, args)?;
        let n = self.i64_ty().const_int(args.len() as u64, false);
        let ctx = self.ctx_ptr()?;
        let span = self.span_arg(e.span);
        let planned = match &fmt_node.kind {
            ExprKind::Str(text) => Plan::new(text, &codes).ok(),
            _ => None,
        };
        let s = match planned {
            Some(plan) => {
                let bytes = plan.encode();
                let global = self.constant_bytes(&bytes, "format.plan");
                let len = self.i64_ty().const_int(bytes.len() as u64, false);
                let call: [BasicMetadataValueEnum<'ctx>; 6] = [
                    ctx.into(),
                    span.into(),
                    global.into(),
                    len.into(),
                    cells.into(),
                    n.into(),
                ];
                self.call_rt_pair(abi::RT_FORMAT, &call)?
            }
            None => {
                let fmt_span = self.span_arg(fmt_node.span);
                let (p, l) = self.split_pair(fmt)?;
                let codes = self.constant_codes(&codes);
                let call: [BasicMetadataValueEnum<'ctx>; 8] = [
                    ctx.into(),
                    span.into(),
                    fmt_span.into(),
                    p.into(),
                    l.into(),
                    codes.into(),
                    cells.into(),
                    n.into(),
                ];
                self.call_rt_pair(abi::RT_FORMAT_DYN, &call)?
            }
        };
        self.check_status()?;
        Ok(s)
    }

    /// A stack array of 16-byte cells holding `vals` in their memory layout (a null
    /// pointer when there are none).
    fn format_cells(
        &mut self,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
    ) -> Res<PointerValue<'ctx>> {
        if vals.is_empty() {
            return Ok(self.ptr_ty().const_null());
        }
        let cell = self.pair_ty();
        let array = cell.array_type(vals.len() as u32);
        let cells = self.entry_alloca(array.into(), "format.args")?;
        let i64t = self.i64_ty();
        for (i, (&v, a)) in vals.iter().zip(args).enumerate() {
            let idx = [i64t.const_zero(), i64t.const_int(i as u64, false)];
            // SAFETY: `i` is within the array.
            let at = unsafe { self.b.build_in_bounds_gep(array, cells, &idx, "")? };
            self.store(at, v, &a.ty)?;
        }
        Ok(cells)
    }

    /// A private constant holding `bytes`.
    fn constant_bytes(&mut self, bytes: &[u8], name: &str) -> PointerValue<'ctx> {
        let init = self.cx.const_string(bytes, false);
        let g = self.module.add_global(init.get_type(), None, name);
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g.as_pointer_value()
    }

    /// A private constant array of type codes (a null pointer when empty).
    fn constant_codes(&mut self, codes: &[TypeCode]) -> PointerValue<'ctx> {
        if codes.is_empty() {
            return self.cx.ptr_type(AddressSpace::default()).const_null();
        }
        let i32t = self.i32_ty();
        let vals: Vec<_> = codes
            .iter()
            .map(|c| i32t.const_int(c.0 as u64, false))
            .collect();
        let init = i32t.const_array(&vals);
        let g = self
            .module
            .add_global(init.get_type(), None, "format.codes");
        g.set_initializer(&init);
        g.set_constant(true);
        g.set_linkage(Linkage::Private);
        g.set_unnamed_addr(true);
        g.as_pointer_value()
    }

    /// `round(x, digits)`: the runtime's decimal rounding of an f32 or f64.
    pub(super) fn round_to(
        &mut self,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let ([x, digits], [xa, _]) = (vals, args) else {
            return bug("round(x, digits) takes two arguments");
        };
        let Some(code) = abi::type_code(&xa.ty) else {
            return bug(format!("round of `{}`", xa.ty));
        };
        let kind = self.i32_ty().const_int(code.0 as u64, false);
        let bits = self.to_bits(*x, &xa.ty)?;
        let call: [BasicMetadataValueEnum<'ctx>; 3] = [kind.into(), bits.into(), (*digits).into()];
        let Some(out) = self.call_rt(abi::RT_ROUND_TO, &call)? else {
            return bug("kiln_rt_round_to returned nothing");
        };
        self.bits_to_value(out.into_int_value(), &e.ty)
    }
}
