//! Host functions: Rust functions (or inline IR emitters) a host registers by name and
//! signature, callable from programs like user functions.
//!
//! The registry turns each function into a [`HostImpl`] (how generated code calls it) and
//! a [`hir::HostSig`] (what the checker resolves calls against); a compiled program keeps
//! the functions it calls in a [`Used`], which checks each run's host value and turns a
//! pure function's failure into the run's error.

mod sig;
mod tramp;

pub use crate::codegen::InlineCx;
pub use sig::{HostArg, HostFn, HostFnWith, HostOut, HostRet};

use crate::abi::Fault;
use crate::codegen::{HostImpl, InlineCall, NativeCall};
use crate::runtime::RunCtx;
use crate::span::Span;
use crate::types::hir;
use crate::types::ty::Ty;
use crate::value::{RuntimeError, Value};
use inkwell::values::BasicValueEnum;
use std::any::TypeId;
use std::marker::PhantomData;
use std::sync::Arc;

/// Whether the optimiser may treat calls of a host function as values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purity {
    /// Same arguments, same result, no effects: calls may be merged, hoisted or dropped.
    Pure,
    /// Has effects (or depends on state): every call the program makes happens, in order.
    SideEffect,
}

/// The host functions of an [`crate::Engine`], in registration order.
///
/// Functions are called from programs by name, like user functions. A name may have
/// several overloads (different parameter types); a call picks one by the language's
/// overload rules, among user, built-in and host functions alike. Registering a name
/// with the same parameter types again replaces the earlier function (for programs
/// compiled from then on).
///
/// ```
/// use kiln::engine::{Engine, Purity};
/// use kiln::Value;
///
/// let mut engine = Engine::new();
/// engine
///     .host()
///     .register("twice", Purity::Pure, |x: i64| x * 2)
///     .register("twice", Purity::Pure, |x: f64| x * 2.0);
/// // `twice(3)` picks the i64 overload, `twice(x)` the f64 one.
/// let program = engine.compile("param x: f64; f64(twice(3)) + twice(x)").unwrap();
/// assert_eq!(program.run(&[Value::F64(0.5)]).unwrap(), Some(Value::F64(7.0)));
/// ```
#[derive(Default)]
pub struct HostRegistry {
    entries: Vec<Entry>,
}

struct Entry {
    sig: hir::HostSig,
    imp: HostImpl,
    /// The type of host value the function receives (`None`: none).
    host: Option<HostTy>,
}

/// A host value's type, as a run checks it.
#[derive(Clone, Copy, Debug)]
struct HostTy {
    id: TypeId,
    name: &'static str,
}

impl HostTy {
    fn of<T: 'static>() -> HostTy {
        HostTy {
            id: TypeId::of::<T>(),
            name: std::any::type_name::<T>(),
        }
    }
}

/// A plain host function behind the trampoline.
struct Plain<F, A>(F, PhantomData<fn(A)>);

impl<F: HostFn<A>, A: 'static> tramp::Invoke for Plain<F, A> {
    unsafe fn invoke(
        &self,
        _host: *const (),
        args: &[u64],
        ctx: Option<&mut RunCtx>,
    ) -> Result<[u64; 2], String> {
        self.0.call_words(args, ctx)
    }
}

/// A host function that receives the run's `&T`.
struct WithHost<T, F, A>(F, PhantomData<fn(&T, A)>);

impl<T: 'static, F: HostFnWith<T, A>, A: 'static> tramp::Invoke for WithHost<T, F, A> {
    unsafe fn invoke(
        &self,
        host: *const (),
        args: &[u64],
        ctx: Option<&mut RunCtx>,
    ) -> Result<[u64; 2], String> {
        // SAFETY: a run of a program calling this function has a host value of type `T`
        // (`Used::check`), alive for the run.
        match (host as *const T).as_ref() {
            Some(host) => self.0.call_words(host, args, ctx),
            None => Err("the run has no host value".to_owned()),
        }
    }
}

