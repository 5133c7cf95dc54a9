//! Ahead-of-time output: the optimised module as LLVM IR text, LLVM bitcode, host
//! assembly or a host object file. One path for all four: [`build`](super::build)
//! generates, targets (host triple and data layout) and optimises the module, honouring
//! `Options::standalone` (the C `main` of a standalone program) like every other option;
//! then the module is written out in the chosen form.
//!
//! The output calls the runtime's symbols (`abi::RUNTIME_FUNCTIONS`) and C math functions
//! by name: `lli -load libkiln_runtime.so` or a link with `libkiln_runtime.a` provides
//! them.

use super::{build, with_machine, Options};
use crate::types::hir;
use inkwell::context::Context;
use inkwell::targets::FileType;

/// The forms [`emit`] writes a program in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmitKind {
    /// LLVM IR as text (`.ll`).
    Ir,
    /// LLVM bitcode (`.bc`).
    Bitcode,
    /// Host assembly text (`.s`).
    Asm,
    /// A host relocatable object file (`.o`; ELF on Linux), position-independent.
    Object,
}

impl EmitKind {
    /// Whether the output is text (IR, assembly) rather than binary (bitcode, object).
    pub fn is_text(self) -> bool {
        matches!(self, EmitKind::Ir | EmitKind::Asm)
    }
}

/// The optimised module of `program` in the form `kind`, as bytes (UTF-8 text for the
/// text kinds).
pub fn emit(program: &hir::Program, options: &Options, kind: EmitKind) -> Result<Vec<u8>, String> {
    let context = Context::create();
    let generated = build(&context, program, options)?;
    let module = &generated.module;
    let file_type = match kind {
        EmitKind::Ir => return Ok(module.print_to_string().to_bytes().to_vec()),
        EmitKind::Bitcode => return Ok(module.write_bitcode_to_memory().as_slice().to_vec()),
        EmitKind::Asm => FileType::Assembly,
        EmitKind::Object => FileType::Object,
    };
    with_machine(options.opt_level, |tm, _| {
        tm.write_to_memory_buffer(module, file_type)
            .map(|buf| buf.as_slice().to_vec())
            .map_err(|e| e.to_string())
    })?
}

fn emit_text(program: &hir::Program, options: &Options, kind: EmitKind) -> Result<String, String> {
    String::from_utf8(emit(program, options, kind)?).map_err(|e| e.to_string())
}

/// The optimised LLVM IR of a program, as text.
pub fn emit_ir(program: &hir::Program, options: &Options) -> Result<String, String> {
    emit_text(program, options, EmitKind::Ir)
}

/// The optimised module as LLVM bitcode (what `llvm-dis` and `lli` read).
pub fn emit_bitcode(program: &hir::Program, options: &Options) -> Result<Vec<u8>, String> {
    emit(program, options, EmitKind::Bitcode)
}

/// The program as host assembly text.
pub fn emit_asm(program: &hir::Program, options: &Options) -> Result<String, String> {
    emit_text(program, options, EmitKind::Asm)
}

/// The program as a host relocatable object file (ELF on Linux).
pub fn emit_object(program: &hir::Program, options: &Options) -> Result<Vec<u8>, String> {
    emit(program, options, EmitKind::Object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    const SRC: &str = "param x: i64;\nfn sq(n: i64) -> i64 = n * n;\nsq(x) + 1\n";

    fn program() -> hir::Program {
        crate::check_source(SRC).expect("checks").program
    }

    /// Run an LLVM tool on `input` (written to a scratch file with `ext`); it must succeed
    /// without printing anything to stderr. Its stdout.
    fn tool(name: &str, args: &[&str], input: &[u8], ext: &str) -> String {
        // A directory of this call's own: tests run in parallel and may use the same tool.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(format!("prog.{ext}"));
        std::fs::write(&file, input).unwrap();
        let out = Command::new(name)
            .args(args)
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {name} (LLVM 19's tools are required): {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{name}: {stderr}"
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn every_kind_comes_from_the_one_optimised_module() {
        let p = program();
        let options = Options::at_level(2);
        let ir = emit_ir(&p, &options).unwrap();
        assert_eq!(ir.as_bytes(), emit(&p, &options, EmitKind::Ir).unwrap());
        assert!(ir.contains("target triple = \"") && ir.contains("target datalayout = \""));
        assert!(ir.contains("define i64 @kiln_main("), "{ir}");
        assert!(!ir.contains("alloca"), "not optimised: {ir}");
        assert!(emit_bitcode(&p, &options)
            .unwrap()
            .starts_with(b"BC\xC0\xDE"));
        assert!(emit_asm(&p, &options).unwrap().contains("kiln_main:"));
        assert!(emit_object(&p, &options).unwrap().starts_with(b"\x7fELF"));
        assert!(EmitKind::Ir.is_text() && EmitKind::Asm.is_text());
        assert!(!EmitKind::Bitcode.is_text() && !EmitKind::Object.is_text());
    }

    #[test]
    fn the_llvm_tools_accept_the_output_without_warnings() {
        let p = program();
        let options = Options::default();
        let ir = emit_ir(&p, &options).unwrap();
        tool("llvm-as-19", &["-o", "/dev/null"], ir.as_bytes(), "ll");
        tool("llc-19", &["-o", "/dev/null"], ir.as_bytes(), "ll");
        let dis = tool(
            "llvm-dis-19",
            &["-o", "-"],
            &emit_bitcode(&p, &options).unwrap(),
            "bc",
        );
        let triple = ir.lines().find(|l| l.starts_with("target triple")).unwrap();
        assert!(dis.contains(triple), "{dis}");
        assert!(dis.contains("@kiln_main("), "{dis}");
        let dump = tool(
            "llvm-objdump-19",
            &["-d"],
            &emit_object(&p, &options).unwrap(),
            "o",
        );
        assert!(dump.contains("<kiln_main>:"), "{dump}");
    }

    #[test]
    fn every_kind_honours_the_standalone_option() {
        let p = program();
        let options = Options {
            standalone: Some(std::sync::Arc::new(crate::codegen::Standalone {
                file: "prog.expr".to_owned(),
                source: SRC.to_owned(),
            })),
            ..Options::default()
        };
        assert!(emit_ir(&p, &options).unwrap().contains("@main("));
        let dis = tool(
            "llvm-dis-19",
            &["-o", "-"],
            &emit_bitcode(&p, &options).unwrap(),
            "bc",
        );
        assert!(dis.contains("@main("), "{dis}");
        assert!(emit_asm(&p, &options).unwrap().contains("\nmain:"));
        let dump = tool(
            "llvm-objdump-19",
            &["-d"],
            &emit_object(&p, &options).unwrap(),
            "o",
        );
        assert!(dump.contains("<main>:"), "{dump}");
    }
}
