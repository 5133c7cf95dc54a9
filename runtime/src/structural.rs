//! Structural equality and hashing of values of any type code (nested lists, strings,
//! optionals), written once for every runtime function that compares elements: `in`,
//! `contains` and `index_of` on lists of lists ([`kiln_rt_list_eq`]), `unique` and
//! `count_distinct`.
//!
//! Two equalities, as for scalars: `in` compares numbers with `==` (NaN equals nothing,
//! `-0.0` equals `0.0`); `unique` and `count_distinct` treat every NaN as one value
//! ([`Floats::Keys`]). Lists are equal when their lengths are and their elements are,
//! in order; strings bytewise; two `none`s are equal, `none` and a value are not.

use crate::abi::RtStr;
use crate::display::Scalar;
use crate::typecode::{Shape, TypeCode, NONE_LEN};
use std::hash::{Hash, Hasher};

/// How floats compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Floats {
    /// IEEE `==`: what `in` and `index_of` use.
    Ordered,
    /// Every NaN one value, `-0.0` equal to `0.0`: what `unique` uses.
    Keys,
}

/// Whether the optional of `inner` at `p` is `none`.
///
/// # Safety
/// `p` points to a valid value of type `inner?`.
pub(crate) unsafe fn is_none(inner: TypeCode, p: *const u8) -> bool {
    if inner.is_pair() {
        (p as *const RtStr).read_unaligned().len == NONE_LEN
    } else {
        p.add(inner.layout().0 as usize).read() == 0
    }
}

fn scalar_eq(a: Scalar<'_>, b: Scalar<'_>, floats: Floats) -> bool {
    match (a, b) {
        (Scalar::F32(x), Scalar::F32(y)) => {
            x == y || (floats == Floats::Keys && x.is_nan() && y.is_nan())
        }
        (Scalar::F64(x), Scalar::F64(y)) => {
            x == y || (floats == Floats::Keys && x.is_nan() && y.is_nan())
        }
        (Scalar::Str(x), Scalar::Str(y)) => x.as_bytes() == y.as_bytes(),
        (a, b) => a == b,
    }
}

/// Whether the values of type `code` at `a` and `b` are equal.
///
/// # Safety
/// `a` and `b` point to valid values of type `code` (see [`crate::typecode`]).
pub unsafe fn equal(code: TypeCode, a: *const u8, b: *const u8, floats: Floats) -> bool {
    match code.shape() {
        Some(Shape::Scalar(k)) => scalar_eq(
            Scalar::read_elem(k, a, 0),
            Scalar::read_elem(k, b, 0),
            floats,
        ),
        Some(Shape::List(elem)) => {
            let (x, y) = (
                (a as *const RtStr).read_unaligned(),
                (b as *const RtStr).read_unaligned(),
            );
            lists_equal(elem, x, y, floats)
        }
        Some(Shape::Opt(inner)) => match (is_none(inner, a), is_none(inner, b)) {
            (true, true) => true,
            (false, false) => equal(inner, a, b, floats),
            _ => false,
        },
        None => false,
    }
}

/// Whether two lists of `elem` are equal, element by element.
///
/// # Safety
/// Each pair describes a valid list of `elem`.
pub unsafe fn lists_equal(elem: TypeCode, x: RtStr, y: RtStr, floats: Floats) -> bool {
    if x.len.max(0) != y.len.max(0) {
        return false;
    }
    let size = elem.layout().0 as usize;
    (0..x.len.max(0) as usize)
        .all(|i| equal(elem, x.ptr.add(i * size), y.ptr.add(i * size), floats))
}

/// Hash the value of type `code` at `p` consistently with [`equal`] under
/// [`Floats::Keys`].
///
/// # Safety
/// `p` points to a valid value of type `code`.
pub unsafe fn hash(code: TypeCode, p: *const u8, h: &mut impl Hasher) {
    match code.shape() {
        Some(Shape::Scalar(k)) => match Scalar::read_elem(k, p, 0) {
            Scalar::Str(s) => s.as_bytes().hash(h),
            Scalar::F32(f) => float_key(f as f64).hash(h),
            Scalar::F64(f) => float_key(f).hash(h),
            Scalar::Bool(b) => b.hash(h),
            Scalar::Int(v) => v.hash(h),
            Scalar::UInt(v) => v.hash(h),
            Scalar::Timestamp(v) | Scalar::Duration(v) => v.hash(h),
        },
        Some(Shape::List(elem)) => {
            let x = (p as *const RtStr).read_unaligned();
            let size = elem.layout().0 as usize;
            x.len.max(0).hash(h);
            for i in 0..x.len.max(0) as usize {
                hash(elem, x.ptr.add(i * size), h);
            }
        }
        Some(Shape::Opt(inner)) => {
            let none = is_none(inner, p);
            none.hash(h);
            if !none {
                hash(inner, p, h);
            }
        }
        None => {}
    }
}

