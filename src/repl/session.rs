//! One REPL session: the environment of earlier definitions, the JIT code that holds
//! them, and the memory that keeps their strings and lists alive.

use crate::abi::RtStr;
use crate::diag::render::{render_list, Format};
use crate::diag::Diagnostic;
use crate::driver::{self, Options};
use crate::jit::Compiled;
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::types::hir;
use crate::types::ty::Ty;
use crate::types::{self, Env};
use crate::value::{layout, RuntimeError, Value};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What one input produced.
///
/// An input whose last statement is an expression shows its value as `VALUE : TYPE`
/// (`7 : i64`, `hi : string`). An input ending with a `let`, an assignment, a `fn` or a
/// `when` shows nothing: it defines or updates names, whose values `:env` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// What the line printed (`print` output, when the session captures it: see
    /// [`Session::new`]) followed by the result line, e.g. "7 : i64\n".
    pub stdout: String,
    /// Rendered diagnostics (warnings and errors, ariadne, same renderer as the runner: `diag::render::render_list` with `Format::Human { color }`), or command output that is an error.
    pub stderr: String,
    /// `:quit` was entered.
    pub quit: bool,
}

/// Sessions in one process share one JITDylib: each gets its own symbol prefix.
static NEXT_SESSION: AtomicU64 = AtomicU64::new(0);

const COMMANDS: [(&str, &str); 12] = [
    (":help", "list the commands"),
    (
        ":type EXPR",
        "show the type of EXPR without running it (of a function: its overloads)",
    ),
    (
        ":ir EXPR",
        "show the optimised LLVM IR of EXPR's module, without attributes",
    ),
    (
        ":ir! EXPR",
        "the same with its attribute groups (also :ir --attrs EXPR)",
    ),
    (":asm EXPR", "show the native assembly of EXPR's module"),
    (":time", "toggle timing of parse, check, compile and run"),
    (":env", "list bindings (with values) and functions"),
    (":doc NAME", "show a function's overloads and what it does"),
    (
        ":load FILE",
        "evaluate a file as one input; --param NAME=VALUE (-p) for its params",
    ),
    (":reset", "forget every definition"),
    (":quit", "leave the REPL"),
    (":q", "same as :quit"),
];

/// A string or list copied out of a run's arena, owned by the session (8-byte aligned).
type Owned = Box<[u64]>;

/// A loaded line that defines something later lines use.
struct Line {
    _code: Compiled,
    /// Its span ids are `base..base + spans.len()`.
    base: u32,
    spans: Vec<Span>,
    src: String,
    file: String,
    /// Symbols of the globals and functions it defines.
    exports: Vec<String>,
    /// Symbols its functions may use (empty when it defines no function: its `main`
    /// never runs again).
    imports: Vec<String>,
}

pub struct Session {
    options: Options,
    color: bool,
    id: u64,
    /// Number of inputs evaluated (for `<repl:N>` and symbol prefixes).
    count: u64,
    env: Env,
    /// Address of every env binding's global, by symbol.
    addresses: HashMap<String, usize>,
    /// Memory the string/list value of each global (by symbol) points to.
    owned: HashMap<String, Owned>,
    /// Loaded lines whose globals or functions later lines may use.
    lines: Vec<Line>,
    ctx: Box<RunCtx>,
    time: bool,
    /// The span base of the next line (see `hir::Linking::span_base`).
    next_span: u32,
    /// Late binding: one cell per session function signature (name and parameter
    /// types, see [`slot_key`]) holding the code of its current definition. Every call
    /// of a session function loads its cell (`hir::ExternFn::slot`,
    /// `hir::Linking::fn_slots`), so a redefinition reaches earlier callers without
    /// recompiling them. Boxed: the addresses are compiled into the lines.
    slots: HashMap<String, Box<AtomicUsize>>,
}

/// Where a slot is: the constant address generated code loads it from.
fn address(cell: &AtomicUsize) -> usize {
    cell as *const AtomicUsize as usize
}

/// The late-binding slot of the function `name(params)`.
fn slot_key(name: &str, params: &[Ty]) -> String {
    let params: Vec<String> = params.iter().map(Ty::to_string).collect();
    format!("{name}({})", params.join(", "))
}

