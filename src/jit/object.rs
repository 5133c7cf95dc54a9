//! Programs as relocatable objects: compile once to an [`ObjectCode`], link it into the
//! process later (or in another process) with [`load_object`], without generating or
//! optimising anything. `kiln run`'s compiled-program cache stores these (`cli/cache.rs`);
//! the ORC engine's ordinary compile is the same two steps in a row.
//!
//! **Symbol names.** All loaded objects share ORC's one JITDylib, so a program's exported
//! entry points are renamed `kiln_entry.<suffix>`, `kiln_main.<suffix>`, ... An ordinary
//! compile takes a process-unique number as the suffix. An [`ObjectCode`] carries the
//! suffix its names were given when it was made (the cache derives it from the cache key:
//! a letter, then hex digits), and [`load_object`] reserves exactly that suffix: if an
//! object with the same suffix is loaded in this process at the time, loading fails with
//! an error (nothing is linked), so no two loaded objects ever define the same name, and
//! a named suffix can never equal a numeric one.
//!
//! **What can be an object.** Machine code that is position-independent and refers to
//! the runtime only by symbol name. Programs calling host functions cannot: their code
//! holds the addresses of trampolines and host data of this process. Neither can REPL
//! lines, which link against earlier lines' symbols.

use super::compiled::{Code, Compiled};
use super::optimise::{context_free, machine_level, optimised};
use super::target::emit_object;
use super::{orc, set, JitEngine, Options};
use crate::codegen::{self, EntryFn, Generated, Interface, ENTRY_SYMBOL, MAIN_SYMBOL};
use crate::span::Span;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;

/// A compiled program as a relocatable object plus what is needed to run it. Made by
/// [`compile_object`], linked by [`load_object`] together with the interface of the same
/// program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectCode {
    /// The object file (ELF on Linux), for the host CPU it was compiled on.
    pub object: Vec<u8>,
    /// The span table runtime faults index into.
    pub spans: Vec<Span>,
    /// The suffix of the exported symbol names: `kiln_entry.<suffix>` and so on.
    pub suffix: String,
    /// Whether the object defines the columnar entry (`codegen::COLUMNS_SYMBOL`).
    pub columns: bool,
}

/// Generate (through `build`) and optimise a module, and make it an object whose
/// exported names end with `.<suffix>` (a letter, then ASCII letters and digits). The
/// module must be one that can live in an object (see the module docs).
pub fn compile_object<G>(build: G, options: &Options, suffix: &str) -> Result<ObjectCode, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    orc::check_named(suffix)?;
    let made = make_object(build, options, suffix)?;
    Ok(ObjectCode {
        object: made.object.as_slice().to_vec(),
        spans: made.spans,
        suffix: suffix.to_owned(),
        columns: made.columns,
    })
}

/// Link an object made by [`compile_object`] into this process: no code generation, no
/// optimisation. `interface` is that of the program the object was made from (its result
/// type, inputs, program-set outputs and whether runs need the stack guard).
///
/// Fails (linking nothing) when ORC is not available, when an object with the same
/// suffix is loaded now, when ORC refuses the object, or when it lacks an entry point the
/// program needs.
pub fn load_object(interface: Interface, code: &ObjectCode) -> Result<Compiled, String> {
    if !orc::available() {
        return Err("the ORC JIT is not available in this process".to_owned());
    }
    let suffix = orc::reserve_named(&code.suffix)?;
    let object = MemoryBuffer::create_from_memory_range_copy(&code.object, "kiln-object");
    let made = Made {
        object,
        spans: code.spans.clone(),
        columns: code.columns,
        context_free: false,
        interface,
    };
    link(made, suffix, &[]).map(|(compiled, _)| compiled)
}

/// An optimised module as an object, with what linking it needs.
pub(super) struct Made {
    pub object: MemoryBuffer<'static>,
    pub spans: Vec<Span>,
    /// It defines the columnar entry.
    pub columns: bool,
    /// `kiln_main` never touches its run context ([`context_free`]); `false` when unknown.
    pub context_free: bool,
    pub interface: Interface,
}

