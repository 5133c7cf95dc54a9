//! The columnar entry: one call runs the program over a batch of rows (a loop the
//! optimiser can vectorise), generated when `codegen::Options::columns` is set.
//!
//! `i64 kiln_columns(ctx: ptr, columns: ptr, out: ptr, start: i64, end: i64)`:
//! `columns` points to one base pointer per input (`param`), each an array of that
//! input's values in their natural layout (bool one byte 0/1, integers and floats their
//! width, strings `{ ptr, i64 }` pairs); `out` is an array of results in the same layout.
//! For each row `r` in `start..end` the entry loads element `r` of every column, calls
//! `kiln_main` (inlined by the optimiser) and stores the result into `out[r]`.
//!
//! When `kiln_main` can fault (see [`super::analysis`]), the status word is checked after
//! every row and the entry returns the failing row at once; otherwise the loop body has
//! no exit and the optimiser is free to vectorise it. Either way it returns the row it
//! stopped at: `end` after a complete run.
//!
//! Only programs whose inputs and result are scalars or strings, or optionals of those,
//! get the entry.
//!
//! Optionals (v1): a column of `string?` is its pairs, `none` with length -1 (the
//! memory layout of `string?`). A column of a scalar `T?` is its values (as a column of
//! `T`; a `none` row's value is ignored) and one validity byte per row (0 or 1: the host
//! expands the Arrow bitmap it is given, chunk by chunk, eight rows per table lookup, so
//! the loop reads contiguous bytes and vectorises), row `r`'s at `base + r` (a base
//! for the chunk's rows only). Their base pointers follow the inputs' in `columns`, one
//! per scalar optional input in input order; a
//! scalar optional result is written as its values into `out` (zero for `none`) and one
//! validity byte per row (0 or 1) into the array whose pointer comes next in `columns`.
//! Nothing of this is generated for a program without optional inputs or result, so the
//! other loops are unchanged.
//!
//! Strings as Arrow lays them out: after all the above, two pointers per `string` input
//! (not `string?`), in input order: `offsets` and `data`. When `offsets` is null the
//! input is its pairs as above; otherwise row `r`'s string is `data[offsets[r] ..
//! offsets[r + 1]]` (i32 offsets, Arrow's `Utf8`) and the input's base pointer is not
//! read. The test is loop-invariant (decided once per call). Programs without `string`
//! inputs have no such slots.

use super::{analysis, Error, Res, MAIN_SYMBOL};
use crate::runtime::RunCtx;
use crate::types::hir;
use crate::types::ty::{FloatTy, Ty};
use inkwell::attributes::{Attribute, AttributeLoc};
use inkwell::builder::Builder;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::types::BasicTypeEnum;
use inkwell::values::BasicValue as _;
use inkwell::values::{BasicMetadataValueEnum, BasicValueEnum, IntValue, PointerValue};
use inkwell::{AddressSpace, IntPredicate};

/// Name of the columnar entry point.
pub const COLUMNS_SYMBOL: &str = "kiln_columns";

/// The Rust type of [`COLUMNS_SYMBOL`]: `(ctx, columns, out, start, end) -> stopped_at`.
pub type ColumnsFn = unsafe extern "C" fn(*mut RunCtx, *const *const u8, *mut u8, i64, i64) -> i64;

/// Whether values of `ty` can be a column: scalars and strings (not lists), and their
/// optionals.
pub fn is_column_type(ty: &Ty) -> bool {
    matches!(
        ty.strip_opt(),
        Ty::Bool | Ty::Int(_) | Ty::Float(_) | Ty::Str | Ty::Timestamp | Ty::Duration
    )
}

/// Whether a column of `ty` has a validity bitmap: an optional of a scalar type.
pub fn has_validity(ty: &Ty) -> bool {
    ty.is_opt() && *ty.strip_opt() != Ty::Str
}

/// Whether `program` gets a columnar entry: it has a result, and it and every input are
/// column types.
pub fn has_columns_entry(program: &hir::Program) -> bool {
    // A program set's top level has another signature (see `batch.rs`).
    program.outputs.is_empty()
        && program.main.ret.as_ref().is_some_and(is_column_type)
        && program.inputs.iter().all(|i| is_column_type(&i.ty))
}

