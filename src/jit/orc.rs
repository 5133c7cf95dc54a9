//! The process-wide ORC LLJIT used as a linker/loader: objects are produced by the
//! per-thread cached target machines (see `with_machine`), added to the LLJIT's main
//! JITDylib under a fresh resource tracker, and their code is freed by removing that
//! tracker. Every runtime and C math symbol is defined explicitly as an absolute symbol;
//! anything else LLVM may call (`memcpy`, compiler-rt helpers) resolves from the process.

use crate::abi;
use crate::runtime;
use inkwell::llvm_sys::error::{LLVMDisposeErrorMessage, LLVMErrorRef, LLVMGetErrorMessage};
use inkwell::llvm_sys::orc2::lljit::{
    LLVMOrcCreateLLJIT, LLVMOrcCreateLLJITBuilder, LLVMOrcLLJITAddObjectFileWithRT,
    LLVMOrcLLJITGetGlobalPrefix, LLVMOrcLLJITGetMainJITDylib, LLVMOrcLLJITLookup,
    LLVMOrcLLJITMangleAndIntern, LLVMOrcLLJITRef,
};
use inkwell::llvm_sys::orc2::{
    LLVMJITEvaluatedSymbol, LLVMJITSymbolFlags, LLVMJITSymbolGenericFlags, LLVMOrcAbsoluteSymbols,
    LLVMOrcCSymbolMapPair, LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess,
    LLVMOrcJITDylibAddGenerator, LLVMOrcJITDylibCreateResourceTracker, LLVMOrcJITDylibDefine,
    LLVMOrcJITDylibRef, LLVMOrcReleaseResourceTracker, LLVMOrcResourceTrackerRef,
    LLVMOrcResourceTrackerRemove,
};
use inkwell::memory_buffer::MemoryBuffer;
use std::collections::BTreeSet;
use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

struct Jit {
    lljit: LLVMOrcLLJITRef,
    main: LLVMOrcJITDylibRef,
}

// SAFETY: LLJIT and its ExecutionSession are thread-safe; the handles are never freed.
unsafe impl Send for Jit {}
unsafe impl Sync for Jit {}

/// Consume an `LLVMErrorRef`: `Ok` for success, else its message.
fn check(err: LLVMErrorRef) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: a non-null error is consumed exactly once by LLVMGetErrorMessage; the
    // message is copied and then disposed.
    unsafe {
        let msg = LLVMGetErrorMessage(err);
        let text = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(msg);
        Err(text)
    }
}

fn jit() -> Result<&'static Jit, String> {
    static JIT: OnceLock<Result<Jit, String>> = OnceLock::new();
    JIT.get_or_init(|| {
        super::target::host()?;
        // SAFETY: plain ORC C API use; the builder is consumed by LLVMOrcCreateLLJIT, the
        // symbol-map entries by LLVMOrcAbsoluteSymbols, the unit by LLVMOrcJITDylibDefine
        // and the generator by LLVMOrcJITDylibAddGenerator.
        unsafe {
            let mut lljit = std::ptr::null_mut();
            check(LLVMOrcCreateLLJIT(&mut lljit, LLVMOrcCreateLLJITBuilder()))?;
            let main = LLVMOrcLLJITGetMainJITDylib(lljit);
            let callable = || LLVMJITSymbolFlags {
                GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8
                    | LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsCallable as u8,
                TargetFlags: 0,
            };
            let mut pairs = Vec::new();
            let runtime_fns = abi::RUNTIME_FUNCTIONS.iter().map(|r| r.0);
            for name in runtime_fns.chain(abi::LIBM_FUNCTIONS.iter().map(|r| r.0)) {
                let address = runtime::runtime_address(name)
                    .or_else(|| runtime::libm_address(name))
                    .ok_or_else(|| format!("no address for `{name}`"))?;
                let cname = CString::new(name).map_err(|e| e.to_string())?;
                pairs.push(LLVMOrcCSymbolMapPair {
                    Name: LLVMOrcLLJITMangleAndIntern(lljit, cname.as_ptr()),
                    Sym: LLVMJITEvaluatedSymbol {
                        Address: address as u64,
                        Flags: callable(),
                    },
                });
            }
            let unit = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
            check(LLVMOrcJITDylibDefine(main, unit))?;
            let mut generator = std::ptr::null_mut();
            check(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
                &mut generator,
                LLVMOrcLLJITGetGlobalPrefix(lljit),
                None,
                std::ptr::null_mut(),
            ))?;
            LLVMOrcJITDylibAddGenerator(main, generator);
            Ok(Jit { lljit, main })
        }
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Whether the ORC JIT can be used in this process.
pub(super) fn available() -> bool {
    jit().is_ok()
}

/// Suffixes of exported symbol names no loaded object uses any more. Reusing them keeps
/// ORC's symbol string pool from growing with every program compiled.
static FREE_SUFFIXES: Mutex<Vec<u64>> = Mutex::new(Vec::new());
static NEXT_SUFFIX: AtomicU64 = AtomicU64::new(0);
/// Named suffixes (of cached objects, `object.rs`) of the objects loaded now.
static NAMED_SUFFIXES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// What makes a program's exported symbol names (`kiln_entry.<suffix>`, ...) unique among
/// the objects loaded in the shared JITDylib. Held by the loaded object's [`Tracker`] and
/// given back when it is unloaded (or when the suffix is dropped unused).
pub(super) enum Suffix {
    /// A number from [`reserve_suffix`]: all digits.
    Number(u64),
    /// A name fixed when a cached object was made (from [`reserve_named`]): starts with a
    /// letter, so it never equals a number.
    Named(String),
}

impl Suffix {
    /// The text appended (after a `.`) to the exported symbol names.
    pub(super) fn text(&self) -> String {
        match self {
            Suffix::Number(n) => n.to_string(),
            Suffix::Named(name) => name.clone(),
        }
    }
}

impl Drop for Suffix {
    fn drop(&mut self) {
        match self {
            Suffix::Number(n) => {
                if let Ok(mut free) = FREE_SUFFIXES.lock() {
                    free.push(*n);
                }
            }
            Suffix::Named(name) => {
                if let Ok(mut named) = NAMED_SUFFIXES.lock() {
                    named.remove(name.as_str());
                }
            }
        }
    }
}

/// A numeric suffix no loaded object uses.
pub(super) fn reserve_suffix() -> Suffix {
    let reused = FREE_SUFFIXES.lock().ok().and_then(|mut free| free.pop());
    Suffix::Number(reused.unwrap_or_else(|| NEXT_SUFFIX.fetch_add(1, Ordering::Relaxed)))
}

/// Whether `name` can be a named suffix: a letter, then letters and digits.
pub(super) fn check_named(name: &str) -> Result<(), String> {
    let well_formed = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric());
    match well_formed {
        true => Ok(()),
        false => Err(format!("`{name}` is not a valid symbol suffix")),
    }
}

