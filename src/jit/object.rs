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

use super::{
    build, machine_level, needs_stack_guard, orc, set, with_machine, Code, Compiled, JitEngine,
    Options,
};
use crate::codegen::{self, EntryFn, ENTRY_SYMBOL, MAIN_SYMBOL};
use crate::span::Span;
use crate::types::hir;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::targets::FileType;

/// A compiled program as a relocatable object plus what is needed to run it. Made by
/// [`compile_object`], linked by [`load_object`] together with the same program's HIR.
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

/// Compile `program` to an object whose exported names end with `.<suffix>` (a letter,
/// then ASCII letters and digits). Fails for programs that cannot live in an object (see
/// the module docs), and if code generation fails.
///
/// ```
/// use kiln::jit::{compile_object, load_object, Options};
/// use kiln::Value;
///
/// let checked = kiln::check_source("param n: i64;\nn * n").expect("a valid program");
/// let code = compile_object(&checked.program, &Options::default(), "kdemo").unwrap();
/// // `code.object` can be stored and linked later, in this or another process, with
/// // the HIR of the same source.
/// let program = load_object(&checked.program, &code).unwrap();
/// assert_eq!(program.run(&[Value::I64(7)]).unwrap(), Some(Value::I64(49)));
/// ```
pub fn compile_object(
    program: &hir::Program,
    options: &Options,
    suffix: &str,
) -> Result<ObjectCode, String> {
    if !options.host.is_empty() {
        return Err("a program calling host functions cannot be kept as an object".to_owned());
    }
    let link = &program.link;
    if !(link.imported_globals.is_empty()
        && link.exported_globals.is_empty()
        && link.exported_fns.is_empty()
        && link.extern_fns.is_empty())
    {
        return Err("a program linked with other modules cannot be kept as an object".to_owned());
    }
    orc::check_named(suffix)?;
    let (object, spans, columns, _) = make_object(program, options, suffix)?;
    Ok(ObjectCode {
        object: object.as_slice().to_vec(),
        spans,
        suffix: suffix.to_owned(),
        columns,
    })
}

/// Link an object made by [`compile_object`] from the same `program` into this process:
/// no code generation, no optimisation. The program's HIR gives the result type, inputs,
/// program-set outputs and whether runs need the stack guard.
///
/// Fails (linking nothing) when ORC is not available, when an object with the same
/// suffix is loaded now, when ORC refuses the object, or when it lacks an entry point the
/// program needs.
pub fn load_object(program: &hir::Program, code: &ObjectCode) -> Result<Compiled, String> {
    if !orc::available() {
        return Err("the ORC JIT is not available in this process".to_owned());
    }
    let suffix = orc::reserve_named(&code.suffix)?;
    let object = MemoryBuffer::create_from_memory_range_copy(&code.object, "kiln-object");
    link(
        program,
        object,
        code.spans.clone(),
        code.columns,
        suffix,
        &[],
    )
    .map(|(compiled, _)| compiled)
}

/// What identifies the machine code this process makes besides the program and
/// [`Options`]: the host target triple, CPU name and CPU features, and the LLVM version.
pub fn target_id() -> Result<String, String> {
    let host = super::host()?;
    let (major, minor, patch) = inkwell::support::get_llvm_version();
    Ok(format!(
        "{}\n{}\n{}\nLLVM {major}.{minor}.{patch}",
        host.triple.as_str().to_string_lossy(),
        host.cpu,
        host.features
    ))
}

/// Generate, optimise and write the object of `program` with its exported names ending
/// in `.<suffix>`; also its span table, whether it has the columnar entry, and whether
/// `kiln_main` never touches its run context ([`super::context_free`]).
pub(super) fn make_object(
    program: &hir::Program,
    options: &Options,
    suffix: &str,
) -> Result<(MemoryBuffer<'static>, Vec<Span>, bool, bool), String> {
    let context = Context::create();
    let generated = build(&context, program, options)?;
    let module = &generated.module;
    let columns = module.get_function(codegen::COLUMNS_SYMBOL).is_some();
    let context_free = super::context_free(module);
    for &symbol in [MAIN_SYMBOL, ENTRY_SYMBOL, codegen::COLUMNS_SYMBOL]
        .iter()
        .chain(set::symbols(program))
    {
        if let Some(f) = module.get_function(symbol) {
            f.as_global_value().set_name(&format!("{symbol}.{suffix}"));
        }
    }
    let level = machine_level(module, options);
    let object = with_machine(level, |tm, _| {
        tm.write_to_memory_buffer(module, FileType::Object)
            .map_err(|e| e.to_string())
    })??;
    Ok((object, generated.spans, columns, context_free))
}

