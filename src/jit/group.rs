//! Many programs compiled as one group: their modules are generated in one LLVM context
//! and linked into one module, which is optimised (once per pipeline), turned into one
//! object and linked into the process once, with one resource tracker the programs share.
//!
//! Part of compiling a small program is a fixed cost per module: building the
//! optimiser's analysis managers, starting the machine-code passes on a module, writing
//! an object, and ORC's link of it and its memory. A group pays each once (10 000 small
//! rules: 0.68× the time of compiling each alone); what remains is mostly LLVM's
//! machine-code passes, which cost about the same for every function however small.
//!
//! **The same code as alone.** Each module is targeted and given its pipeline
//! ([`Pipeline::choose`]) on its own, as [`super::compile`] would, before linking: small
//! straight-line modules go into one module optimised by the straight-line pipeline, the
//! others into one optimised by `default<On>`; the two are then linked. Function passes
//! see one function at a time and the programs never call one another, so each
//! program's functions come out as they would alone. Internal names that clash are
//! renamed by LLVM's linker; the exported entry points get a suffix per program, as in
//! `object.rs`.
//!
//! **Lifetime.** The group's machine code is freed when the last of its programs is
//! dropped.

use super::compiled::{Code, Compiled};
use super::object::{assemble, entry_names, rename_entries, Parts};
use super::optimise::{context_free_main, machine_level, target, Pipeline};
use super::target::{emit_object, with_machine};
use super::{orc, Options};
use crate::codegen::{self, Generated, Interface, MAIN_SYMBOL};
use crate::span::Span;
use inkwell::context::Context;
use inkwell::module::Module;
use std::sync::Arc;

/// A program of the group, generated and renamed.
struct Member {
    /// Its place in the caller's list.
    index: usize,
    spans: Vec<Span>,
    interface: Interface,
    columns: bool,
    /// The suffix of its exported names.
    suffix: String,
}

/// Compile the programs `builds` generate (each in the group's LLVM context) as one
/// group: for each, in order, its program, or the error its generation gave. An error of
/// the whole group (LLVM or ORC refusing the linked module or its object) is the outer
/// `Err`, and then nothing is loaded.
pub fn compile_group<G>(
    builds: Vec<G>,
    options: &Options,
) -> Result<Vec<Result<Compiled, String>>, String>
where
    G: for<'c> FnOnce(&'c Context) -> Result<Generated<'c>, String>,
{
    if !orc::available() {
        return Err("the ORC JIT is not available in this process".to_owned());
    }
    let level = options.opt_level.min(3);
    let context = Context::create();
    let mut results: Vec<Option<Result<Compiled, String>>> = builds.iter().map(|_| None).collect();
    let mut members = Vec::new();
    let mut suffixes = Vec::new();
    // The modules of each pipeline, linked into the first of them.
    let mut straight: Option<Module<'_>> = None;
    let mut general: Option<Module<'_>> = None;
    for (index, build) in builds.into_iter().enumerate() {
        let generated = match build(&context) {
            Ok(generated) => generated,
            Err(why) => {
                results[index] = Some(Err(why));
                continue;
            }
        };
        let module = generated.module;
        with_machine(level, |tm, host| target(&module, tm, host))?;
        let pipeline = Pipeline::choose(&module, level);
        let columns = module.get_function(codegen::COLUMNS_SYMBOL).is_some();
        let suffix = orc::reserve_suffix();
        let text = suffix.text();
        rename_entries(&module, &generated.interface, &text);
        members.push(Member {
            index,
            spans: generated.spans,
            columns,
            interface: generated.interface,
            suffix: text,
        });
        suffixes.push(suffix);
        let into = match pipeline {
            Pipeline::StraightLine => &mut straight,
            Pipeline::Default(_) => &mut general,
        };
        link_into(into, module)?;
    }
    let general_empty = general.is_none();
    let mut combined = None;
    for (module, pipeline) in [
        (straight, Pipeline::StraightLine),
        (general, Pipeline::Default(level)),
    ] {
        if let Some(module) = module {
            with_machine(level, |tm, _| pipeline.run(&module, tm))??;
            link_into(&mut combined, module)?;
        }
    }
    let Some(module) = combined else {
        // No program generated a module: every result is an error.
        return Ok(finish(results));
    };
    // Each program's entry names, in order, and how many; whether its main is
    // context-free.
    let mut names = Vec::new();
    let mut facts = Vec::new();
    for m in &members {
        let own = entry_names(&m.interface, m.columns, &m.suffix);
        let main = format!("{MAIN_SYMBOL}.{}", m.suffix);
        facts.push((own.len(), context_free_main(&module, &main)));
        names.extend(own);
    }
    // Quick machine code for a group only of small straight-line programs, when asked
    // for; else what the group's module gets by its own shape.
    let machine = match options.quick_machine_code && general_empty {
        true => 0,
        false => machine_level(&module, options),
    };
    let object = emit_object(machine, &module)?;
    drop(module);
    let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
    let (tracker, addresses) = orc::load(object, suffixes, &wanted)?;
    let tracker = Arc::new(tracker);
    let mut at = 0;
    for (m, (count, context_free)) in members.into_iter().zip(facts) {
        let parts = Parts {
            spans: m.spans,
            columns: m.columns,
            context_free,
            interface: m.interface,
        };
        let code = Code::Orc {
            _tracker: Arc::clone(&tracker),
        };
        results[m.index] = Some(Ok(assemble(parts, &addresses[at..at + count], code)));
        at += count;
    }
    Ok(finish(results))
}

/// Every program's result, in order.
fn finish(results: Vec<Option<Result<Compiled, String>>>) -> Vec<Result<Compiled, String>> {
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("the program was left out of its group".to_owned())))
        .collect()
}

/// Link `module` into `into`, or make it `into` when that is empty.
fn link_into<'c>(into: &mut Option<Module<'c>>, module: Module<'c>) -> Result<(), String> {
    match into {
        Some(first) => first.link_in_module(module).map_err(|e| e.to_string()),
        None => {
            *into = Some(module);
            Ok(())
        }
    }
}
