//! Stage 2: AST → typed HIR (`hir::Program`): name resolution, literal inference,
//! widening, overload resolution, constant-folded checks.

pub mod builtins;
mod call;
mod check;
mod expr;
mod fold;
mod format;
pub mod hir;
pub mod lambda;
mod lint;
mod lit;
mod nest;
mod optional;
mod outputs;
pub mod prelude;
pub mod reference;
mod regex;
pub(crate) mod suggest;
mod time;
pub mod ty;
pub mod zones;

pub use fold::const_int;
pub(crate) use outputs::not_an_expression;

use crate::diag::Diagnostic;
use crate::syntax::ast;
use hir::Walk;

/// A program that passed every check, with the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Checked {
    pub program: hir::Program,
    pub warnings: Vec<Diagnostic>,
}

/// Type-check a program. Reports every error found, not just the first.
pub fn check(program: &ast::Program) -> Result<Checked, Vec<Diagnostic>> {
    check::Checker::new().program(program)
}

/// What a program is checked against besides the language: the host's functions, and
/// for a program set how many of its last statements are named outputs.
#[derive(Clone, Debug, Default)]
pub struct Setup<'a> {
    /// Host functions, callable by name like user functions (overloads allowed).
    pub host: &'a [hir::HostSig],
    /// The last `outputs` statements of the program are expression statements whose
    /// values become `hir::Program::outputs` (0: an ordinary program).
    pub outputs: usize,
}

/// Type-check a program against a [`Setup`].
pub fn check_with(program: &ast::Program, setup: &Setup<'_>) -> Result<Checked, Vec<Diagnostic>> {
    let mut c = check::Checker::new();
    c.setup = setup.clone();
    c.program(program)
}

/// Type-check a prelude file: like `check`, without the prelude's own functions.
pub(crate) fn check_prelude_source(program: &ast::Program) -> Result<Checked, Vec<Diagnostic>> {
    let mut c = check::Checker::new();
    c.use_prelude = false;
    c.program(program)
}

/// What earlier REPL lines defined: the names a new line can use, each with the symbol
/// of the global or function that holds it in the JIT.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub bindings: Vec<EnvBinding>,
    pub functions: Vec<EnvFn>,
}

/// A program-level binding of an earlier line (a global named `symbol`).
#[derive(Clone, Debug)]
pub struct EnvBinding {
    pub name: String,
    pub ty: ty::Ty,
    /// A mutable variable (`x = ...`) rather than a `let`.
    pub mutable: bool,
    pub symbol: String,
}

/// A function of an earlier line: `symbol` takes `(ctx, params...)`.
#[derive(Clone, Debug)]
pub struct EnvFn {
    pub name: String,
    pub params: Vec<ty::Ty>,
    pub ret: ty::Ty,
    pub symbol: String,
    /// The session functions its body calls, by name and parameter types (late bound:
    /// whatever definition holds that signature when the call runs).
    pub calls: Vec<(String, Vec<ty::Ty>)>,
    /// Its parameters' names, in order.
    pub param_names: Vec<String>,
    /// Its `///` doc comment (set by the REPL session, which has the source).
    pub doc: String,
}

impl Env {
    /// Add what a line defined (see `hir::Linking`): a binding replaces an earlier one of
    /// the same name; a function replaces one with the same name and parameter types.
    pub fn commit(&mut self, link: &hir::Linking, functions: &[hir::Function]) {
        for e in link.exported_globals.iter().filter(|e| e.visible) {
            self.bindings.retain(|b| b.name != e.name);
            self.bindings.push(EnvBinding {
                name: e.name.clone(),
                ty: e.ty.clone(),
                mutable: e.mutable,
                symbol: e.symbol.clone(),
            });
        }
        for (id, symbol) in &link.exported_fns {
            let f = &functions[*id];
            let params = f.param_types();
            let mut calls: Vec<(String, Vec<ty::Ty>)> = Vec::new();
            f.body.walk(&mut |e| {
                let callee = match e.kind {
                    hir::ExprKind::Call { func, .. }
                        if link.exported_fns.iter().any(|(g, _)| *g == func) =>
                    {
                        let g = &functions[func];
                        (g.name.clone(), g.param_types())
                    }
                    hir::ExprKind::CallExtern { func, .. } => match link.extern_fns.get(func) {
                        Some(x) => (x.name.clone(), x.params.clone()),
                        None => return,
                    },
                    _ => return,
                };
                if !calls.contains(&callee) {
                    calls.push(callee);
                }
            });
            self.functions
                .retain(|g| !(g.name == f.name && g.params == params));
            self.functions.push(EnvFn {
                name: f.name.clone(),
                params,
                ret: f.ret.clone().unwrap_or(ty::Ty::Error),
                symbol: symbol.clone(),
                calls,
                param_names: f.params.iter().map(|&p| f.locals[p].name.clone()).collect(),
                doc: String::new(),
            });
        }
    }

    /// The session functions that call the function `name(params)` (see
    /// [`EnvFn::calls`]).
    pub fn callers_of<'e>(
        &'e self,
        name: &'e str,
        params: &'e [ty::Ty],
    ) -> impl Iterator<Item = &'e EnvFn> + 'e {
        self.functions.iter().filter(move |f| {
            f.calls
                .iter()
                .any(|(n, p)| n == name && p.as_slice() == params)
        })
    }
}

/// Type-check one REPL line against the definitions of earlier lines. The line's
/// program-level bindings and functions are exported under symbols starting with
/// `prefix` (see `hir::Linking`); redefining a function with the same parameter types
/// replaces the earlier one. `params`: the line may declare `param` inputs (a file the
/// REPL `:load`s, binding `--param` values as `kiln run` does; each input is exported
/// like a `let`); otherwise `param` is an error that says what to do instead.
pub fn check_in(
    program: &ast::Program,
    env: &Env,
    prefix: &str,
    params: bool,
) -> Result<Checked, Vec<Diagnostic>> {
    let mut checker = check::Checker::new_in(env, prefix);
    checker.params_in_repl = params;
    checker.program(program)
}

#[cfg(test)]
mod tests;