/// Link `object` (made by [`make_object`] with `suffix`) into the process-wide JITDylib
/// and look up its entry points and then `symbols` (their addresses are returned).
pub(super) fn link(
    program: &hir::Program,
    object: MemoryBuffer<'static>,
    spans: Vec<Span>,
    columns: bool,
    suffix: orc::Suffix,
    symbols: &[String],
) -> Result<(Compiled, Vec<usize>), String> {
    let n = suffix.text();
    // Addresses wanted, in order: the entry, main, a set's entries, the columns entry,
    // then the caller's symbols.
    let mut names = vec![format!("{ENTRY_SYMBOL}.{n}"), format!("{MAIN_SYMBOL}.{n}")];
    names.extend(set::symbols(program).iter().map(|s| format!("{s}.{n}")));
    let set_len = names.len() - 2;
    if columns {
        names.push(format!("{}.{n}", codegen::COLUMNS_SYMBOL));
    }
    let fixed = names.len();
    let mut wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    wanted.extend(symbols.iter().map(String::as_str));
    let (tracker, mut addresses) = orc::load(object, suffix, &wanted)?;
    let extra = addresses.split_off(fixed);
    // SAFETY: `kiln_entry` was generated with exactly this signature.
    let entry = unsafe { std::mem::transmute::<usize, EntryFn>(addresses[0]) };
    // SAFETY: `kiln_columns` was generated with exactly this signature.
    let columns = columns.then(|| unsafe {
        std::mem::transmute::<usize, codegen::ColumnsFn>(addresses[2 + set_len])
    });
    let compiled = Compiled {
        entry,
        main: addresses[1],
        columns,
        spans,
        result: program.main.ret.clone(),
        inputs: program.inputs.clone(),
        engine: JitEngine::Orc,
        stack_guard: needs_stack_guard(program),
        context_free: false,
        set: set::code(program, &addresses[2..2 + set_len]),
        _code: Code::Orc { _tracker: tracker },
    };
    Ok((compiled, extra))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Value;

    fn program(src: &str) -> hir::Program {
        match crate::check_source(src) {
            Ok(checked) => checked.program,
            Err(diags) => panic!("{src}: {diags:?}"),
        }
    }

    #[test]
    fn an_object_loads_and_runs_like_a_compiled_program() {
        let src = "param n: i64;\nfn f(k: i64) -> i64 = if(k < 2, k, f(k - 1) + f(k - 2));\nf(n)";
        let p = program(src);
        let code = compile_object(&p, &Options::default(), "ktestround").unwrap();
        assert_eq!(code.suffix, "ktestround");
        let loaded = load_object(&p, &code).unwrap();
        assert!(loaded.needs_stack_guard());
        assert_eq!(loaded.spans(), code.spans.as_slice());
        assert_eq!(
            loaded.run(&[Value::I64(20)]).unwrap(),
            Some(Value::I64(6765))
        );
        // The bytes alone are enough: a copy loads once the first is gone.
        drop(loaded);
        let copy = ObjectCode {
            object: code.object.clone(),
            ..code
        };
        let again = load_object(&p, &copy).unwrap();
        assert_eq!(again.run(&[Value::I64(10)]).unwrap(), Some(Value::I64(55)));
    }

    #[test]
    fn a_fault_in_a_loaded_object_points_at_its_span() {
        let src = "param d: i64;\n10 / d";
        let p = program(src);
        let code = compile_object(&p, &Options::default(), "ktestfault").unwrap();
        let loaded = load_object(&p, &code).unwrap();
        let err = loaded.run(&[Value::I64(0)]).unwrap_err();
        assert_eq!(err.fault, crate::abi::Fault::DivByZero);
        assert_eq!(&src[err.span.lo as usize..err.span.hi as usize], "10 / d");
    }

    #[test]
    fn one_suffix_is_loaded_at_most_once_at_a_time() {
        let p = program("1 + 2");
        let code = compile_object(&p, &Options::default(), "ktestonce").unwrap();
        let first = load_object(&p, &code).unwrap();
        let err = load_object(&p, &code)
            .err()
            .expect("a second load is refused");
        assert!(err.contains("already loaded"), "{err}");
        // Making an object with a suffix in use is fine; loading it is what is refused.
        let twin = compile_object(&p, &Options::default(), "ktestonce").unwrap();
        assert!(load_object(&p, &twin).is_err());
        drop(first);
        let second = load_object(&p, &code).unwrap();
        assert_eq!(second.run(&[]).unwrap(), Some(Value::I64(3)));
    }

    #[test]
    fn bad_suffixes_and_bad_objects_are_errors() {
        let p = program("1 + 2");
        for bad in ["", "7", "k-1", "k.1"] {
            assert!(
                compile_object(&p, &Options::default(), bad).is_err(),
                "{bad:?}"
            );
        }
        let code = compile_object(&p, &Options::default(), "ktestbad").unwrap();
        // Not an object at all.
        let garbage = ObjectCode {
            object: b"definitely not an object file".to_vec(),
            ..code.clone()
        };
        assert!(load_object(&p, &garbage).is_err());
        // A real object, but its names end in another suffix than it claims.
        let renamed = ObjectCode {
            suffix: "ktestother".to_owned(),
            ..code.clone()
        };
        assert!(load_object(&p, &renamed).is_err());
        // Both failures released the suffix: the genuine object still loads.
        assert!(load_object(&p, &code).is_ok());
    }
}
