//! The `extern "C"` functions generated code calls (`abi.rs` names each one, and its row
//! and address come from it). None of them unwinds: the little that could panic
//! (formatting into a `String`) runs under `catch_unwind` and is dropped on failure.

use super::display::{str_from_raw, write_list_of, write_scalar, Scalar};
use super::{parse_bits, FaultRecord, RunCtx};
use crate::abi::{Fault, Kind, RtStr};
use crate::typecode::TypeCode;
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

/// Null (with E0609 or E0616 recorded at `span`) when the value or the run would be too
/// large; a negative size is one that overflowed.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_alloc(
    c: *mut RunCtx,
    span: u32,
    size: i64,
    align: i64,
) -> *mut u8 {
    let size = u64::try_from(size).ok();
    ctx(c).alloc_value(span, size, align.max(1) as usize)
}

/// Write `text` to the arena and its pair to `out`; on a fault (recorded) an empty pair.
unsafe fn put_text(c: &mut RunCtx, span: u32, text: &str, out: *mut RtStr) {
    let pair = c.value_bytes(span, text.as_bytes()).unwrap_or(RtStr {
        ptr: std::ptr::null(),
        len: 0,
    });
    out.write(pair);
}

fn scalar_text(kind: Kind, bits: u64) -> String {
    let mut s = String::new();
    let _ = write_scalar(&mut s, Scalar::from_bits(kind, bits), false);
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
    // Any element type code (nested lists, optionals); a scalar code is its kind.
    let elem = TypeCode(kind);
    if elem.shape().is_none() {
        return;
    }
    // Streamed: the text of a large list is never held whole.
    guard((), || {
        c.write_line_with(&mut |out| write_list_of(out, elem, ptr, len))
    })
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_to_string(
    c: *mut RunCtx,
    span: u32,
    kind: u32,
    bits: u64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    let text = guard(String::new(), || {
        Kind::from_u32(kind).map_or_else(String::new, |k| scalar_text(k, bits))
    });
    put_text(c, span, &text, out);
}

/// A `String` that refuses to grow over the per-value limit (then `over` is set).
struct Capped {
    text: String,
    over: bool,
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.text.len() + s.len() > crate::abi::MAX_STRING_BYTES as usize {
            self.over = true;
            return Err(std::fmt::Error);
        }
        self.text.push_str(s);
        Ok(())
    }
}

/// The display text of a list, or `None` (E0609 recorded at `span`) when it would
/// exceed the per-value limit: writing stops as soon as it is too long.
unsafe fn list_text_within(
    c: &mut RunCtx,
    span: u32,
    kind: u32,
    ptr: *const u8,
    len: i64,
) -> Option<String> {
    let elem = TypeCode(kind);
    if elem.shape().is_none() {
        return Some(String::new());
    }
    let mut out = Capped {
        text: String::new(),
        over: false,
    };
    let _ = guard(Err(std::fmt::Error), || {
        write_list_of(&mut out, elem, ptr, len)
    });
    if out.over {
        c.record(FaultRecord {
            fault: Fault::TooLarge,
            span,
            a: crate::abi::MAX_STRING_BYTES + 1,
            b: 0,
            message: Some(format!(
                "the result would take more than {} bytes; a string or list is limited to that",
                crate::abi::MAX_STRING_BYTES
            )),
        });
        return None;
    }
    Some(out.text)
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_to_string(
    c: *mut RunCtx,
    span: u32,
    kind: u32,
    ptr: *const u8,
    len: i64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    match list_text_within(c, span, kind, ptr, len) {
        Some(text) => put_text(c, span, &text, out),
        None => out.write(RtStr {
            ptr: std::ptr::null(),
            len: 0,
        }),
    }
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
    span: u32,
    a: *const u8,
    a_len: i64,
    b: *const u8,
    b_len: i64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    let (a, b) = (bytes(a, a_len), bytes(b, b_len));
    let ptr = c.alloc_value(span, Some(a.len() as u64 + b.len() as u64), 1);
    if ptr.is_null() {
        out.write(RtStr {
            ptr: std::ptr::null(),
            len: 0,
        });
        return;
    }
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

/// `T?(s)`: [`kiln_rt_parse`] that gives 0 (none) instead of a fault.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_try_parse(
    kind: u32,
    ptr: *const u8,
    len: i64,
    out: *mut u64,
) -> u32 {
    let text = str_from_raw(ptr, len);
    let parsed = guard(Err(String::new()), || match Kind::from_u32(kind) {
        Some(k) => parse_bits(k, text),
        None => Err(String::new()),
    });
    match parsed {
        Ok(bits) => {
            *out = bits;
            1
        }
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{self, runtime_address};

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
            kiln_rt_concat(&mut c, 0, b"ab".as_ptr(), 2, b"c".as_ptr(), 1, &mut out);
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
