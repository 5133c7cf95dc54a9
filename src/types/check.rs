//! The checker's state, scopes, statements and functions. Expressions live in
//! `expr.rs`, calls and overload resolution in `call.rs`, literal typing in `lit.rs`.
//!
//! Order of work: a pre-pass collects every `fn` signature (functions are visible to the
//! whole program) and every program-level `let`/`param` (so a function reading one can be
//! given a global). Then `main` is checked statement by statement; a function body is
//! checked the first time a call to it is checked (so a function's return type can be
//! inferred), and any function never called is checked at the end. A function reading a
//! program-level binding that `main` has not reached yet is reading it before it is bound.

use super::hir::{self, FnId, GlobalId, LocalId, Var};
use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use crate::syntax::ast;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FnState {
    Pending,
    InProgress,
    Done,
}

pub(super) struct FnEntry<'a> {
    pub decl: &'a ast::FnDecl,
    /// Index of the declaring statement in the program.
    pub pos: usize,
    pub params: Vec<Ty>,
    /// Declared, or inferred once the body is checked.
    pub ret: Option<Ty>,
    pub declared_ret: bool,
    pub state: FnState,
    pub hir: Option<hir::Function>,
    /// Excluded from calls: a duplicate definition or a signature with errors.
    pub callable: bool,
}

/// A program-level `let` or `param`: visible to functions declared after it.
pub(super) struct TopBinding {
    pub name: String,
    pub pos: usize,
    pub span: Span,
    /// Set when `main` checks the binding.
    pub ty: Option<Ty>,
    /// Set when some function may read it.
    pub global: Option<GlobalId>,
    /// The local of `main` that holds it, once `main` binds it.
    pub local: Option<LocalId>,
    /// Set when a function reads it (for the unused-binding warning of that local).
    pub read: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BindKind {
    Let,
    Param,
    FnParam,
    Mutable,
}

#[derive(Clone, Debug)]
pub(super) struct LocalBinding {
    pub local: LocalId,
    pub kind: BindKind,
    /// Where it was bound (first assigned, for a mutable variable).
    pub span: Span,
}

/// How a local was bound and whether anything reads it (for W0001).
#[derive(Clone, Debug)]
pub(super) struct LocalUse {
    pub kind: BindKind,
    pub span: Span,
    pub read: bool,
}

/// The function being checked: its locals and block scopes.
pub(super) struct Body {
    pub locals: Vec<hir::Local>,
    /// Parallel to `locals`.
    pub uses: Vec<LocalUse>,
    pub scopes: Vec<HashMap<String, LocalBinding>>,
    /// `None` for `main`; else the position of the `fn` statement (for visibility of
    /// program-level bindings) and its id.
    pub func: Option<(usize, FnId)>,
    /// Bindings of blocks that have ended, with the block's span (to explain a later
    /// read of one of them).
    pub ended: Vec<(String, LocalBinding, Span)>,
}

impl Body {
    fn new(func: Option<(usize, FnId)>) -> Body {
        Body {
            locals: Vec::new(),
            uses: Vec::new(),
            scopes: vec![HashMap::new()],
            func,
            ended: Vec::new(),
        }
    }

    pub fn declare(&mut self, name: &str, ty: Ty, kind: BindKind, span: Span) -> LocalId {
        let id = self.locals.len();
        self.locals.push(hir::Local {
            name: name.to_string(),
            ty,
        });
        self.uses.push(LocalUse {
            kind,
            span,
            read: false,
        });
        self.scopes.last_mut().expect("a scope").insert(
            name.to_string(),
            LocalBinding {
                local: id,
                kind,
                span,
            },
        );
        id
    }

    pub fn lookup(&self, name: &str) -> Option<&LocalBinding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// Record that `local` is read (assignments to it are not reads).
    pub fn mark_read(&mut self, local: LocalId) {
        if let Some(u) = self.uses.get_mut(local) {
            u.read = true;
        }
    }

