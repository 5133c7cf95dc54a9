//! Kiln programs as [DataFusion](https://datafusion.apache.org) scalar functions.
//!
//! A Kiln program with params is a function of them: [`KilnUdf::compile`] turns its
//! source into a [`ScalarUDF`](datafusion::logical_expr::ScalarUDF) that SQL calls
//! with one argument per param, in order. The program is compiled once, when the UDF is
//! made, and every partition and thread runs the same native code over Arrow arrays
//! (`Program::run_arrow_columns`).
//!
//! ```
//! use datafusion::prelude::SessionContext;
//! use kiln_datafusion::KilnUdf;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> datafusion::error::Result<()> {
//! let ctx = SessionContext::new();
//! let score = KilnUdf::compile("score", "param a: f64; param b: f64; (a * 1.8 + b) / 2.0").unwrap();
//! ctx.register_udf(score);
//! let batches = ctx.sql("SELECT score(10.0, 2.0) AS s").await?.collect().await?;
//! let s = batches[0].column(0).as_any().downcast_ref::<datafusion::arrow::array::Float64Array>();
//! assert_eq!(s.unwrap().value(0), 10.0);
//! # Ok(())
//! # }
//! ```
//!
//! - **Types.** A param of Kiln type `T` takes the Arrow type `kiln::engine::arrow`
//!   maps `T` to, every string layout for `string` (`Utf8`, `LargeUtf8`, `Utf8View`,
//!   read in place), any timestamp or duration unit, dictionary-encoded columns of those;
//!   and, as coercions DataFusion inserts, Kiln's lossless widenings (`i32` column to an
//!   `i64` param, `f32` or `i32` to `f64`...) and any integer to an `f64` param (SQL's
//!   integer literals are `Int64`; values past 2^53 round). See [`KilnUdf`].
//! - **Nulls** follow SQL: a null argument for a non-optional param makes the row's
//!   result null without running it; an optional param (`f64?`) sees it as `none`.
//! - **Faults** (a division by zero, an index out of bounds...) fail the query with a
//!   [`DataFusionError::Execution`](datafusion::error::DataFusionError::Execution)
//!   whose text is the rendered Kiln diagnostic: its code, message, source excerpt, and
//!   the row of the batch.
//! - **Volatility** is `Immutable` for a pure program ([`kiln::Program::is_pure`]), so
//!   DataFusion may fold constant calls; `Volatile` for one that prints, reads the clock
//!   or calls a side-effecting host function.
//! - **Ballista** (feature `ballista`): [`codec`] ships a Kiln UDF to executors as its
//!   source text, compiled there once per process.

#[cfg(feature = "ballista")]
pub mod codec;
pub mod sql;
mod udf;

pub use udf::{is_kiln_fault, KilnUdf, UdfError, FAULT_PREFIX};
