//! Program sets: many named expressions over the same params, compiled into one module
//! (jitfusion's BatchExecEngine).
//!
//! The set's source is one text: the shared part, then each expression on a line of its
//! own as an expression statement. Diagnostics and runtime faults point into that text
//! ([`ProgramSet::source`]). The checker binds the last statements (the expressions) to
//! the outputs of `hir::Program::outputs`; codegen gives the module one entry that runs
//! every output into a row and one that runs a single output (`codegen/batch.rs`).

use super::{host, CompileError, Engine, Param};
use crate::diag::Diagnostic;
use crate::driver;
use crate::jit::Compiled;
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::syntax::ast;
use crate::types::ty::Ty;
use crate::types::{self, Checked};
use crate::value::{RuntimeError, Value};
use std::sync::Arc;

/// The file name diagnostics of a set show.
const SET_FILE: &str = "<set>";

impl Engine {
    /// Compile named expressions over common definitions into one [`ProgramSet`].
    ///
    /// `shared` holds the `param`s, `fn`s and `let`s the expressions use; `exprs` are
    /// (name, expression) pairs, each exactly one expression. Everything is compiled
    /// into one module: running all outputs computes a sub-expression they share once.
    /// An expression that is not one expression, or a name given twice, is a compile
    /// error (E0408), like any error in the text.
    ///
    /// ```
    /// use kiln::{Engine, Value};
    ///
    /// let set = Engine::new()
    ///     .compile_set(
    ///         "param price: f64; param qty: i64; let total = price * f64(qty);",
    ///         &[
    ///             ("total", "total"),
    ///             ("with_tax", "total * 1.2"),
    ///             ("label", "if(total > 100.0, \"big\", \"small\")"),
    ///         ],
    ///     )
    ///     .expect("it compiles");
    /// let inputs = [Value::F64(30.0), Value::I64(4)];
    /// assert_eq!(
    ///     set.run_all(&inputs).unwrap(),
    ///     [Value::F64(120.0), Value::F64(144.0), Value::Str("big".into())]
    /// );
    /// assert_eq!(set.run("with_tax", &inputs).unwrap(), Some(Value::F64(144.0)));
    /// assert!(set.run("nope", &inputs).is_err());
    /// ```
    pub fn compile_set(
        &self,
        shared: &str,
        exprs: &[(&str, &str)],
    ) -> Result<ProgramSet, CompileError> {
        let (layout, checked) = self.check_set(shared, exprs)?;
        let error = |diagnostics| CompileError {
            file: SET_FILE.to_owned(),
            source: layout.source.clone(),
            diagnostics,
        };
        let code = match self.options.backend {
            super::Backend::Jit => SetCode::Jit(self.jit(&checked.program).map_err(error)?),
            super::Backend::Interp => {
                SetCode::Interp(Box::new(checked.program.clone()), self.interp_options())
            }
        };
        Ok(ProgramSet {
            inner: Arc::new(SetInner {
                params: super::params_of(code.inputs()),
                names: exprs.iter().map(|(n, _)| (*n).to_owned()).collect(),
                host: self.host.used_by(&checked.program),
                code,
                warnings: checked.warnings,
                source: layout.source,
                max_memory: self.options.max_memory,
            }),
        })
    }

    /// The optimised LLVM IR of a set's module (for tests of what the optimiser merges).
    #[cfg(test)]
    pub(crate) fn set_ir(&self, shared: &str, exprs: &[(&str, &str)]) -> Result<String, String> {
        let (_, checked) = self.check_set(shared, exprs).map_err(|e| e.render())?;
        crate::driver::emit_ir(&checked.program, &self.jit_options(false)).map_err(|e| e.0)
    }

    /// Lay out, parse and check a set.
    fn check_set(
        &self,
        shared: &str,
        exprs: &[(&str, &str)],
    ) -> Result<(Layout, Checked), CompileError> {
        let layout = Layout::new(shared, exprs);
        let error = |diagnostics| CompileError {
            file: SET_FILE.to_owned(),
            source: layout.source.clone(),
            diagnostics,
        };
        let sigs = self.host.signatures();
        let setup = types::Setup {
            host: &sigs,
            outputs: exprs.len(),
        };
        let parsed = driver::parse(&layout.source);
        let mut diags = layout.name_errors(exprs);
        let checked = match parsed {
            Ok(ast) => {
                diags.extend(layout.shape_errors(&ast, exprs));
                if diags.is_empty() {
                    driver::check_parsed(&layout.source, &ast, &setup)
                } else {
                    Err(diags)
                }
            }
            Err(found) => {
                diags.extend(found);
                Err(diags)
            }
        };
        match checked {
            Ok(mut c) => {
                layout.name_outputs(&mut c.warnings, exprs);
                Ok((layout, c))
            }
            Err(mut diags) => {
                layout.name_outputs(&mut diags, exprs);
                Err(error(diags))
            }
        }
    }
}