/// The named suffix `name` ([`check_named`]), unless an object loaded now uses it: two
/// objects never define the same symbol in the shared JITDylib.
pub(super) fn reserve_named(name: &str) -> Result<Suffix, String> {
    check_named(name)?;
    let mut named = NAMED_SUFFIXES
        .lock()
        .map_err(|_| "the symbol-suffix table is poisoned".to_owned())?;
    if !named.insert(name.to_owned()) {
        return Err(format!(
            "an object with symbol suffix `{name}` is already loaded"
        ));
    }
    Ok(Suffix::Named(name.to_owned()))
}

/// The code and data of one loaded object; dropping it frees them.
pub(super) struct Tracker {
    tracker: LLVMOrcResourceTrackerRef,
    /// The suffixes of the programs in the object (one, or a group's).
    suffixes: Vec<Suffix>,
}

// SAFETY: a tracker is only ever removed and released, once, by `Drop`, on whichever
// thread drops the last program using it; ORC's resource trackers are thread-safe (their
// removal takes the ExecutionSession's lock).
unsafe impl Send for Tracker {}
unsafe impl Sync for Tracker {}

impl Drop for Tracker {
    fn drop(&mut self) {
        // SAFETY: the tracker was created by `load` and is removed and released once.
        let removed = unsafe {
            let removed = check(LLVMOrcResourceTrackerRemove(self.tracker));
            LLVMOrcReleaseResourceTracker(self.tracker);
            removed
        };
        // Removal only fails if the session is broken; then the names stay taken.
        if removed.is_err() {
            std::mem::forget(std::mem::take(&mut self.suffixes));
        }
    }
}

/// Link an object file into the process and look up `symbols` (unmangled names) in it.
/// `suffixes` (those the object's names end with: one per program in it) are released when
/// the returned tracker is dropped.
pub(super) fn load(
    object: MemoryBuffer<'static>,
    suffixes: Vec<Suffix>,
    symbols: &[&str],
) -> Result<(Tracker, Vec<usize>), String> {
    let jit = jit()?;
    // SAFETY: the main JITDylib lives as long as the LLJIT (forever); the object buffer's
    // ownership passes to LLJIT (hence `forget`).
    let tracker = Tracker {
        tracker: unsafe { LLVMOrcJITDylibCreateResourceTracker(jit.main) },
        suffixes,
    };
    let raw = object.as_mut_ptr();
    std::mem::forget(object);
    check(unsafe { LLVMOrcLLJITAddObjectFileWithRT(jit.lljit, tracker.tracker, raw) })?;
    let mut addresses = Vec::with_capacity(symbols.len());
    for name in symbols {
        let cname = CString::new(*name).map_err(|e| e.to_string())?;
        let mut address = 0;
        // SAFETY: looks up (and on first use links) the object added above.
        check(unsafe { LLVMOrcLLJITLookup(jit.lljit, &mut address, cname.as_ptr()) })?;
        addresses.push(address as usize);
    }
    Ok((tracker, addresses))
}
