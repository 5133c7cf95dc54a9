//! Arrow (issue 16): Kiln programs over Arrow arrays and record batches.
//!
//! `types` maps Kiln types to Arrow types and back, the one table everything Arrow-facing
//! (the engine's Arrow entry, `kiln map`) uses.

pub mod types;

pub use types::{arrow_field, arrow_type, binds, kiln_type};
