//! Entries of a program set (`hir::Program::outputs`): run every output into a row, or
//! one output by index.
