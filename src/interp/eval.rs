//! The evaluator: statements, expressions, calls, and the run's bookkeeping (memory
//! used, call depth, the interrupt flag).

use super::ops::{self, bug, fault, R};
use super::{Options, Output};
use crate::abi::{Fault, MAX_STRING_BYTES};
use crate::chain;
use crate::span::Span;
use crate::types::hir::{self, Block, Builtin, Expr, ExprKind, Stmt, Var};
use crate::types::ty::{IntTy, Ty};
use crate::value::{RuntimeError, Value};

/// Free stack below which evaluation continues on a new segment, and that segment's size.
const RED_ZONE: usize = 128 << 10;
const SEGMENT: usize = 8 << 20;

/// The variables of one function activation.
pub(super) struct Frame {
    pub(super) locals: Vec<Value>,
}

impl Frame {
    fn new(f: &hir::Function) -> Frame {
        Frame {
            locals: f.locals.iter().map(|l| ops::zero(&l.ty)).collect(),
        }
    }

    pub(super) fn set(&mut self, local: hir::LocalId, v: Value) {
        self.locals[local] = v;
    }
}

pub(super) struct Machine<'a> {
    pub(super) prog: &'a hir::Program,
    pub(super) opts: &'a Options,
    out: &'a mut dyn Output,
    globals: Vec<Value>,
    /// Bytes of strings and lists built so far.
    used: u64,
    /// Which functions are recursive, and how many of their calls are running.
    recursive: Vec<bool>,
    depth: u64,
}