impl HostRegistry {
    /// Register a Rust function (closure or `fn`) under `name`. Its Kiln signature comes
    /// from its Rust type: up to 6 parameters of [`HostArg`] types (`bool`, `i8`…`u64`,
    /// `f32`, `f64`, and `String` for a Kiln `string`, copied for the call), returning
    /// a [`HostOut`] type (the same), or `Result<T, E: Display>` of one to report a
    /// failure (the run's error, E0610). A panic is reported the same way and never
    /// crosses into generated code.
    ///
    /// [`Purity::Pure`] lets the optimiser merge, hoist or drop calls; a failure is
    /// reported when the run ends, pointing at the function's first call in the
    /// program. [`Purity::SideEffect`] calls happen exactly as the program makes them;
    /// a failure stops the run at once, pointing at the failing call.
    ///
    /// ```
    /// use kiln::engine::{Engine, Purity};
    /// use kiln::Value;
    ///
    /// let mut engine = Engine::new();
    /// engine.host().register("checked_sqrt", Purity::Pure, |x: f64| {
    ///     if x < 0.0 { Err(format!("{x} is negative")) } else { Ok(x.sqrt()) }
    /// });
    /// let program = engine.compile("param x: f64; checked_sqrt(x)").unwrap();
    /// assert_eq!(program.run(&[Value::F64(9.0)]).unwrap(), Some(Value::F64(3.0)));
    /// let error = program.run(&[Value::F64(-1.0)]).unwrap_err();
    /// assert_eq!(error.code(), "E0610");
    /// assert!(error.message.contains("-1 is negative"));
    /// ```
    pub fn register<Args: 'static, F: HostFn<Args>>(
        &mut self,
        name: &str,
        purity: Purity,
        f: F,
    ) -> &mut Self {
        self.add_native(
            name,
            purity,
            F::params(),
            F::ret(),
            None,
            Plain(f, PhantomData),
        )
    }

    /// Register a function that receives the run's host value first: `Fn(&T, A1, …)`.
    /// The value is what [`crate::Program::run_with`] was given; it does not appear in
    /// the program's text. A run of a program that calls such a function without a host
    /// value, or with one of another type, is an error (E0605) before any code runs.
    ///
    /// ```
    /// use kiln::engine::{Engine, Purity};
    /// use kiln::Value;
    ///
    /// struct Order { price: f64, quantity: i64 }
    ///
    /// let mut engine = Engine::new();
    /// engine
    ///     .host()
    ///     .register_with_host("price", Purity::Pure, |o: &Order| o.price)
    ///     .register_with_host("quantity", Purity::Pure, |o: &Order| o.quantity);
    /// let program = engine.compile("price() * f64(quantity())").unwrap();
    /// let order = Order { price: 2.5, quantity: 4 };
    /// assert_eq!(program.run_with(&order, &[]).unwrap(), Some(Value::F64(10.0)));
    /// assert_eq!(program.run(&[]).unwrap_err().code(), "E0605");
    /// ```
    pub fn register_with_host<T: 'static, Args: 'static, F: HostFnWith<T, Args>>(
        &mut self,
        name: &str,
        purity: Purity,
        f: F,
    ) -> &mut Self {
        let host = Some(HostTy::of::<T>());
        let f = WithHost::<T, F, Args>(f, PhantomData);
        self.add_native(name, purity, F::params(), F::ret(), host, f)
    }

    /// Register a function whose body the host emits as LLVM IR where each call stands
    /// (so a hot accessor inlines into the expression). `emit` gets the arguments in
    /// register form (bool `i1`, integers `iN`, floats, strings `{ptr, i64}`) and returns
    /// the result in the form of `ret`; an `Err` (or a panic) is an internal compile
    /// error (E0999) naming the function. The emitted IR is what the function does, so it
    /// takes no [`Purity`]: the optimiser sees the IR itself. The function cannot read the host value
    /// ([`InlineCx::host`]); see [`HostRegistry::register_inline_with_host`].
    ///
    /// ```
    /// use kiln::engine::Engine;
    /// use kiln::types::ty::Ty;
    /// use kiln::Value;
    ///
    /// let mut engine = Engine::new();
    /// engine.host().register_inline("half", &[Ty::F64], Ty::F64, |cx, args| {
    ///     let two = cx.context().f64_type().const_float(2.0);
    ///     let x = args[0].into_float_value();
    ///     let half = cx.builder().build_float_div(x, two, "half").map_err(|e| e.to_string())?;
    ///     Ok(half.into())
    /// });
    /// let program = engine.compile("param x: f64; half(x)").unwrap();
    /// assert_eq!(program.run(&[Value::F64(5.0)]).unwrap(), Some(Value::F64(2.5)));
    /// ```
    pub fn register_inline<E>(&mut self, name: &str, params: &[Ty], ret: Ty, emit: E) -> &mut Self
    where
        E: for<'c> Fn(
                &InlineCx<'_, 'c>,
                &[BasicValueEnum<'c>],
            ) -> Result<BasicValueEnum<'c>, String>
            + Send
            + Sync
            + 'static,
    {
        self.add_inline(name, params, ret, None, Arc::new(emit))
    }

    /// Like [`HostRegistry::register_inline`], for a function that reads the run's host
    /// value, a `&T`, through [`InlineCx::host`] (a pointer to the `T`). Runs are checked
    /// as for [`HostRegistry::register_with_host`], so the pointer is never null or of
    /// another type.
    ///
    /// ```
    /// use kiln::engine::Engine;
    /// use kiln::types::ty::Ty;
    /// use kiln::Value;
    ///
    /// #[repr(C)]
    /// struct Point { x: f64, y: f64 }
    ///
    /// let mut engine = Engine::new();
    /// engine.host().register_inline_with_host::<Point, _>("y", &[], Ty::F64, |cx, _| {
    ///     let f64t = cx.context().f64_type();
    ///     let offset = cx.context().i64_type().const_int(std::mem::offset_of!(Point, y) as u64, false);
    ///     let b = cx.builder();
    ///     let e = |e: inkwell::builder::BuilderError| e.to_string();
    ///     // SAFETY (IR): the host value is a `Point`.
    ///     let field = unsafe { b.build_gep(cx.context().i8_type(), cx.host()?, &[offset], "y.ptr") }.map_err(e)?;
    ///     b.build_load(f64t, field, "y").map_err(e)
    /// });
    /// let program = engine.compile("y() * 2").unwrap();
    /// let p = Point { x: 1.0, y: 4.0 };
    /// assert_eq!(program.run_with(&p, &[]).unwrap(), Some(Value::F64(8.0)));
    /// ```
    pub fn register_inline_with_host<T: 'static, E>(
        &mut self,
        name: &str,
        params: &[Ty],
        ret: Ty,
        emit: E,
    ) -> &mut Self
    where
        E: for<'c> Fn(
                &InlineCx<'_, 'c>,
                &[BasicValueEnum<'c>],
            ) -> Result<BasicValueEnum<'c>, String>
            + Send
            + Sync
            + 'static,
    {
        let host = Some(HostTy::of::<T>());
        self.add_inline(name, params, ret, host, Arc::new(emit))
    }

    /// The names of the registered functions, in registration order (an overloaded
    /// name once per overload).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.sig.name.as_str())
    }

    fn add_native<H: tramp::Invoke>(
        &mut self,
        name: &str,
        purity: Purity,
        params: Vec<Ty>,
        ret: Ty,
        host: Option<HostTy>,
        f: H,
    ) -> &mut Self {
        let pure = purity == Purity::Pure;
        let slot = Arc::new(tramp::Slot {
            name: name.to_owned(),
            pure,
            f,
        });
        // At most 6 parameters of at most 2 words: the `HostFn` impls stop there.
        let words = params
            .iter()
            .map(|p| if *p == Ty::Str { 2 } else { 1 })
            .sum();
        let tramp = tramp::trampoline::<H>(words).unwrap_or(0);
        // A string result is copied into the run's memory.
        let needs_ctx = !pure || ret == Ty::Str;
        let imp = HostImpl::Native(Arc::new(NativeCall {
            name: name.to_owned(),
            tramp,
            data: Arc::as_ptr(&slot) as usize,
            pure,
            needs_ctx,
            takes_host: host.is_some(),
            keep: slot,
        }));
        self.insert(name, params, ret, imp, host)
    }

    fn add_inline(
        &mut self,
        name: &str,
        params: &[Ty],
        ret: Ty,
        host: Option<HostTy>,
        emit: Arc<crate::codegen::InlineEmit>,
    ) -> &mut Self {
        let imp = HostImpl::Inline(Arc::new(InlineCall {
            name: name.to_owned(),
            emit,
            takes_host: host.is_some(),
        }));
        self.insert(name, params.to_vec(), ret, imp, host)
    }

    /// Add a function, replacing one with the same name and parameter types.
    fn insert(
        &mut self,
        name: &str,
        params: Vec<Ty>,
        ret: Ty,
        imp: HostImpl,
        host: Option<HostTy>,
    ) -> &mut Self {
        let entry = Entry {
            sig: hir::HostSig {
                name: name.to_owned(),
                params,
                ret,
            },
            imp,
            host,
        };
        let same = |e: &&mut Entry| e.sig.name == name && e.sig.params == entry.sig.params;
        match self.entries.iter_mut().find(same) {
            Some(old) => *old = entry,
            None => self.entries.push(entry),
        }
        self
    }

    /// The signatures the checker resolves calls against (index = registration order).
    pub(crate) fn signatures(&self) -> Vec<hir::HostSig> {
        self.entries.iter().map(|e| e.sig.clone()).collect()
    }

    /// How each function is called (same order as [`HostRegistry::signatures`]).
    pub(crate) fn impls(&self) -> Arc<[HostImpl]> {
        self.entries.iter().map(|e| e.imp.clone()).collect()
    }

    /// What a compiled program keeps of the registry: the functions it calls.
    pub(crate) fn used_by(&self, program: &hir::Program) -> Used {
        let mut fns: Vec<UsedFn> = Vec::new();
        for (func, span) in crate::codegen::host_calls(program) {
            let Some(entry) = self.entries.get(func) else {
                continue;
            };
            match fns.iter_mut().find(|u| u.func == func) {
                Some(u) if span.lo < u.first_call.lo => u.first_call = span,
                Some(_) => {}
                None => fns.push(UsedFn {
                    func,
                    imp: entry.imp.clone(),
                    host: entry.host,
                    first_call: span,
                }),
            }
        }
        let pure_native = fns
            .iter()
            .any(|u| matches!(&u.imp, HostImpl::Native(n) if n.pure));
        Used { fns, pure_native }
    }
}