/// A line that passed the checker.
struct Prepared {
    program: hir::Program,
    warnings: Vec<Diagnostic>,
    /// The last statement is an expression: show its value.
    shows_value: bool,
    parse: Duration,
    check: Duration,
}

impl Session {
    /// A session whose lines' `print` output is captured into [`Reply::stdout`] (before
    /// the result line).
    pub fn new(options: Options, color: bool) -> Session {
        let mut session = Session::streaming(options, color);
        session.ctx.capture_output();
        session
    }

    /// A session whose lines' `print` output goes to standard output at once, each
    /// print written and flushed as it runs (the interactive REPL: output printed before
    /// a long computation, a fault or an interrupt is seen when it happens);
    /// [`Reply::stdout`] then holds only the result line.
    pub fn streaming(options: Options, color: bool) -> Session {
        let ctx = Box::new(RunCtx::new());
        Session {
            options,
            color,
            id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            count: 0,
            env: Env::default(),
            addresses: HashMap::new(),
            owned: HashMap::new(),
            lines: Vec::new(),
            ctx,
            time: false,
            next_span: 0,
            slots: HashMap::new(),
        }
    }

    /// Runs of later lines stop with runtime error E0611 once `interrupt` is cancelled
    /// (`None`: nothing interrupts them). The session stays usable after an
    /// interrupted line; [`Interrupt::reset`](crate::runtime::Interrupt::reset) the flag
    /// before the next.
    pub fn set_interrupt(&mut self, interrupt: Option<&crate::runtime::Interrupt>) {
        self.ctx.set_interrupt(interrupt);
    }

