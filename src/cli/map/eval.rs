//! Every evaluation `kiln map` does goes through this file: a program run over one
//! batch, and `--where`'s filter, both through the engine's Arrow entry
//! ([`Program::run_arrow_columns`]'s crate-internal form `run_arrow_in`, which runs in the
//! worker's context: it captures `print` output and carries `--timeout` and
//! `--max-memory`, and gives a fault back with the results of the rows before it).
//!
//! The batch given is the program's inputs: one column per `param`, in the params'
//! order, each of an Arrow type that [`binds`](crate::engine::arrow::binds) to the param's
//! type (checked by the caller, as are nulls for params that are not optional).

use crate::abi::Fault;
use crate::engine::arrow::true_rows;
use crate::engine::Program;
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::value::RuntimeError;
use arrow_array::{ArrayRef, RecordBatch, UInt32Array};
use std::sync::Arc;

/// What one worker thread runs batches in: its run context (output captured; the
/// `--timeout` interrupt and `--max-memory` of the command).
pub struct Session {
    pub ctx: RunCtx,
}

/// A fault in row `row` of the batch given. `partial` holds the results of the rows
/// before it, when the evaluation can tell them (they are written before the error).
#[derive(Debug)]
pub struct EvalError {
    pub row: usize,
    pub error: RuntimeError,
    pub partial: Option<ArrayRef>,
}

/// The program's result for each row of `params` (one column per param, in order), as
/// an array of `arrow_type(program.output_type())`.
pub fn evaluate(
    program: &Program,
    session: &mut Session,
    params: &RecordBatch,
) -> Result<ArrayRef, EvalError> {
    match program.run_arrow_in(&mut session.ctx, params.columns(), params.num_rows()) {
        Ok((array, None)) => Ok(array),
        Ok((array, Some(fault))) => Err(EvalError {
            row: fault.row,
            error: fault.error,
            partial: Some(array),
        }),
        // The caller checked the columns' types and nulls: what is left is the engine's.
        Err(e) => Err(EvalError {
            row: 0,
            error: RuntimeError {
                fault: Fault::InvalidInput,
                span: Span::default(),
                message: e.to_string(),
            },
            partial: None,
        }),
    }
}

/// The rows of `params` (as for [`evaluate`]) where the bool program `program` is true
/// (`none` counts as false), in order. On a fault, `partial` holds the rows kept before
/// it (a `UInt32Array`), when the evaluation can tell them.
pub fn filter(
    program: &Program,
    session: &mut Session,
    params: &RecordBatch,
) -> Result<UInt32Array, EvalError> {
    match evaluate(program, session, params) {
        Ok(mask) => Ok(true_rows(&mask, None)),
        Err(mut e) => {
            e.partial = e.partial.map(|m| Arc::new(true_rows(&m, None)) as ArrayRef);
            Err(e)
        }
    }
}
