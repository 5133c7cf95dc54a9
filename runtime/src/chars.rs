//! Characters (`chars`, `is_digit`, `is_alpha`, `is_space`, `char_code`,
//! `from_char_code`): a character is a Unicode scalar value. Each function takes
//! `(ctx, span, arg_span, args..., [out])`: `span` (the call) is where the size and
//! memory limits fault, `arg_span` where a bad argument does (E0620). Nothing here panics.

use crate::abi::RtStr;
use crate::display::str_from_raw;
use crate::{FaultRecord, RunCtx};

/// The pair a failed function leaves in `out` (its fault recorded; never used).
const NOTHING: RtStr = RtStr {
    ptr: std::ptr::null(),
    len: 0,
};

/// `chars(s) -> [string]`: each character of `s` as a string (views of `s`).
///
/// # Safety
/// `c` is the live run context; `s`, `sl` describe a string; `out` is the caller's out
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_chars(
    c: *mut RunCtx,
    span: u32,
    _arg_span: u32,
    s: *const u8,
    sl: i64,
    out: *mut RtStr,
) {
    let c = &mut *c;
    let text = str_from_raw(s, sl);
    let n = text.chars().count();
    let ptr = c.alloc_value(span, (n as u64).checked_mul(16), 8) as *mut RtStr;
    if ptr.is_null() {
        out.write(NOTHING);
        return;
    }
    for (i, (at, ch)) in text.char_indices().enumerate() {
        // SAFETY: the allocation holds `n` pairs, one per character.
        ptr.add(i).write(RtStr {
            ptr: text.as_ptr().add(at),
            len: ch.len_utf8() as i64,
        });
    }
    out.write(RtStr {
        ptr: ptr as *const u8,
        len: n as i64,
    });
}

/// Whether `s` is non-empty and every character satisfies `test`.
fn every(s: &str, test: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(test)
}

/// The character classes, `(ctx, span, arg_span, s) -> bool` (false for ""): `is_digit`
/// ASCII `0`-`9`, `is_alpha` Unicode Alphabetic, `is_space` Unicode White_Space.
macro_rules! char_classes {
    ($($name:ident => $test:expr),* $(,)?) => {$(
        /// # Safety
        /// `s`, `sl` describe a string.
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            _c: *mut RunCtx,
            _span: u32,
            _arg_span: u32,
            s: *const u8,
            sl: i64,
        ) -> i64 {
            every(str_from_raw(s, sl), $test) as i64
        }
    )*};
}

char_classes! {
    kiln_rt_is_digit => |ch: char| ch.is_ascii_digit(),
    kiln_rt_is_alpha => char::is_alphabetic,
    kiln_rt_is_space => char::is_whitespace,
}

/// `char_code(s) -> i64`: the code point of `s`'s only character; E0620 at `arg_span`
/// (and 0) when `s` is not exactly one character.
///
/// # Safety
/// `c` is the live run context; `s`, `sl` describe a string.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_char_code(
    c: *mut RunCtx,
    _span: u32,
    arg_span: u32,
    s: *const u8,
    sl: i64,
) -> i64 {
    let text = str_from_raw(s, sl);
    let mut it = text.chars();
    match (it.next(), it.next()) {
        (Some(ch), None) => ch as i64,
        _ => {
            (*c).record(FaultRecord::bad_char_string(arg_span, text));
            0
        }
    }
}

/// `from_char_code(n) -> string`: the character with code point `n`; E0620 at
/// `arg_span` for a negative number, a surrogate or one above 0x10FFFF.
///
/// # Safety
/// `c` is the live run context; `out` is the caller's out pointer.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_from_char_code(
    c: *mut RunCtx,
    span: u32,
    arg_span: u32,
    n: i64,
    out: *mut RtStr,
) {
    let c = &mut *c;
    let ch = u32::try_from(n).ok().and_then(char::from_u32);
    let result = match ch {
        Some(ch) => {
            let mut buf = [0u8; 4];
            let s = ch.encode_utf8(&mut buf);
            c.value_bytes(span, s.as_bytes()).unwrap_or(NOTHING)
        }
        None => {
            c.record(FaultRecord::bad_char_code(arg_span, n));
            NOTHING
        }
    };
    out.write(result);
}