    /// One input: a (possibly multi-line) program fragment or a `:command`.
    pub fn eval(&mut self, input: &str) -> Reply {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Reply::default();
        }
        self.count += 1;
        if trimmed.starts_with(':') {
            return self.command(trimmed);
        }
        let file = format!("<repl:{}>", self.count);
        self.eval_source(input, &file, None)
    }

    /// Names for Tab completion: keywords, builtins, user functions, bindings, `:commands`.
    pub fn completion_candidates(&self) -> Vec<String> {
        let keywords = crate::syntax::KEYWORDS.iter();
        let mut out: Vec<String> = keywords.map(|k| k.to_string()).collect();
        out.extend(types::builtins::all().iter().map(|b| b.name.to_string()));
        out.extend(types::prelude::all().iter().map(|f| f.name.clone()));
        out.extend(self.env.functions.iter().map(|f| f.name.clone()));
        out.extend(self.env.bindings.iter().map(|b| b.name.clone()));
        out.extend(
            COMMANDS
                .iter()
                .map(|(c, _)| c.split(' ').next().unwrap_or(c).to_string()),
        );
        out.sort();
        out.dedup();
        out
    }

    /// Every function a call can reach, by name: its overloads as signatures without
    /// `fn ` (`lerp(a: f64, b: f64, t: f64) -> f64`), the session's own first, as
    /// `:type NAME` lists them. The REPL's hints and highlighting use it.
    pub fn call_signatures(&self) -> HashMap<String, Vec<String>> {
        let mut names: Vec<&str> = types::reference::names();
        names.extend(self.env.functions.iter().map(|f| f.name.as_str()));
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let overloads = self.overloads(name);
                let shown = overloads
                    .iter()
                    .map(|s| s.strip_prefix("fn ").unwrap_or(s).to_string())
                    .collect();
                (name.to_string(), shown)
            })
            .filter(|(_, o): &(String, Vec<String>)| !o.is_empty())
            .collect()
    }

    // ----- evaluation -----

    fn render(&self, diags: &[Diagnostic], file: &str, src: &str) -> String {
        if diags.is_empty() {
            return String::new();
        }
        render_list(diags, file, src, Format::Human { color: self.color })
    }

    fn prefix(&self) -> String {
        format!("repl.{}.{}", self.id, self.count)
    }

    /// Parse and check `src` against the session's environment; `params`: it may
    /// declare `param` inputs (a `:load`ed file).
    fn prepare(&self, src: &str, params: bool) -> Result<Prepared, Vec<Diagnostic>> {
        let t = Instant::now();
        let ast = driver::parse(src)?;
        let parse = t.elapsed();
        let t = Instant::now();
        let checked = driver::check_in(src, &ast, &self.env, &self.prefix(), params)?;
        let check = t.elapsed();
        let shows_value = matches!(
            ast.stmts.last().map(|s| &s.kind),
            Some(crate::syntax::ast::StmtKind::Expr(_))
        );
        Ok(Prepared {
            program: checked.program,
            warnings: checked.warnings,
            shows_value,
            parse,
            check,
        })
    }

    /// Evaluate `src`, named `file` in reports. `params`: the `--param NAME=VALUE`
    /// arguments of a `:load`, whose values its `param` inputs take as in `kiln run`
    /// (`None`: a typed input, which may not declare inputs).
    fn eval_source(&mut self, src: &str, file: &str, params: Option<&[String]>) -> Reply {
        let mut reply = Reply::default();
        let p = match self.prepare(src, params.is_some()) {
            Ok(p) => p,
            Err(diags) => {
                reply.stderr = self.render(&diags, file, src);
                return reply;
            }
        };
        reply.stderr = self.render(&p.warnings, file, src);
        let inputs = match crate::value::params::bind(&p.program.inputs, params.unwrap_or(&[])) {
            Ok(inputs) => inputs,
            Err(message) => {
                let _ = writeln!(reply.stderr, "error: {message}");
                return reply;
            }
        };
        let mut p = p;
        let base = self.next_span;
        p.program.link.span_base = base;
        self.bind_late(&mut p.program);
        let program = &p.program;
        let link = &program.link;
        // The symbols to look up: this line's exported globals, then its functions.
        let symbols: Vec<String> = link
            .exported_globals
            .iter()
            .map(|e| e.symbol.clone())
            .chain(link.exported_fns.iter().map(|(_, s)| s.clone()))
            .collect();
        let t = Instant::now();
        let compiled = driver::compile_linked(program, &self.options, &symbols);
        let (compiled, mut exported_addrs) = match compiled {
            Ok(c) => c,
            Err(e) => {
                let diags: Vec<Diagnostic> = e.into();
                reply.stderr.push_str(&self.render(&diags, file, src));
                return reply;
            }
        };
        let compile = t.elapsed();
        self.next_span = base.saturating_add(compiled.spans().len() as u32);

        // Earlier globals this line may assign: save their bytes to restore after a fault.
        let mut saved: Vec<(usize, Ty, [u8; 16])> = Vec::new();
        for (g, symbol) in &link.imported_globals {
            let Some(&addr) = self.addresses.get(symbol) else {
                continue;
            };
            let ty = program.globals[*g].ty.clone();
            // SAFETY: `addr` is a live global of that type (its line is loaded).
            let bytes = unsafe { layout::read_bytes(addr, &ty) };
            saved.push((addr, ty, bytes));
        }

        // This line's functions take their slots before it runs, so its own calls and
        // earlier functions it calls reach the new definitions; a failed line gives the
        // slots back.
        let fn_addrs = exported_addrs.split_off(link.exported_globals.len());
        let replaced: Vec<(usize, usize)> = link
            .fn_slots
            .iter()
            .zip(&fn_addrs)
            .map(|(&(_, slot), &addr)| (slot, self.cell(slot).swap(addr, Ordering::Relaxed)))
            .collect();

        let t = Instant::now();
        let result = compiled.run_in(&mut self.ctx, &inputs);
        let run = t.elapsed();
        reply.stdout.push_str(&self.ctx.take_output());
        match result {
            Err(e) => {
                for &(slot, previous) in replaced.iter().rev() {
                    self.cell(slot).store(previous, Ordering::Relaxed);
                }
                for (addr, ty, bytes) in &saved {
                    // SAFETY: restores the bytes read above into the same global.
                    unsafe { layout::write_bytes(*addr, ty, bytes) };
                }
                // The fault may come from a function of an earlier line: find its source.
                let (e, where_) = match self.ctx.fault() {
                    Some(record) => {
                        let id = record.span;
                        let found = if id >= base {
                            compiled
                                .spans()
                                .get((id - base) as usize)
                                .map(|&sp| (sp, file, src))
                        } else {
                            self.lines.iter().find_map(|l| {
                                let i = id.checked_sub(l.base)? as usize;
                                Some((*l.spans.get(i)?, l.file.as_str(), l.src.as_str()))
                            })
                        };
                        match found {
                            Some((span, f, s)) => (
                                RuntimeError {
                                    fault: record.fault,
                                    span,
                                    message: record.message(),
                                },
                                (f, s),
                            ),
                            None => (e, (file, src)),
                        }
                    }
                    None => (e, (file, src)),
                };
                let d = e.to_diagnostic();
                reply
                    .stderr
                    .push_str(&self.render(&[d], where_.0, where_.1));
                self.ctx.reset();
                return reply;
            }
            Ok(value) => {
                // Strings and lists stored in globals point into the arena (or this
                // line's constants): copy them into session memory.
                for (g, symbol) in &link.imported_globals {
                    let ty = &program.globals[*g].ty;
                    if let (true, Some(&addr)) = (layout::is_pair(ty), self.addresses.get(symbol)) {
                        let before = saved.iter().find(|s| s.0 == addr).map(|s| s.2);
                        // SAFETY: a live global of type `ty`.
                        if before != Some(unsafe { layout::read_bytes(addr, ty) }) {
                            self.own(symbol.clone(), addr, ty);
                        }
                    }
                }
                for (e, &addr) in link.exported_globals.iter().zip(&exported_addrs) {
                    self.addresses.insert(e.symbol.clone(), addr);
                    if layout::is_pair(&e.ty) {
                        self.own(e.symbol.clone(), addr, &e.ty);
                    }
                }
                if p.shows_value {
                    if let (Some(v), Some(ty)) = (value, program.main.ret.as_ref()) {
                        let _ = writeln!(reply.stdout, "{v} : {ty}");
                    }
                }
            }
        }
        self.ctx.reset();
        self.env.commit(link, &program.functions);
        // `:doc` shows a function's `///` comment.
        for (id, symbol) in &link.exported_fns {
            let at = program.functions[*id].span.lo as usize;
            let doc = doc_comment(src, at);
            if let Some(f) = self.env.functions.iter_mut().find(|f| &f.symbol == symbol) {
                f.doc = doc;
            }
        }
        let mut exports: Vec<String> = link
            .exported_globals
            .iter()
            .map(|e| e.symbol.clone())
            .collect();
        exports.extend(link.exported_fns.iter().map(|(_, s)| s.clone()));
        if !exports.is_empty() {
            // Functions are called through their slots, which hold the environment's
            // definitions (roots of `collect_garbage`): only globals are imports.
            let imports = if link.exported_fns.is_empty() {
                Vec::new()
            } else {
                let globals = link.imported_globals.iter().map(|(_, s)| s.clone());
                globals.collect()
            };
            self.lines.push(Line {
                base,
                spans: compiled.spans().to_vec(),
                _code: compiled,
                src: src.to_string(),
                file: file.to_string(),
                exports,
                imports,
            });
            self.collect_garbage();
        }
        if self.time {
            let _ = writeln!(
                reply.stdout,
                "parse {:.3} ms, check {:.3} ms, compile {:.3} ms, run {:.3} ms",
                ms(p.parse),
                ms(p.check),
                ms(compile),
                ms(run)
            );
        }
        reply
    }

    /// Late binding: point every call of a session function in `program` (of an
    /// earlier line's or of its own) at that function's slot, made on first use.
    fn bind_late(&mut self, program: &mut hir::Program) {
        for f in &mut program.link.extern_fns {
            f.slot = self.slot(&slot_key(&f.name, &f.params));
        }
        let own: Vec<(usize, usize)> = program
            .link
            .exported_fns
            .iter()
            .map(|&(id, _)| {
                let f = &program.functions[id];
                (id, self.slot(&slot_key(&f.name, &f.param_types())))
            })
            .collect();
        program.link.fn_slots = own;
    }

    /// The address of the slot named `key`.
    fn slot(&mut self, key: &str) -> usize {
        let cell = self
            .slots
            .entry(key.to_string())
            .or_insert_with(|| Box::new(AtomicUsize::new(0)));
        address(cell)
    }

    /// The slot at `address` (made by [`Session::slot`]).
    fn cell(&self, at: usize) -> &AtomicUsize {
        self.slots
            .values()
            .find(|c| address(c) == at)
            .expect("a slot of this session")
    }

    /// Unload the lines nothing can reach any more: a line stays while the environment
    /// names one of its globals or functions, or a function of a line that stays may use
    /// one. The memory of unreachable globals' strings and lists goes with them.
    fn collect_garbage(&mut self) {
        let mut live: HashSet<&str> = self
            .env
            .bindings
            .iter()
            .map(|b| b.symbol.as_str())
            .collect();
        live.extend(self.env.functions.iter().map(|f| f.symbol.as_str()));
        loop {
            let mut changed = false;
            for l in &self.lines {
                if l.exports.iter().any(|s| live.contains(s.as_str())) {
                    for i in &l.imports {
                        changed |= live.insert(i);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let live: HashSet<String> = live.into_iter().map(str::to_string).collect();
        self.lines
            .retain(|l| l.exports.iter().any(|s| live.contains(s)));
        // Everything a kept line defines stays (its functions may read any of it).
        let kept: HashSet<&String> = self.lines.iter().flat_map(|l| &l.exports).collect();
        self.owned.retain(|k, _| kept.contains(k));
        self.addresses.retain(|k, _| kept.contains(k));
    }

    /// Copy the string or list held by the global at `addr` into session memory and point
    /// the global at the copy.
    fn own(&mut self, symbol: String, addr: usize, ty: &Ty) {
        // SAFETY: `addr` is a global of type `ty` holding a valid (ptr, len) pair of that
        // type (the run that stored it succeeded and its arena is not reset yet).
        let (buf, pair) = unsafe { layout::copy_pair(addr, ty) };
        unsafe { (addr as *mut RtStr).write_unaligned(pair) };
        self.owned.insert(symbol, buf);
    }

    // ----- commands -----

    fn command(&mut self, line: &str) -> Reply {
        let (cmd, arg) = match line.find(char::is_whitespace) {
            Some(i) => (&line[..i], line[i..].trim()),
            None => (line, ""),
        };
        let mut reply = Reply::default();
        match cmd {
            ":help" | ":h" | ":?" => reply.stdout = help(),
            ":quit" | ":q" | ":exit" => reply.quit = true,
            ":reset" => {
                self.lines.clear();
                self.env = Env::default();
                self.addresses.clear();
                self.owned.clear();
                self.slots.clear();
                reply.stdout = "session reset\n".to_string();
            }
            ":time" => {
                self.time = !self.time;
                reply.stdout = format!("timing {}\n", if self.time { "on" } else { "off" });
            }
            ":env" => reply.stdout = self.env_listing(),
            ":doc" => match self.doc(arg) {
                Ok(text) => reply.stdout = text,
                Err(text) => reply.stderr = text,
            },
            ":load" => match load_args(arg) {
                Ok((file, params)) => match std::fs::read_to_string(&file) {
                    Ok(src) => return self.eval_source(&src, &file, Some(&params)),
                    Err(e) => reply.stderr = format!("cannot read `{file}`: {e}\n"),
                },
                Err(message) => reply.stderr = format!("{message}\n{LOAD_USAGE}\n"),
            },
            ":type" | ":t" | ":ir" | ":ir!" | ":asm" => {
                // `:ir --attrs EXPR` is `:ir! EXPR`: the IR with its attribute groups.
                let (cmd, arg) = match arg.strip_prefix("--attrs") {
                    Some(rest) if cmd == ":ir" && rest.starts_with(char::is_whitespace) => {
                        (":ir!", rest.trim())
                    }
                    _ => (cmd, arg),
                };
                if arg.is_empty() {
                    reply.stderr = format!("usage: {cmd} EXPR\n");
                    return reply;
                }
                // `:type NAME` of a function (not a binding): its overloads.
                if matches!(cmd, ":type" | ":t") && self.env_binding(arg).is_none() {
                    let overloads = self.overloads(arg);
                    if !overloads.is_empty() {
                        reply.stdout = overloads.iter().map(|s| format!("{s}\n")).collect();
                        return reply;
                    }
                }
                let file = format!("<repl:{}>", self.count);
                // The fragment starts after the command: point diagnostics into it alone.
                let mut p = match self.prepare(arg, false) {
                    Ok(p) => p,
                    Err(diags) => {
                        reply.stderr = self.render(&diags, &file, arg);
                        return reply;
                    }
                };
                // The code a line would run: calls of session functions load their slots.
                self.bind_late(&mut p.program);
                reply.stderr = self.render(&p.warnings, &file, arg);
                let out = match cmd {
                    ":ir" => {
                        driver::emit_ir(&p.program, &self.options).map(|ir| hide_attributes(&ir))
                    }
                    ":ir!" => driver::emit_ir(&p.program, &self.options),
                    ":asm" => driver::emit_asm(&p.program, &self.options),
                    _ => Ok(match &p.program.main.ret {
                        Some(t) => format!("{t}\n"),
                        None => "(no value)\n".to_string(),
                    }),
                };
                match out {
                    Ok(text) => reply.stdout = text,
                    Err(e) => reply.stderr.push_str(&format!("{e}\n")),
                }
            }
            _ => {
                reply.stderr = format!("unknown command `{cmd}`\n{}", help());
            }
        }
        reply
    }

    fn env_listing(&self) -> String {
        let mut out = String::new();
        for b in &self.env.bindings {
            let value = self
                .addresses
                .get(&b.symbol)
                // SAFETY: a live global of type `b.ty` holding a value of a successful run
                // (strings and lists in session memory).
                .and_then(|&a| unsafe { layout::read(a, &b.ty) })
                .map(|v| match v {
                    Value::Str(s) => format!("{s:?}"),
                    v => v.to_string(),
                })
                .unwrap_or_else(|| "?".to_string());
            let kw = if b.mutable { "" } else { "let " };
            let _ = writeln!(out, "{kw}{} : {} = {value}", b.name, b.ty);
        }
        for f in &self.env.functions {
            let _ = writeln!(out, "{}", Session::signature(f));
        }
        if out.is_empty() {
            out.push_str("(nothing defined)\n");
        }
        out
    }

    /// The earlier binding `name`, if any.
    fn env_binding(&self, name: &str) -> Option<&types::EnvBinding> {
        self.env.bindings.iter().find(|b| b.name == name)
    }

    /// The session's functions named `name` that a prelude function of the same
    /// parameter types is replaced by, as parameter type lists.
    /// The standard library's overloads of `name` the session's functions leave in
    /// place (W0003: a session function replaces one with its parameter types).
    fn library_entries(&self, name: &str) -> Vec<types::reference::Entry> {
        let own: Vec<&[Ty]> = self
            .env
            .functions
            .iter()
            .filter(|f| f.name == name)
            .map(|f| f.params.as_slice())
            .collect();
        types::reference::entries_not_replaced(name, &own)
    }

    /// The signature of the session function `f`, with its parameter names.
    fn signature(f: &types::EnvFn) -> String {
        let params: Vec<String> = f
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| match f.param_names.get(i) {
                Some(n) => format!("{n}: {t}"),
                None => t.to_string(),
            })
            .collect();
        format!("fn {}({}) -> {}", f.name, params.join(", "), f.ret)
    }

    /// Every overload of the function `name`, the session's first, as signatures
    /// (`:type NAME`); empty when no function has that name.
    fn overloads(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .env
            .functions
            .iter()
            .filter(|f| f.name == name)
            .map(Session::signature)
            .collect();
        out.extend(self.library_entries(name).into_iter().map(|e| e.signature));
        out
    }

    /// `:doc NAME`: the overloads of a function, the session's own first (they take
    /// precedence over a prelude function of the same parameter types), then the
    /// standard library's, each with what it does.
    fn doc(&self, name: &str) -> Result<String, String> {
        if name.is_empty() {
            return Err("usage: :doc NAME\n".to_string());
        }
        let mut out = String::new();
        for f in self.env.functions.iter().filter(|f| f.name == name) {
            let _ = writeln!(out, "{}", Session::signature(f));
            for line in f.doc.lines() {
                let _ = writeln!(out, "    {line}");
            }
            let _ = writeln!(out, "    defined in this session");
        }
        for e in self.library_entries(name) {
            let _ = writeln!(out, "{}\n    {} ({})", e.signature, e.doc, e.origin);
        }
        if !out.is_empty() {
            return Ok(out);
        }
        let mut names = types::reference::names();
        names.extend(self.env.functions.iter().map(|f| f.name.as_str()));
        let close = types::reference::close_names(name, names);
        let mut msg = format!("no function named `{name}`");
        if !close.is_empty() {
            let list: Vec<String> = close.iter().map(|c| format!("`{c}`")).collect();
            msg += &format!("; did you mean {}?", list.join(" or "));
        }
        Err(msg + "\n")
    }

    /// How many loaded lines the session keeps (tests).
    #[cfg(test)]
    pub(super) fn loaded_lines(&self) -> usize {
        self.lines.len()
    }
}

const LOAD_USAGE: &str = "usage: :load FILE [--param NAME=VALUE]... (`-p` for short)";

/// The words of a command's argument: separated by whitespace, where a word may be
/// quoted with `"` or `'` to hold spaces (`--param "name=my savings"`).
fn words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(words);
        }
        let mut word = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            if c == '"' || c == '\'' {
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some(ch) => word.push(ch),
                        None => return Err(format!("unterminated {c} in `{text}`")),
                    }
                }
            } else {
                word.push(c);
            }
        }
        words.push(word);
    }
}