/// Generate, optimise and write the object of a module with its exported names ending
/// in `.<suffix>`.
pub(super) fn make_object<G>(build: G, options: &Options, suffix: &str) -> Result<Made, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    optimised(build, options, |generated| {
        let module = &generated.module;
        let columns = module.get_function(codegen::COLUMNS_SYMBOL).is_some();
        let context_free = context_free(module);
        rename_entries(module, &generated.interface, suffix);
        let level = machine_level(module, options);
        let object = emit_object(level, module)?;
        Ok(Made {
            object,
            spans: generated.spans,
            columns,
            context_free,
            interface: generated.interface,
        })
    })
}

/// Give the exported entry points of a program's module the names
/// `<symbol>.<suffix>`.
pub(super) fn rename_entries(
    module: &inkwell::module::Module<'_>,
    interface: &Interface,
    suffix: &str,
) {
    for &symbol in [MAIN_SYMBOL, ENTRY_SYMBOL, codegen::COLUMNS_SYMBOL]
        .iter()
        .chain(interface.set_symbols())
    {
        if let Some(f) = module.get_function(symbol) {
            f.as_global_value().set_name(&format!("{symbol}.{suffix}"));
        }
    }
}

/// Link an object (made by [`make_object`] with `suffix`) into the process-wide JITDylib
/// and look up its entry points and then `symbols` (their addresses are returned).
pub(super) fn link(
    made: Made,
    suffix: orc::Suffix,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), String> {
    let mut names = entry_names(&made.interface, made.columns, &suffix.text());
    let fixed = names.len();
    names.extend(symbols.iter().cloned());
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let (tracker, mut addresses) = orc::load(made.object, vec![suffix], &wanted)?;
    let extra = addresses.split_off(fixed);
    let parts = Parts {
        spans: made.spans,
        columns: made.columns,
        context_free: made.context_free,
        interface: made.interface,
    };
    let code = Code::Orc {
        _tracker: std::sync::Arc::new(tracker),
    };
    Ok((assemble(parts, &addresses, code), extra))
}

/// What a program's [`Compiled`] holds besides its addresses and code.
pub(super) struct Parts {
    pub spans: Vec<Span>,
    pub columns: bool,
    pub context_free: bool,
    pub interface: Interface,
}

/// The exported names of a program's entry points, in the order [`assemble`] takes their
/// addresses: the entry, main, a set's entries, then the columnar entry if there is one.
pub(super) fn entry_names(interface: &Interface, columns: bool, suffix: &str) -> Vec<String> {
    let mut names = vec![
        format!("{ENTRY_SYMBOL}.{suffix}"),
        format!("{MAIN_SYMBOL}.{suffix}"),
    ];
    names.extend(
        interface
            .set_symbols()
            .iter()
            .map(|s| format!("{s}.{suffix}")),
    );
    if columns {
        names.push(format!("{}.{suffix}", codegen::COLUMNS_SYMBOL));
    }
    names
}

/// A loaded program from the addresses of its [`entry_names`] and what keeps its code.
pub(super) fn assemble(parts: Parts, addresses: &[usize], code: Code) -> Compiled {
    let set_len = parts.interface.set_symbols().len();
    // SAFETY: `kiln_entry` was generated with exactly this signature.
    let entry = unsafe { std::mem::transmute::<usize, EntryFn>(addresses[0]) };
    // SAFETY: `kiln_columns` was generated with exactly this signature.
    let columns = parts.columns.then(|| unsafe {
        std::mem::transmute::<usize, codegen::ColumnsFn>(addresses[2 + set_len])
    });
    Compiled {
        entry,
        main: addresses[1],
        columns,
        spans: parts.spans,
        set: set::code(&parts.interface, &addresses[2..2 + set_len]),
        interface: parts.interface,
        engine: JitEngine::Orc,
        context_free: parts.context_free,
        _code: code,
    }
}
