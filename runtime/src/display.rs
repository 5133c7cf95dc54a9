//! The display format, written once: `Value`'s `Display`, `print` and `string(x)` in
//! generated code all go through [`write_scalar`] and [`write_list`].

use crate::abi::{Kind, RtStr};
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
            Kind::I64 | Kind::U64 | Kind::F64 => (p as *const u64).read_unaligned(),
            Kind::Str => {
                let s = (p as *const RtStr).read_unaligned();
                return Scalar::Str(str_from_raw(s.ptr, s.len));
            }
        };
        Scalar::from_bits(kind, bits)
    }
}

/// A string from generated code. Strings there are valid UTF-8 by construction; should
/// one not be, it is shown as empty rather than trusted.
///
/// # Safety
/// `(ptr, len)` must describe readable memory that outlives `'a` (or `len <= 0`).
pub unsafe fn str_from_raw<'a>(ptr: *const u8, len: i64) -> &'a str {
    if len <= 0 || ptr.is_null() {
        return "";
    }
    let bytes = std::slice::from_raw_parts(ptr, len as usize);
    std::str::from_utf8(bytes).unwrap_or("")
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
}