/// `:load`'s argument: the file, then `--param NAME=VALUE` (or `-p NAME=VALUE`,
/// `--param=NAME=VALUE`) as `kiln run` takes them.
fn load_args(arg: &str) -> Result<(String, Vec<String>), String> {
    let mut file = None;
    let mut params = Vec::new();
    let mut words = words(arg)?.into_iter();
    while let Some(w) = words.next() {
        if let Some(value) = w.strip_prefix("--param=") {
            params.push(value.to_string());
        } else if w == "--param" || w == "-p" {
            let value = words
                .next()
                .ok_or_else(|| format!("`{w}` needs a value: `{w} NAME=VALUE`"))?;
            params.push(value);
        } else if w.starts_with('-') && w.len() > 1 {
            return Err(format!("unknown option `{w}`"));
        } else if file.replace(w.clone()).is_some() {
            return Err(format!("one file at a time: `{w}` is a second one"));
        }
    }
    let file = file.ok_or("which file?")?;
    Ok((file, params))
}

pub(super) fn help() -> String {
    let mut s = String::from("commands:\n");
    for (c, what) in COMMANDS {
        let _ = writeln!(s, "  {c:<12} {what}");
    }
    s
}

/// LLVM IR without its attribute groups (`attributes #0 = { ... "target-features"=... }`,
/// which dwarf the code) nor the `#N` references to them; a last comment line says how
/// to see them.
fn hide_attributes(ir: &str) -> String {
    let mut out = String::with_capacity(ir.len());
    let mut hidden = false;
    for line in ir.lines() {
        if line.starts_with("attributes #") {
            hidden = true;
            continue;
        }
        let mut kept = String::with_capacity(line.len());
        let mut rest = line;
        // ` #N` outside strings: a reference to an attribute group.
        while let Some(i) = rest.find(" #") {
            let digits = rest[i + 2..]
                .chars()
                .take_while(char::is_ascii_digit)
                .count();
            let quotes = kept.matches('"').count() + rest[..i].matches('"').count();
            if digits > 0
                && quotes % 2 == 0
                && (line.starts_with("define")
                    || line.starts_with("declare")
                    || line.contains("call "))
            {
                kept.push_str(&rest[..i]);
                rest = &rest[i + 2 + digits..];
            } else {
                kept.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
        kept.push_str(rest);
        out.push_str(kept.trim_end());
        out.push('\n');
    }
    if hidden {
        while out.ends_with("\n\n") {
            out.pop();
        }
        out.push_str("; attribute groups hidden: `:ir! EXPR` (or `:ir --attrs EXPR`) shows them\n");
    }
    out
}

/// The `///` comment lines right above the `fn` whose name starts at `name_at` in
/// `src`, without the slashes (and one space after them); empty without any.
fn doc_comment(src: &str, name_at: usize) -> String {
    let Some(head) = src.get(..name_at) else {
        return String::new();
    };
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    // Only a `fn` that starts its line: a `///` above belongs to it.
    if head[line_start..].trim() != "fn" {
        return String::new();
    }
    let mut lines: Vec<&str> = head[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with("///"))
        .map(|l| {
            let text = &l[3..];
            text.strip_prefix(' ').unwrap_or(text)
        })
        .collect();
    lines.reverse();
    lines.join("\n")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
