//! The display format, written once: `Value`'s `Display`, `print` and `string(x)` in
//! generated code all go through [`write_scalar`] and [`write_list`]; values in memory of
//! any type (nested lists, optionals) through [`write_value`] and [`write_list_of`].

use crate::abi::{Kind, RtStr};
use crate::typecode::{Shape, TypeCode, NONE_LEN};
use std::fmt::{self, Write};

/// One displayable element: a scalar or a borrowed string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    UInt(u64),
    F32(f32),
    F64(f64),
    Str(&'a str),
    /// A `timestamp` (v1): nanoseconds since the Unix epoch.
    Timestamp(i64),
    /// A `duration` (v1): nanoseconds.
    Duration(i64),
}

impl Scalar<'static> {
    /// Decode the ABI's `u64` bits of a scalar of `kind` (not `Str`: that gives "").
    pub fn from_bits(kind: Kind, bits: u64) -> Scalar<'static> {
        match kind {
            Kind::Bool => Scalar::Bool(bits & 1 != 0),
            Kind::I8 => Scalar::Int(bits as i8 as i64),
            Kind::I16 => Scalar::Int(bits as i16 as i64),
            Kind::I32 => Scalar::Int(bits as i32 as i64),
            Kind::I64 => Scalar::Int(bits as i64),
            Kind::U8 => Scalar::UInt(bits as u8 as u64),
            Kind::U16 => Scalar::UInt(bits as u16 as u64),
            Kind::U32 => Scalar::UInt(bits as u32 as u64),
            Kind::U64 => Scalar::UInt(bits),
            Kind::F32 => Scalar::F32(f32::from_bits(bits as u32)),
            Kind::F64 => Scalar::F64(f64::from_bits(bits)),
            Kind::Str => Scalar::Str(""),
            Kind::Timestamp => Scalar::Timestamp(bits as i64),
            Kind::Duration => Scalar::Duration(bits as i64),
        }
    }
}

impl<'a> Scalar<'a> {
    /// Read element `i` of a list of `kind` laid out as the ABI describes.
    ///
    /// # Safety
    /// `ptr` must point to at least `i + 1` elements of `kind` in their natural layout,
    /// and string elements must be valid (ptr, len) pairs that outlive `'a`.
    pub unsafe fn read_elem(kind: Kind, ptr: *const u8, i: usize) -> Scalar<'a> {
        let (size, _) = kind.layout();
        let p = ptr.add(i * size as usize);
        let bits = match kind {
            Kind::Bool | Kind::I8 | Kind::U8 => p.read() as u64,
            Kind::I16 | Kind::U16 => (p as *const u16).read_unaligned() as u64,
            Kind::I32 | Kind::U32 | Kind::F32 => (p as *const u32).read_unaligned() as u64,
            Kind::I64 | Kind::U64 | Kind::F64 | Kind::Timestamp | Kind::Duration => {
                (p as *const u64).read_unaligned()
            }
            Kind::Str => {
                let s = (p as *const RtStr).read_unaligned();
                return Scalar::Str(str_from_raw(s.ptr, s.len));
            }
        };
        Scalar::from_bits(kind, bits)
    }
}

/// A string from generated code or a host. Every string that reaches the runtime is
/// UTF-8 (hosts hand in `&str`, Arrow string columns are validated when bound, and Kiln
/// cuts strings only at character boundaries: ARCHITECTURE.md, "runtime"), so it is not
/// checked again: hot calls (`len`, `matches`) would pay for the scan every time.
///
/// # Safety
/// `(ptr, len)` must describe readable memory that outlives `'a` (or `len <= 0`), holding
/// UTF-8.
pub unsafe fn str_from_raw<'a>(ptr: *const u8, len: i64) -> &'a str {
    if len <= 0 || ptr.is_null() {
        return "";
    }
    let bytes = std::slice::from_raw_parts(ptr, len as usize);
    debug_assert!(std::str::from_utf8(bytes).is_ok(), "a Kiln string is UTF-8");
    // SAFETY: the caller's promise, above.
    std::str::from_utf8_unchecked(bytes)
}

/// Write one scalar: strings raw at top level, quoted and escaped inside a list.
pub fn write_scalar(out: &mut dyn Write, s: Scalar<'_>, in_list: bool) -> fmt::Result {
    match s {
        Scalar::Bool(b) => write!(out, "{b}"),
        Scalar::Int(v) => write!(out, "{v}"),
        Scalar::UInt(v) => write!(out, "{v}"),
        // Rust's `{:?}` for floats is exactly the contract: `2.0`, `0.1`, `1e300`, `NaN`,
        // `inf`, `-inf`, each at its own width.
        Scalar::F32(v) => write!(out, "{v:?}"),
        Scalar::F64(v) => write!(out, "{v:?}"),
        Scalar::Str(v) if in_list => write!(out, "{v:?}"),
        Scalar::Str(v) => out.write_str(v),
        Scalar::Timestamp(ns) => crate::time::write_timestamp(out, ns),
        Scalar::Duration(ns) => crate::time::write_duration(out, ns),
    }
}

/// Write a list: `[1, 2, 3]`, `[]`, strings quoted.
pub fn write_list<'a>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = Scalar<'a>>,
) -> fmt::Result {
    out.write_char('[')?;
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_scalar(out, item, true)?;
    }
    out.write_char(']')
}