impl<'a> Machine<'a> {
    pub(super) fn new(
        prog: &'a hir::Program,
        opts: &'a Options,
        out: &'a mut dyn Output,
    ) -> Machine<'a> {
        Machine {
            prog,
            opts,
            out,
            globals: prog.globals.iter().map(|g| ops::zero(&g.ty)).collect(),
            used: 0,
            recursive: prog.recursive_functions(),
            depth: 0,
        }
    }

    /// Run `main` with its inputs bound; `select` (a set's `only`) skips the
    /// assignments of the outputs it does not choose. Returns main's result.
    fn main_frame(
        &mut self,
        inputs: &[Value],
        select: Option<Option<usize>>,
    ) -> R<(Frame, Option<Value>)> {
        let main = &self.prog.main;
        let mut frame = Frame::new(main);
        for (&local, v) in main.params.iter().zip(inputs) {
            frame.locals[local] = v.clone();
        }
        for s in &main.body.stmts {
            if let Some(only) = select {
                if let Stmt::Assign {
                    var: Var::Local(l), ..
                } = s
                {
                    let k = self.prog.outputs.iter().position(|o| o.local == *l);
                    if let (Some(k), Some(only)) = (k, only) {
                        if k != only {
                            continue;
                        }
                    }
                }
            }
            self.stmt(s, &mut frame)?;
        }
        let value = match &main.body.value {
            Some(e) => Some(self.eval(e, &mut frame)?),
            None => None,
        };
        Ok((frame, value))
    }

    pub(super) fn run_main(&mut self, inputs: &[Value]) -> R<Option<Value>> {
        let (_, value) = self.main_frame(inputs, None)?;
        Ok(match self.prog.main.ret {
            Some(_) => value,
            None => None,
        })
    }

    pub(super) fn run_set(
        &mut self,
        inputs: &[Value],
        only: Option<usize>,
    ) -> R<Vec<Option<Value>>> {
        let (frame, _) = self.main_frame(inputs, Some(only))?;
        Ok(self
            .prog
            .outputs
            .iter()
            .enumerate()
            .map(|(k, o)| match only {
                Some(j) if j != k => None,
                _ => Some(frame.locals[o.local].clone()),
            })
            .collect())
    }

    // ---- bookkeeping ----------------------------------------------------------------------

    /// Account for a new string or list of `bytes` bytes built at `span`.
    pub(super) fn alloc(&mut self, bytes: u64, span: Span) -> R<()> {
        if bytes > MAX_STRING_BYTES as u64 {
            return Err(fault(
                Fault::TooLarge,
                span,
                bytes.min(i64::MAX as u64) as i64,
                0,
            ));
        }
        let limit = self.opts.max_memory;
        if self.used.saturating_add(bytes) > limit {
            return Err(fault(
                Fault::OutOfMemory,
                span,
                bytes as i64,
                limit.min(i64::MAX as u64) as i64,
            ));
        }
        self.used += bytes;
        Ok(())
    }

    /// Account for a list of `len` elements of `elem` (each `value::layout::mem_size`).
    pub(super) fn alloc_list(&mut self, elem: &Ty, len: usize, span: Span) -> R<()> {
        let size = crate::value::layout::mem_size(elem) as u64;
        self.alloc(size.saturating_mul(len as u64), span)
    }

    /// A new string, counted.
    pub(super) fn string(&mut self, s: String, span: Span) -> R<Value> {
        self.alloc(s.len() as u64, span)?;
        Ok(Value::Str(s))
    }

    /// Poll the interrupt flag (at a call, and at each iteration of a list loop).
    pub(super) fn poll(&self, span: Span) -> R<()> {
        match &self.opts.interrupt {
            Some(flag) if flag.is_cancelled() => Err(fault(Fault::Interrupted, span, 0, 0)),
            _ => Ok(()),
        }
    }

    pub(super) fn write_line(&mut self, text: &str) {
        self.out.line(text);
    }

    // ---- statements -----------------------------------------------------------------------

    fn stmt(&mut self, s: &Stmt, frame: &mut Frame) -> R<()> {
        match s {
            Stmt::Assign { var, value } => {
                let v = self.eval(value, frame)?;
                match *var {
                    Var::Local(l) => frame.locals[l] = v,
                    Var::Global(g) => self.globals[g] = v,
                }
                Ok(())
            }
            Stmt::Expr(e) => self.eval(e, frame).map(drop),
            Stmt::When { arms, else_block } => {
                for (cond, block) in arms {
                    if self.cond(cond, frame)? {
                        return self.block(block, frame).map(drop);
                    }
                }
                match else_block {
                    Some(block) => self.block(block, frame).map(drop),
                    None => Ok(()),
                }
            }
        }
    }

    fn block(&mut self, b: &Block, frame: &mut Frame) -> R<Option<Value>> {
        for s in &b.stmts {
            self.stmt(s, frame)?;
        }
        match &b.value {
            Some(e) => self.eval(e, frame).map(Some),
            None => Ok(None),
        }
    }

    fn cond(&mut self, e: &Expr, frame: &mut Frame) -> R<bool> {
        match self.eval(e, frame)? {
            Value::Bool(b) => Ok(b),
            v => Err(bug(format!("a condition of type {}", v.ty()))),
        }
    }

    // ---- expressions ----------------------------------------------------------------------

    /// Evaluate `e`, on a fresh stack segment when this thread's stack runs low (deeply
    /// nested expressions and deep recursion).
    pub(super) fn eval(&mut self, e: &Expr, frame: &mut Frame) -> R<Value> {
        match stacker::remaining_stack() {
            Some(left) if left >= RED_ZONE => self.eval_here(e, frame),
            _ => self.eval_on_new_segment(e, frame),
        }
    }

    #[inline(never)]
    fn eval_on_new_segment(&mut self, e: &Expr, frame: &mut Frame) -> R<Value> {
        stacker::grow(SEGMENT, || self.eval_here(e, frame))
    }

    /// One node. Each arm only dispatches, so that this frame, which every level of
    /// nesting and recursion repeats, stays small.
    fn eval_here(&mut self, e: &Expr, frame: &mut Frame) -> R<Value> {
        match &e.kind {
            ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) => {
                literal(e)
            }
            ExprKind::Var(var) => Ok(self.var(*var, frame)),
            ExprKind::List(items) => self.list_literal(items, e, frame),
            ExprKind::Cast(x) => self.cast(x, e, frame),
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e, frame),
            // A chain (`a + b + c ...`, any length) with a loop (see `crate::chain`).
            ExprKind::Binary { .. } | ExprKind::And(..) | ExprKind::Or(..) => chain::fold(
                &mut (self, frame),
                e,
                |(ev, frame), leaf| ev.eval(leaf, frame),
                |(ev, frame), l, node| ev.chain_node(l?, node, frame),
            ),
            ExprKind::If { cond, then, else_ } => self.if_expr(cond, then, else_, frame),
            ExprKind::Switch { arms, default } => self.switch(arms, default, frame),
            ExprKind::In { item, list } => self.member(item, list, e, frame),
            ExprKind::Index { list, index } => self.index(list, index, frame),
            ExprKind::Call { func, args } => self.call(*func, args, frame),
            ExprKind::CallExtern { .. } | ExprKind::CallHost { .. } => Err(native_only(e)),
            ExprKind::Builtin { op, args } => self.builtin(*op, args, e, frame),
            ExprKind::Hof { .. } => self.hof(e, frame),
            ExprKind::None => Ok(Value::None),
            ExprKind::Some(x) => self.eval(x, frame),
            ExprKind::Lift {
                args,
                body,
                on_none,
            } => self.lift(args, body, *on_none, frame),
            ExprKind::Coalesce(xs) => self.coalesce(xs, frame),
            ExprKind::TryConvert(x) => self.try_convert(x, e, frame),
        }
    }

    fn var(&self, var: Var, frame: &Frame) -> Value {
        match var {
            Var::Local(l) => frame.locals[l].clone(),
            Var::Global(g) => self.globals[g].clone(),
        }
    }

    fn cast(&mut self, x: &Expr, e: &Expr, frame: &mut Frame) -> R<Value> {
        let v = self.eval(x, frame)?;
        ops::cast(&v, &e.ty)
    }

    fn unary(&mut self, op: hir::UnOp, x: &Expr, e: &Expr, frame: &mut Frame) -> R<Value> {
        let v = self.eval(x, frame)?;
        ops::unary(op, &v, e.span, self.opts.overflow)
    }

    /// A chain node whose left operand has value `l`.
    fn chain_node(&mut self, l: Value, e: &Expr, frame: &mut Frame) -> R<Value> {
        match &e.kind {
            ExprKind::Binary { op, rhs, .. } => self.binary(*op, l, rhs, e, frame),
            ExprKind::And(_, r) => self.logic(true, l, r, frame),
            ExprKind::Or(_, r) => self.logic(false, l, r, frame),
            _ => Err(bug("a chain node that is not a binary operator")),
        }
    }

    /// `and` (`is_and`) / `or` of `l` and `r`: `r` only when `l` does not decide.
    fn logic(&mut self, is_and: bool, l: Value, r: &Expr, frame: &mut Frame) -> R<Value> {
        let Value::Bool(l) = l else {
            return Err(bug(format!("a condition of type {}", l.ty())));
        };
        if l != is_and {
            return Ok(Value::Bool(!is_and));
        }
        Ok(Value::Bool(self.cond(r, frame)?))
    }

    /// `if`: only the chosen value is evaluated.
    fn if_expr(&mut self, cond: &Expr, then: &Expr, else_: &Expr, frame: &mut Frame) -> R<Value> {
        let chosen = if self.cond(cond, frame)? { then } else { else_ };
        self.eval(chosen, frame)
    }

    /// `switch`: conditions in order; nothing after the first true one is evaluated.
    fn switch(&mut self, arms: &[(Expr, Expr)], default: &Expr, frame: &mut Frame) -> R<Value> {
        for (c, v) in arms {
            if self.cond(c, frame)? {
                return self.eval(v, frame);
            }
        }
        self.eval(default, frame)
    }

    fn list_literal(&mut self, items: &[Expr], e: &Expr, frame: &mut Frame) -> R<Value> {
        let Ty::List(elem) = &e.ty else {
            return Err(bug("a list literal of a non-list type"));
        };
        if !items.is_empty() {
            self.alloc_list(elem, items.len(), e.span)?;
        }
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            values.push(self.eval(item, frame)?);
        }
        Ok(Value::List((**elem).clone(), values))
    }

    /// `l op rhs`, the left operand already evaluated.
    fn binary(
        &mut self,
        op: hir::BinOp,
        l: Value,
        rhs: &Expr,
        e: &Expr,
        frame: &mut Frame,
    ) -> R<Value> {
        let r = self.eval(rhs, frame)?;
        if let (hir::BinOp::Add, Value::Str(a), Value::Str(b)) = (op, &l, &r) {
            self.alloc((a.len() + b.len()) as u64, e.span)?;
        }
        ops::binary(op, &l, &r, e.span, self.opts.overflow)
    }

    /// `item in list`: the item first, then the list; stops at the first equal element.
    fn member(&mut self, item: &Expr, list: &Expr, e: &Expr, frame: &mut Frame) -> R<Value> {
        let x = self.eval(item, frame)?;
        let Value::List(_, items) = self.eval(list, frame)? else {
            return Err(bug("`in` on a non-list"));
        };
        for v in &items {
            self.poll(e.span)?;
            if ops::equal(&x, v) {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    }

    /// `list[index]`: out of bounds (negative included) faults at the index.
    fn index(&mut self, list: &Expr, index: &Expr, frame: &mut Frame) -> R<Value> {
        let Value::List(_, items) = self.eval(list, frame)? else {
            return Err(bug("indexing a non-list"));
        };
        let i = self.eval(index, frame)?;
        let Some((ty, i)) = ops::int_of(&i) else {
            return Err(bug("a non-integer index"));
        };
        // Any integer type; a u64 of 2^63 or more is out of bounds like a negative index.
        let kind = if ty == IntTy::U64 {
            Fault::IndexOutOfBoundsU64
        } else {
            Fault::IndexOutOfBounds
        };
        match usize::try_from(i).ok().and_then(|u| items.get(u)) {
            Some(v) => Ok(v.clone()),
            None => Err(fault(kind, index.span, i as i64, items.len() as i64)),
        }
    }

    /// A user function: arguments left to right, then the call. A recursive callee polls
    /// the interrupt flag on entry (E0611 at its name, where generated code notices it)
    /// and counts against [`MAX_RECURSION_DEPTH`](super::MAX_RECURSION_DEPTH) (E0606 at
    /// its name).
    fn call(&mut self, func: usize, args: &[Expr], frame: &mut Frame) -> R<Value> {
        let values = self.args(args, frame)?;
        self.enter(func, values)
    }

    fn args(&mut self, args: &[Expr], frame: &mut Frame) -> R<Vec<Value>> {
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, frame)?);
        }
        Ok(values)
    }

    /// Run function `func` on its argument values.
    fn enter(&mut self, func: usize, values: Vec<Value>) -> R<Value> {
        let prog = self.prog;
        let Some(f) = prog.functions.get(func) else {
            return Err(unknown_function(func));
        };
        // Non-recursive calls nest at most as deep as there are functions.
        let recursive = self.recursive.get(func).copied().unwrap_or(true);
        if recursive {
            self.poll(f.span)?;
            if self.depth >= super::MAX_RECURSION_DEPTH {
                return Err(fault(Fault::StackOverflow, f.span, 0, 0));
            }
        }
        let mut callee = Frame::new(f);
        for (&local, v) in f.params.iter().zip(values) {
            callee.locals[local] = v;
        }
        self.depth += recursive as u64;
        let result = self.block(&f.body, &mut callee);
        self.depth -= recursive as u64;
        match result? {
            Some(v) => Ok(v),
            None => Err(unknown_function(func)),
        }
    }

    fn builtin(&mut self, op: Builtin, args: &[Expr], e: &Expr, frame: &mut Frame) -> R<Value> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a, frame)?);
        }
        let first = || {
            vals.first()
                .ok_or_else(|| bug(format!("{op:?} without arguments")))
        };
        match op {
            Builtin::Print => {
                let v = first()?;
                let text = ops::display(v);
                self.write_line(&text);
                Ok(v.clone())
            }
            Builtin::ToString => match first()? {
                Value::Str(s) => Ok(Value::Str(s.clone())),
                v => {
                    let text = ops::display(v);
                    self.string(text, e.span)
                }
            },
            Builtin::Parse => match first()? {
                Value::Str(s) => ops::parse(s, &e.ty, e.span),
                v => Err(bug(format!("parse of a {}", v.ty()))),
            },
            Builtin::Abs => ops::abs(first()?),
            Builtin::Min | Builtin::Max => match vals.split_first() {
                Some((a, rest)) if !rest.is_empty() => Ok(rest
                    .iter()
                    .fold(a.clone(), |m, v| ops::min_max(op == Builtin::Max, &m, v))),
                _ => Err(bug("min/max take two or more arguments")),
            },
            Builtin::Pow => match vals.as_slice() {
                [a, b] => ops::pow(a, b),
                _ => Err(bug("pow takes two arguments")),
            },
            Builtin::Math(f) => ops::math(f, &vals),
            Builtin::IsNan | Builtin::IsInf => ops::float_test(op == Builtin::IsInf, first()?),
            Builtin::Clamp => match vals.as_slice() {
                [x, lo, hi] => ops::clamp(x, lo, hi, e.span),
                _ => Err(bug("clamp takes three arguments")),
            },
            Builtin::Lib(f) => self.lib(f, vals, e),
            Builtin::Time(f) => super::time::call(f, first()?, e.span),
            Builtin::Format => self.format(&vals, args, e),
        }
    }
}