/// Add [`COLUMNS_SYMBOL`] to a generated module (before optimisation, so `kiln_main`
/// inlines into the loop). Returns whether it was added (see [`has_columns_entry`]).
pub(super) fn add_columns_entry<'ctx>(
    cx: &'ctx Context,
    module: &Module<'ctx>,
    program: &hir::Program,
    host: &[super::HostImpl],
    overflow: super::Overflow,
) -> Result<bool, String> {
    if !has_columns_entry(program) {
        return Ok(false);
    }
    let main = module
        .get_function(MAIN_SYMBOL)
        .ok_or("the module has no main function")?;
    let may_fail = analysis::main_may_fail(program, host, overflow);
    let gen = Gen {
        cx,
        b: cx.create_builder(),
    };
    gen.define(module, main, program, may_fail)
        .map_err(|Error(e)| format!("columns entry: {e}"))?;
    Ok(true)
}

struct Gen<'ctx> {
    cx: &'ctx Context,
    b: Builder<'ctx>,
}

impl<'ctx> Gen<'ctx> {
    /// The in-memory type of one element of a column of `ty` (of a scalar `T?`: of its
    /// values, `T`).
    fn elem_ty(&self, ty: &Ty) -> BasicTypeEnum<'ctx> {
        match ty {
            Ty::Opt(t) if has_validity(ty) => self.elem_ty(t),
            Ty::Bool => self.cx.i8_type().into(),
            Ty::Int(i) => match i.bits() {
                8 => self.cx.i8_type().into(),
                16 => self.cx.i16_type().into(),
                32 => self.cx.i32_type().into(),
                _ => self.cx.i64_type().into(),
            },
            // i64 nanoseconds (v1).
            Ty::Timestamp | Ty::Duration => self.cx.i64_type().into(),
            Ty::Float(FloatTy::F32) => self.cx.f32_type().into(),
            Ty::Float(FloatTy::F64) => self.cx.f64_type().into(),
            _ => self
                .cx
                .struct_type(
                    &[
                        self.cx.ptr_type(AddressSpace::default()).into(),
                        self.cx.i64_type().into(),
                    ],
                    false,
                )
                .into(),
        }
    }

    /// Address of element `row` of the column at `base`.
    fn elem_ptr(
        &self,
        ty: &Ty,
        base: PointerValue<'ctx>,
        row: IntValue<'ctx>,
    ) -> Res<PointerValue<'ctx>> {
        // SAFETY (IR): the host passes columns with at least `end` elements.
        unsafe {
            self.b
                .build_in_bounds_gep(self.elem_ty(ty), base, &[row], "")
                .map_err(Error::from)
        }
    }

    fn define(
        &self,
        module: &Module<'ctx>,
        main: inkwell::values::FunctionValue<'ctx>,
        program: &hir::Program,
        may_fail: bool,
    ) -> Res<()> {
        let (cx, b) = (self.cx, &self.b);
        let ptr = cx.ptr_type(AddressSpace::default());
        let i64t = cx.i64_type();
        let fn_ty = i64t.fn_type(
            &[ptr.into(), ptr.into(), ptr.into(), i64t.into(), i64t.into()],
            false,
        );
        let func = module.add_function(COLUMNS_SYMBOL, fn_ty, Some(Linkage::External));
        let params = func.get_params();
        use BasicValueEnum::{IntValue as I, PointerValue as P};
        let &[P(ctx), P(cols), P(out), I(start), I(end)] = &params[..] else {
            return Err(Error("unexpected parameters".into()));
        };
        let entry = cx.append_basic_block(func, "entry");
        let body = cx.append_basic_block(func, "row");
        let done = cx.append_basic_block(func, "done");
        let empty = cx.append_basic_block(func, "empty");

        b.position_at_end(entry);
        let mut bases = Vec::with_capacity(program.inputs.len());
        for i in 0..program.inputs.len() {
            let slot = self.elem_ptr_of(ptr.into(), cols, i as u64)?;
            bases.push(b.build_load(ptr, slot, "col")?.into_pointer_value());
        }
        // The validity bitmaps of scalar optional inputs, then the result's validity
        // bytes (see the module docs).
        let mut extra = program.inputs.len() as u64;
        let mut validity = Vec::with_capacity(program.inputs.len());
        for input in &program.inputs {
            validity.push(match has_validity(&input.ty) {
                true => {
                    let slot = self.elem_ptr_of(ptr.into(), cols, extra)?;
                    extra += 1;
                    Some(b.build_load(ptr, slot, "valid")?.into_pointer_value())
                }
                false => None,
            });
        }
        let ret_valid = match program.main.ret.as_ref().filter(|t| has_validity(t)) {
            Some(_) => {
                let slot = self.elem_ptr_of(ptr.into(), cols, extra)?;
                extra += 1;
                Some(b.build_load(ptr, slot, "ret.valid")?.into_pointer_value())
            }
            None => None,
        };
        // Each `string` input's Arrow offsets and data (see the module docs): pairs
        // when the offsets pointer is null, decided once here.
        let mut offsets = Vec::with_capacity(program.inputs.len());
        for input in &program.inputs {
            offsets.push(match input.ty {
                Ty::Str => {
                    let slot = self.elem_ptr_of(ptr.into(), cols, extra)?;
                    let offs = b.build_load(ptr, slot, "offs")?.into_pointer_value();
                    let slot = self.elem_ptr_of(ptr.into(), cols, extra + 1)?;
                    let data = b.build_load(ptr, slot, "data")?.into_pointer_value();
                    extra += 2;
                    let pairs = b.build_is_null(offs, "pairs")?;
                    Some((pairs, offs, data))
                }
                _ => None,
            });
        }
        // One poll of the interrupt flag per call (the host calls once per chunk of
        // rows): a set flag faults (E0611, no span) before any row runs.
        let poll = cx.append_basic_block(func, "poll");
        let interrupted = cx.append_basic_block(func, "interrupted");
        let any = b.build_int_compare(IntPredicate::SLT, start, end, "")?;
        b.build_conditional_branch(any, poll, empty)?;
        b.position_at_end(poll);
        let slot = self.elem_ptr_of(cx.i8_type().into(), ctx, crate::abi::INTERRUPT_OFFSET)?;
        let flag = b.build_load(ptr, slot, "")?.into_pointer_value();
        let value = b.build_load(cx.i32_type(), flag, "interrupt")?;
        if let Some(load) = value.as_instruction_value() {
            load.set_alignment(4)
                .map_err(|e| Error(format!("interrupt load: {e:?}")))?;
            load.set_atomic_ordering(inkwell::AtomicOrdering::Monotonic)
                .map_err(|e| Error(format!("interrupt load: {e:?}")))?;
        }
        let set = b.build_int_compare(
            IntPredicate::NE,
            value.into_int_value(),
            cx.i32_type().const_zero(),
            "",
        )?;
        b.build_conditional_branch(set, interrupted, body)?;
        b.position_at_end(interrupted);
        let fail = match module.get_function(crate::abi::RT_FAIL) {
            Some(f) => f,
            None => {
                let i32t = cx.i32_type();
                let ty = cx.void_type().fn_type(
                    &[
                        ptr.into(),
                        i32t.into(),
                        i32t.into(),
                        i64t.into(),
                        i64t.into(),
                    ],
                    false,
                );
                module.add_function(crate::abi::RT_FAIL, ty, Some(Linkage::External))
            }
        };
        let zero = i64t.const_zero();
        let args = [
            ctx.into(),
            cx.i32_type()
                .const_int(crate::abi::Fault::Interrupted as u64, false)
                .into(),
            cx.i32_type().const_int(u32::MAX as u64, false).into(),
            zero.into(),
            zero.into(),
        ];
        b.build_call(fail, &args, "")?;
        b.build_return(Some(&start))?;

        b.position_at_end(body);
        let row = b.build_phi(i64t, "r")?;
        row.add_incoming(&[(&start, poll)]);
        let r = row.as_basic_value().into_int_value();
        let ret = program.main.ret.as_ref();
        let mut args: Vec<BasicMetadataValueEnum> = vec![ctx.into()];
        let out_slot = match ret {
            Some(t) => Some(self.elem_ptr(t, out, r)?),
            None => None,
        };
        if let (Some(Ty::Str), Some(slot)) = (ret.map(Ty::strip_opt), out_slot) {
            args.push(slot.into());
        }
        for (((input, base), valid), offs) in program
            .inputs
            .iter()
            .zip(&bases)
            .zip(&validity)
            .zip(&offsets)
        {
            let v = match offs {
                Some(offs) => self.load_string(func, offs, *base, r)?,
                None => {
                    let p = self.elem_ptr(&input.ty, *base, r)?;
                    b.build_load(self.elem_ty(&input.ty), p, "")?
                }
            };
            let v: BasicValueEnum = match input.ty.strip_opt() {
                Ty::Bool => b
                    .build_int_truncate(v.into_int_value(), cx.bool_type(), "")?
                    .into(),
                _ => v,
            };
            let v = match valid {
                Some(bitmap) => self.with_validity(v, *bitmap, r)?,
                None => v,
            };
            args.push(v.into());
        }
        let call = b.build_call(main, &args, "")?;
        let inline = Attribute::get_named_enum_kind_id("alwaysinline");
        call.add_attribute(AttributeLoc::Function, cx.create_enum_attribute(inline, 0));
        if let (Some(t), Some(slot), Some(valid_out), inkwell::values::ValueKind::Basic(v)) =
            (ret, out_slot, ret_valid, call.try_as_basic_value())
        {
            self.store_optional(t, v, slot, valid_out, r)?;
        } else if let (Some(t), Some(slot), inkwell::values::ValueKind::Basic(v)) =
            (ret, out_slot, call.try_as_basic_value())
        {
            let v: BasicValueEnum = match t {
                Ty::Bool => b
                    .build_int_z_extend(v.into_int_value(), cx.i8_type(), "")?
                    .into(),
                _ => v,
            };
            b.build_store(slot, v)?;
        }
        if may_fail {
            let status = b.build_load(cx.i32_type(), ctx, "status")?.into_int_value();
            let failed =
                b.build_int_compare(IntPredicate::NE, status, cx.i32_type().const_zero(), "")?;
            let fail = cx.insert_basic_block_after(body, "fault");
            let cont = cx.insert_basic_block_after(fail, "next");
            b.build_conditional_branch(failed, fail, cont)?;
            b.position_at_end(fail);
            b.build_return(Some(&r))?;
            b.position_at_end(cont);
        }
        let next = b.build_int_nsw_add(r, i64t.const_int(1, false), "")?;
        let latch = b.get_insert_block().unwrap_or(body);
        row.add_incoming(&[(&next, latch)]);
        let more = b.build_int_compare(IntPredicate::SLT, next, end, "")?;
        b.build_conditional_branch(more, body, done)?;

        b.position_at_end(done);
        b.build_return(Some(&end))?;
        b.position_at_end(empty);
        b.build_return(Some(&start))?;
        Ok(())
    }

    /// Row `row` of a `string` input: its `{ ptr, i64 }` pair at `pairs[row]`, or, when
    /// the offsets pointer is not null, `data + offsets[row]` and the length up to
    /// `offsets[row + 1]` (Arrow's `Utf8`: i32 offsets).
    fn load_string(
        &self,
        func: inkwell::values::FunctionValue<'ctx>,
        (is_pairs, offs, data): &(IntValue<'ctx>, PointerValue<'ctx>, PointerValue<'ctx>),
        pairs: PointerValue<'ctx>,
        row: IntValue<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (cx, b) = (self.cx, &self.b);
        let from_pairs = cx.append_basic_block(func, "str.pairs");
        let from_offsets = cx.append_basic_block(func, "str.offsets");
        let merge = cx.append_basic_block(func, "str");
        b.build_conditional_branch(*is_pairs, from_pairs, from_offsets)?;

        b.position_at_end(from_pairs);
        let p = self.elem_ptr(&Ty::Str, pairs, row)?;
        let pair = b.build_load(self.elem_ty(&Ty::Str), p, "")?;
        b.build_unconditional_branch(merge)?;

        b.position_at_end(from_offsets);
        let i32t = cx.i32_type();
        let i64t = cx.i64_type();
        // SAFETY (IR): the host passes `end + 1` offsets, each within `data`.
        let p = unsafe { b.build_in_bounds_gep(i32t, *offs, &[row], "")? };
        let lo = b.build_load(i32t, p, "")?.into_int_value();
        let next = b.build_int_nsw_add(row, i64t.const_int(1, false), "")?;
        let p = unsafe { b.build_in_bounds_gep(i32t, *offs, &[next], "")? };
        let hi = b.build_load(i32t, p, "")?.into_int_value();
        let lo = b.build_int_s_extend(lo, i64t, "")?;
        let hi = b.build_int_s_extend(hi, i64t, "")?;
        let start = unsafe { b.build_in_bounds_gep(cx.i8_type(), *data, &[lo], "")? };
        let len = b.build_int_nsw_sub(hi, lo, "")?;
        let ty = self.elem_ty(&Ty::Str).into_struct_type();
        let v = b.build_insert_value(ty.get_undef(), start, 0, "")?;
        let v = b.build_insert_value(v, len, 1, "")?.as_basic_value_enum();
        b.build_unconditional_branch(merge)?;

        b.position_at_end(merge);
        let phi = b.build_phi(ty, "s")?;
        phi.add_incoming(&[(&pair, from_pairs), (&v, from_offsets)]);
        Ok(phi.as_basic_value())
    }

    /// `{ v, valid }` (the register type of `T?`), `valid` being byte `row` (0 or 1) of
    /// the validity bytes at `bytes`.
    fn with_validity(
        &self,
        v: BasicValueEnum<'ctx>,
        bytes: PointerValue<'ctx>,
        row: IntValue<'ctx>,
    ) -> Res<BasicValueEnum<'ctx>> {
        let (cx, b) = (self.cx, &self.b);
        // Not `inbounds`: the host passes the bytes of rows `start..end` only, at
        // `bytes + start` (so `bytes` itself may point outside them).
        // SAFETY (IR): row `row` of `start..end` has its byte there.
        let p = unsafe { b.build_gep(cx.i8_type(), bytes, &[row], "")? };
        let byte = b.build_load(cx.i8_type(), p, "")?.into_int_value();
        let valid = b.build_int_truncate(byte, cx.bool_type(), "valid")?;
        let ty = cx.struct_type(&[v.get_type(), cx.bool_type().into()], false);
        let s = b.build_insert_value(ty.get_undef(), v, 0, "")?;
        Ok(b.build_insert_value(s, valid, 1, "")?.as_basic_value_enum())
    }

    /// Store a scalar optional result `v` (`{ T, i1 }`): its value at `slot` (zero when
    /// it is none) and its validity byte at element `row` of `valid_out`.
    fn store_optional(
        &self,
        ty: &Ty,
        v: BasicValueEnum<'ctx>,
        slot: PointerValue<'ctx>,
        valid_out: PointerValue<'ctx>,
        row: IntValue<'ctx>,
    ) -> Res<()> {
        let (cx, b) = (self.cx, &self.b);
        let s = v.into_struct_value();
        let x = b.build_extract_value(s, 0, "")?;
        let valid = b.build_extract_value(s, 1, "")?.into_int_value();
        let x: BasicValueEnum = match ty.strip_opt() {
            Ty::Bool => b
                .build_int_z_extend(x.into_int_value(), cx.i8_type(), "")?
                .into(),
            _ => x,
        };
        let x = b.build_select(valid, x, x.get_type().const_zero(), "")?;
        b.build_store(slot, x)?;
        // SAFETY (IR): the host passes one validity byte per row.
        let p = unsafe { b.build_in_bounds_gep(cx.i8_type(), valid_out, &[row], "")? };
        let byte = b.build_int_z_extend(valid, cx.i8_type(), "")?;
        b.build_store(p, byte)?;
        Ok(())
    }

    /// Address of element `i` (a constant) of an array of `ty` at `base`.
    fn elem_ptr_of(
        &self,
        ty: BasicTypeEnum<'ctx>,
        base: PointerValue<'ctx>,
        i: u64,
    ) -> Res<PointerValue<'ctx>> {
        let index = self.cx.i64_type().const_int(i, false);
        // SAFETY (IR): the host passes one base pointer per input.
        unsafe { Ok(self.b.build_in_bounds_gep(ty, base, &[index], "")?) }
    }
}
