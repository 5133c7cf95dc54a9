//! Program sets: many named expressions over the same params, compiled into one module.

/// Named expressions compiled together (see `Engine::compile_set`).
pub struct ProgramSet {}
