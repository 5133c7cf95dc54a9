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

/// The body of the function `name` in textual IR.
fn function_body<'a>(ir: &'a str, name: &str) -> &'a str {
    let start = ir
        .find(&format!("@{name}("))
        .filter(|&i| ir[..i].ends_with(' '))
        .unwrap_or_else(|| panic!("no @{name} in {ir}"));
    let body = &ir[start..];
    &body[..body.find("\n}\n").unwrap_or(body.len())]
}

#[test]
fn a_small_straight_line_program_is_optimised_as_fully_as_by_default_o2() {
    // The lighter pipeline of small straight-line modules (jit::optimise) must still
    // fold and infer that main leaves its context alone, as `default<O2>` does; the
    // entry calls `kiln_main` rather than carrying a second copy of it.
    let src = "param a: f64; param b: f64; param c: f64;\n\
               let k = 2.0 * 0.9;\n(a * k + b) / (c + 1.0) - log(a + 1.0)";
    let p = crate::check_source(src).expect("checks").program;
    let ir = emit_ir(&p, &Options::at_level(2)).unwrap();
    let entry = function_body(&ir, "kiln_entry");
    assert!(entry.contains("call double @kiln_main("), "{entry}");
    assert!(
        !entry.contains("@kiln_math_log("),
        "a copy of main: {entry}"
    );
    let main = function_body(&ir, "kiln_main");
    assert!(
        main.contains("1.800000e+00") && !main.contains("alloca"),
        "{main}"
    );
    assert!(ir.contains("@kiln_main(ptr nocapture readnone"), "{ir}");
}
