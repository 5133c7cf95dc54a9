//! The time library's calls (issue 15): field accessors, `date_trunc`, `format_time`,
//! `parse_time` and `now`, as calls of the runtime's `zones.rs` with their literal
//! arguments planned (`types/zones.rs`).
//!
//! A zone reaches the runtime as an i64 zone id: UTC and a literal fixed offset are
//! constants; a literal IANA name is resolved once per call site (a private i64 global,
//! zero until the first call stores the id `RT_ZONE_ID` gives, with acquire loads and
//! release stores: every thread stores the same id, so a race is harmless); a
//! computed name is resolved per call. A literal unit is its code, a computed one is
//! looked up per call (`RT_TIME_UNIT`). A literal format was checked by the checker, so
//! `parse_time` skips the runtime's check of it.

use super::{bug, Cg, Res};
use crate::abi;
use crate::runtime::zones::{fixed_zone, UTC_ZONE};
use crate::types::hir::{Expr, LibFn, UnitArg, ZoneArg};
use crate::types::ty::Ty;
use crate::types::zones::zone_index;
use inkwell::module::Linkage;
use inkwell::values::{BasicMetadataValueEnum, BasicValue, BasicValueEnum, IntValue};
use inkwell::{AtomicOrdering, IntPredicate};

impl<'a, 'ctx> Cg<'a, 'ctx> {
    /// A call of a time library function (`LibFn::is_time`) with its arguments' values.
    pub(super) fn time_call(
        &mut self,
        f: LibFn,
        vals: &[BasicValueEnum<'ctx>],
        args: &[Expr],
        e: &Expr,
    ) -> Res<BasicValueEnum<'ctx>> {
        let i64t = self.i64_ty();
        let zone_plan = match f {
            LibFn::TimeField(_, z) | LibFn::DateTrunc(_, z) => z,
            LibFn::FormatTime { zone, .. } | LibFn::ParseTime { zone, .. } => zone,
            LibFn::Now => ZoneArg::Utc,
            _ => return bug(format!("{f:?} is not a time function")),
        };
        let zone = match zone_index(f, args.len()) {
            Some(i) => self.zone_id(zone_plan, vals[i], &args[i])?,
            None => i64t.const_int(UTC_ZONE as u64, false),
        };
        let ctx: BasicMetadataValueEnum<'ctx> = self.ctx_ptr()?.into();
        let int =
            |v: BasicValueEnum<'ctx>| -> BasicMetadataValueEnum<'ctx> { v.into_int_value().into() };
        match f {
            LibFn::TimeField(field, _) => {
                let field = self.i32_ty().const_int(field as u64, false);
                let call = [field.into(), int(vals[0]), zone.into()];
                self.call_int(abi::RT_TIME_FIELD, &call)
            }
            LibFn::DateTrunc(unit, _) => {
                let unit = match unit {
                    UnitArg::Literal(u) => i64t.const_int(u as u64, false),
                    UnitArg::Computed => {
                        let (p, l) = self.split_pair(vals[1])?;
                        let span = self.span_arg(args[1].span);
                        let call = [ctx, span.into(), p.into(), l.into()];
                        let u = self.call_int(abi::RT_TIME_UNIT, &call)?;
                        self.check_status()?;
                        u.into_int_value()
                    }
                };
                let span = self.span_arg(e.span);
                let call = [ctx, span.into(), int(vals[0]), unit.into(), zone.into()];
                let t = self.call_int(abi::RT_DATE_TRUNC, &call)?;
                self.check_status()?;
                Ok(t)
            }
            LibFn::FormatTime { .. } => {
                let (p, l) = self.split_pair(vals[1])?;
                let span = self.span_arg(e.span);
                let fmt_span = self.span_arg(args[1].span);
                let call = [
                    ctx,
                    span.into(),
                    fmt_span.into(),
                    int(vals[0]),
                    p.into(),
                    l.into(),
                    zone.into(),
                ];
                let s = self.call_rt_pair(abi::RT_FORMAT_TIME, &call)?;
                self.check_status()?;
                Ok(s)
            }
            LibFn::ParseTime { literal_fmt, .. } => {
                let (sp, sl) = self.split_pair(vals[0])?;
                let (fp, fl) = self.split_pair(vals[1])?;
                let span = self.span_arg(args[1].span);
                let out = self.entry_alloca(i64t.into(), "parsed.time")?;
                let checked = self.i32_ty().const_int(u64::from(literal_fmt), false);
                let call = [
                    ctx,
                    span.into(),
                    sp.into(),
                    sl.into(),
                    fp.into(),
                    fl.into(),
                    zone.into(),
                    checked.into(),
                    out.into(),
                ];
                let Some(ok) = self.call_rt(abi::RT_PARSE_TIME, &call)? else {
                    return bug("kiln_rt_parse_time returned nothing");
                };
                if f.effects().can_fault {
                    self.check_status()?;
                }
                let zero = self.i32_ty().const_zero();
                let valid =
                    self.b
                        .build_int_compare(IntPredicate::NE, ok.into_int_value(), zero, "")?;
                let t = self.b.build_load(i64t, out, "")?;
                let some = self.opt_some(t, &Ty::Timestamp)?;
                Ok(self
                    .b
                    .build_insert_value(some.into_struct_value(), valid, 1, "")?
                    .into_struct_value()
                    .into())
            }
            LibFn::Now => self.call_int(abi::RT_NOW, &[]),
            _ => bug(format!("{f:?} is not a time function")),
        }
    }

