//! End-to-end backend tests on hand-built HIR: codegen → optimise → JIT → run.

use super::*;
use crate::abi::{self, Fault, KindTy};
use crate::runtime::RunCtx;
use crate::types::hir::*;
use crate::types::ty::{FloatTy, IntTy, Ty};
use crate::value::{RuntimeError, Value};

// ---- HIR builders ----------------------------------------------------------------------

fn sp(n: u32) -> Span {
    Span { lo: n, hi: n + 3 }
}

fn ex(kind: ExprKind, ty: Ty) -> Expr {
    Expr {
        kind,
        ty,
        span: Span::default(),
    }
}

fn at(mut e: Expr, span: Span) -> Expr {
    e.span = span;
    e
}

fn int(it: IntTy, v: i128) -> Expr {
    ex(ExprKind::Int(v as u64 & it.mask()), Ty::Int(it))
}

fn i64c(v: i64) -> Expr {
    int(IntTy::I64, v as i128)
}

fn f64c(v: f64) -> Expr {
    ex(ExprKind::Float(v), Ty::F64)
}

fn f32c(v: f32) -> Expr {
    ex(ExprKind::Float(v as f64), Ty::Float(FloatTy::F32))
}

fn boolc(b: bool) -> Expr {
    ex(ExprKind::Bool(b), Ty::Bool)
}

fn strc(s: &str) -> Expr {
    ex(ExprKind::Str(s.into()), Ty::Str)
}