/// The combined source of a set and where each expression lies in it.
struct Layout {
    source: String,
    /// The span of each expression's text.
    regions: Vec<Span>,
    /// The span of each expression's text and the `;` after it.
    extents: Vec<Span>,
}

impl Layout {
    fn new(shared: &str, exprs: &[(&str, &str)]) -> Layout {
        let mut source = String::new();
        push_statement(&mut source, shared);
        let mut regions = Vec::new();
        let mut extents = Vec::new();
        for (_, text) in exprs {
            let lo = source.len();
            push_statement(&mut source, text);
            regions.push(Span::new(lo, lo + text.len()));
            extents.push(Span::new(lo, source.len()));
        }
        Layout {
            source,
            regions,
            extents,
        }
    }

    /// A note naming the output on each diagnostic that points into an expression's
    /// text (E0408 names it already).
    fn name_outputs(&self, diags: &mut [Diagnostic], exprs: &[(&str, &str)]) {
        for d in diags.iter_mut().filter(|d| d.code != "E0408") {
            let inside = |r: &Span| d.span.lo >= r.lo && d.span.lo < r.hi;
            if let Some(k) = self.extents.iter().position(inside) {
                d.notes.push(format!("in output `{}`", exprs[k].0));
            }
        }
    }

    /// E0408 for a set without expressions and for each name given to an earlier
    /// expression already.
    fn name_errors(&self, exprs: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        if exprs.is_empty() {
            diags.push(
                Diagnostic::error(
                    "E0408",
                    Span::default(),
                    "a program set needs an expression",
                )
                .with_label("no expressions given"),
            );
        }
        for (i, (name, _)) in exprs.iter().enumerate() {
            if let Some(first) = exprs[..i].iter().position(|(n, _)| n == name) {
                diags.push(
                    Diagnostic::error(
                        "E0408",
                        self.regions[i],
                        format!("output `{name}` is named twice"),
                    )
                    .with_label("second output with this name")
                    .with_secondary(self.regions[first], "first output with this name")
                    .with_help("give every output its own name"),
                );
            }
        }
        diags
    }

    /// E0408 for each expression that is not exactly one expression statement of its
    /// own text (the shared part's statements lie before the first region).
    fn shape_errors(&self, ast: &ast::Program, exprs: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for (region, (name, _)) in self.regions.iter().zip(exprs) {
            let touching: Vec<&ast::Stmt> = ast
                .stmts
                .iter()
                .filter(|s| s.span.lo < region.hi && s.span.hi > region.lo)
                .collect();
            let ok = match touching.as_slice() {
                [s] => {
                    matches!(s.kind, ast::StmtKind::Expr(_))
                        && s.span.lo >= region.lo
                        && s.span.hi <= region.hi
                }
                _ => false,
            };
            if !ok {
                let note = if touching.is_empty() {
                    format!("output `{name}` is empty")
                } else {
                    format!("output `{name}` is this text")
                };
                diags.push(types::not_an_expression(*region).with_note(note));
            }
        }
        diags
    }
}

/// Append `text` as a statement on its own line(s). The `;` goes on the same line unless
/// the text may end in a line comment, so a syntax error at the end points at the text.
fn push_statement(source: &mut String, text: &str) {
    source.push_str(text);
    source.push_str(if text.contains("//") { "\n;\n" } else { " ;\n" });
}

/// Named expressions compiled together (see [`Engine::compile_set`]): cheap to clone,
/// `Send + Sync`, runnable from many threads at once.
#[derive(Clone)]
pub struct ProgramSet {
    inner: Arc<SetInner>,
}

impl std::fmt::Debug for ProgramSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramSet")
            .field("names", &self.inner.names)
            .field("params", &self.inner.params)
            .field("outputs", &self.inner.code.output_types())
            .finish_non_exhaustive()
    }
}

/// What runs a set: JIT-compiled code, or the checked program for the interpreter.
#[allow(clippy::large_enum_variant)]
enum SetCode {
    Jit(Compiled),
    Interp(Box<crate::types::hir::Program>, crate::interp::Options),
}

impl SetCode {
    fn inputs(&self) -> &[crate::types::hir::Input] {
        match self {
            SetCode::Jit(c) => c.inputs(),
            SetCode::Interp(p, _) => &p.inputs,
        }
    }

    fn output_types(&self) -> Vec<&Ty> {
        match self {
            SetCode::Jit(c) => c.output_types().iter().collect(),
            SetCode::Interp(p, _) => p.outputs.iter().map(|o| &o.ty).collect(),
        }
    }
}