    /// The value of a body is read by whoever uses the body's result: when it is the
    /// variable bound by a final `let` or assignment, that variable is read.
    fn mark_result_read(&mut self, value: Option<&hir::Expr>) {
        if let Some(hir::Expr {
            kind: hir::ExprKind::Var(Var::Local(l)),
            ..
        }) = value
        {
            self.mark_read(*l);
        }
    }
}

/// The value of a literal whose type is not settled yet.
#[derive(Clone, Debug)]
pub(super) enum LitVal {
    /// Negation already applied.
    Int(i128),
    /// Source text, with a leading `-` when negated.
    Float(String),
}

pub(super) struct Checker<'a> {
    pub diags: Vec<Diagnostic>,
    /// Returned with a program that has no errors.
    pub warnings: Vec<Diagnostic>,
    pub fns: Vec<FnEntry<'a>>,
    pub fn_names: HashMap<String, Vec<FnId>>,
    pub tops: Vec<TopBinding>,
    /// Statement position → index in `tops`.
    top_at: HashMap<usize, usize>,
    /// Program-level mutable variables (functions cannot see them), each with the
    /// name of its first assignment.
    pub top_mutables: HashMap<String, Span>,
    pub globals: Vec<hir::Global>,
    pub inputs: Vec<hir::Input>,
    /// The local of `main` each input is bound to, in the order of `inputs` (a `param`
    /// may follow other bindings, so these are not simply the first locals).
    input_locals: Vec<hir::LocalId>,
    /// The program statement `main` is checking (for "read before bound" notes).
    pub main_stmt: Span,
    /// Values of literals whose type is not settled yet, by span.
    pub lits: HashMap<Span, LitVal>,
    /// REPL mode: earlier lines' definitions and this line's symbol prefix.
    pub env: Option<(&'a super::Env, String)>,
    /// REPL mode: `param` inputs are allowed (a `:load`ed file).
    pub params_in_repl: bool,
    /// Env binding index → the global that imports it.
    env_globals: HashMap<usize, GlobalId>,
    /// Env function index → index in `link.extern_fns`.
    env_fns: HashMap<usize, usize>,
    pub link: hir::Linking,
    /// Prelude functions this program calls, as indexes into `prelude::all()`: the k-th
    /// becomes function `fns.len() + k`.
    pub prelude_used: Vec<usize>,
    /// False while checking the prelude itself.
    pub use_prelude: bool,
    /// Host functions and program-set outputs (library API).
    pub setup: super::Setup<'a>,
    /// Program sets: the outputs bound so far (see `outputs.rs`).
    pub outputs: Vec<hir::Output>,
    /// The source of each `bool?` expression, by span: a condition that is one shows
    /// its fix (`(...) ?? false`, see `optional.rs`).
    pub opt_bools: HashMap<Span, &'a ast::Expr>,
    /// Where the program's string literals' escapes are (see `string_span`).
    strings: Option<&'a ast::StringMap>,
}

/// The result of checking a sequence of statements.
pub(super) struct Checked {
    pub stmts: Vec<hir::Stmt>,
    pub value: Option<hir::Expr>,
}

impl<'a> Checker<'a> {
    pub fn new() -> Checker<'a> {
        Checker {
            diags: Vec::new(),
            warnings: Vec::new(),
            fns: Vec::new(),
            fn_names: HashMap::new(),
            tops: Vec::new(),
            top_at: HashMap::new(),
            top_mutables: HashMap::new(),
            globals: Vec::new(),
            inputs: Vec::new(),
            input_locals: Vec::new(),
            main_stmt: Span::default(),
            lits: HashMap::new(),
            env: None,
            params_in_repl: false,
            env_globals: HashMap::new(),
            env_fns: HashMap::new(),
            link: hir::Linking::default(),
            prelude_used: Vec::new(),
            use_prelude: true,
            setup: super::Setup::default(),
            outputs: Vec::new(),
            opt_bools: HashMap::new(),
            strings: None,
        }
    }

    pub fn new_in(env: &'a super::Env, prefix: &str) -> Checker<'a> {
        let mut c = Checker::new();
        c.env = Some((env, prefix.to_string()));
        c
    }

    fn env_ref(&self) -> Option<&'a super::Env> {
        self.env.as_ref().map(|(e, _)| *e)
    }

    /// The earlier line's binding `name` (REPL), as (env index, binding).
    pub fn env_binding(&self, name: &str) -> Option<(usize, &'a super::EnvBinding)> {
        let env = self.env_ref()?;
        let i = env.bindings.iter().rposition(|b| b.name == name)?;
        Some((i, &env.bindings[i]))
    }

    /// The global that imports env binding `i`.
    pub fn env_global(&mut self, i: usize) -> GlobalId {
        if let Some(&g) = self.env_globals.get(&i) {
            return g;
        }
        let env = self.env_ref().expect("REPL mode");
        let b = &env.bindings[i];
        let g = self.globals.len();
        self.globals.push(hir::Global {
            name: b.name.clone(),
            ty: b.ty.clone(),
        });
        self.link.imported_globals.push((g, b.symbol.clone()));
        self.env_globals.insert(i, g);
        g
    }