fn is_cmp(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

fn bin(op: BinOp, l: Expr, r: Expr) -> Expr {
    let ty = if is_cmp(op) { Ty::Bool } else { l.ty.clone() };
    ex(
        ExprKind::Binary {
            op,
            lhs: crate::chain::Spine::new(l),
            rhs: Box::new(r),
        },
        ty,
    )
}

fn un(op: UnOp, x: Expr) -> Expr {
    let ty = x.ty.clone();
    ex(
        ExprKind::Unary {
            op,
            operand: Box::new(x),
        },
        ty,
    )
}

fn cast(x: Expr, ty: Ty) -> Expr {
    ex(ExprKind::Cast(Box::new(x)), ty)
}

fn and(a: Expr, b: Expr) -> Expr {
    ex(
        ExprKind::And(crate::chain::Spine::new(a), Box::new(b)),
        Ty::Bool,
    )
}

fn or(a: Expr, b: Expr) -> Expr {
    ex(
        ExprKind::Or(crate::chain::Spine::new(a), Box::new(b)),
        Ty::Bool,
    )
}

fn if_(c: Expr, t: Expr, e: Expr) -> Expr {
    let ty = t.ty.clone();
    ex(
        ExprKind::If {
            cond: Box::new(c),
            then: Box::new(t),
            else_: Box::new(e),
        },
        ty,
    )
}

fn switch(arms: Vec<(Expr, Expr)>, default: Expr) -> Expr {
    let ty = default.ty.clone();
    ex(
        ExprKind::Switch {
            arms,
            default: Box::new(default),
        },
        ty,
    )
}

fn list(elem: Ty, items: Vec<Expr>) -> Expr {
    ex(ExprKind::List(items), Ty::List(Box::new(elem)))
}

fn index(l: Expr, i: Expr) -> Expr {
    let Ty::List(elem) = l.ty.clone() else {
        panic!("not a list")
    };
    ex(
        ExprKind::Index {
            list: Box::new(l),
            index: Box::new(i),
        },
        *elem,
    )
}

fn in_(item: Expr, l: Expr) -> Expr {
    ex(
        ExprKind::In {
            item: Box::new(item),
            list: Box::new(l),
        },
        Ty::Bool,
    )
}

fn call(func: FnId, args: Vec<Expr>, ret: Ty) -> Expr {
    ex(ExprKind::Call { func, args }, ret)
}

fn builtin(op: Builtin, args: Vec<Expr>, ty: Ty) -> Expr {
    ex(ExprKind::Builtin { op, args }, ty)
}

fn print(x: Expr) -> Expr {
    let ty = x.ty.clone();
    builtin(Builtin::Print, vec![x], ty)
}

fn to_string(x: Expr) -> Expr {
    builtin(Builtin::ToString, vec![x], Ty::Str)
}

fn local(id: LocalId, ty: Ty) -> Expr {
    ex(ExprKind::Var(Var::Local(id)), ty)
}

fn global(id: GlobalId, ty: Ty) -> Expr {
    ex(ExprKind::Var(Var::Global(id)), ty)
}

/// `1 / 0 == 0` on i64: faults when evaluated (a bool-typed trap).
fn faulting_bool() -> Expr {
    bin(BinOp::Eq, faulting_int(), i64c(0))
}

/// `7 / 0`: faults when evaluated, at span 900.
fn faulting_int() -> Expr {
    at(bin(BinOp::Div, i64c(7), i64c(0)), sp(900))
}

fn func(name: &str, params: &[(&str, Ty)], ret: Ty, body: Expr) -> Function {
    Function {
        name: name.into(),
        params: (0..params.len()).collect(),
        locals: params
            .iter()
            .map(|(n, t)| Local {
                name: (*n).into(),
                ty: t.clone(),
            })
            .collect(),
        ret: Some(ret),
        body: Block {
            stmts: vec![],
            value: Some(Box::new(body)),
        },
        span: Span::default(),
    }
}

/// A program: inputs (also main's first locals), extra main locals, statements and value.
struct Prog {
    functions: Vec<Function>,
    globals: Vec<Global>,
    inputs: Vec<(String, Ty)>,
    locals: Vec<(String, Ty)>,
    stmts: Vec<Stmt>,
}

impl Prog {
    fn new() -> Prog {
        Prog {
            functions: vec![],
            globals: vec![],
            inputs: vec![],
            locals: vec![],
            stmts: vec![],
        }
    }

    fn input(mut self, name: &str, ty: Ty) -> Self {
        self.inputs.push((name.into(), ty));
        self
    }

    fn local(mut self, name: &str, ty: Ty) -> Self {
        self.locals.push((name.into(), ty));
        self
    }

    fn func(mut self, f: Function) -> Self {
        self.functions.push(f);
        self
    }

    fn global(mut self, name: &str, ty: Ty) -> Self {
        self.globals.push(Global {
            name: name.into(),
            ty,
        });
        self
    }

    fn stmt(mut self, s: Stmt) -> Self {
        self.stmts.push(s);
        self
    }

    fn build(self, value: Option<Expr>) -> Program {
        let inputs: Vec<Input> = self
            .inputs
            .iter()
            .enumerate()
            .map(|(i, (n, t))| Input {
                name: n.clone(),
                ty: t.clone(),
                span: sp(500 + i as u32),
            })
            .collect();
        let locals = self
            .inputs
            .iter()
            .chain(&self.locals)
            .map(|(n, t)| Local {
                name: n.clone(),
                ty: t.clone(),
            })
            .collect();
        Program {
            functions: self.functions,
            link: Default::default(),
            outputs: Vec::new(),
            main: Function {
                name: "main".into(),
                params: (0..inputs.len()).collect(),
                locals,
                ret: value.as_ref().map(|v| v.ty.clone()),
                body: Block {
                    stmts: self.stmts,
                    value: value.map(Box::new),
                },
                span: Span::default(),
            },
            globals: self.globals,
            inputs,
        }
    }
}

fn prog(value: Expr) -> Program {
    Prog::new().build(Some(value))
}

/// Run at -O0 and -O2 on both engines; all must agree.
fn run_prog(p: &Program, inputs: &[Value]) -> Result<Option<Value>, RuntimeError> {
    let mut results = Vec::new();
    for (level, engine) in [
        (0, JitEngine::Mcjit),
        (0, JitEngine::Orc),
        (2, JitEngine::Mcjit),
        (2, JitEngine::Orc),
    ] {
        let c = compile_with(p, &Options::at_level(level), engine)
            .unwrap_or_else(|e| panic!("compile -O{level} {engine:?}: {e}"));
        assert_eq!(c.engine(), engine);
        results.push((level, engine, c.run(inputs)));
    }
    let (_, _, last) = results.pop().expect("results");
    for (level, engine, r) in results {
        // NaN != NaN: compare debug text.
        assert_eq!(
            format!("{r:?}"),
            format!("{last:?}"),
            "-O{level} {engine:?} disagrees with -O2 Orc"
        );
    }
    // The reference interpreter runs the same HIR to the same result (output is
    // discarded here; tests that print compare it themselves).
    let mut printed = String::new();
    let interp = super::interpret(p, inputs, &crate::interp::Options::default(), &mut printed);
    assert_eq!(
        format!("{interp:?}"),
        format!("{last:?}"),
        "the interpreter disagrees with -O2 Orc"
    );
    last
}

fn eval(e: Expr) -> Value {
    run_prog(&prog(e), &[]).expect("run").expect("a value")
}

fn eval_err(e: Expr) -> RuntimeError {
    run_prog(&prog(e), &[]).expect_err("a runtime error")
}

/// `param a: T; param b: T; a op b` run on the given inputs.
fn binop(op: BinOp, ty: Ty, a: Value, b: Value) -> Result<Option<Value>, RuntimeError> {
    let p = Prog::new().input("a", ty.clone()).input("b", ty.clone());
    let value = at(bin(op, local(0, ty.clone()), local(1, ty)), sp(42));
    run_prog(&p.build(Some(value)), &[a, b])
}

fn ok(r: Result<Option<Value>, RuntimeError>) -> Value {
    r.expect("no runtime error").expect("a value")
}

/// A value of integer type `it` from an i128 (two's complement truncation).
fn ival(it: IntTy, v: i128) -> Value {
    Value::from_bits(abi::Kind::of(&Ty::Int(it)).unwrap(), v as u64)
}

// ---- integers --------------------------------------------------------------------------

#[test]
fn integer_arithmetic_wraps_at_every_width() {
    for it in IntTy::ALL {
        let ty = Ty::Int(it);
        let (min, max) = (it.min(), it.max());
        let wrap = |v: i128| ival(it, v);
        assert_eq!(
            ok(binop(BinOp::Add, ty.clone(), wrap(max), wrap(1))),
            wrap(min),
            "{it:?} +"
        );
        assert_eq!(
            ok(binop(BinOp::Sub, ty.clone(), wrap(min), wrap(1))),
            wrap(max),
            "{it:?} -"
        );
        assert_eq!(
            ok(binop(BinOp::Mul, ty.clone(), wrap(max), wrap(2))),
            wrap(max.wrapping_mul(2)),
            "{it:?} *"
        );
        // Also constant-folded.
        assert_eq!(eval(bin(BinOp::Add, int(it, max), int(it, 1))), wrap(min));
        let p = Prog::new().input("a", ty.clone());
        let neg = p.build(Some(un(UnOp::Neg, local(0, ty.clone()))));
        assert_eq!(ok(run_prog(&neg, &[wrap(min)])), wrap(min), "{it:?} -MIN");
        assert_eq!(ok(run_prog(&neg, &[wrap(5)])), wrap(-5), "{it:?} neg");
        let p = Prog::new().input("a", ty.clone());
        let not = p.build(Some(un(UnOp::BitNot, local(0, ty))));
        assert_eq!(ok(run_prog(&not, &[wrap(0)])), wrap(-1), "{it:?} ~");
    }
}

#[test]
fn division_truncates_and_remainder_takes_the_dividend_sign() {
    let t = Ty::I64;
    let d = |op, a, b| ok(binop(op, t.clone(), Value::I64(a), Value::I64(b)));
    assert_eq!(d(BinOp::Div, -7, 2), Value::I64(-3));
    assert_eq!(d(BinOp::Rem, -7, 2), Value::I64(-1));
    assert_eq!(d(BinOp::Rem, 7, -2), Value::I64(1));
    assert_eq!(d(BinOp::Div, 7, -2), Value::I64(-3));
    assert_eq!(
        ok(binop(
            BinOp::Div,
            Ty::Int(IntTy::U8),
            Value::U8(200),
            Value::U8(7)
        )),
        Value::U8(28)
    );
    assert_eq!(
        ok(binop(
            BinOp::Rem,
            Ty::Int(IntTy::U64),
            Value::U64(u64::MAX),
            Value::U64(10)
        )),
        Value::U64(5)
    );
    // MIN % -1 is 0 at every signed width.
    for it in [IntTy::I8, IntTy::I16, IntTy::I32, IntTy::I64] {
        let r = binop(BinOp::Rem, Ty::Int(it), ival(it, it.min()), ival(it, -1));
        assert_eq!(ok(r), ival(it, 0), "{it:?}");
    }
}

#[test]
fn division_faults_name_the_values_and_the_span() {
    let e = binop(BinOp::Div, Ty::I64, Value::I64(5), Value::I64(0)).unwrap_err();
    assert_eq!(e.fault, Fault::DivByZero);
    assert_eq!(e.span, sp(42));
    assert!(e.message.contains("division by zero"), "{}", e.message);
    assert_eq!(e.to_diagnostic().code, "E0601");
    let e = binop(
        BinOp::Rem,
        Ty::Int(IntTy::U16),
        Value::U16(5),
        Value::U16(0),
    )
    .unwrap_err();
    assert_eq!(e.fault, Fault::DivByZero);
    assert!(e.message.contains('%'), "{}", e.message);
    let e = binop(
        BinOp::Div,
        Ty::Int(IntTy::I8),
        Value::I8(-128),
        Value::I8(-1),
    )
    .unwrap_err();
    assert_eq!(e.fault, Fault::DivOverflow);
    assert_eq!(e.span, sp(42));
    assert_eq!(e.message, "`-128 / -1` overflows i8");
    assert_eq!(e.to_diagnostic().code, "E0602");
    let e = binop(BinOp::Div, Ty::I64, Value::I64(i64::MIN), Value::I64(-1)).unwrap_err();
    assert_eq!(e.message, format!("`{} / -1` overflows i64", i64::MIN));
    // Not an overflow: MIN / 1 and -1 / -1.
    let r = binop(
        BinOp::Div,
        Ty::Int(IntTy::I8),
        Value::I8(-128),
        Value::I8(1),
    );
    assert_eq!(ok(r), Value::I8(-128));
    let r = binop(BinOp::Div, Ty::Int(IntTy::I8), Value::I8(-1), Value::I8(-1));
    assert_eq!(ok(r), Value::I8(1));
    // Constant operands fault the same way after folding.
    let e = eval_err(faulting_int());
    assert_eq!((e.fault, e.span), (Fault::DivByZero, sp(900)));
}

#[test]
fn shifts_mask_the_count_and_pick_arithmetic_or_logical() {
    let shl = |ty: Ty, a: Value, b: Value| ok(binop(BinOp::Shl, ty, a, b));
    let shr = |ty: Ty, a: Value, b: Value| ok(binop(BinOp::Shr, ty, a, b));
    assert_eq!(shl(Ty::I64, Value::I64(3), Value::I64(65)), Value::I64(6));
    assert_eq!(
        shl(Ty::I64, Value::I64(1), Value::I64(-1)),
        Value::I64(i64::MIN)
    );
    assert_eq!(
        shr(Ty::Int(IntTy::I8), Value::I8(-16), Value::I8(2)),
        Value::I8(-4)
    );
    assert_eq!(
        shr(Ty::Int(IntTy::U8), Value::U8(240), Value::U8(2)),
        Value::U8(60)
    );
    assert_eq!(
        shl(Ty::Int(IntTy::U8), Value::U8(1), Value::U8(9)),
        Value::U8(2)
    );
    assert_eq!(
        shr(Ty::Int(IntTy::I32), Value::I32(-1), Value::I32(40)),
        Value::I32(-1)
    );
    // A count of another type: u8 x, i64 count; i64 x, u8 count.
    let p = Prog::new()
        .input("x", Ty::Int(IntTy::U8))
        .input("n", Ty::I64);
    let e = bin(BinOp::Shl, local(0, Ty::Int(IntTy::U8)), local(1, Ty::I64));
    let r = run_prog(&p.build(Some(e)), &[Value::U8(1), Value::I64(-1)]);
    assert_eq!(ok(r), Value::U8(128));
    let p = Prog::new()
        .input("x", Ty::I64)
        .input("n", Ty::Int(IntTy::U8));
    let e = bin(BinOp::Shr, local(0, Ty::I64), local(1, Ty::Int(IntTy::U8)));
    let r = run_prog(&p.build(Some(e)), &[Value::I64(-256), Value::U8(68)]);
    assert_eq!(ok(r), Value::I64(-16));
}

#[test]
fn comparisons_respect_signedness_and_nan() {
    let c = |op, ty: Ty, a, b| ok(binop(op, ty, a, b));
    assert_eq!(
        c(BinOp::Lt, Ty::Int(IntTy::I8), Value::I8(-1), Value::I8(1)),
        Value::Bool(true)
    );
    assert_eq!(
        c(BinOp::Lt, Ty::Int(IntTy::U8), Value::U8(255), Value::U8(1)),
        Value::Bool(false)
    );
    let nan = Value::F64(f64::NAN);
    assert_eq!(
        c(BinOp::Ne, Ty::F64, nan.clone(), nan.clone()),
        Value::Bool(true)
    );
    assert_eq!(
        c(BinOp::Eq, Ty::F64, nan.clone(), nan.clone()),
        Value::Bool(false)
    );
    assert_eq!(
        c(BinOp::Le, Ty::F64, nan.clone(), Value::F64(1.0)),
        Value::Bool(false)
    );
    assert_eq!(
        c(BinOp::Ge, Ty::F64, Value::F64(1.0), Value::F64(1.0)),
        Value::Bool(true)
    );
    assert_eq!(
        c(BinOp::Ne, Ty::Bool, Value::Bool(true), Value::Bool(false)),
        Value::Bool(true)
    );
    assert_eq!(
        c(BinOp::Eq, Ty::Bool, Value::Bool(true), Value::Bool(true)),
        Value::Bool(true)
    );
}

// ---- floats and conversions -------------------------------------------------------------

#[test]
fn float_arithmetic_is_ieee() {
    let f = |op, a, b| ok(binop(op, Ty::F64, Value::F64(a), Value::F64(b)));
    assert_eq!(f(BinOp::Rem, 5.5, 2.0), Value::F64(1.5));
    assert_eq!(f(BinOp::Rem, -5.5, 2.0), Value::F64(-1.5));
    assert_eq!(f(BinOp::Div, 1.0, 0.0), Value::F64(f64::INFINITY));
    assert_eq!(f(BinOp::Div, 0.1, 0.2), Value::F64(0.1 / 0.2));
    let r = binop(
        BinOp::Rem,
        Ty::Float(FloatTy::F32),
        Value::F32(7.5),
        Value::F32(2.0),
    );
    assert_eq!(ok(r), Value::F32(1.5));
}

#[test]
fn casts_follow_rust_as() {
    let conv = |from: Ty, to: Ty, v: Value| {
        let p = Prog::new().input("x", from.clone());
        ok(run_prog(&p.build(Some(cast(local(0, from), to))), &[v]))
    };
    let i32t = Ty::Int(IntTy::I32);
    let u8t = Ty::Int(IntTy::U8);
    let f32t = Ty::Float(FloatTy::F32);
    assert_eq!(
        conv(Ty::F64, i32t.clone(), Value::F64(1e10)),
        Value::I32(i32::MAX)
    );
    assert_eq!(
        conv(Ty::F64, i32t.clone(), Value::F64(-1e10)),
        Value::I32(i32::MIN)
    );
    assert_eq!(
        conv(Ty::F64, i32t.clone(), Value::F64(f64::NAN)),
        Value::I32(0)
    );
    assert_eq!(
        conv(Ty::F64, i32t.clone(), Value::F64(-2.9)),
        Value::I32(-2)
    );
    assert_eq!(conv(Ty::F64, u8t.clone(), Value::F64(-1.5)), Value::U8(0));
    assert_eq!(
        conv(Ty::F64, u8t.clone(), Value::F64(300.0)),
        Value::U8(255)
    );
    assert_eq!(
        conv(f32t.clone(), Ty::I64, Value::F32(f32::INFINITY)),
        Value::I64(i64::MAX)
    );
    assert_eq!(conv(Ty::I64, u8t.clone(), Value::I64(300)), Value::U8(44));
    assert_eq!(
        conv(Ty::Int(IntTy::I8), Ty::Int(IntTy::U16), Value::I8(-1)),
        Value::U16(65535)
    );
    assert_eq!(
        conv(u8t.clone(), Ty::Int(IntTy::I8), Value::U8(255)),
        Value::I8(-1)
    );
    assert_eq!(
        conv(u8t.clone(), i32t.clone(), Value::U8(200)),
        Value::I32(200)
    );
    assert_eq!(
        conv(Ty::Int(IntTy::I16), Ty::I64, Value::I16(-300)),
        Value::I64(-300)
    );
    assert_eq!(
        conv(Ty::Bool, i32t.clone(), Value::Bool(true)),
        Value::I32(1)
    );
    assert_eq!(conv(Ty::Bool, Ty::F64, Value::Bool(true)), Value::F64(1.0));
    assert_eq!(
        conv(Ty::Int(IntTy::U64), Ty::F64, Value::U64(u64::MAX)),
        Value::F64(u64::MAX as f64)
    );
    assert_eq!(conv(Ty::I64, Ty::F64, Value::I64(-3)), Value::F64(-3.0));
    assert_eq!(
        conv(Ty::F64, f32t.clone(), Value::F64(0.1)),
        Value::F32(0.1)
    );
    assert_eq!(
        conv(f32t, Ty::F64, Value::F32(0.1)),
        Value::F64(0.1f32 as f64)
    );
}

#[test]
fn math_builtins() {
    let m = |op, args: Vec<Expr>, ty: Ty| eval(builtin(op, args, ty));
    let f = |v| Value::F64(v);
    assert_eq!(
        m(Builtin::Math(MathFn::Sqrt), vec![f64c(2.0)], Ty::F64),
        f(2f64.sqrt())
    );
    // Through an input so nothing is folded at compile time.
    let p = Prog::new().input("x", Ty::F64);
    for (mf, rust) in [
        (MathFn::Tan, libm::tan as fn(f64) -> f64),
        (MathFn::Sin, libm::sin),
        (MathFn::Exp, libm::exp),
        (MathFn::Log10, libm::log10),
        (MathFn::Round, f64::round),
        (MathFn::Floor, f64::floor),
        (MathFn::Trunc, f64::trunc),
    ] {
        let e = builtin(Builtin::Math(mf), vec![local(0, Ty::F64)], Ty::F64);
        let prog = Prog::new().input("x", Ty::F64).build(Some(e));
        for x in [-2.5, 0.75] {
            let got = ok(run_prog(&prog, &[f(x)])).to_string();
            assert_eq!(got, f(rust(x)).to_string(), "{mf:?}({x})");
        }
    }
    let e = builtin(
        Builtin::Math(MathFn::Tan),
        vec![local(0, Ty::Float(FloatTy::F32))],
        Ty::Float(FloatTy::F32),
    );
    let prog = Prog::new()
        .input("x", Ty::Float(FloatTy::F32))
        .build(Some(e));
    assert_eq!(
        ok(run_prog(&prog, &[Value::F32(0.5)])),
        Value::F32(libm::tanf(0.5))
    );
    let e = builtin(Builtin::Pow, vec![local(0, Ty::F64), f64c(0.5)], Ty::F64);
    assert_eq!(ok(run_prog(&p.build(Some(e)), &[f(9.0)])), f(3.0));
    let i8t = Ty::Int(IntTy::I8);
    assert_eq!(
        m(Builtin::Abs, vec![int(IntTy::I8, -128)], i8t.clone()),
        Value::I8(-128)
    );
    assert_eq!(
        m(Builtin::Abs, vec![int(IntTy::I8, -5)], i8t.clone()),
        Value::I8(5)
    );
    assert_eq!(m(Builtin::Abs, vec![f64c(-3.5)], Ty::F64), f(3.5));
    assert_eq!(
        m(Builtin::Abs, vec![int(IntTy::U8, 200)], Ty::Int(IntTy::U8)),
        Value::U8(200)
    );
    assert_eq!(
        m(
            Builtin::Min,
            vec![int(IntTy::I8, -1), int(IntTy::I8, 1)],
            i8t.clone()
        ),
        Value::I8(-1)
    );
    let u8t = Ty::Int(IntTy::U8);
    assert_eq!(
        m(
            Builtin::Min,
            vec![int(IntTy::U8, 255), int(IntTy::U8, 1)],
            u8t
        ),
        Value::U8(1)
    );
    assert_eq!(
        m(
            Builtin::Max,
            vec![int(IntTy::I8, -1), int(IntTy::I8, 1)],
            i8t
        ),
        Value::I8(1)
    );
    let nan = bin(BinOp::Div, f64c(0.0), f64c(0.0));
    assert_eq!(
        m(Builtin::Min, vec![nan.clone(), f64c(1.0)], Ty::F64),
        f(1.0)
    );
    assert_eq!(m(Builtin::Max, vec![f64c(2.0), nan], Ty::F64), f(2.0));
}

// ---- control flow -----------------------------------------------------------------------

#[test]
fn and_or_short_circuit() {
    assert_eq!(eval(and(boolc(false), faulting_bool())), Value::Bool(false));
    assert_eq!(eval(or(boolc(true), faulting_bool())), Value::Bool(true));
    assert_eq!(eval_err(and(boolc(true), faulting_bool())).span, sp(900));
    assert_eq!(eval_err(or(boolc(false), faulting_bool())).span, sp(900));
    // With a runtime condition, and proven by output: the rhs's print never runs.
    let p = Prog::new().input("c", Ty::Bool);
    let e = and(local(0, Ty::Bool), print(boolc(true)));
    let c = compile(&p.build(Some(e)), &Options::default()).unwrap();
    let mut ctx = RunCtx::new();
    ctx.capture_output();
    assert_eq!(
        c.run_in(&mut ctx, &[Value::Bool(false)]).unwrap(),
        Some(Value::Bool(false))
    );
    assert_eq!(ctx.take_output(), "");
    assert_eq!(
        c.run_in(&mut ctx, &[Value::Bool(true)]).unwrap(),
        Some(Value::Bool(true))
    );
    assert_eq!(ctx.take_output(), "true\n");
}

#[test]
fn if_and_switch_evaluate_only_the_chosen_branch() {
    assert_eq!(
        eval(if_(boolc(true), i64c(1), faulting_int())),
        Value::I64(1)
    );
    assert_eq!(
        eval(if_(boolc(false), faulting_int(), i64c(2))),
        Value::I64(2)
    );
    let s = switch(
        vec![
            (boolc(false), faulting_int()),
            (boolc(true), i64c(5)),
            (faulting_bool(), faulting_int()),
        ],
        faulting_int(),
    );
    assert_eq!(eval(s), Value::I64(5));
    let s = switch(vec![(boolc(false), faulting_int())], i64c(9));
    assert_eq!(eval(s), Value::I64(9));
    // Switch over a runtime value, strings as results.
    let p = Prog::new().input("x", Ty::I64);
    let x = || local(0, Ty::I64);
    let s = switch(
        vec![
            (bin(BinOp::Lt, x(), i64c(0)), strc("neg")),
            (bin(BinOp::Eq, x(), i64c(0)), strc("zero")),
        ],
        strc("pos"),
    );
    let c = compile(&p.build(Some(s)), &Options::default()).unwrap();
    for (v, want) in [(-3, "neg"), (0, "zero"), (8, "pos")] {
        assert_eq!(
            c.run(&[Value::I64(v)]).unwrap(),
            Some(Value::Str(want.into()))
        );
    }
}

#[test]
fn when_statements_assign_outer_variables() {
    // x = 0; when n < 0 { x = 1 } elif n == 0 { x = 2 } else { x = 3 }; x
    let n = || local(0, Ty::I64);
    let set = |v| Block {
        stmts: vec![Stmt::Assign {
            var: Var::Local(1),
            value: i64c(v),
        }],
        value: None,
    };
    let p = Prog::new()
        .input("n", Ty::I64)
        .local("x", Ty::I64)
        .stmt(Stmt::Assign {
            var: Var::Local(1),
            value: i64c(0),
        })
        .stmt(Stmt::When {
            arms: vec![
                (bin(BinOp::Lt, n(), i64c(0)), set(1)),
                (bin(BinOp::Eq, n(), i64c(0)), set(2)),
            ],
            else_block: Some(set(3)),
        })
        .build(Some(local(1, Ty::I64)));
    let c = compile(&p, &Options::default()).unwrap();
    for (n, want) in [(-1, 1), (0, 2), (1, 3)] {
        assert_eq!(c.run(&[Value::I64(n)]).unwrap(), Some(Value::I64(want)));
    }
}

#[test]
fn recursion_and_mutual_recursion() {
    // fn fib(n) = if(n < 2, n, fib(n - 1) + fib(n - 2))
    let n = || local(0, Ty::I64);
    let fib = func(
        "fib",
        &[("n", Ty::I64)],
        Ty::I64,
        if_(
            bin(BinOp::Lt, n(), i64c(2)),
            n(),
            bin(
                BinOp::Add,
                call(0, vec![bin(BinOp::Sub, n(), i64c(1))], Ty::I64),
                call(0, vec![bin(BinOp::Sub, n(), i64c(2))], Ty::I64),
            ),
        ),
    );
    let p = Prog::new()
        .func(fib)
        .build(Some(call(0, vec![i64c(20)], Ty::I64)));
    assert_eq!(ok(run_prog(&p, &[])), Value::I64(6765));

    // even(n) = n == 0 or odd(n - 1); odd(n) = n != 0 and even(n - 1)
    let even = func(
        "even",
        &[("n", Ty::I64)],
        Ty::Bool,
        or(
            bin(BinOp::Eq, n(), i64c(0)),
            call(1, vec![bin(BinOp::Sub, n(), i64c(1))], Ty::Bool),
        ),
    );
    let odd = func(
        "odd",
        &[("n", Ty::I64)],
        Ty::Bool,
        and(
            bin(BinOp::Ne, n(), i64c(0)),
            call(0, vec![bin(BinOp::Sub, n(), i64c(1))], Ty::Bool),
        ),
    );
    let p = Prog::new()
        .input("k", Ty::I64)
        .func(even)
        .func(odd)
        .build(Some(call(0, vec![local(0, Ty::I64)], Ty::Bool)));
    let c = compile(&p, &Options::default()).unwrap();
    assert_eq!(c.run(&[Value::I64(10)]).unwrap(), Some(Value::Bool(true)));
    assert_eq!(c.run(&[Value::I64(7)]).unwrap(), Some(Value::Bool(false)));
}

#[test]
fn faults_propagate_out_of_nested_calls() {
    // fn inv(d) = 100 / d;  fn outer(d) = inv(d) + 1;  main: print("before"); outer(x)
    let d = || local(0, Ty::I64);
    let inv = func(
        "inv",
        &[("d", Ty::I64)],
        Ty::I64,
        at(bin(BinOp::Div, i64c(100), d()), sp(77)),
    );
    let outer = func(
        "outer",
        &[("d", Ty::I64)],
        Ty::I64,
        bin(BinOp::Add, call(0, vec![d()], Ty::I64), i64c(1)),
    );
    let p = Prog::new()
        .input("x", Ty::I64)
        .func(inv)
        .func(outer)
        .stmt(Stmt::Expr(print(strc("before"))))
        .build(Some(print(call(1, vec![local(0, Ty::I64)], Ty::I64))));
    assert_eq!(codegen::fallible_functions(&p), vec![true, true]);
    let c = compile(&p, &Options::default()).unwrap();
    let mut ctx = RunCtx::new();
    ctx.capture_output();
    assert_eq!(
        c.run_in(&mut ctx, &[Value::I64(4)]).unwrap(),
        Some(Value::I64(26))
    );
    assert_eq!(ctx.take_output(), "before\n26\n");
    let e = c.run_in(&mut ctx, &[Value::I64(0)]).unwrap_err();
    assert_eq!((e.fault, e.span), (Fault::DivByZero, sp(77)));
    // Output before the fault stays; nothing after it runs.
    assert_eq!(ctx.take_output(), "before\n");
}

#[test]
fn infallible_functions_are_recognised() {
    let d = || local(0, Ty::I64);
    let safe = func(
        "half",
        &[("d", Ty::I64)],
        Ty::I64,
        bin(BinOp::Div, d(), i64c(2)),
    );
    let minus_one = func(
        "neg",
        &[("d", Ty::I64)],
        Ty::I64,
        bin(BinOp::Div, d(), i64c(-1)),
    );
    let p = Prog::new().func(safe).func(minus_one).build(None);
    assert_eq!(codegen::fallible_functions(&p), vec![false, true]);
}

#[test]
fn globals_are_read_by_functions() {
    let g = func(
        "g",
        &[("x", Ty::I64)],
        Ty::I64,
        bin(BinOp::Add, global(0, Ty::I64), local(0, Ty::I64)),
    );
    let flag = func("flag", &[], Ty::Bool, global(1, Ty::Bool));
    let p = Prog::new()
        .global("base", Ty::I64)
        .global("on", Ty::Bool)
        .func(g)
        .func(flag)
        .stmt(Stmt::Assign {
            var: Var::Global(0),
            value: i64c(40),
        })
        .stmt(Stmt::Assign {
            var: Var::Global(1),
            value: boolc(true),
        })
        .build(Some(if_(
            call(1, vec![], Ty::Bool),
            call(0, vec![i64c(2)], Ty::I64),
            i64c(0),
        )));
    assert_eq!(ok(run_prog(&p, &[])), Value::I64(42));
}

#[test]
fn program_without_result_and_no_statements() {
    let p = Prog::new().build(None);
    assert_eq!(run_prog(&p, &[]).unwrap(), None);
}

// ---- strings ----------------------------------------------------------------------------

#[test]
fn string_concat_and_compare() {
    assert_eq!(
        eval(bin(BinOp::Add, strc("ab"), strc("cd"))),
        Value::Str("abcd".into())
    );
    assert_eq!(
        eval(bin(BinOp::Add, strc(""), strc("é"))),
        Value::Str("é".into())
    );
    let t = Value::Bool(true);
    let f = Value::Bool(false);
    assert_eq!(eval(bin(BinOp::Lt, strc("a"), strc("b"))), t);
    assert_eq!(eval(bin(BinOp::Lt, strc("ab"), strc("a"))), f);
    assert_eq!(eval(bin(BinOp::Gt, strc("b"), strc("abc"))), t);
    assert_eq!(eval(bin(BinOp::Eq, strc("abc"), strc("abc"))), t);
    assert_eq!(eval(bin(BinOp::Ne, strc("abc"), strc("abd"))), t);
    assert_eq!(eval(bin(BinOp::Le, strc(""), strc(""))), t);
    // At run time, with inputs.
    let r = binop(
        BinOp::Add,
        Ty::Str,
        Value::Str("x".into()),
        Value::Str("yz".into()),
    );
    assert_eq!(ok(r), Value::Str("xyz".into()));
    let r = binop(
        BinOp::Ge,
        Ty::Str,
        Value::Str("b".into()),
        Value::Str("ba".into()),
    );
    assert_eq!(ok(r), f);
}

#[test]
fn to_string_of_every_scalar() {
    let cases: Vec<(Expr, &str)> = vec![
        (boolc(true), "true"),
        (int(IntTy::I8, -128), "-128"),
        (int(IntTy::I16, -300), "-300"),
        (int(IntTy::I32, 70000), "70000"),
        (i64c(i64::MIN), "-9223372036854775808"),
        (int(IntTy::U8, 255), "255"),
        (int(IntTy::U16, 65535), "65535"),
        (int(IntTy::U32, 4294967295), "4294967295"),
        (int(IntTy::U64, u64::MAX as i128), "18446744073709551615"),
        (f32c(0.1), "0.1"),
        (f64c(2.0), "2.0"),
        (f64c(0.1), "0.1"),
        (f64c(1e300), "1e300"),
        (bin(BinOp::Div, f64c(0.0), f64c(0.0)), "NaN"),
        (bin(BinOp::Div, f64c(1.0), f64c(0.0)), "inf"),
        (bin(BinOp::Div, f64c(-1.0), f64c(0.0)), "-inf"),
        (strc("raw \"text\""), "raw \"text\""),
    ];
    for (e, want) in cases {
        assert_eq!(eval(to_string(e)), Value::Str(want.into()), "{want}");
    }
}

#[test]
fn parse_success_and_failure() {
    let parse = |s: &str, ty: Ty| {
        let e = at(builtin(Builtin::Parse, vec![local(0, Ty::Str)], ty), sp(60));
        let p = Prog::new().input("s", Ty::Str).build(Some(e));
        run_prog(&p, &[Value::Str(s.into())])
    };
    assert_eq!(ok(parse("42", Ty::I64)), Value::I64(42));
    assert_eq!(ok(parse("-128", Ty::Int(IntTy::I8))), Value::I8(-128));
    assert_eq!(ok(parse("255", Ty::Int(IntTy::U8))), Value::U8(255));
    assert_eq!(ok(parse("1e3", Ty::F64)), Value::F64(1000.0));
    assert_eq!(ok(parse("0.1", Ty::Float(FloatTy::F32))), Value::F32(0.1));
    assert_eq!(ok(parse("true", Ty::Bool)), Value::Bool(true));
    let e = parse("abc", Ty::I64).unwrap_err();
    assert_eq!((e.fault, e.span), (Fault::ParseFailed, sp(60)));
    assert!(
        e.message.starts_with("cannot parse \"abc\" as i64"),
        "{}",
        e.message
    );
    assert_eq!(e.to_diagnostic().code, "E0604");
    let e = parse("256", Ty::Int(IntTy::U8)).unwrap_err();
    assert!(e.message.contains("\"256\" as u8"), "{}", e.message);
    assert!(parse(" 1", Ty::I64).is_err());
    assert!(parse("yes", Ty::Bool).is_err());
}

// ---- lists ------------------------------------------------------------------------------

fn ints(v: &[i64]) -> Expr {
    list(Ty::I64, v.iter().map(|&x| i64c(x)).collect())
}

#[test]
fn list_index_is_bounds_checked() {
    let p = Prog::new().input("i", Ty::I64);
    // The fault points at the index, not the whole `xs[i]`.
    let e = at(
        index(ints(&[10, 20, 30]), at(local(0, Ty::I64), sp(34))),
        sp(33),
    );
    let c = compile(&p.build(Some(e)), &Options::default()).unwrap();
    assert_eq!(c.run(&[Value::I64(2)]).unwrap(), Some(Value::I64(30)));
    let e = c.run(&[Value::I64(7)]).unwrap_err();
    assert_eq!((e.fault, e.span), (Fault::IndexOutOfBounds, sp(34)));
    assert_eq!(e.message, "index 7 is out of bounds for a list of length 3");
    assert_eq!(e.to_diagnostic().code, "E0603");
    let e = c.run(&[Value::I64(-1)]).unwrap_err();
    assert_eq!(
        e.message,
        "index -1 is out of bounds for a list of length 3"
    );
    // Bool and string elements.
    let bools = list(Ty::Bool, vec![boolc(false), boolc(true)]);
    assert_eq!(eval(index(bools, i64c(1))), Value::Bool(true));
    let strs = list(Ty::Str, vec![strc("a"), strc("bc")]);
    assert_eq!(eval(index(strs, i64c(1))), Value::Str("bc".into()));
    let e = eval_err(at(index(list(Ty::I64, vec![]), i64c(0)), sp(5)));
    assert_eq!(e.message, "index 0 is out of bounds for a list of length 0");
}

#[test]
fn membership() {
    assert_eq!(eval(in_(i64c(20), ints(&[10, 20, 30]))), Value::Bool(true));
    assert_eq!(eval(in_(i64c(25), ints(&[10, 20, 30]))), Value::Bool(false));
    assert_eq!(
        eval(in_(i64c(1), list(Ty::I64, vec![]))),
        Value::Bool(false)
    );
    let strs = || list(Ty::Str, vec![strc("a"), strc("bc")]);
    assert_eq!(eval(in_(strc("bc"), strs())), Value::Bool(true));
    assert_eq!(eval(in_(strc("b"), strs())), Value::Bool(false));
    let nan = || bin(BinOp::Div, f64c(0.0), f64c(0.0));
    let floats = list(Ty::F64, vec![f64c(1.5), nan()]);
    assert_eq!(eval(in_(nan(), floats.clone())), Value::Bool(false));
    assert_eq!(eval(in_(f64c(1.5), floats)), Value::Bool(true));
    let bools = list(Ty::Bool, vec![boolc(false)]);
    assert_eq!(eval(in_(boolc(true), bools.clone())), Value::Bool(false));
    assert_eq!(eval(in_(boolc(false), bools)), Value::Bool(true));
    // A list given as input.
    let p = Prog::new()
        .input("x", Ty::Int(IntTy::U8))
        .input("xs", Ty::List(Box::new(Ty::Int(IntTy::U8))));
    let e = in_(
        local(0, Ty::Int(IntTy::U8)),
        local(1, Ty::List(Box::new(Ty::Int(IntTy::U8)))),
    );
    let xs = Value::List(Ty::Int(IntTy::U8), vec![Value::U8(3), Value::U8(200)]);
    let r = run_prog(&p.build(Some(e)), &[Value::U8(200), xs]);
    assert_eq!(ok(r), Value::Bool(true));
}

#[test]
fn list_results_and_display() {
    let v = eval(ints(&[1, 2, 3]));
    assert_eq!(
        v,
        Value::List(Ty::I64, vec![Value::I64(1), Value::I64(2), Value::I64(3)])
    );
    assert_eq!(v.to_string(), "[1, 2, 3]");
    let v = eval(list(Ty::Str, vec![strc("a"), strc("b\n")]));
    assert_eq!(v.to_string(), r#"["a", "b\n"]"#);
    let v = eval(list(Ty::Float(FloatTy::F32), vec![f32c(0.1), f32c(2.0)]));
    assert_eq!(v.to_string(), "[0.1, 2.0]");
    assert_eq!(eval(list(Ty::Bool, vec![])).to_string(), "[]");
    let s = eval(to_string(list(Ty::Str, vec![strc("x"), strc("y\"")])));
    assert_eq!(s, Value::Str(r#"["x", "y\""]"#.into()));
    let s = eval(to_string(list(Ty::Bool, vec![boolc(true), boolc(false)])));
    assert_eq!(s, Value::Str("[true, false]".into()));
    // A list input is passed through and copied back out.
    let lt = Ty::List(Box::new(Ty::Str));
    let p = Prog::new()
        .input("xs", lt.clone())
        .build(Some(local(0, lt)));
    let xs = Value::List(
        Ty::Str,
        vec![Value::Str("p".into()), Value::Str("q".into())],
    );
    assert_eq!(ok(run_prog(&p, std::slice::from_ref(&xs))), xs);
}

#[test]
fn print_writes_the_display_format() {
    let p = Prog::new()
        .stmt(Stmt::Expr(print(ints(&[1, 2]))))
        .stmt(Stmt::Expr(print(list(Ty::Str, vec![strc("a")]))))
        .stmt(Stmt::Expr(print(strc("raw"))))
        .stmt(Stmt::Expr(print(int(IntTy::I8, -3))))
        .stmt(Stmt::Expr(print(f32c(0.1))))
        .build(Some(print(f64c(2.0))));
    let c = compile(&p, &Options::default()).unwrap();
    let mut ctx = RunCtx::new();
    ctx.capture_output();
    assert_eq!(c.run_in(&mut ctx, &[]).unwrap(), Some(Value::F64(2.0)));
    assert_eq!(ctx.take_output(), "[1, 2]\n[\"a\"]\nraw\n-3\n0.1\n2.0\n");
}

// ---- inputs, entry points, IR ------------------------------------------------------------

#[test]
fn inputs_are_checked() {
    let p = Prog::new()
        .input("x", Ty::I64)
        .build(Some(local(0, Ty::I64)));
    let c = compile(&p, &Options::default()).unwrap();
    assert_eq!(c.inputs().len(), 1);
    assert_eq!(c.result_type(), Some(&Ty::I64));
    let e = c.run(&[]).unwrap_err();
    assert_eq!(e.fault, Fault::InvalidInput);
    let e = c.run(&[Value::I32(1)]).unwrap_err();
    assert_eq!((e.fault, e.span), (Fault::InvalidInput, sp(500)));
    assert!(e.message.contains("`x`"), "{}", e.message);
    assert_eq!(c.run(&[Value::I64(-9)]).unwrap(), Some(Value::I64(-9)));
}

#[test]
fn main_address_is_callable_directly() {
    // param a: f64; param b: f64; param c: f64; (a*1.8+b)/(c+1.0)-log(a+1.0)
    let v = |i| local(i, Ty::F64);
    let e = bin(
        BinOp::Sub,
        bin(
            BinOp::Div,
            bin(BinOp::Add, bin(BinOp::Mul, v(0), f64c(1.8)), v(1)),
            bin(BinOp::Add, v(2), f64c(1.0)),
        ),
        builtin(
            Builtin::Math(MathFn::Log),
            vec![bin(BinOp::Add, v(0), f64c(1.0))],
            Ty::F64,
        ),
    );
    let p = Prog::new()
        .input("a", Ty::F64)
        .input("b", Ty::F64)
        .input("c", Ty::F64)
        .build(Some(e));
    let c = compile(&p, &Options::at_level(3)).unwrap();
    let mut ctx = c.new_context();
    type Main = unsafe extern "C" fn(*mut RunCtx, f64, f64, f64) -> f64;
    // SAFETY: the program's kiln_main has exactly this signature.
    let f: Main = unsafe { std::mem::transmute::<usize, Main>(c.main_address()) };
    let want = |a: f64, b: f64, cc: f64| (a * 1.8 + b) / (cc + 1.0) - (a + 1.0).ln();
    for (a, b, cc) in [(1.0, 2.0, 3.0), (10.5, -4.0, 0.25)] {
        let got = unsafe { f(&mut *ctx, a, b, cc) };
        assert_eq!(got, want(a, b, cc));
    }
    let r = c
        .run(&[Value::F64(1.0), Value::F64(2.0), Value::F64(3.0)])
        .unwrap();
    assert_eq!(r, Some(Value::F64(want(1.0, 2.0, 3.0))));
}

#[test]
fn and_lowers_to_branches_not_select() {
    // param a: i64; param b: i64; a > 0 and print(b > 0)
    let p = Prog::new().input("a", Ty::I64).input("b", Ty::I64);
    let e = and(
        bin(BinOp::Gt, local(0, Ty::I64), i64c(0)),
        print(bin(BinOp::Gt, local(1, Ty::I64), i64c(0))),
    );
    let prog = p.build(Some(e));
    for level in [0, 2] {
        let ir = emit_ir(&prog, &Options::at_level(level)).unwrap();
        let main = ir
            .split("define ")
            .find(|f| f.contains("@kiln_main("))
            .expect("kiln_main in IR");
        assert!(
            main.contains("br i1"),
            "-O{level}: no conditional branch:\n{main}"
        );
        assert!(main.contains("phi i1"), "-O{level}: no phi:\n{main}");
        assert!(!main.contains("select"), "-O{level}: select:\n{main}");
    }
}

#[test]
fn emitted_ir_is_named_and_optimised() {
    let f = func(
        "twice",
        &[("x", Ty::I64)],
        Ty::I64,
        bin(BinOp::Mul, local(0, Ty::I64), i64c(2)),
    );
    let p = Prog::new().input("x", Ty::I64).func(f).build(Some(call(
        0,
        vec![local(0, Ty::I64)],
        Ty::I64,
    )));
    let ir0 = emit_ir(&p, &Options::at_level(0)).unwrap();
    assert!(
        ir0.contains("define internal i64 @kiln.fn.twice.0(ptr"),
        "{ir0}"
    );
    assert!(ir0.contains("define i64 @kiln_main(ptr"), "{ir0}");
    assert!(ir0.contains("alloca"), "{ir0}");
    let ir2 = emit_ir(&p, &Options::default()).unwrap();
    assert!(!ir2.contains("alloca"), "{ir2}");
    assert!(ir2.contains("@kiln_entry"), "{ir2}");
}

#[test]
fn machine_code_can_be_emitted() {
    let p = Prog::new()
        .input("x", Ty::I64)
        .build(Some(faulting_bool_of(local(0, Ty::I64))));
    let asm = emit_asm(&p, &Options::default()).unwrap();
    assert!(asm.contains("kiln_main"), "{asm}");
    assert!(asm.contains("kiln_rt_fail"), "{asm}");
    let obj = emit_object(&p, &Options::default()).unwrap();
    assert!(obj.starts_with(b"\x7fELF") || obj.len() > 64);
}

/// `100 / x == 1`: may fault at run time.
fn faulting_bool_of(x: Expr) -> Expr {
    bin(BinOp::Eq, bin(BinOp::Div, i64c(100), x), i64c(1))
}

#[test]
fn nested_list_results_cross_the_boundary_up_to_a_type_codes_depth() {
    let inner = Ty::List(Box::new(Ty::I64));
    let e = list(inner.clone(), vec![ints(&[1]), ints(&[])]);
    let want = Value::List(
        inner,
        vec![
            Value::List(Ty::I64, vec![Value::I64(1)]),
            Value::List(Ty::I64, vec![]),
        ],
    );
    assert_eq!(eval(e), want);
    // A type no runtime type code holds (13 levels) is refused before any code runs.
    let mut deep = Ty::I64;
    for _ in 0..12 {
        deep = Ty::List(Box::new(deep));
    }
    let err = compile(&prog(list(deep, vec![])), &Options::default())
        .err()
        .expect("an error");
    assert!(err.0.contains("not supported"), "{err}");
}

#[test]
fn nested_lists_work_inside_a_program() {
    let inner = Ty::List(Box::new(Ty::I64));
    let outer = list(inner, vec![ints(&[1, 2]), ints(&[3, 4, 5])]);
    let e = index(index(outer, i64c(1)), i64c(2));
    assert_eq!(eval(e), Value::I64(5));
}

#[test]
fn compiled_programs_drop_cleanly() {
    for i in 0..50 {
        let p = prog(bin(BinOp::Add, i64c(i), strlen_free(i)));
        let c = compile(&p, &Options::default()).unwrap();
        assert_eq!(c.run(&[]).unwrap(), Some(Value::I64(2 * i)));
    }
}

fn strlen_free(i: i64) -> Expr {
    i64c(i)
}

/// Compile-time measurement (minimum and mean over many runs, so that other load on the
/// machine matters less): `cargo test --release -- --ignored --nocapture compile_time`.
#[test]
#[ignore]
fn compile_time_of_one_plus_two() {
    use std::time::{Duration, Instant};
    let p = prog(bin(BinOp::Add, i64c(1), i64c(2)));
    for engine in [JitEngine::Orc, JitEngine::Mcjit] {
        for level in [0u8, 1, 2, 3] {
            let opts = Options::at_level(level);
            let _ = compile_with(&p, &opts, engine).unwrap();
            let n = 300u32;
            let (mut min, mut total) = (Duration::MAX, Duration::ZERO);
            for _ in 0..n {
                let t = Instant::now();
                let c = compile_with(&p, &opts, engine).unwrap();
                let dt = t.elapsed();
                (min, total) = (min.min(dt), total + dt);
                assert_eq!(c.run(&[]).unwrap(), Some(Value::I64(3)));
            }
            eprintln!(
                "{engine:?} -O{level}: compile min {min:?}, mean {:?}",
                total / n
            );
        }
    }
}

#[test]
fn run_contexts_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<RunCtx>();
}

#[test]
fn compiles_and_runs_on_several_threads_at_once() {
    let handles: Vec<_> = (0..4i64)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..20i64 {
                    let p = Prog::new().input("x", Ty::I64).build(Some(bin(
                        BinOp::Mul,
                        local(0, Ty::I64),
                        i64c(t * 100 + i),
                    )));
                    let c = compile(&p, &Options::default()).unwrap();
                    assert_eq!(
                        c.run(&[Value::I64(3)]).unwrap(),
                        Some(Value::I64(3 * (t * 100 + i)))
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// Resident memory stays flat over many compile/run/drop cycles:
/// `cargo test --release -- --ignored --nocapture memory_is_freed`.
#[test]
#[ignore]
fn memory_is_freed() {
    fn rss_kib() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        statm
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            * 4
    }
    let p = Prog::new().input("s", Ty::Str).build(Some(bin(
        BinOp::Add,
        local(0, Ty::Str),
        to_string(ints(&[1, 2, 3])),
    )));
    for engine in [JitEngine::Orc, JitEngine::Mcjit] {
        let mut samples = Vec::new();
        for round in 0..4 {
            for _ in 0..1000 {
                let c = compile_with(&p, &Options::default(), engine).unwrap();
                let r = c.run(&[Value::Str("x".into())]).unwrap();
                assert_eq!(r, Some(Value::Str("x[1, 2, 3]".into())));
            }
            samples.push(rss_kib());
            eprintln!("{engine:?} round {round}: rss {} KiB", rss_kib());
        }
        assert!(
            samples[3] < samples[1] + 512,
            "{engine:?} grows: {samples:?}"
        );
    }
}

#[test]
fn each_run_starts_with_zeroed_globals() {
    // fn get() = g; main: print(get()); g = x; get()
    let get = func("get", &[], Ty::I64, global(0, Ty::I64));
    let p = Prog::new()
        .input("x", Ty::I64)
        .global("g", Ty::I64)
        .func(get)
        .stmt(Stmt::Expr(print(call(0, vec![], Ty::I64))))
        .stmt(Stmt::Assign {
            var: Var::Global(0),
            value: local(0, Ty::I64),
        })
        .build(Some(call(0, vec![], Ty::I64)));
    let c = compile(&p, &Options::default()).unwrap();
    let mut ctx = RunCtx::new();
    ctx.capture_output();
    assert_eq!(
        c.run_in(&mut ctx, &[Value::I64(7)]).unwrap(),
        Some(Value::I64(7))
    );
    assert_eq!(
        c.run_in(&mut ctx, &[Value::I64(8)]).unwrap(),
        Some(Value::I64(8))
    );
    assert_eq!(ctx.take_output(), "0\n0\n");
}

/// The math extras through inputs (nothing folded), on both engines, f64 and f32.
#[test]
fn math_extras_call_libm_on_both_engines() {
    type F1 = fn(f64) -> f64;
    type G1 = fn(f32) -> f32;
    let one: [(MathFn, F1, G1); 8] = [
        (MathFn::Asin, libm::asin, libm::asinf),
        (MathFn::Acos, libm::acos, libm::acosf),
        (MathFn::Atan, libm::atan, libm::atanf),
        (MathFn::Sinh, libm::sinh, libm::sinhf),
        (MathFn::Cosh, libm::cosh, libm::coshf),
        (MathFn::Tanh, libm::tanh, libm::tanhf),
        (MathFn::Exp2, libm::exp2, libm::exp2f),
        (MathFn::Cbrt, libm::cbrt, libm::cbrtf),
    ];
    let f32t = Ty::Float(FloatTy::F32);
    for (mf, r64, r32) in one {
        let e = builtin(Builtin::Math(mf), vec![local(0, Ty::F64)], Ty::F64);
        let prog = Prog::new().input("x", Ty::F64).build(Some(e));
        let e = builtin(
            Builtin::Math(mf),
            vec![local(0, f32t.clone())],
            f32t.clone(),
        );
        let prog32 = Prog::new().input("x", f32t.clone()).build(Some(e));
        for x in [-0.5, 0.25, 3.0] {
            let got = ok(run_prog(&prog, &[Value::F64(x)])).to_string();
            assert_eq!(got, Value::F64(r64(x)).to_string(), "{mf:?}({x})");
            let got = ok(run_prog(&prog32, &[Value::F32(x as f32)])).to_string();
            assert_eq!(got, Value::F32(r32(x as f32)).to_string(), "{mf:?}({x}f32)");
        }
    }
    type F2 = fn(f64, f64) -> f64;
    type G2 = fn(f32, f32) -> f32;
    let two: [(MathFn, F2, G2); 2] = [
        (MathFn::Hypot, libm::hypot, libm::hypotf),
        (MathFn::Atan2, libm::atan2, libm::atan2f),
    ];
    for (mf, r64, r32) in two {
        let args = vec![local(0, Ty::F64), local(1, Ty::F64)];
        let e = builtin(Builtin::Math(mf), args, Ty::F64);
        let prog = Prog::new()
            .input("x", Ty::F64)
            .input("y", Ty::F64)
            .build(Some(e));
        let args = vec![local(0, f32t.clone()), local(1, f32t.clone())];
        let e = builtin(Builtin::Math(mf), args, f32t.clone());
        let prog32 = Prog::new()
            .input("x", f32t.clone())
            .input("y", f32t.clone())
            .build(Some(e));
        for (x, y) in [(3.0, 4.0), (-1.0, 0.5), (1e300, 1e300)] {
            let got = ok(run_prog(&prog, &[Value::F64(x), Value::F64(y)])).to_string();
            assert_eq!(got, Value::F64(r64(x, y)).to_string(), "{mf:?}({x}, {y})");
            let (a, b) = (x as f32, y as f32);
            let got = ok(run_prog(&prog32, &[Value::F32(a), Value::F32(b)])).to_string();
            assert_eq!(got, Value::F32(r32(a, b)).to_string(), "{mf:?}({a}, {b})");
        }
    }
    for (op, x, want) in [
        (Builtin::IsNan, f64::NAN, true),
        (Builtin::IsNan, f64::INFINITY, false),
        (Builtin::IsInf, f64::NEG_INFINITY, true),
        (Builtin::IsInf, f64::NAN, false),
        (Builtin::IsInf, 1e30, false),
    ] {
        let e = builtin(op, vec![local(0, Ty::F64)], Ty::Bool);
        let prog = Prog::new().input("x", Ty::F64).build(Some(e));
        assert_eq!(
            ok(run_prog(&prog, &[Value::F64(x)])),
            Value::Bool(want),
            "{op:?}({x})"
        );
        let e = builtin(op, vec![local(0, f32t.clone())], Ty::Bool);
        let prog = Prog::new().input("x", f32t.clone()).build(Some(e));
        let got = ok(run_prog(&prog, &[Value::F32(x as f32)]));
        assert_eq!(got, Value::Bool(want), "{op:?}({x}f32)");
    }
}

/// `clamp` through inputs on both engines: unsigned compares, and a NaN `x` kept.
#[test]
fn clamp_compares_by_type() {
    let u8t = Ty::Int(IntTy::U8);
    let args = vec![
        local(0, u8t.clone()),
        int(IntTy::U8, 10),
        int(IntTy::U8, 100),
    ];
    let e = builtin(Builtin::Clamp, args, u8t.clone());
    let prog = Prog::new().input("x", u8t).build(Some(e));
    for (x, want) in [(200u8, 100u8), (5, 10), (50, 50)] {
        assert_eq!(ok(run_prog(&prog, &[Value::U8(x)])), Value::U8(want));
    }
    let args = vec![local(0, Ty::F64), f64c(0.0), f64c(1.0)];
    let e = builtin(Builtin::Clamp, args, Ty::F64);
    let prog = Prog::new().input("x", Ty::F64).build(Some(e));
    assert_eq!(ok(run_prog(&prog, &[Value::F64(-2.0)])), Value::F64(0.0));
    assert_eq!(ok(run_prog(&prog, &[Value::F64(0.25)])), Value::F64(0.25));
    let nan = ok(run_prog(&prog, &[Value::F64(f64::NAN)])).to_string();
    assert_eq!(nan, "NaN");
}
