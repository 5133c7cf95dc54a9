//! Typed handles: a program called as a native function of Rust types, no boxing.

use super::Program;

/// A Rust type that can be a typed handle's argument.
pub trait Arg: Copy {}

/// A Rust type that can be a typed handle's result.
pub trait Ret {}

/// The handle's Rust signature does not match the program's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError {
    pub message: String,
}

/// A program called with Rust values of fixed types.
pub struct TypedFn<A, R> {
    _program: Program,
    _sig: std::marker::PhantomData<fn(A) -> R>,
}
