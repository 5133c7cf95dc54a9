//! The `extern "C"` functions generated code calls (signatures in `abi.rs`), and the
//! address table the JIT maps them with. None of them unwinds: the little that could
//! panic (formatting into a `String`) runs under `catch_unwind` and is dropped on failure.

use super::display::{str_from_raw, write_list, write_scalar, Scalar};
use super::{parse_bits, FaultRecord, RunCtx};
use crate::abi::{self, Fault, Kind, RtStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Run `f`, swallowing a panic (which would otherwise abort inside generated code).
fn guard<T>(default: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(default)
}

/// # Safety (for every function below)
/// `ctx` is the live run context the host passed to the entry point, and every
/// (ptr, len) pair describes memory of that run (or a constant string).
unsafe fn ctx<'a>(ctx: *mut RunCtx) -> &'a mut RunCtx {
    &mut *ctx
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_fail(c: *mut RunCtx, fault: u32, span: u32, a: i64, b: i64) {
    let c = ctx(c);
    let Some(fault) = Fault::from_u32(fault) else {
        // Unknown code: still stop the program.
        c.status = fault.max(1);
        return;
    };
    c.record(FaultRecord {
        fault,
        span,
        a,
        b,
        message: None,
    });
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_alloc(c: *mut RunCtx, size: i64, align: i64) -> *mut u8 {
    ctx(c).alloc(size.max(0) as usize, align.max(1) as usize)
}

fn scalar_text(kind: Kind, bits: u64) -> String {
    let mut s = String::new();
    let _ = write_scalar(&mut s, Scalar::from_bits(kind, bits), false);
    s
}

unsafe fn list_text(kind: u32, ptr: *const u8, len: i64) -> String {
    let Some(kind) = Kind::from_u32(kind) else {
        return String::new();
    };
    let items = (0..len.max(0) as usize).map(|i| Scalar::read_elem(kind, ptr, i));
    let mut s = String::new();
    let _ = write_list(&mut s, items);
    s
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_print(c: *mut RunCtx, kind: u32, bits: u64) {
    let c = ctx(c);
    guard((), || {
        if let Some(kind) = Kind::from_u32(kind) {
            c.write_line(&scalar_text(kind, bits));
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_print_str(c: *mut RunCtx, ptr: *const u8, len: i64) {
    let c = ctx(c);
    guard((), || c.write_line(str_from_raw(ptr, len)))
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_print_list(c: *mut RunCtx, kind: u32, ptr: *const u8, len: i64) {
    let c = ctx(c);
    guard((), || c.write_line(&list_text(kind, ptr, len)))
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_to_string(c: *mut RunCtx, kind: u32, bits: u64, out: *mut RtStr) {
    let c = ctx(c);
    let text = guard(String::new(), || {
        Kind::from_u32(kind).map_or_else(String::new, |k| scalar_text(k, bits))
    });
    out.write(c.alloc_bytes(text.as_bytes()));
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_to_string(
    c: *mut RunCtx,
    kind: u32,
    ptr: *const u8,
    len: i64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    let text = guard(String::new(), || list_text(kind, ptr, len));
    out.write(c.alloc_bytes(text.as_bytes()));
}

unsafe fn bytes<'a>(ptr: *const u8, len: i64) -> &'a [u8] {
    if len <= 0 || ptr.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(ptr, len as usize)
    }
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_concat(
    c: *mut RunCtx,
    a: *const u8,
    a_len: i64,
    b: *const u8,
    b_len: i64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    let (a, b) = (bytes(a, a_len), bytes(b, b_len));
    let ptr = c.alloc(a.len() + b.len(), 1);
    std::ptr::copy_nonoverlapping(a.as_ptr(), ptr, a.len());
    std::ptr::copy_nonoverlapping(b.as_ptr(), ptr.add(a.len()), b.len());
    out.write(RtStr {
        ptr,
        len: (a.len() + b.len()) as i64,
    });
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_cmp(
    a: *const u8,
    a_len: i64,
    b: *const u8,
    b_len: i64,
) -> i32 {
    bytes(a, a_len).cmp(bytes(b, b_len)) as i32
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_parse(
    c: *mut RunCtx,
    span: u32,
    kind: u32,
    ptr: *const u8,
    len: i64,
) -> u64 {
    let c = ctx(c);
    let text = str_from_raw(ptr, len);
    let result = guard(
        Err(String::from("internal error while parsing")),
        || match Kind::from_u32(kind) {
            Some(k) => parse_bits(k, text),
            None => Err(format!("cannot parse {text:?}: unknown type code {kind}")),
        },
    );
    match result {
        Ok(bits) => bits,
        Err(message) => {
            c.record(FaultRecord {
                fault: Fault::ParseFailed,
                span,
                a: 0,
                b: 0,
                message: Some(message),
            });
            0
        }
    }
}

/// The address of the runtime function named `symbol` (one of `abi::RUNTIME_FUNCTIONS`).
pub fn runtime_address(symbol: &str) -> Option<usize> {
    type Fail = unsafe extern "C" fn(*mut RunCtx, u32, u32, i64, i64);
    type Alloc = unsafe extern "C" fn(*mut RunCtx, i64, i64) -> *mut u8;
    type Print = unsafe extern "C" fn(*mut RunCtx, u32, u64);
    type PrintStr = unsafe extern "C" fn(*mut RunCtx, *const u8, i64);
    type PrintList = unsafe extern "C" fn(*mut RunCtx, u32, *const u8, i64);
    type ToString = unsafe extern "C" fn(*mut RunCtx, u32, u64, *mut RtStr);
    type ListToString = unsafe extern "C" fn(*mut RunCtx, u32, *const u8, i64, *mut RtStr);
    type Concat = unsafe extern "C" fn(*mut RunCtx, *const u8, i64, *const u8, i64, *mut RtStr);
    type StrCmp = unsafe extern "C" fn(*const u8, i64, *const u8, i64) -> i32;
    type Parse = unsafe extern "C" fn(*mut RunCtx, u32, u32, *const u8, i64) -> u64;
    Some(match symbol {
        abi::RT_FAIL => kiln_rt_fail as Fail as usize,
        abi::RT_ALLOC => kiln_rt_alloc as Alloc as usize,
        abi::RT_PRINT => kiln_rt_print as Print as usize,
        abi::RT_PRINT_STR => kiln_rt_print_str as PrintStr as usize,
        abi::RT_PRINT_LIST => kiln_rt_print_list as PrintList as usize,
        abi::RT_TO_STRING => kiln_rt_to_string as ToString as usize,
        abi::RT_LIST_TO_STRING => kiln_rt_list_to_string as ListToString as usize,
        abi::RT_CONCAT => kiln_rt_concat as Concat as usize,
        abi::RT_STR_CMP => kiln_rt_str_cmp as StrCmp as usize,
        abi::RT_PARSE => kiln_rt_parse as Parse as usize,
        _ => return super::lib_fns::address(symbol),
    })
}

mod libm {
    // The C math library (linked by Rust's std on every supported host).
    #[link(name = "m")]
    extern "C" {
        pub fn fmod(a: f64, b: f64) -> f64;
        pub fn fmodf(a: f32, b: f32) -> f32;
        pub fn pow(a: f64, b: f64) -> f64;
        pub fn powf(a: f32, b: f32) -> f32;
        pub fn fmin(a: f64, b: f64) -> f64;
        pub fn fminf(a: f32, b: f32) -> f32;
        pub fn fmax(a: f64, b: f64) -> f64;
        pub fn fmaxf(a: f32, b: f32) -> f32;
        pub fn sin(a: f64) -> f64;
        pub fn sinf(a: f32) -> f32;
        pub fn cos(a: f64) -> f64;
        pub fn cosf(a: f32) -> f32;
        pub fn tan(a: f64) -> f64;
        pub fn tanf(a: f32) -> f32;
        pub fn exp(a: f64) -> f64;
        pub fn expf(a: f32) -> f32;
        pub fn exp2(a: f64) -> f64;
        pub fn exp2f(a: f32) -> f32;
        pub fn exp10(a: f64) -> f64;
        pub fn exp10f(a: f32) -> f32;
        pub fn log(a: f64) -> f64;
        pub fn logf(a: f32) -> f32;
        pub fn log2(a: f64) -> f64;
        pub fn log2f(a: f32) -> f32;
        pub fn log10(a: f64) -> f64;
        pub fn log10f(a: f32) -> f32;
        pub fn sqrt(a: f64) -> f64;
        pub fn sqrtf(a: f32) -> f32;
        pub fn floor(a: f64) -> f64;
        pub fn floorf(a: f32) -> f32;
        pub fn ceil(a: f64) -> f64;
        pub fn ceilf(a: f32) -> f32;
        pub fn round(a: f64) -> f64;
        pub fn roundf(a: f32) -> f32;
        pub fn trunc(a: f64) -> f64;
        pub fn truncf(a: f32) -> f32;
        pub fn asin(a: f64) -> f64;
        pub fn asinf(a: f32) -> f32;
        pub fn acos(a: f64) -> f64;
        pub fn acosf(a: f32) -> f32;
        pub fn atan(a: f64) -> f64;
        pub fn atanf(a: f32) -> f32;
        pub fn sinh(a: f64) -> f64;
        pub fn sinhf(a: f32) -> f32;
        pub fn cosh(a: f64) -> f64;
        pub fn coshf(a: f32) -> f32;
        pub fn tanh(a: f64) -> f64;
        pub fn tanhf(a: f32) -> f32;
        pub fn cbrt(a: f64) -> f64;
        pub fn cbrtf(a: f32) -> f32;
        pub fn hypot(a: f64, b: f64) -> f64;
        pub fn hypotf(a: f32, b: f32) -> f32;
        pub fn atan2(a: f64, b: f64) -> f64;
        pub fn atan2f(a: f32, b: f32) -> f32;
    }
}

/// The address of a C math function generated code may call (`abi::LIBM_FUNCTIONS`).
pub fn libm_address(symbol: &str) -> Option<usize> {
    use libm::*;
    type F1 = unsafe extern "C" fn(f64) -> f64;
    type F2 = unsafe extern "C" fn(f64, f64) -> f64;
    type G1 = unsafe extern "C" fn(f32) -> f32;
    type G2 = unsafe extern "C" fn(f32, f32) -> f32;
    Some(match symbol {
        "fmod" => fmod as F2 as usize,
        "fmodf" => fmodf as G2 as usize,
        "pow" => pow as F2 as usize,
        "powf" => powf as G2 as usize,
        "fmin" => fmin as F2 as usize,
        "fminf" => fminf as G2 as usize,
        "fmax" => fmax as F2 as usize,
        "fmaxf" => fmaxf as G2 as usize,
        "sin" => sin as F1 as usize,
        "sinf" => sinf as G1 as usize,
        "cos" => cos as F1 as usize,
        "cosf" => cosf as G1 as usize,
        "tan" => tan as F1 as usize,
        "tanf" => tanf as G1 as usize,
        "exp" => exp as F1 as usize,
        "expf" => expf as G1 as usize,
        "exp2" => exp2 as F1 as usize,
        "exp2f" => exp2f as G1 as usize,
        "exp10" => exp10 as F1 as usize,
        "exp10f" => exp10f as G1 as usize,
        "log" => log as F1 as usize,
        "logf" => logf as G1 as usize,
        "log2" => log2 as F1 as usize,
        "log2f" => log2f as G1 as usize,
        "log10" => log10 as F1 as usize,
        "log10f" => log10f as G1 as usize,
        "sqrt" => sqrt as F1 as usize,
        "sqrtf" => sqrtf as G1 as usize,
        "floor" => floor as F1 as usize,
        "floorf" => floorf as G1 as usize,
        "ceil" => ceil as F1 as usize,
        "ceilf" => ceilf as G1 as usize,
        "round" => round as F1 as usize,
        "roundf" => roundf as G1 as usize,
        "trunc" => trunc as F1 as usize,
        "truncf" => truncf as G1 as usize,
        "asin" => asin as F1 as usize,
        "asinf" => asinf as G1 as usize,
        "acos" => acos as F1 as usize,
        "acosf" => acosf as G1 as usize,
        "atan" => atan as F1 as usize,
        "atanf" => atanf as G1 as usize,
        "sinh" => sinh as F1 as usize,
        "sinhf" => sinhf as G1 as usize,
        "cosh" => cosh as F1 as usize,
        "coshf" => coshf as G1 as usize,
        "tanh" => tanh as F1 as usize,
        "tanhf" => tanhf as G1 as usize,
        "cbrt" => cbrt as F1 as usize,
        "cbrtf" => cbrtf as G1 as usize,
        "hypot" => hypot as F2 as usize,
        "hypotf" => hypotf as G2 as usize,
        "atan2" => atan2 as F2 as usize,
        "atan2f" => atan2f as G2 as usize,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abi_symbol_has_an_address() {
        for (name, _, _) in abi::RUNTIME_FUNCTIONS {
            assert!(runtime_address(name).is_some(), "{name}");
        }
    }

    #[test]
    fn concat_and_parse_record_into_the_context() {
        let mut c = RunCtx::new();
        let mut out = RtStr {
            ptr: std::ptr::null(),
            len: 0,
        };
        unsafe {
            kiln_rt_concat(&mut c, b"ab".as_ptr(), 2, b"c".as_ptr(), 1, &mut out);
            assert_eq!(str_from_raw(out.ptr, out.len), "abc");
            assert_eq!(
                kiln_rt_parse(&mut c, 3, Kind::I64 as u32, b"42".as_ptr(), 2),
                42
            );
            assert_eq!(c.status(), 0);
            kiln_rt_parse(&mut c, 3, Kind::I64 as u32, b"abc".as_ptr(), 3);
        }
        assert_eq!(c.status(), Fault::ParseFailed as u32);
        let f = c.fault().unwrap();
        assert_eq!(f.span, 3);
        assert!(f
            .message
            .as_deref()
            .unwrap()
            .starts_with("cannot parse \"abc\" as i64"));
    }
}