/// The host value of one run: a type-erased `&T`.
#[derive(Clone, Copy)]
pub(crate) struct HostValue {
    pub ptr: *const (),
    pub type_id: TypeId,
    pub type_name: &'static str,
}

impl HostValue {
    pub fn of<T: 'static>(value: &T) -> HostValue {
        HostValue {
            ptr: value as *const T as *const (),
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
        }
    }
}

/// The host functions a program uses: kept alive with it; checks a run's host value and
/// turns host failures into the run's error.
///
/// Every run of the program calls [`Used::check`] first and, when that succeeds,
/// [`Used::finish`] with the run's result on the same thread.
#[derive(Default)]
pub(crate) struct Used {
    fns: Vec<UsedFn>,
    /// Some function is native and pure: its failures are kept per thread during a run.
    pure_native: bool,
}

struct UsedFn {
    /// Index into the registry (and `hir::ExprKind::CallHost::func`).
    func: usize,
    /// Keeps the function alive as long as the program.
    imp: HostImpl,
    host: Option<HostTy>,
    /// The call with the smallest span: where a pure function's failure points.
    first_call: Span,
}

impl Used {
    /// The host pointer to put in the run context, or an error when the program's host
    /// functions need a host value of another type (or one and none was given).
    #[inline]
    pub fn check(&self, host: Option<HostValue>) -> Result<*const (), RuntimeError> {
        if self.fns.is_empty() {
            // No host function: nothing to check, nothing to begin (the common case).
            return Ok(host.map_or(std::ptr::null(), |h| h.ptr));
        }
        self.check_functions(host)
    }

