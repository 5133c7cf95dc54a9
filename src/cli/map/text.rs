//! CSV output without a call or an allocation per cell: fields are appended to one
//! buffer per batch, quoted as the `csv` crate quotes them (only a field holding a
//! comma, a quote, `\r` or `\n`), and results written in Kiln's display format, floats
//! with a fast shortest-digits formatter where it prints what `{:?}` prints.

use crate::runtime::display::{write_scalar, Scalar};
use arrow_array::cast::AsArray;
use arrow_array::types as at;
use arrow_array::{Array, ArrayRef};
use arrow_schema::{DataType, TimeUnit};
use std::fmt::Write as _;

/// Append `field` to `out`, quoted when it must be.
pub fn field(out: &mut Vec<u8>, field: &[u8]) {
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// `v` as `{:?}` writes it (`2.0`, `0.1`, `1e300`, `NaN`, `inf`): ryu where its output is
/// the same, `{:?}` elsewhere. Both write the shortest digits that read back as `v`,
/// closest to `v`; they differ only when two such digit strings are equally close (ryu
/// rounds that tie to even, `{:?}` up), and they switch to exponents at other
/// magnitudes. A tie needs `v`'s exact decimal expansion to end one digit after the
/// shortest digits, so within 18 significant digits: `v` must have few fraction bits
/// (its expansion has as many digits after the point as it has fraction bits). So ryu's
/// text is kept for plain decimals (`1e-4 <= |v| < 1e15`, and zero) with more than 22
/// fraction bits (no tie possible: most measured values) or with at most 15 significant
/// digits (no tie within them).
pub fn f64(out: &mut Vec<u8>, v: f64) {
    let a = v.abs();
    if v == 0.0 || (1e-4..1e15).contains(&a) {
        let mut buf = ryu::Buffer::new();
        let text = buf.format_finite(v);
        if fraction_bits(v) > 22 || significant_digits(text) <= 15 {
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    let _ = write!(Adapter(out), "{v:?}");
}

/// How many binary digits `v` (finite) has after the point, trailing zeros dropped: its
/// exact decimal expansion has that many digits after the decimal point.
fn fraction_bits(v: f64) -> u32 {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mantissa, e) = match exp {
        0 => (frac, -1074),
        _ => (frac | (1u64 << 52), exp - 1075),
    };
    if mantissa == 0 {
        return 0;
    }
    (-(e + mantissa.trailing_zeros() as i32)).max(0) as u32
}

/// `v` as `{:?}` writes it; as for [`f64`], ryu for plain decimals (`1e-4 <= |v| < 1e7`,
/// where ryu's `f32` writes no exponent, and zero) of at most 6 significant digits.
pub fn f32(out: &mut Vec<u8>, v: f32) {
    let a = v.abs();
    if v == 0.0 || (1e-4..1e7).contains(&a) {
        let mut buf = ryu::Buffer::new();
        let text = buf.format_finite(v);
        if significant_digits(text) <= 6 {
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    let _ = write!(Adapter(out), "{v:?}");
}

/// The significant digits of a plain decimal (`-0.00120` has 3: a trailing `.0` and
/// leading zeros do not count).
fn significant_digits(text: &str) -> usize {
    let text = text.strip_suffix(".0").unwrap_or(text);
    let digits = text.bytes().filter(u8::is_ascii_digit);
    let mut n = 0;
    let mut started = false;
    for d in digits {
        started |= d != b'0';
        n += started as usize;
    }
    n
}

/// `fmt::Write` into a byte buffer.
struct Adapter<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Adapter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Writes the cells of one result array (a Kiln type's Arrow array) in the display
/// format, quoted as CSV fields; a null (`none`) is an empty field.
pub struct Cells<'a> {
    array: &'a ArrayRef,
    /// The common results, found once per batch.
    f64s: Option<&'a arrow_array::Float64Array>,
    i64s: Option<&'a arrow_array::Int64Array>,
    scratch: String,
    /// Whether fields are quoted as CSV needs (`false`: the text alone).
    pub quoted: bool,
}

impl<'a> Cells<'a> {
    pub fn new(array: &'a ArrayRef) -> Cells<'a> {
        Cells {
            array,
            f64s: array.as_any().downcast_ref(),
            i64s: array.as_any().downcast_ref(),
            scratch: String::new(),
            quoted: true,
        }
    }

    /// Append row `row`'s field.
    pub fn write(&mut self, out: &mut Vec<u8>, row: usize) {
        if let Some(a) = self.f64s {
            if a.is_valid(row) {
                f64(out, a.value(row));
            }
            return;
        }
        if let Some(a) = self.i64s {
            if a.is_valid(row) {
                out.extend_from_slice(itoa::Buffer::new().format(a.value(row)).as_bytes());
            }
            return;
        }
        let a = self.array;
        if a.is_null(row) {
            return;
        }
        macro_rules! int {
            ($t:ty) => {
                out.extend_from_slice(
                    itoa::Buffer::new()
                        .format(a.as_primitive::<$t>().value(row))
                        .as_bytes(),
                )
            };
        }
        match a.data_type() {
            DataType::Boolean => out.extend_from_slice(match a.as_boolean().value(row) {
                true => b"true",
                false => b"false",
            }),
            DataType::Int8 => int!(at::Int8Type),
            DataType::Int16 => int!(at::Int16Type),
            DataType::Int32 => int!(at::Int32Type),
            DataType::Int64 => int!(at::Int64Type),
            DataType::UInt8 => int!(at::UInt8Type),
            DataType::UInt16 => int!(at::UInt16Type),
            DataType::UInt32 => int!(at::UInt32Type),
            DataType::UInt64 => int!(at::UInt64Type),
            DataType::Float32 => f32(out, a.as_primitive::<at::Float32Type>().value(row)),
            DataType::Float64 => f64(out, a.as_primitive::<at::Float64Type>().value(row)),
            DataType::Utf8 => {
                let text = a.as_string::<i32>().value(row).as_bytes();
                match self.quoted {
                    true => field(out, text),
                    false => out.extend_from_slice(text),
                }
            }
            DataType::Timestamp(TimeUnit::Nanosecond, _) => {
                let ns = a.as_primitive::<at::TimestampNanosecondType>().value(row);
                self.scalar(out, Scalar::Timestamp(ns));
            }
            DataType::Duration(TimeUnit::Nanosecond) => {
                let ns = a.as_primitive::<at::DurationNanosecondType>().value(row);
                self.scalar(out, Scalar::Duration(ns));
            }
            // Results are only of the types above (`ColumnBuf::into_arrow`).
            _ => {}
        }
    }

    fn scalar(&mut self, out: &mut Vec<u8>, s: Scalar<'_>) {
        self.scratch.clear();
        let _ = write_scalar(&mut self.scratch, s, false);
        match self.quoted {
            true => field(out, self.scratch.as_bytes()),
            false => out.extend_from_slice(self.scratch.as_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ryu and `{:?}` agree wherever ryu is used: random bit patterns, and values around
    /// the edges of the ranges.
    #[test]
    fn floats_are_written_as_the_display_format_writes_them() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let check64 = |v: f64| {
            let mut out = Vec::new();
            f64(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:?}"));
        };
        for _ in 0..200_000 {
            let bits = next();
            check64(f64::from_bits(bits));
            // Values in the plain-decimal range, with few and many digits.
            let e = (bits % 22) as i32 - 5;
            check64((bits >> 40) as f64 * 10f64.powi(e) / 1e6);
            check64((bits % 1000) as f64 * 10f64.powi(e));
            // Few fraction bits: exact expansions that end in a tie for the shortest
            // digits (`95611892266.015625`), where ryu and `{:?}` round differently.
            check64((bits % (1 << 50)) as f64 / 2f64.powi((bits % 24) as i32));
            check64((bits >> 20) as f64 / (1u64 << (bits % 40)) as f64);
        }
        check64(95_611_892_266.0 + 1.0 / 64.0);
        assert_eq!(fraction_bits(0.5), 1);
        assert_eq!(fraction_bits(3.0), 0);
        assert_eq!(fraction_bits(95_611_892_266.0 + 1.0 / 64.0), 6);
        for v in [
            0.0,
            -0.0,
            1e-4,
            9.999e-5,
            1e-5,
            1e15,
            9.999_999_999_999_998e15,
            1e16,
            1e17,
            0.1,
            0.2,
            10.0,
            -3.0,
            2.5,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
        ] {
            check64(v);
        }
        let check32 = |v: f32| {
            let mut out = Vec::new();
            f32(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:?}"));
        };
        for _ in 0..200_000 {
            let bits = next();
            check32(f32::from_bits(bits as u32));
            let e = (bits % 14) as i32 - 5;
            check32(((bits >> 44) as f32) * 10f32.powi(e) / 1e3);
        }
        for v in [
            0.0f32,
            -0.0,
            1e-4,
            1e6,
            9_999_999.0,
            1e7,
            1e16,
            0.1,
            f32::NAN,
        ] {
            check32(v);
        }
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let mut out = Vec::new();
        field(&mut out, b"plain");
        out.push(b',');
        field(&mut out, b"a, \"b\"");
        out.push(b',');
        field(&mut out, b"");
        assert_eq!(out, b"plain,\"a, \"\"b\"\"\",");
    }
}