    /// Earlier lines' functions named `name` that this line does not redefine.
    pub fn env_fns_named(&self, name: &str) -> Vec<(usize, &'a super::EnvFn)> {
        let Some(env) = self.env_ref() else {
            return Vec::new();
        };
        env.functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name == name)
            .filter(|(_, f)| {
                !self.fn_names.get(name).is_some_and(|ids| {
                    ids.iter()
                        .any(|&id| self.fns[id].callable && self.fns[id].params == f.params)
                })
            })
            .collect()
    }

    /// The `link.extern_fns` index of env function `i`.
    pub fn env_fn(&mut self, i: usize) -> usize {
        if let Some(&k) = self.env_fns.get(&i) {
            return k;
        }
        let env = self.env_ref().expect("REPL mode");
        let f = &env.functions[i];
        let k = self.link.extern_fns.len();
        self.link.extern_fns.push(hir::ExternFn {
            name: f.name.clone(),
            symbol: f.symbol.clone(),
            params: f.params.clone(),
            ret: f.ret.clone(),
            slot: 0,
        });
        self.env_fns.insert(i, k);
        k
    }

    /// REPL mode: export every binding of the line's top scope as a global (stored at the
    /// end of `main`) and every function under a symbol.
    fn export(&mut self, main: &mut Body, stmts: &mut Vec<hir::Stmt>) {
        let Some((_, prefix)) = self.env.clone() else {
            return;
        };
        let mut top: Vec<(String, LocalBinding)> = main.scopes[0]
            .iter()
            .filter(|(_, b)| matches!(b.kind, BindKind::Let | BindKind::Mutable | BindKind::Param))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect();
        top.sort_by_key(|(_, b)| b.local);
        let mut exported = HashSet::new();
        for (name, bind) in top {
            let ty = main.locals[bind.local].ty.clone();
            if ty.is_error() {
                continue;
            }
            main.mark_read(bind.local);
            // A `let` this line's functions read has a global already: export that one.
            let existing = self
                .tops
                .iter()
                .find(|t| t.local == Some(bind.local))
                .and_then(|t| t.global);
            let g = match existing {
                Some(g) => g,
                None => {
                    let g = self.globals.len();
                    self.globals.push(hir::Global {
                        name: name.clone(),
                        ty: ty.clone(),
                    });
                    stmts.push(hir::Stmt::Assign {
                        var: Var::Global(g),
                        value: var_expr(Var::Local(bind.local), ty.clone(), bind.span),
                    });
                    g
                }
            };
            exported.insert(g);
            self.link.exported_globals.push(hir::ExportedGlobal {
                global: g,
                symbol: format!("{prefix}.{name}.{g}"),
                name,
                ty,
                mutable: bind.kind == BindKind::Mutable,
                visible: true,
            });
        }
        // Shadowed bindings this line's functions read: later lines call those functions,
        // so the values must outlive the run as well.
        for t in &self.tops {
            if let (Some(g), Some(ty)) = (t.global, &t.ty) {
                if exported.insert(g) {
                    self.link.exported_globals.push(hir::ExportedGlobal {
                        global: g,
                        symbol: format!("{prefix}.{}.{g}", t.name),
                        name: t.name.clone(),
                        ty: ty.clone(),
                        mutable: false,
                        visible: false,
                    });
                }
            }
        }
        for (id, f) in self.fns.iter().enumerate() {
            let name = &f.decl.name.name;
            self.link
                .exported_fns
                .push((id, format!("{prefix}.fn.{name}.{id}")));
        }
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Resolve a written type.
    pub fn resolve_type(&mut self, t: &ast::TypeExpr) -> Ty {
        match &t.kind {
            ast::TypeExprKind::Named(n) => match Ty::from_name(n) {
                Some(ty) => ty,
                None => {
                    let mut d = Diagnostic::error("E0103", t.span, format!("unknown type `{n}`"))
                        .with_label("not a type")
                        .with_note(
                            "types are bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, \
                             f64, string and lists [T]",
                        );
                    if let Some(help) = Self::suggest_type(n) {
                        d = d.with_help(help);
                    }
                    self.error(d);
                    Ty::Error
                }
            },
            ast::TypeExprKind::Opt(inner) => {
                // `T??` does not parse, so `inner` is never optional itself.
                Ty::opt(self.resolve_type(inner))
            }
            ast::TypeExprKind::List(inner) => {
                let e = self.resolve_type(inner);
                let ty = Ty::List(Box::new(e));
                if let Some(d) = super::nest::too_deep(&ty, t.span) {
                    self.error(d);
                    return Ty::Error;
                }
                ty
            }
        }
    }

    // ----- the whole program -----

    /// The source span of bytes `range` of the text of the string literal `literal` (the
    /// literal expression's span): for reports that point into a literal, such as a
    /// format string's placeholder or a regex pattern's error.
    pub fn string_span(&self, literal: Span, range: std::ops::Range<usize>) -> Span {
        match self.strings {
            Some(map) => map.span_in(literal, range),
            None => ast::StringMap::default().span_in(literal, range),
        }
    }

    pub fn program(mut self, prog: &'a ast::Program) -> Result<super::Checked, Vec<Diagnostic>> {
        self.strings = Some(&prog.strings);
        self.check_output_positions(prog);
        self.collect(prog);
        let mut main = Body::new(None);
        let mut checked = self.stmts(&mut main, &prog.stmts, true);
        main.mark_result_read(checked.value.as_ref());
        self.export(&mut main, &mut checked.stmts);
        // Functions never called from main are still checked.
        for id in 0..self.fns.len() {
            if self.fns[id].state == FnState::Pending {
                self.check_fn(id);
            }
        }
        self.check_redefinitions();
        // Program-level bindings that functions read are read.
        for t in &self.tops {
            if let (true, Some(l)) = (t.read, t.local) {
                main.mark_read(l);
            }
        }
        self.unused_warnings(&main, None);
        let mut main_fn = hir::Function {
            name: "main".to_string(),
            params: std::mem::take(&mut self.input_locals),
            locals: main.locals,
            ret: checked.value.as_ref().map(|v| v.ty.clone()),
            body: hir::Block {
                stmts: checked.stmts,
                value: checked.value.map(Box::new),
            },
            span: prog
                .stmts
                .first()
                .map(|s| s.span.to(prog.stmts.last().unwrap().span))
                .unwrap_or_default(),
        };
        self.fold_checks(&mut main_fn);
        if !self.diags.is_empty() {
            return Err(self.diags);
        }
        self.warnings.sort_by_key(|w| (w.span.lo, w.span.hi));
        let mut functions: Vec<hir::Function> = self
            .fns
            .into_iter()
            .map(|f| f.hir.expect("every function was checked"))
            .collect();
        if !self.prelude_used.is_empty() {
            let prelude = super::prelude::all();
            functions.extend(self.prelude_used.iter().map(|&i| prelude[i].hir.clone()));
        }
        Ok(super::Checked {
            program: hir::Program {
                functions,
                main: main_fn,
                globals: self.globals,
                inputs: self.inputs,
                link: self.link,
                outputs: self.outputs,
            },
            warnings: self.warnings,
        })
    }

    /// Pre-pass: function signatures, program-level bindings and what functions read.
    fn collect(&mut self, prog: &'a ast::Program) {
        for (pos, stmt) in prog.stmts.iter().enumerate() {
            match &stmt.kind {
                ast::StmtKind::Fn(decl) => self.declare_fn(decl, pos),
                ast::StmtKind::Let { name, .. } | ast::StmtKind::Param { name, .. } => {
                    self.top_at.insert(pos, self.tops.len());
                    self.tops.push(TopBinding {
                        name: name.name.clone(),
                        pos,
                        span: name.span,
                        ty: None,
                        global: None,
                        local: None,
                        read: false,
                    });
                }
                ast::StmtKind::Assign { name, .. } => {
                    self.top_mutables
                        .entry(name.name.clone())
                        .or_insert(name.span);
                }
                _ => {}
            }
        }
        // A binding a function may read becomes a global. Over-approximate: any name the
        // body mentions that resolves to a visible program-level binding.
        for f in 0..self.fns.len() {
            let mut names = Vec::new();
            match &self.fns[f].decl.body {
                ast::FnBody::Expr(e) => names_in_expr(e, &mut names),
                ast::FnBody::Block(b) => names_in_stmts(&b.stmts, &mut names),
            }
            let pos = self.fns[f].pos;
            for n in names {
                if let Some(t) = self.visible_top(n, pos) {
                    if self.tops[t].global.is_none() {
                        let g = self.globals.len();
                        self.globals.push(hir::Global {
                            name: n.to_string(),
                            ty: Ty::Error, // set when main checks the binding
                        });
                        self.tops[t].global = Some(g);
                    }
                }
            }
        }
    }

    fn declare_fn(&mut self, decl: &'a ast::FnDecl, pos: usize) {
        let params: Vec<Ty> = decl
            .params
            .iter()
            .map(|p| self.resolve_type(&p.ty))
            .collect();
        let ret = decl.ret.as_ref().map(|r| self.resolve_type(r));
        let mut callable = !params.iter().any(Ty::is_error);
        let name = &decl.name.name;
        // Same name and parameter types as an earlier definition.
        if callable {
            if let Some(prev) = self.fn_names.get(name).and_then(|ids| {
                ids.iter()
                    .find(|&&id| self.fns[id].callable && self.fns[id].params == params)
            }) {
                let prev_span = self.fns[*prev].decl.name.span;
                self.error(
                    Diagnostic::error(
                        "E0401",
                        decl.name.span,
                        format!(
                            "`{}` is defined twice with the same parameter types",
                            sig(name, &params)
                        ),
                    )
                    .with_label("second definition")
                    .with_secondary(prev_span, "first defined here")
                    .with_help(
                        "rename one of them, or change its parameter types to make an overload",
                    ),
                );
                callable = false;
            } else {
                self.warn_replaced(decl, &params);
            }
        }
        let id = self.fns.len();
        self.fns.push(FnEntry {
            decl,
            pos,
            params,
            declared_ret: ret.is_some(),
            ret,
            state: FnState::Pending,
            hir: None,
            callable,
        });
        self.fn_names.entry(name.clone()).or_default().push(id);
    }

    /// W0003 when a user function has the name and parameter types of a built-in or
    /// prelude overload: it replaces that overload in this program (`call` leaves the
    /// replaced candidate out).
    fn warn_replaced(&mut self, decl: &ast::FnDecl, params: &[Ty]) {
        let name = &decl.name.name;
        let builtin = super::builtins::named(name)
            .find(|b| b.accepts_exactly(params))
            .map(|b| format!("the built-in `{}`", b.signature()));
        let prelude = || {
            super::prelude::named(name)
                .find(|(_, f)| f.params == params)
                .map(|(_, f)| format!("the prelude's `{}` ({})", f.signature(), f.file))
        };
        let replaced = match builtin {
            Some(b) => b,
            None if self.use_prelude => match prelude() {
                Some(p) => p,
                None => return,
            },
            None => return,
        };
        let this = sig(name, params);
        self.warnings.push(
            Diagnostic::warning(
                "W0003",
                decl.name.span,
                format!("`{this}` replaces {replaced}"),
            )
            .with_label("calls with these argument types call this function")
            .with_note("other overloads of the name stay available")
            .with_help(format!(
                "if you meant to keep the standard `{name}`, rename this function"
            )),
        );
    }

    /// REPL mode: a function redefined with another return type while earlier session
    /// functions call it is E0409. Calls are late bound: those callers, compiled for the
    /// old return type, would reach the new definition. Callers this input redefines as
    /// well are no obstacle.
    fn check_redefinitions(&mut self) {
        let Some(env) = self.env_ref() else {
            return;
        };
        let redefined = |fns: &[FnEntry], name: &str, params: &[Ty]| {
            fns.iter()
                .any(|g| g.callable && g.decl.name.name == name && g.params == params)
        };
        for id in 0..self.fns.len() {
            let f = &self.fns[id];
            let Some(new_ret) = f.hir.as_ref().and_then(|h| h.ret.clone()) else {
                continue;
            };
            let name = &f.decl.name.name;
            let Some(old) = env
                .functions
                .iter()
                .find(|g| &g.name == name && g.params == f.params)
            else {
                continue;
            };
            if !f.callable || new_ret.is_error() || old.ret.is_error() || old.ret == new_ret {
                continue;
            }
            let callers: Vec<String> = env
                .callers_of(name, &f.params)
                .filter(|c| !redefined(&self.fns, &c.name, &c.params))
                .map(|c| format!("`{}`", sig(&c.name, &c.params)))
                .collect();
            if callers.is_empty() {
                continue;
            }
            let decl = f.decl;
            let span = decl.ret.as_ref().map_or(decl.name.span, |r| r.span);
            let signature = sig(name, &f.params);
            let d = Diagnostic::error(
                "E0409",
                span,
                format!(
                    "`{signature}` cannot change its return type from {} to {new_ret}: earlier functions call it",
                    old.ret
                ),
            )
            .with_label(format!("was {}", old.ret))
            .with_note(format!(
                "called by {}, compiled for {}; calls reach the latest definition",
                callers.join(", "),
                old.ret
            ))
            .with_help(format!(
                "redefine {} in the same input too, or give the new function another name",
                if callers.len() == 1 { "that caller" } else { "those callers" }
            ));
            self.error(d);
        }
    }

    /// The program-level binding named `name` visible at statement `pos`.
    pub fn visible_top(&self, name: &str, pos: usize) -> Option<usize> {
        self.tops
            .iter()
            .rposition(|t| t.pos < pos && t.name == name)
    }

    // ----- functions -----

    /// The return type of a function, checking its body first if need be.
    pub fn fn_ret(&mut self, id: FnId, call_span: Span) -> Ty {
        match self.fns[id].state {
            FnState::Pending => self.check_fn(id),
            FnState::InProgress if !self.fns[id].declared_ret => {
                let decl = self.fns[id].decl;
                self.error(
                    Diagnostic::error(
                        "E0402",
                        decl.name.span,
                        format!(
                            "recursive function `{}` needs a return type",
                            decl.name.name
                        ),
                    )
                    .with_label("its return type cannot be inferred")
                    .with_secondary(call_span, "called recursively here")
                    .with_help(format!("declare it: `fn {}(...) -> TYPE`", decl.name.name)),
                );
                // Declare it as unknown so the error is reported once.
                self.fns[id].ret = Some(Ty::Error);
                self.fns[id].declared_ret = true;
            }
            _ => {}
        }
        self.fns[id].ret.clone().unwrap_or(Ty::Error)
    }

    fn check_fn(&mut self, id: FnId) {
        self.fns[id].state = FnState::InProgress;
        let decl = self.fns[id].decl;
        let mut body = Body::new(Some((self.fns[id].pos, id)));
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for (p, ty) in decl.params.iter().zip(self.fns[id].params.clone()) {
            if let Some(first) = seen.insert(&p.name.name, p.name.span) {
                self.error(
                    Diagnostic::error(
                        "E0405",
                        p.name.span,
                        format!("parameter `{}` is declared twice", p.name.name),
                    )
                    .with_secondary(first, "first declared here"),
                );
            }
            body.declare(&p.name.name, ty, BindKind::FnParam, p.name.span);
        }
        let params: Vec<LocalId> = (0..decl.params.len()).collect();
        let (stmts, value) = match &decl.body {
            ast::FnBody::Expr(e) => (Vec::new(), Some(self.synth(&mut body, e))),
            ast::FnBody::Block(b) => {
                body.scopes.push(HashMap::new());
                let c = self.stmts(&mut body, &b.stmts, false);
                (c.stmts, c.value)
            }
        };
        body.mark_result_read(value.as_ref());
        self.unused_warnings(&body, Some(&decl.name.name));
        let value = match value {
            None => {
                let span = match &decl.body {
                    ast::FnBody::Block(b) => b.span,
                    ast::FnBody::Expr(e) => e.span,
                };
                self.error(
                    Diagnostic::error(
                        "E0404",
                        span,
                        format!("the body of `{}` has no value", decl.name.name),
                    )
                    .with_label("its last statement gives no value")
                    .with_help("end the body with an expression, e.g. the variable it computes"),
                );
                hir::Expr::error(span)
            }
            Some(v) => match self.fns[id]
                .ret
                .clone()
                .filter(|_| self.fns[id].declared_ret)
            {
                Some(ret) => {
                    let ret_span = decl.ret.as_ref().map(|r| r.span).unwrap_or(decl.name.span);
                    let name = decl.name.name.clone();
                    self.coerce_or(v, &ret, |found, span| {
                        Diagnostic::error(
                            "E0403",
                            span,
                            format!("`{name}` returns {ret}, but its body has type {found}"),
                        )
                        .with_label(format!("this is {found}"))
                        .with_secondary(ret_span, "return type declared here")
                    })
                }
                None => {
                    let v = self.default(v);
                    self.fns[id].ret = Some(v.ty.clone());
                    v
                }
            },
        };
        let mut f = hir::Function {
            name: decl.name.name.clone(),
            params,
            locals: body.locals,
            ret: Some(value.ty.clone()),
            body: hir::Block {
                stmts,
                value: Some(Box::new(value)),
            },
            span: decl.name.span,
        };
        self.fold_checks(&mut f);
        self.fns[id].hir = Some(f);
        self.fns[id].state = FnState::Done;
    }

    // ----- statements -----

    /// Check statements in the current scope. The value is the last statement's; in a
    /// block (`top` false) a flexible value is left for the caller to settle.
    pub fn stmts(&mut self, b: &mut Body, stmts: &'a [ast::Stmt], top: bool) -> Checked {
        let mut out = Vec::new();
        let mut value = None;
        let last = stmts.len().saturating_sub(1);
        for (i, stmt) in stmts.iter().enumerate() {
            if top {
                self.main_stmt = stmt.span;
            }
            value = None;
            let is_last = i == last;
            match &stmt.kind {
                ast::StmtKind::Fn(decl) => {
                    if !top {
                        self.error(Diagnostic::error(
                            "E0009",
                            decl.name.span,
                            "functions can only be defined at the top level",
                        ));
                    }
                }
                ast::StmtKind::Param { name, ty } => {
                    if self.env.is_some() && !self.params_in_repl {
                        self.error(
                            Diagnostic::error(
                                "E0009",
                                name.span,
                                "`param` is not available in a typed REPL input",
                            )
                            .with_label("inputs come from outside a program")
                            .with_help(format!(
                                "bind a value instead: `let {} = ...;`, or put the program in a \
                                 file and load it with its values: `:load FILE --param {}=VALUE`",
                                name.name, name.name
                            )),
                        );
                        continue;
                    }
                    if !top {
                        self.error(Diagnostic::error(
                            "E0009",
                            name.span,
                            "`param` can only be declared at the top level",
                        ));
                        continue;
                    }
                    let ty = self.resolve_type(ty);
                    if let Some(prev) = self.inputs.iter().find(|p| p.name == name.name) {
                        let prev = prev.span;
                        self.error(
                            Diagnostic::error(
                                "E0407",
                                name.span,
                                format!("input `{}` is declared twice", name.name),
                            )
                            .with_secondary(prev, "first declared here"),
                        );
                    }
                    self.inputs.push(hir::Input {
                        name: name.name.clone(),
                        ty: ty.clone(),
                        span: name.span,
                    });
                    let local = b.declare(&name.name, ty.clone(), BindKind::Param, name.span);
                    self.input_locals.push(local);
                    self.bind_top(i, local, &ty, name.span, &mut out);
                    value = Some(var_expr(Var::Local(local), ty, name.span));
                }
                ast::StmtKind::Let {
                    name,
                    ty,
                    value: init,
                } => {
                    let init = self.synth(b, init);
                    let init = match ty {
                        Some(t) => {
                            let t = self.resolve_type(t);
                            self.coerce(init, &t)
                        }
                        None => self.default(init),
                    };
                    let ty = init.ty.clone();
                    let local = b.declare(&name.name, ty.clone(), BindKind::Let, name.span);
                    out.push(hir::Stmt::Assign {
                        var: Var::Local(local),
                        value: init,
                    });
                    if top {
                        self.bind_top(i, local, &ty, name.span, &mut out);
                    }
                    value = Some(var_expr(Var::Local(local), ty, name.span));
                }
                ast::StmtKind::Assign { name, value: init } => {
                    let (var, ty) = self.assign(b, name, init, &mut out);
                    value = Some(var_expr(var, ty, name.span));
                }
                ast::StmtKind::Expr(e) => {
                    let e = self.synth(b, e);
                    if self.is_output(top, i, stmts.len()) {
                        let e = self.default(e);
                        self.bind_output(b, e, &mut out);
                    } else if is_last && !top {
                        // A block's value: the caller gives it context (a function's
                        // `-> R`) or settles it.
                        value = Some(e);
                    } else if is_last {
                        value = Some(self.default(e));
                    } else {
                        let e = self.default(e);
                        out.push(hir::Stmt::Expr(e));
                    }
                }
                ast::StmtKind::When { arms, else_block } => {
                    let mut harms = Vec::new();
                    let end = else_block
                        .as_ref()
                        .map_or_else(|| arms[arms.len() - 1].block.span, |e| e.span);
                    for (k, arm) in arms.iter().enumerate() {
                        let cond = self.synth(b, &arm.cond);
                        let cond = self.condition(cond, "the `when` condition");
                        let later = match arms.get(k + 1) {
                            Some(next) => Some(next.keyword_span.to(end)),
                            None => else_block.as_ref().map(|e| e.span),
                        };
                        self.check_when_condition(&cond, k == 0, arm.block.span, later);
                        let blk = self.block(b, &arm.block);
                        harms.push((cond, blk));
                    }
                    let else_block = else_block.as_ref().map(|eb| self.block(b, eb));
                    out.push(hir::Stmt::When {
                        arms: harms,
                        else_block,
                    });
                }
            }
        }
        Checked { stmts: out, value }
    }

    /// A `when` branch: its own scope, no value.
    fn block(&mut self, b: &mut Body, blk: &'a ast::Block) -> hir::Block {
        b.scopes.push(HashMap::new());
        let mut c = self.stmts(b, &blk.stmts, false);
        if let Some(scope) = b.scopes.pop() {
            b.ended
                .extend(scope.into_iter().map(|(n, bind)| (n, bind, blk.span)));
        }
        // A trailing expression is evaluated for its effects.
        if let Some(v) = c.value.take().map(|v| self.default(v)) {
            if matches!(v.kind, hir::ExprKind::Var(_)) {
                // the value of a trailing `let`/assignment: nothing to evaluate
            } else {
                c.stmts.push(hir::Stmt::Expr(v));
            }
        }
        hir::Block {
            stmts: c.stmts,
            value: None,
        }
    }

    /// After `main` binds program-level binding at statement `pos` to `local`.
    fn bind_top(
        &mut self,
        pos: usize,
        local: LocalId,
        ty: &Ty,
        span: Span,
        out: &mut Vec<hir::Stmt>,
    ) {
        let Some(&t) = self.top_at.get(&pos) else {
            return;
        };
        self.tops[t].ty = Some(ty.clone());
        self.tops[t].local = Some(local);
        if let Some(g) = self.tops[t].global {
            self.globals[g].ty = ty.clone();
            out.push(hir::Stmt::Assign {
                var: Var::Global(g),
                value: var_expr(Var::Local(local), ty.clone(), span),
            });
        }
    }

    /// `x = e;`: update a mutable variable in scope, or declare one in this scope.
    fn assign(
        &mut self,
        b: &mut Body,
        name: &ast::Ident,
        init: &'a ast::Expr,
        out: &mut Vec<hir::Stmt>,
    ) -> (Var, Ty) {
        let value = self.synth(b, init);
        if let Some(bind) = b.lookup(&name.name).cloned() {
            let ty = b.locals[bind.local].ty.clone();
            if bind.kind != BindKind::Mutable {
                let what = match bind.kind {
                    BindKind::Let => "bound by `let`",
                    BindKind::Param => "an input (`param`)",
                    _ => "a function parameter",
                };
                self.error(
                    Diagnostic::error(
                        "E0104",
                        name.span,
                        format!("cannot assign to `{}`: it is immutable", name.name),
                    )
                    .with_label("assignment to an immutable name")
                    .with_secondary(bind.span, format!("`{}` is {what} here", name.name))
                    .with_help(format!(
                        "use a new name, or make `{0}` mutable by binding it with `{0} = ...` instead of `let`",
                        name.name
                    )),
                );
                return (Var::Local(bind.local), ty);
            }
            let first = Some(bind.span);
            let value = self.coerce_or(value, &ty, |found, span| {
                type_change(&name.name, &ty, found, span, first)
            });
            out.push(hir::Stmt::Assign {
                var: Var::Local(bind.local),
                value,
            });
            return (Var::Local(bind.local), b.locals[bind.local].ty.clone());
        }
        if let Some((i, eb)) = self.env_binding(&name.name) {
            if !eb.mutable {
                self.error(
                    Diagnostic::error(
                        "E0104",
                        name.span,
                        format!("cannot assign to `{}`: it is immutable", name.name),
                    )
                    .with_label("assignment to a binding of an earlier input")
                    .with_note(format!("`{}` was bound by `let`", name.name))
                    .with_help(format!(
                        "use a new name, or shadow it with `let {} = ...`",
                        name.name
                    )),
                );
                return (Var::Local(0), Ty::Error);
            }
            // A function does not see mutable variables: there the name is a new local.
            if b.func.is_none() {
                let ty = eb.ty.clone();
                let value = self.coerce_or(value, &ty, |found, span| {
                    type_change(&name.name, &ty, found, span, None)
                });
                let g = self.env_global(i);
                out.push(hir::Stmt::Assign {
                    var: Var::Global(g),
                    value,
                });
                return (Var::Global(g), ty);
            }
        }
        if let Some((pos, _)) = b.func {
            if let Some(t) = self.visible_top(&name.name, pos) {
                let span = self.tops[t].span;
                self.error(
                    Diagnostic::error(
                        "E0104",
                        name.span,
                        format!("cannot assign to `{}`: it is immutable", name.name),
                    )
                    .with_label("assignment to a program-level binding")
                    .with_secondary(span, format!("`{}` is bound here", name.name))
                    .with_help("functions cannot change program-level bindings; use a new name"),
                );
                return (Var::Local(0), Ty::Error);
            }
        }
        let value = self.default(value);
        let ty = value.ty.clone();
        let local = b.declare(&name.name, ty.clone(), BindKind::Mutable, name.span);
        out.push(hir::Stmt::Assign {
            var: Var::Local(local),
            value,
        });
        (Var::Local(local), ty)
    }
}