struct SetInner {
    code: SetCode,
    names: Vec<String>,
    params: Vec<Param>,
    warnings: Vec<Diagnostic>,
    /// The host functions the set calls (kept alive with it).
    host: host::Used,
    source: String,
    /// [`EngineOptions::max_memory`](super::EngineOptions::max_memory) when compiled.
    max_memory: u64,
}

impl ProgramSet {
    /// The outputs' names, in the order they were given.
    pub fn names(&self) -> &[String] {
        &self.inner.names
    }

    /// The inputs (`param` declarations of the shared source), in order.
    pub fn params(&self) -> &[Param] {
        &self.inner.params
    }

    /// The type of output `name` (`None`: no such output).
    pub fn output_type(&self, name: &str) -> Option<&Ty> {
        let k = self.index_of(name)?;
        self.inner.code.output_types().get(k).copied()
    }

    /// Warnings found while compiling.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// The combined source diagnostics point into: the shared part, then each
    /// expression on a line of its own.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// Render a diagnostic (a warning, or a [`RuntimeError::to_diagnostic`]) against
    /// [`ProgramSet::source`] as the CLI prints it, without colour: a header, then the
    /// excerpt of the set's source with the labels.
    ///
    /// ```
    /// use kiln::{Engine, Value};
    ///
    /// let set = Engine::new()
    ///     .compile_set("param n: i64;", &[("ok", "n + 1"), ("ratio", "100 / n")])
    ///     .unwrap();
    /// let err = set.run_all(&[Value::I64(0)]).unwrap_err();
    /// assert!(set.render(&err.to_diagnostic()).contains("100 / n"));
    /// assert_eq!(set.run("ok", &[Value::I64(0)]).unwrap(), Some(Value::I64(1)));
    /// ```
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        crate::diag::render::human(diagnostic, SET_FILE, &self.inner.source, false)
    }

    /// Run output `name` alone (only its expression and the shared statements run).
    /// An unknown name or inputs that do not match the params are an `InvalidInput`
    /// error (E0605); a runtime fault is an `Err` and the set stays usable. The value is
    /// always `Some`.
    pub fn run(&self, name: &str, inputs: &[Value]) -> Result<Option<Value>, RuntimeError> {
        self.run_one(None, name, inputs)
    }

    /// Like [`ProgramSet::run`], passing `host` to the host functions that take a
    /// context.
    pub fn run_with<T: 'static>(
        &self,
        host: &T,
        name: &str,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        self.run_one(Some(host::HostValue::of(host)), name, inputs)
    }

    /// Run every output: the result row, in the order the expressions were given. A
    /// fault in any output makes the whole run an `Err` pointing at it.
    pub fn run_all(&self, inputs: &[Value]) -> Result<Vec<Value>, RuntimeError> {
        self.run_in(None, None, inputs)
    }

    /// Like [`ProgramSet::run_all`], passing `host` to the host functions that take a
    /// context.
    pub fn run_all_with<T: 'static>(
        &self,
        host: &T,
        inputs: &[Value],
    ) -> Result<Vec<Value>, RuntimeError> {
        self.run_in(Some(host::HostValue::of(host)), None, inputs)
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.inner.names.iter().position(|n| n == name)
    }

    fn run_one(
        &self,
        host: Option<host::HostValue>,
        name: &str,
        inputs: &[Value],
    ) -> Result<Option<Value>, RuntimeError> {
        let Some(k) = self.index_of(name) else {
            return Err(RuntimeError {
                fault: crate::abi::Fault::InvalidInput,
                span: Span::default(),
                message: format!(
                    "the set has no output named `{name}` (its outputs: {})",
                    self.inner.names.join(", ")
                ),
            });
        };
        Ok(self.run_in(host, Some(k), inputs)?.pop())
    }

    fn run_in(
        &self,
        host: Option<host::HostValue>,
        only: Option<usize>,
        inputs: &[Value],
    ) -> Result<Vec<Value>, RuntimeError> {
        let inner = &self.inner;
        let compiled = match &inner.code {
            SetCode::Jit(c) => c,
            SetCode::Interp(p, options) => {
                inner.host.check(host)?;
                let out = &mut crate::interp::Stdout;
                let row = crate::driver::interpret_set(p, inputs, only, options, out)?;
                // The chosen outputs, in order (one for `only`).
                return Ok(row.into_iter().flatten().collect());
            }
        };
        let mut ctx = RunCtx::new();
        ctx.set_max_memory(inner.max_memory);
        ctx.set_host(inner.host.check(host)?);
        let row = compiled.run_set_in(&mut ctx, inputs, only);
        // The host hooks see the run's status; the row travels past them.
        let (status, row) = match row {
            Ok(row) => (Ok(None), row),
            Err(e) => (Err(e), Vec::new()),
        };
        inner.host.finish(&mut ctx, status)?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests;