/// One key per float value: every NaN one, both zeros one.
fn float_key(f: f64) -> u64 {
    if f.is_nan() {
        u64::MAX
    } else if f == 0.0 {
        0
    } else {
        f.to_bits()
    }
}

/// The indices of the first occurrences of the `len` elements of `elem` at `ptr`
/// (structurally, [`Floats::Keys`]), in order.
///
/// # Safety
/// `ptr` holds `len` valid elements of `elem`.
pub unsafe fn first_occurrences(elem: TypeCode, ptr: *const u8, len: usize) -> Vec<usize> {
    let size = elem.layout().0 as usize;
    let mut buckets: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    let mut kept = Vec::new();
    for i in 0..len {
        let p = ptr.add(i * size);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        hash(elem, p, &mut h);
        let bucket = buckets.entry(h.finish()).or_default();
        if !bucket
            .iter()
            .any(|&j| equal(elem, ptr.add(j * size), p, Floats::Keys))
        {
            bucket.push(i);
            kept.push(i);
        }
    }
    kept
}

/// `fn(code: u32, a_ptr, a_len: i64, b_ptr, b_len: i64) -> i32`: 1 when the two lists
/// of elements of type `code` are structurally equal (as `in` compares), else 0.
///
/// # Safety
/// Both pairs describe valid lists of `code`.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_eq(
    code: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
) -> i32 {
    let (x, y) = (RtStr { ptr: a, len: al }, RtStr { ptr: b, len: bl });
    lists_equal(TypeCode(code), x, y, Floats::Ordered) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Kind;

    fn pair<T>(xs: &[T]) -> RtStr {
        RtStr {
            ptr: xs.as_ptr() as *const u8,
            len: xs.len() as i64,
        }
    }

    #[test]
    fn nested_lists_compare_and_hash_by_structure() {
        let f = TypeCode::of_kind(Kind::F64);
        let (a, b, c) = ([1.0f64, f64::NAN], [1.0f64, f64::NAN], [1.0f64, -0.0]);
        let zero = [1.0f64, 0.0];
        unsafe {
            // `in`: NaN equals nothing; `unique`: one NaN.
            assert!(!lists_equal(f, pair(&a), pair(&b), Floats::Ordered));
            assert!(lists_equal(f, pair(&a), pair(&b), Floats::Keys));
            assert!(lists_equal(f, pair(&c), pair(&zero), Floats::Ordered));
            assert!(!lists_equal(f, pair(&a), pair(&a[..1]), Floats::Keys));
            let outer = [pair(&a), pair(&c), pair(&b), pair(&zero), pair(&a[..1])];
            let kept = first_occurrences(f.list().unwrap(), outer.as_ptr() as _, outer.len());
            assert_eq!(kept, [0, 1, 4]);
            let (s, t) = ("ab", "ab".to_string());
            let strs = [pair(s.as_bytes()), pair(t.as_bytes())];
            let k = first_occurrences(TypeCode::of_kind(Kind::Str), strs.as_ptr() as _, 2);
            assert_eq!(k, [0]);
        }
    }

    #[test]
    fn optionals_compare_none_equal_only_to_none() {
        let o = TypeCode::of_kind(Kind::I64).opt().unwrap();
        let xs: [[u64; 2]; 3] = [[5, 0], [9, 0], [5, 1]];
        unsafe {
            let p = xs.as_ptr() as *const u8;
            assert!(equal(o, p, p.add(16), Floats::Ordered));
            assert!(!equal(o, p, p.add(32), Floats::Ordered));
            assert_eq!(first_occurrences(o, p, 3), [0, 2]);
        }
    }
}