/// E0207: a mutable variable assigned a value of another type (`first`: where it was
/// first assigned, when that is in this source).
fn type_change(name: &str, ty: &Ty, found: &Ty, span: Span, first: Option<Span>) -> Diagnostic {
    let mut d = Diagnostic::error(
        "E0207",
        span,
        format!("`{name}` has type {ty}; it cannot be assigned a {found}"),
    )
    .with_label(format!("this is {found}"));
    if let Some(first) = first {
        d = d.with_secondary(first, format!("`{name}` first assigned here, as {ty}"));
    }
    d.with_note("a variable keeps the type of its first assignment")
}

pub(super) fn var_expr(var: Var, ty: Ty, span: Span) -> hir::Expr {
    hir::Expr {
        kind: hir::ExprKind::Var(var),
        ty,
        span,
    }
}

/// `f(i64, string)`
pub(super) fn sig(name: &str, params: &[Ty]) -> String {
    let p: Vec<String> = params.iter().map(|t| t.to_string()).collect();
    format!("{name}({})", p.join(", "))
}

fn names_in_stmts<'a>(stmts: &'a [ast::Stmt], out: &mut Vec<&'a str>) {
    for s in stmts {
        match &s.kind {
            ast::StmtKind::Let { value, .. } | ast::StmtKind::Assign { value, .. } => {
                names_in_expr(value, out)
            }
            ast::StmtKind::Expr(e) => names_in_expr(e, out),
            ast::StmtKind::When { arms, else_block } => {
                for a in arms {
                    names_in_expr(&a.cond, out);
                    names_in_stmts(&a.block.stmts, out);
                }
                if let Some(b) = else_block {
                    names_in_stmts(&b.stmts, out);
                }
            }
            ast::StmtKind::Fn(_) | ast::StmtKind::Param { .. } => {}
        }
    }
}

/// In source order, with a stack of its own (an operator chain may be a million long).
fn names_in_expr<'a>(e: &'a ast::Expr, out: &mut Vec<&'a str>) {
    use ast::ExprKind::*;
    let mut todo = vec![e];
    while let Some(e) = todo.pop() {
        let at = todo.len();
        match &e.kind {
            Name(n) => out.push(n),
            Int { .. } | Float { .. } | Str(_) | Bool(_) | None => {}
            List(xs)
            | Call { args: xs, .. }
            | If { args: xs, .. }
            | Switch { args: xs, .. }
            | Coalesce { operands: xs, .. } => todo.extend(xs),
            Lambda { body, .. } => todo.push(body),
            Unary { operand, .. } => todo.push(operand),
            Binary { lhs, rhs, .. } => todo.extend([&**lhs, &**rhs]),
            Index { target, index } => todo.extend([&**target, &**index]),
        }
        todo[at..].reverse();
    }
}
