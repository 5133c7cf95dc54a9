//! The columnar entry: one call runs the program over a batch of rows (a loop the
//! optimiser can vectorise), generated when `jit::Options::columns` is set.

/// Name of the columnar entry point.
pub const COLUMNS_SYMBOL: &str = "kiln_columns";
