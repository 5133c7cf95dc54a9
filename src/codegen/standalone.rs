//! The C `main` of a standalone program (`kiln build --emit exe`, or LLVM IR run by
//! `lli`): it hands a constant description of the program (entry point, params, result
//! type, source positions of its span ids) to the runtime's `kiln_rt_main`
//! (`kiln_runtime::standalone`), which reads `--param` arguments, runs `kiln_entry`,
//! prints the result and reports faults as `kiln run` does.

use super::ENTRY_SYMBOL;
use crate::abi::{Kind, KindTy};
use crate::span::{LineIndex, Span};
use crate::types::hir;
use crate::types::ty::Ty;
use inkwell::context::Context;
use inkwell::module::{Linkage, Module};
use inkwell::values::{BasicValue, BasicValueEnum, GlobalValue, PointerValue};
use inkwell::AddressSpace;

/// What a standalone program needs to know about its source: the file name and text its
/// runtime errors point into (as `FILE:LINE:COL`).
#[derive(Clone, Debug)]
pub struct Standalone {
    pub file: String,
    pub source: String,
}

/// The runtime's entry for standalone programs (`kiln_runtime::standalone::kiln_rt_main`).
const RT_MAIN: &str = "kiln_rt_main";

/// `ProgramDesc::result_kind` of a program without a result.
const NO_RESULT: u64 = u32::MAX as u64;

/// Add `main(argc, argv)` and the program's description to a generated module (see the
/// module docs). `spans` is the module's span table: span id `i` is `spans[i]`.
pub(super) fn add_c_main<'ctx>(
    cx: &'ctx Context,
    module: &Module<'ctx>,
    program: &hir::Program,
    spans: &[Span],
    standalone: &Standalone,
) -> Result<(), String> {
    if module.get_function("main").is_some() {
        return Err("the module already has a `main`".to_owned());
    }
    let entry = module
        .get_function(ENTRY_SYMBOL)
        .ok_or("the module has no entry function")?;
    let ptr = cx.ptr_type(AddressSpace::default());
    let (i32t, i64t) = (cx.i32_type(), cx.i64_type());
    let string = |name: &str, text: &str| -> (PointerValue<'ctx>, u64) {
        let bytes = cx.const_string(text.as_bytes(), false);
        let g = module.add_global(bytes.get_type(), None, name);
        g.set_initializer(&bytes);
        constant(g);
        (g.as_pointer_value(), text.len() as u64)
    };
    // Flags as `kiln_runtime::standalone::InputDesc::list`: 1 a list, 2 optional, 4
    // optional elements.
    let kind_of = |ty: &Ty| -> Result<(u64, u64), String> {
        let (t, opt) = match ty {
            Ty::Opt(t) => (&**t, 2),
            t => (t, 0),
        };
        let (elem, list) = match t {
            Ty::List(elem) if elem.is_opt() => (elem.strip_opt(), 1 | 4),
            Ty::List(elem) => (&**elem, 1),
            t => (t, 0),
        };
        let kind = Kind::of(elem)
            .ok_or_else(|| format!("a standalone program cannot take or return {ty}"))?;
        Ok((kind as u64, list | opt))
    };

    // The params: { name ptr, name len, kind, list } each.
    let input_ty = cx.struct_type(&[ptr.into(), i64t.into(), i32t.into(), i32t.into()], false);
    let mut inputs = Vec::with_capacity(program.inputs.len());
    for (i, input) in program.inputs.iter().enumerate() {
        let (name, len) = string(&format!("kiln.param.{i}"), &input.name);
        let (kind, list) = kind_of(&input.ty)?;
        inputs.push(input_ty.const_named_struct(&[
            name.into(),
            i64t.const_int(len, false).into(),
            i32t.const_int(kind, false).into(),
            i32t.const_int(list, false).into(),
        ]));
    }
    let inputs_global = module.add_global(
        input_ty.array_type(inputs.len() as u32),
        None,
        "kiln.params",
    );
    inputs_global.set_initializer(&input_ty.const_array(&inputs));
    constant(inputs_global);

    // (line, column) of each span id.
    let lines = LineIndex::new(&standalone.source);
    let pair_ty = i32t.array_type(2);
    let positions: Vec<_> = spans
        .iter()
        .map(|s| {
            let (line, col) = lines.line_col(&standalone.source, s.lo);
            i32t.const_array(&[
                i32t.const_int(line as u64, false),
                i32t.const_int(col as u64, false),
            ])
        })
        .collect();
    let positions_global = module.add_global(
        pair_ty.array_type(positions.len() as u32),
        None,
        "kiln.positions",
    );
    positions_global.set_initializer(&pair_ty.const_array(&positions));
    constant(positions_global);

    let (result_kind, result_list) = match &program.main.ret {
        Some(t) => kind_of(t)?,
        None => (NO_RESULT, 0),
    };
    let (file, file_len) = string("kiln.file", &standalone.file);
    let stack_guard = crate::codegen::recursive_functions(program).contains(&true);
    // `kiln_runtime::standalone::ProgramDesc`, field by field (`#[repr(C)]`).
    let fields: [BasicValueEnum<'ctx>; 10] = [
        entry.as_global_value().as_pointer_value().into(),
        inputs_global.as_pointer_value().into(),
        i64t.const_int(program.inputs.len() as u64, false).into(),
        i32t.const_int(result_kind, false).into(),
        i32t.const_int(result_list, false).into(),
        file.into(),
        i64t.const_int(file_len, false).into(),
        positions_global.as_pointer_value().into(),
        i64t.const_int(spans.len() as u64, false).into(),
        i32t.const_int(stack_guard as u64, false).into(),
    ];
    let desc_ty = cx.struct_type(
        &fields.iter().map(|f| f.get_type()).collect::<Vec<_>>(),
        false,
    );
    let desc = module.add_global(desc_ty, None, "kiln.program");
    desc.set_initializer(&desc_ty.const_named_struct(&fields).as_basic_value_enum());
    constant(desc);

    // int main(int argc, char **argv) { return kiln_rt_main(argc, argv, &desc); }
    let rt_main = module.add_function(
        RT_MAIN,
        i32t.fn_type(&[i32t.into(), ptr.into(), ptr.into()], false),
        Some(Linkage::External),
    );
    let main = module.add_function(
        "main",
        i32t.fn_type(&[i32t.into(), ptr.into()], false),
        Some(Linkage::External),
    );
    let b = cx.create_builder();
    b.position_at_end(cx.append_basic_block(main, "entry"));
    let (Some(argc), Some(argv)) = (main.get_nth_param(0), main.get_nth_param(1)) else {
        return Err("main has two parameters".to_owned());
    };
    let call = b
        .build_call(
            rt_main,
            &[argc.into(), argv.into(), desc.as_pointer_value().into()],
            "status",
        )
        .map_err(|e| e.to_string())?;
    let inkwell::values::ValueKind::Basic(status) = call.try_as_basic_value() else {
        return Err("kiln_rt_main returns a status".to_owned());
    };
    b.build_return(Some(&status)).map_err(|e| e.to_string())?;
    Ok(())
}

