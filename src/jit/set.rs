//! Running a program set (`codegen::Interface::outputs`) through its entries
//! (`codegen::SET_ALL_SYMBOL`, `codegen::SET_ONE_SYMBOL`): every output into a row, or
//! one output by index.
//!
//! For a set, [`Compiled::entry`] runs every output and returns no result, and
//! [`Compiled::main_address`] has the signature of `codegen::SetOneFn`.

use super::Compiled;
use crate::abi;
use crate::codegen::{EntryFn, Interface, SetOneFn};
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::types::ty::Ty;
use crate::value::{layout, RuntimeError, Value};

/// The entries of a compiled program set (its output types are the interface's).
pub(super) struct SetCode {
    all: EntryFn,
    one: SetOneFn,
}

/// The set's entries from the addresses of [`Interface::set_symbols`], in order.
pub(super) fn code(interface: &Interface, addresses: &[usize]) -> Option<SetCode> {
    let &[all, one] = addresses else {
        return None;
    };
    // SAFETY: codegen generated both entries with exactly these signatures.
    let (all, one) = unsafe {
        (
            std::mem::transmute::<usize, EntryFn>(all),
            std::mem::transmute::<usize, SetOneFn>(one),
        )
    };
    (!interface.outputs.is_empty()).then_some(SetCode { all, one })
}

impl Compiled {
    /// The output types of a program set, in order (empty for an ordinary program).
    pub fn output_types(&self) -> &[Ty] {
        &self.interface.outputs
    }

    /// Run a program set in `ctx` (reset first) with one value per input: every output
    /// (`only` = `None`, the values in output order) or output `only` alone (one value).
    /// Inputs are checked like [`Compiled::run`]'s; an ordinary program or an output
    /// index out of range is an `InvalidInput` error.
    pub fn run_set_in(
        &self,
        ctx: &mut RunCtx,
        inputs: &[Value],
        only: Option<usize>,
    ) -> Result<Vec<Value>, RuntimeError> {
        let invalid = |message: String| RuntimeError {
            fault: abi::Fault::InvalidInput,
            span: Span::default(),
            message,
        };
        let Some(set) = &self.set else {
            return Err(invalid("the program is not a program set".to_owned()));
        };
        if let Some(k) = only.filter(|&k| k >= self.interface.outputs.len()) {
            return Err(invalid(format!(
                "output {k} does not exist; the set has {}",
                self.interface.outputs.len()
            )));
        }
        let slots = self.prepare(ctx, inputs)?;
        let mut row = vec![[0u64; 2]; self.interface.outputs.len()];
        // SAFETY: the entries were generated for exactly these slot layouts: one slot
        // per (type-checked) input, one per output in `row`; `only` is in range.
        unsafe {
            match only {
                None => (set.all)(ctx, slots.as_ptr(), row.as_mut_ptr()),
                Some(k) => (set.one)(ctx, slots.as_ptr(), row.as_mut_ptr(), k as u64),
            }
        }
        if ctx.status() != 0 {
            return Err(self.fault(ctx));
        }
        let wanted: Vec<usize> = match only {
            None => (0..self.interface.outputs.len()).collect(),
            Some(k) => vec![k],
        };
        wanted
            .into_iter()
            .map(|k| {
                // SAFETY: the run succeeded, so slot `k` holds a value of output `k`'s
                // type, alive until `ctx` is reset.
                unsafe { layout::from_slot(&self.interface.outputs[k], row[k]) }.ok_or_else(|| {
                    invalid(format!(
                        "output of type {} is not supported",
                        self.interface.outputs[k]
                    ))
                })
            })
            .collect()
    }
}