/// A literal's value at its type.
fn literal(e: &Expr) -> R<Value> {
    Ok(match (&e.kind, &e.ty) {
        (ExprKind::Bool(b), _) => Value::Bool(*b),
        (ExprKind::Int(bits), Ty::Int(t)) => ops::make_int(*t, *bits as i128),
        // A folded `timestamp("...")` / `duration("...")` (v1).
        (ExprKind::Int(bits), Ty::Timestamp) => Value::Timestamp(*bits as i64),
        (ExprKind::Int(bits), Ty::Duration) => Value::Duration(*bits as i64),
        (ExprKind::Float(x), Ty::Float(crate::types::ty::FloatTy::F32)) => Value::F32(*x as f32),
        (ExprKind::Float(x), _) => Value::F64(*x),
        (ExprKind::Str(s), _) => Value::Str(s.clone()),
        (_, t) => return Err(bug(format!("a literal of type {t}"))),
    })
}

#[cold]
fn unknown_function(func: usize) -> RuntimeError {
    bug(format!(
        "a call of function {func}, which is unknown or has no value"
    ))
}

/// What only native code can run (E0610, at the call): a host function, or a function
/// of another module (a REPL line's).
#[cold]
fn native_only(e: &Expr) -> RuntimeError {
    let message = match &e.kind {
        ExprKind::CallHost { func, .. } => format!(
            "host function #{func} cannot be called by the interpreter: host functions \
             need the JIT backend"
        ),
        _ => "this calls a function of another module (an earlier REPL line), which only \
              the JIT can run; the interpreter runs whole programs"
            .to_owned(),
    };
    RuntimeError {
        fault: Fault::HostError,
        span: e.span,
        message,
    }
}