    #[inline(never)]
    fn check_functions(&self, host: Option<HostValue>) -> Result<*const (), RuntimeError> {
        for u in &self.fns {
            let Some(want) = u.host else { continue };
            let name = u.imp.name();
            let message = match host {
                Some(h) if h.type_id == want.id => continue,
                Some(h) => format!(
                    "host function `{name}` takes a host value of type `{}`, but the run was given a `{}`",
                    want.name, h.type_name
                ),
                None => format!(
                    "host function `{name}` takes a host value of type `{}`, but the run was given none (use `run_with`)",
                    want.name
                ),
            };
            return Err(RuntimeError {
                fault: Fault::InvalidInput,
                span: u.first_call,
                message,
            });
        }
        if self.pure_native {
            tramp::begin();
        }
        Ok(host.map_or(std::ptr::null(), |h| h.ptr))
    }

    /// Start another run after the one [`Used::check`] started has been finished (a
    /// columnar run's next chunk): every run between `begin`/`check` and
    /// `finish`/`finish_with` collects the failures of pure functions.
    #[inline]
    pub fn begin(&self) {
        if self.pure_native {
            tramp::begin();
        }
    }

    /// The result of a run, with a failure a pure host function reported during it
    /// (which comes first: what the run did after it is void).
    pub fn finish(
        &self,
        _ctx: &mut RunCtx,
        result: Result<Option<Value>, RuntimeError>,
    ) -> Result<Option<Value>, RuntimeError> {
        self.finish_with(result)
    }