    fn call_int(
        &mut self,
        symbol: &str,
        call: &[BasicMetadataValueEnum<'ctx>],
    ) -> Res<BasicValueEnum<'ctx>> {
        match self.call_rt(symbol, call)? {
            Some(v) => Ok(v),
            None => bug(format!("{symbol} returned nothing")),
        }
    }

    /// The zone id of a zone argument (`value` its string) as planned.
    fn zone_id(
        &mut self,
        plan: ZoneArg,
        value: BasicValueEnum<'ctx>,
        arg: &Expr,
    ) -> Res<IntValue<'ctx>> {
        let i64t = self.i64_ty();
        let resolve = |cg: &mut Self| -> Res<IntValue<'ctx>> {
            let (p, l) = cg.split_pair(value)?;
            let span = cg.span_arg(arg.span);
            let call = [cg.ctx_ptr()?.into(), span.into(), p.into(), l.into()];
            let id = cg.call_int(abi::RT_ZONE_ID, &call)?;
            cg.check_status()?;
            Ok(id.into_int_value())
        };
        match plan {
            ZoneArg::Utc => Ok(i64t.const_int(UTC_ZONE as u64, false)),
            ZoneArg::Fixed(secs) => Ok(i64t.const_int(fixed_zone(secs) as u64, true)),
            ZoneArg::Computed => resolve(self),
            ZoneArg::Named => {
                // The call site's slot: 0 until the first call resolves the name.
                let slot = self.module.add_global(i64t, None, "kiln.zone");
                slot.set_linkage(Linkage::Private);
                slot.set_initializer(&i64t.const_zero());
                let slot = slot.as_pointer_value();
                // Acquire/release: a thread that reads the id also sees the zone the
                // runtime's table holds for it.
                let atomic = |v: inkwell::values::InstructionValue<'ctx>,
                              order: AtomicOrdering|
                 -> Res<()> {
                    v.set_alignment(8)
                        .and_then(|_| v.set_atomic_ordering(order))
                        .map_err(|e| super::Error(format!("zone slot: {e:?}")))
                };
                let cached = self.b.build_load(i64t, slot, "zone")?.into_int_value();
                if let Some(load) = cached.as_instruction_value() {
                    atomic(load, AtomicOrdering::Acquire)?;
                }
                let from = self.current_block()?;
                let empty =
                    self.b
                        .build_int_compare(IntPredicate::EQ, cached, i64t.const_zero(), "")?;
                let fill = self.block("zone.resolve")?;
                let done = self.block("zone.done")?;
                self.b.build_conditional_branch(empty, fill, done)?;
                self.b.position_at_end(fill);
                let id = resolve(self)?;
                atomic(self.b.build_store(slot, id)?, AtomicOrdering::Release)?;
                let filled = self.current_block()?;
                self.b.build_unconditional_branch(done)?;
                self.b.position_at_end(done);
                let phi = self.b.build_phi(i64t, "zone.id")?;
                phi.add_incoming(&[(&cached, from), (&id, filled)]);
                Ok(phi.as_basic_value().into_int_value())
            }
        }
    }
}
