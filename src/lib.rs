//! Kiln: a typed expression language compiled to native code by LLVM.
//!
//! Pipeline: [`syntax`] (text → AST) → [`types`] (AST → typed HIR) → [`codegen`]
//! (HIR → LLVM module) → [`jit`] (optimise, load, call) → [`runtime`] (what generated code
//! calls), put together in one place, [`driver`]. The library API ([`engine`]), the
//! [`cli`], the interactive [`repl`] and the language server ([`lsp`]) sit on top of the
//! driver. See ARCHITECTURE.md.

pub mod abi;
pub mod chain;
pub mod cli;
pub mod codegen;
pub mod diag;
pub mod driver;
pub mod engine;
pub mod fmt;
pub mod interp;
pub mod jit;
pub mod lsp;
pub mod repl;
pub mod span;
pub mod syntax;
pub mod types;
pub mod value;

pub use diag::{Diagnostic, Severity};
pub use engine::{
    ArrowError, Backend, Column, ColumnBuf, CompileError, Engine, EngineOptions, FpMath, Interrupt,
    Overflow, Program, ProgramSet, Purity, TypedFn,
};

pub use driver::{check_source, compile_source, Options};
/// The time crate of `timestamp` and `duration` (v1): typed handles take and return its
/// `Timestamp` and `SignedDuration`.
pub use jiff;
pub use jit::Compiled;
/// What generated code calls: the `kiln-runtime` crate (the run context, the arena, the
/// display format, every runtime symbol).
pub use kiln_runtime as runtime;
pub use value::{RuntimeError, Value};