    /// [`Used::finish`] for a result of any type (typed handles, columns, sets). Every run
    /// that passed [`Used::check`] must end here, on the same thread.
    #[inline]
    pub fn finish_with<T>(&self, result: Result<T, RuntimeError>) -> Result<T, RuntimeError> {
        match self.end() {
            Some(failure) => Err(failure),
            None => result,
        }
    }

    /// Whether every host function the program calls is free of side effects: native
    /// ones registered [`Purity::Pure`], and inline ones (their IR is what they do).
    pub fn all_pure(&self) -> bool {
        self.fns.iter().all(|u| match &u.imp {
            HostImpl::Native(n) => n.pure,
            HostImpl::Inline(_) => true,
        })
    }

    /// The program calls no host function.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.fns.is_empty()
    }

    /// Whether runs collect the failures of pure host functions (and so must end with
    /// [`Used::end`] or [`Used::finish`]).
    #[inline]
    pub fn collects_failures(&self) -> bool {
        self.pure_native
    }

    /// End the run [`Used::check`] (or [`Used::begin`]) started: the failure a pure
    /// host function reported during it, if any (it comes first: what the run did after
    /// it is void).
    #[inline]
    pub fn end(&self) -> Option<RuntimeError> {
        if !self.pure_native {
            return None;
        }
        let (data, message) = tramp::end()?;
        let span = self
            .fns
            .iter()
            .find(|u| matches!(&u.imp, HostImpl::Native(n) if n.data == data))
            .map_or(Span::default(), |u| u.first_call);
        Some(RuntimeError {
            fault: Fault::HostError,
            span,
            message,
        })
    }
}

#[cfg(test)]
mod tests;
