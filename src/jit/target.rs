//! The host target: its triple, CPU and features (computed once per process) and target
//! machines (one per optimisation level, cached per thread), which give modules their
//! data layout, the optimiser its cost model, and ahead-of-time output its code.

use super::emitter::Emitter;
use inkwell::targets::{CodeModel, InitializationConfig, RelocMode, Target, TargetMachine};
use inkwell::OptimizationLevel;
use std::cell::RefCell;
use std::sync::OnceLock;

/// The host's target description, computed once per process.
pub(super) struct Host {
    pub triple: inkwell::targets::TargetTriple,
    pub cpu: String,
    pub features: String,
}

// SAFETY: `TargetTriple` is an owned C string, only read after creation.
unsafe impl Send for Host {}
unsafe impl Sync for Host {}

pub(super) fn host() -> Result<&'static Host, String> {
    static HOST: OnceLock<Result<Host, String>> = OnceLock::new();
    HOST.get_or_init(|| {
        Target::initialize_native(&InitializationConfig::default())?;
        Ok(Host {
            triple: TargetMachine::get_default_triple(),
            cpu: TargetMachine::get_host_cpu_name().to_string(),
            features: TargetMachine::get_host_cpu_features().to_string(),
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// A cached host target machine and, made on first use, its object-file pipeline.
struct Machine {
    /// Declared first so it is dropped first: it refers to `tm`.
    emitter: Option<Emitter>,
    tm: TargetMachine,
}

thread_local! {
    /// Host target machines, one per optimisation level, built on first use in each
    /// thread: the module's data layout, the optimiser's cost model, and machine code
    /// (position-independent, default code model).
    static MACHINES: RefCell<[Option<Machine>; 4]> = const { RefCell::new([None, None, None, None]) };
}

/// Call `f` with this thread's host target machine for `opt_level` (0..=3).
pub(super) fn with_machine<R>(
    opt_level: u8,
    f: impl FnOnce(&TargetMachine, &Host) -> R,
) -> Result<R, String> {
    with_slot(opt_level, |machine, host| f(&machine.tm, host))
}

/// The object file of `module` (targeted and optimised by `optimise::optimise`), made by
/// this thread's kept machine-code pipeline of `opt_level` (see `emitter.rs`).
pub(super) fn emit_object(
    opt_level: u8,
    module: &inkwell::module::Module<'_>,
) -> Result<inkwell::memory_buffer::MemoryBuffer<'static>, String> {
    with_slot(opt_level, |machine, _| {
        if machine.emitter.is_none() {
            // SAFETY: the emitter sits beside its machine and is dropped first.
            machine.emitter = unsafe { Emitter::new(&machine.tm) };
        }
        match machine.emitter.as_mut() {
            Some(emitter) => Ok(emitter.emit(module)),
            None => Err("the host target machine cannot write object files".to_owned()),
        }
    })?
}

fn with_slot<R>(opt_level: u8, f: impl FnOnce(&mut Machine, &Host) -> R) -> Result<R, String> {
    let host = host()?;
    let level = opt_level.min(3);
    MACHINES.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[level as usize];
        if slot.is_none() {
            let target = Target::from_triple(&host.triple).map_err(|e| e.to_string())?;
            let tm = target
                .create_target_machine(
                    &host.triple,
                    &host.cpu,
                    &host.features,
                    llvm_level(level),
                    RelocMode::PIC,
                    CodeModel::Default,
                )
                .ok_or("cannot create a target machine for the host")?;
            *slot = Some(Machine { emitter: None, tm });
        }
        match slot.as_mut() {
            Some(machine) => Ok(f(machine, host)),
            None => Err("no target machine".to_owned()),
        }
    })
}

pub(super) fn llvm_level(opt_level: u8) -> OptimizationLevel {
    match opt_level {
        0 => OptimizationLevel::None,
        1 => OptimizationLevel::Less,
        2 => OptimizationLevel::Default,
        _ => OptimizationLevel::Aggressive,
    }
}

/// What identifies the machine code this process makes besides the program and its
/// options: the host target triple, CPU name and CPU features, and the LLVM version.
pub fn target_id() -> Result<String, String> {
    let host = host()?;
    let (major, minor, patch) = inkwell::support::get_llvm_version();
    Ok(format!(
        "{}\n{}\n{}\nLLVM {major}.{minor}.{patch}",
        host.triple.as_str().to_string_lossy(),
        host.cpu,
        host.features
    ))
}
