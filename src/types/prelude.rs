//! The prelude: standard-library functions written in Kiln (`stdlib/*.expr`), parsed
//! and checked once per process, the first time a program calls a function the user
//! has not defined. Its functions are candidates of every call like user functions; one
//! a program calls is copied (already checked) into that program's functions, so a
//! program that calls none pays nothing, and one that calls some does not re-check them.
//!
//! A user function with the same name and parameter types as a prelude function
//! replaces it. The prelude's spans point into its own source, never into a program's:
//! tests guarantee it checks without errors or warnings and that none of its functions
//! can fault at run time or calls another function, so no report can point into it.

use super::hir;
use super::ty::Ty;
use std::sync::OnceLock;

/// The prelude's source files, as (file name, text).
pub const SOURCES: &[(&str, &str)] = &[(
    "stdlib/prelude.expr",
    include_str!("../../stdlib/prelude.expr"),
)];

/// One prelude function.
#[derive(Clone, Debug)]
pub struct PreludeFn {
    pub name: String,
    pub params: Vec<Ty>,
    /// Parameter names, for documentation.
    pub param_names: Vec<String>,
    pub ret: Ty,
    /// The `///` comment before its `fn` (lines joined with a space).
    pub doc: String,
    /// The file it is defined in.
    pub file: &'static str,
    pub hir: hir::Function,
}

impl PreludeFn {
    /// `lerp(a: f64, b: f64, t: f64) -> f64`.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .param_names
            .iter()
            .zip(&self.params)
            .map(|(n, t)| format!("{n}: {t}"))
            .collect();
        format!("{}({}) -> {}", self.name, params.join(", "), self.ret)
    }
}

/// Every prelude function, in source order.
pub fn all() -> &'static [PreludeFn] {
    static PRELUDE: OnceLock<Vec<PreludeFn>> = OnceLock::new();
    PRELUDE.get_or_init(|| {
        SOURCES
            .iter()
            .flat_map(|(file, src)| match load(file, src) {
                Ok(fns) => fns,
                // Unreachable while `tests::the_prelude_checks_cleanly` passes.
                Err(e) => panic!("the prelude {file} does not check: {e}"),
            })
            .collect()
    })
}

/// The prelude functions named `name`, as (index into `all()`, function).
pub fn named(name: &str) -> impl Iterator<Item = (usize, &'static PreludeFn)> + '_ {
    all()
        .iter()
        .enumerate()
        .filter(move |(_, f)| f.name == name)
}

/// Parse and check one prelude file.
pub fn load(file: &'static str, src: &str) -> Result<Vec<PreludeFn>, String> {
    let show = |ds: Vec<crate::diag::Diagnostic>| {
        ds.iter()
            .map(|d| format!("{} at {}..{}: {}", d.code, d.span.lo, d.span.hi, d.message))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let ast = crate::syntax::parse(src).map_err(show)?;
    let checked = super::check_prelude_source(&ast).map_err(show)?;
    if !checked.warnings.is_empty() {
        return Err(show(checked.warnings));
    }
    let decls = ast.stmts.iter().filter_map(|s| match &s.kind {
        crate::syntax::ast::StmtKind::Fn(d) => Some((d, s.span)),
        _ => None,
    });
    Ok(checked
        .program
        .functions
        .into_iter()
        .zip(decls)
        .map(|(f, (decl, span))| PreludeFn {
            name: f.name.clone(),
            params: f.params.iter().map(|&p| f.locals[p].ty.clone()).collect(),
            param_names: decl.params.iter().map(|p| p.name.name.clone()).collect(),
            ret: f.ret.clone().unwrap_or(Ty::Error),
            doc: crate::syntax::doc_comment(src, span.lo as usize),
            file,
            hir: f,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prelude_checks_cleanly_and_every_function_has_a_doc() {
        for (file, src) in SOURCES {
            let fns = load(file, src).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(!fns.is_empty());
            for f in &fns {
                assert!(!f.doc.is_empty(), "{} has no `///` doc", f.signature());
            }
        }
        assert_eq!(
            named("lerp").next().unwrap().1.signature(),
            "lerp(a: f32, b: f32, t: f32) -> f32"
        );
    }

    /// Copied functions keep spans into the prelude's source, so nothing in them may
    /// report at run time, and a copied `Call` would name the wrong function.
    #[test]
    fn prelude_functions_cannot_fault_and_call_no_function() {
        let fns = all();
        let program = hir::Program {
            functions: fns.iter().map(|f| f.hir.clone()).collect(),
            main: fns[0].hir.clone(),
            globals: Vec::new(),
            inputs: Vec::new(),
            link: hir::Linking::default(),
            outputs: Vec::new(),
        };
        let fallible = crate::codegen::fallible_functions(&program);
        for (f, may_fault) in fns.iter().zip(fallible) {
            assert!(!may_fault, "{} may fault", f.signature());
            use hir::Walk;
            let calls = f
                .hir
                .body
                .any(|e| matches!(e.kind, hir::ExprKind::Call { .. }));
            assert!(!calls, "{} calls a function", f.signature());
        }
    }

    #[test]
    fn user_functions_replace_or_overload_prelude_functions() {
        let check = |src: &str| {
            let ast = crate::syntax::parse(src).expect("parses");
            super::super::check(&ast).expect("checks").program
        };
        // Calling nothing from the prelude copies nothing.
        assert_eq!(check("1 + 2").functions.len(), 0);
        // Two calls of one prelude function: one copy.
        assert_eq!(check("sign(1) + sign(2)").functions.len(), 1);
        // A redefinition with the same parameter types replaces the prelude's.
        let p = check("fn sign(x: i64) -> i64 = x * 0; sign(-3)");
        assert_eq!(p.functions.len(), 1);
        // Another parameter type overloads it.
        let p = check("fn sign(x: bool) -> i64 = i64(x); sign(true) + sign(-3)");
        assert_eq!(p.functions.len(), 2);
    }
}