/// Write the value of type `code` at `p` (its memory layout, see [`crate::typecode`]):
/// nested lists recursively (`[[1], []]`), optionals as `none` or their value. A string
/// is raw at the top level (`in_list` false) and quoted inside a list.
///
/// # Safety
/// `p` must point to a valid value of type `code` whose strings and lists are readable.
pub unsafe fn write_value(
    out: &mut dyn Write,
    code: TypeCode,
    p: *const u8,
    in_list: bool,
) -> fmt::Result {
    match code.shape() {
        Some(Shape::Scalar(k)) => write_scalar(out, Scalar::read_elem(k, p, 0), in_list),
        Some(Shape::List(elem)) => {
            let pair = (p as *const RtStr).read_unaligned();
            write_list_of(out, elem, pair.ptr, pair.len)
        }
        Some(Shape::Opt(inner)) => {
            let none = if inner.is_pair() {
                (p as *const RtStr).read_unaligned().len == NONE_LEN
            } else {
                p.add(inner.layout().0 as usize).read() == 0
            };
            if none {
                out.write_str("none")
            } else {
                write_value(out, inner, p, in_list)
            }
        }
        None => Ok(()),
    }
}

/// Write a list of `len` elements of type `elem` at `ptr`: `[1, 2]`, `[["a"], []]`.
///
/// # Safety
/// `ptr` must point to `len` valid elements of `elem` in their memory layout (or
/// `len <= 0`).
pub unsafe fn write_list_of(
    out: &mut dyn Write,
    elem: TypeCode,
    ptr: *const u8,
    len: i64,
) -> fmt::Result {
    if let Some(Shape::Scalar(k)) = elem.shape() {
        // A list of scalars or strings: each element read by its kind, as before.
        let items = (0..len.max(0) as usize).map(|i| Scalar::read_elem(k, ptr, i));
        return write_list(out, items);
    }
    let size = elem.layout().0 as usize;
    out.write_char('[')?;
    for i in 0..len.max(0) as usize {
        if i > 0 {
            out.write_str(", ")?;
        }
        write_value(out, elem, ptr.add(i * size), true)?;
    }
    out.write_char(']')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: Scalar<'_>) -> String {
        let mut out = String::new();
        write_scalar(&mut out, s, false).unwrap();
        out
    }

    #[test]
    fn floats_follow_the_contract() {
        assert_eq!(show(Scalar::F64(2.0)), "2.0");
        assert_eq!(show(Scalar::F64(0.1)), "0.1");
        assert_eq!(show(Scalar::F32(0.1)), "0.1");
        assert_eq!(show(Scalar::F64(1e300)), "1e300");
        assert_eq!(show(Scalar::F64(f64::NAN)), "NaN");
        assert_eq!(show(Scalar::F64(f64::INFINITY)), "inf");
        assert_eq!(show(Scalar::F32(f32::NEG_INFINITY)), "-inf");
    }

    #[test]
    fn bits_decode_by_kind() {
        assert_eq!(Scalar::from_bits(Kind::I8, 0xff), Scalar::Int(-1));
        assert_eq!(Scalar::from_bits(Kind::U8, 0xff), Scalar::UInt(255));
        assert_eq!(
            Scalar::from_bits(Kind::F32, 0.5f32.to_bits() as u64),
            Scalar::F32(0.5)
        );
    }

    #[test]
    fn lists_quote_strings() {
        let mut out = String::new();
        write_list(&mut out, [Scalar::Str("a"), Scalar::Str("b\n")]).unwrap();
        assert_eq!(out, r#"["a", "b\n"]"#);
        out.clear();
        write_list(&mut out, []).unwrap();
        assert_eq!(out, "[]");
    }

    #[test]
    fn nested_lists_and_optionals_print_recursively() {
        let show = |code: TypeCode, p: *const u8, len: i64| {
            let mut out = String::new();
            unsafe { write_list_of(&mut out, code, p, len) }.unwrap();
            out
        };
        let i64c = TypeCode::of_kind(Kind::I64);
        let ones = [1i64];
        let inner = [
            RtStr {
                ptr: ones.as_ptr() as *const u8,
                len: 1,
            },
            RtStr {
                ptr: std::ptr::null(),
                len: 0,
            },
        ];
        assert_eq!(
            show(i64c.list().unwrap(), inner.as_ptr() as _, 2),
            "[[1], []]"
        );
        let (a, b) = ("a", "b\n");
        let strs = [
            RtStr {
                ptr: a.as_ptr(),
                len: 1,
            },
            RtStr {
                ptr: b.as_ptr(),
                len: 2,
            },
        ];
        let outer = [RtStr {
            ptr: strs.as_ptr() as *const u8,
            len: 2,
        }];
        let strl = TypeCode::of_kind(Kind::Str).list().unwrap();
        assert_eq!(show(strl, outer.as_ptr() as _, 1), r#"[["a", "b\n"]]"#);
        // `[i64?]`: `{ i64, u8 valid }` in 16 bytes.
        let opts: [[u64; 2]; 3] = [[1, 1], [7, 0], [3, 1]];
        assert_eq!(
            show(i64c.opt().unwrap(), opts.as_ptr() as _, 3),
            "[1, none, 3]"
        );
        // `[[string]?]`: the pair, `none` as length -1.
        let maybe = [
            RtStr {
                ptr: strs.as_ptr() as *const u8,
                len: 1,
            },
            RtStr {
                ptr: std::ptr::null(),
                len: NONE_LEN,
            },
        ];
        let code = strl.opt().unwrap();
        assert_eq!(show(code, maybe.as_ptr() as _, 2), r#"[["a"], none]"#);
        // A string at the top level is raw; an optional one too.
        let mut out = String::new();
        let top = RtStr {
            ptr: b.as_ptr(),
            len: 2,
        };
        let sc = TypeCode::of_kind(Kind::Str).opt().unwrap();
        unsafe { write_value(&mut out, sc, &top as *const RtStr as _, false) }.unwrap();
        assert_eq!(out, "b\n");
    }
}