/// A private constant global.
fn constant(g: GlobalValue<'_>) {
    g.set_constant(true);
    g.set_linkage(Linkage::Private);
}

#[cfg(test)]
mod tests {
    use crate::driver::Options;
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::Arc;

    /// The runtime's shared library, which cargo puts next to this test binary.
    fn runtime_so() -> PathBuf {
        let exe = std::env::current_exe().expect("the test binary's path");
        let dir = exe.parent().expect("a directory");
        dir.join("libkiln_runtime.so")
    }

    /// Build `src` as standalone IR, run it with `lli-19`, give (stdout, stderr, status).
    fn lli(name: &str, src: &str, args: &[&str]) -> (String, String, i32) {
        let options = Options {
            standalone: Some(Arc::new(super::Standalone {
                file: format!("{name}.expr"),
                source: src.to_owned(),
            })),
            ..Options::default()
        };
        let (ir, _) = crate::driver::source_ir(src, &options).unwrap_or_else(|d| panic!("{d:?}"));
        let dir = tempfile::tempdir().unwrap();
        let ll = dir.path().join(format!("{name}.ll"));
        std::fs::write(&ll, ir).unwrap();
        let out = Command::new("lli-19")
            .arg("-load")
            .arg(runtime_so())
            .arg(&ll)
            .args(args)
            .output()
            .expect("lli-19 runs");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    #[test]
    fn a_standalone_program_prints_its_output_and_result() {
        let (out, err, status) = lli(
            "fib",
            "fn fib(n: i64) -> i64 = if(n < 2, n, fib(n - 1) + fib(n - 2));\nprint(\"go\");\n[fib(10), fib(20)]",
            &[],
        );
        assert_eq!(
            (out.as_str(), err.as_str(), status),
            ("go\n[55, 6765]\n", "", 0)
        );
    }

    #[test]
    fn params_come_from_the_command_line() {
        let src = "param name: string; param n: i64; param xs: [f64]; name + \" \" + string(n * 2) + \" \" + string(sum(xs))";
        let (out, _, status) = lli(
            "p",
            src,
            &[
                "--param",
                "n=21",
                "--param=name=hi",
                "--param",
                "xs=[1.5, 2]",
            ],
        );
        assert_eq!((out.as_str(), status), ("hi 42 3.5\n", 0));
        let (_, err, status) = lli(
            "p",
            src,
            &["--param", "n=x", "--param", "name=a", "--param", "xs=[]"],
        );
        assert_eq!(status, 2);
        assert!(
            err.contains("invalid value `x` for parameter `n` of type i64"),
            "{err}"
        );
        let (_, err, status) = lli("p", src, &[]);
        assert_eq!(status, 2);
        assert!(err.contains("--param name=<string>"), "{err}");
    }

    #[test]
    fn a_fault_is_reported_with_its_position_and_exit_status_3() {
        let src = "param d: i64;\nprint(1);\n10 / d";
        let (out, err, status) = lli("div", src, &["--param", "d=0"]);
        assert_eq!((out.as_str(), status), ("1\n", 3));
        assert!(err.starts_with("error[E0601]: division by zero"), "{err}");
        assert!(err.contains("div.expr:3:1"), "{err}");
    }
}
