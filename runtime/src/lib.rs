//! Kiln's runtime: everything generated code calls (printing, strings, lists, the arena,
//! runtime faults), with the run context it works on.
//!
//! One runtime for every way a Kiln program runs: the compiler's JIT maps these functions
//! into the process by address, and the same crate is built as a shared library (for
//! `lli -load`) and a static library (linked into `kiln build --emit exe` programs), where
//! generated code finds them by their unmangled symbol names. The contract with generated
//! code is [`abi`].

pub mod abi;
mod arena;
mod chars;
mod ctx;
pub mod display;
pub mod format;
mod lib_fns;
mod libm;
pub mod regex;
mod rt;
pub mod standalone;
pub mod structural;
mod symbols;
pub mod time;
pub mod typecode;
pub mod zones;

pub use abi::{libm_address, runtime_address};
pub use arena::Arena;
pub use ctx::{parse_bits, Deadline, FaultRecord, Interrupt, RunCtx, STACK_RESERVE};
