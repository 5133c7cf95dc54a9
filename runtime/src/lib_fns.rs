//! The standard library's string and list functions (`abi::RT_STR_LEN`…). Each takes
//! `(ctx, span, elem_kind, args...)`; strings and lists are (ptr, len) pairs, a pair
//! result is written through the last (out) argument, a scalar result is returned as
//! `u64` ABI bits. Strings count Unicode scalar values. Nothing here unwinds.

use super::display::{str_from_raw, Scalar};
use super::{FaultRecord, RunCtx};
use crate::abi::{Fault, Kind, RtStr, MAX_STRING_BYTES};
use crate::structural;
use crate::typecode::{Shape, TypeCode};
use std::cmp::Ordering;
use std::collections::HashSet;

/// # Safety (for every function below)
/// `c` is the live run context; every (ptr, len) pair describes memory of the run (or a
/// constant), lists holding `len` elements of `kind` in the ABI layout.
unsafe fn ctx<'a>(c: *mut RunCtx) -> &'a mut RunCtx {
    &mut *c
}

unsafe fn text<'a>(p: *const u8, l: i64) -> &'a str {
    str_from_raw(p, l)
}

/// The pair a failed function leaves in `out` (its fault recorded; never used).
const NOTHING: RtStr = RtStr {
    ptr: std::ptr::null(),
    len: 0,
};

/// `s` copied to the arena as the result; on a fault (recorded at `span`) [`NOTHING`].
fn put(c: &mut RunCtx, span: u32, out: *mut RtStr, s: &str) {
    let pair = c.value_bytes(span, s.as_bytes()).unwrap_or(NOTHING);
    // SAFETY: `out` is the caller's out pointer.
    unsafe { out.write(pair) }
}

/// Record E0609 at `span` when `bytes` (`None`: overflowed) exceeds the per-value limit.
fn too_large(c: &mut RunCtx, span: u32, bytes: Option<u64>) -> bool {
    match bytes {
        Some(b) if b <= MAX_STRING_BYTES as u64 => false,
        b => {
            c.record(FaultRecord {
                fault: Fault::TooLarge,
                span,
                a: b.unwrap_or(u64::MAX).min(i64::MAX as u64) as i64,
                b: 0,
                message: None,
            });
            true
        }
    }
}

/// Byte offset of character `i` of `s` (clamped to `0..=chars`), and the char count.
fn char_offset(s: &str, i: i64) -> usize {
    if i <= 0 {
        return 0;
    }
    s.char_indices()
        .nth(i as usize)
        .map_or(s.len(), |(off, _)| off)
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_len(
    _c: *mut RunCtx,
    _s: u32,
    _k: u32,
    p: *const u8,
    l: i64,
) -> i64 {
    text(p, l).chars().count() as i64
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_concat(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
    out: *mut RtStr,
) {
    crate::rt::kiln_rt_concat(c, span, a, al, b, bl, out)
}

/// Predicates over two strings, `(ctx, span, kind, a, b) -> bool`, differing only in the
/// `str` method they call.
macro_rules! str_pair_predicates {
    ($($name:ident => $method:ident),* $(,)?) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            _c: *mut RunCtx,
            _s: u32,
            _k: u32,
            a: *const u8,
            al: i64,
            b: *const u8,
            bl: i64,
        ) -> i64 {
            text(a, al).$method(text(b, bl)) as i64
        }
    )*};
}

str_pair_predicates! {
    kiln_rt_str_contains => contains,
    kiln_rt_str_starts_with => starts_with,
    kiln_rt_str_ends_with => ends_with,
}

/// The character index of the first occurrence, or -1.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_find(
    _c: *mut RunCtx,
    _s: u32,
    _k: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
) -> i64 {
    let hay = text(a, al);
    match hay.find(text(b, bl)) {
        Some(off) => hay[..off].chars().count() as i64,
        None => -1,
    }
}

/// The characters at positions `start .. start + count` that exist (clamped).
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_substr(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    start: i64,
    count: i64,
    out: *mut RtStr,
) {
    let s = text(p, l);
    let end = start.saturating_add(count.max(0));
    let lo = char_offset(s, start);
    let hi = char_offset(s, end).max(lo);
    put(ctx(c), span, out, &s[lo..hi]);
}

/// Case mappings, `(ctx, span, kind, s) -> string` in the arena, differing only in the
/// `str` method they call (Unicode rules: `upper("straße")` is `STRASSE`).
macro_rules! str_case_maps {
    ($($name:ident => $method:ident),* $(,)?) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            c: *mut RunCtx,
            span: u32,
            _k: u32,
            p: *const u8,
            l: i64,
            out: *mut RtStr,
        ) {
            let s = text(p, l);
            // A mapping may lengthen the text (up to 3×): measure it first.
            let bytes: u64 = if s.len() as u64 * 3 <= MAX_STRING_BYTES as u64 {
                0
            } else {
                s.chars()
                    .map(|ch| ch.$method().map(char::len_utf8).sum::<usize>() as u64)
                    .sum()
            };
            if too_large(ctx(c), span, Some(bytes)) {
                out.write(NOTHING);
                return;
            }
            let s = s.$method();
            put(ctx(c), span, out, &s);
        }
    )*};
}

str_case_maps! {
    kiln_rt_str_upper => to_uppercase,
    kiln_rt_str_lower => to_lowercase,
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_trim(
    _c: *mut RunCtx,
    _s: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    // A sub-slice of an immutable string: no copy needed.
    let s = text(p, l).trim();
    out.write(RtStr {
        ptr: s.as_ptr(),
        len: s.len() as i64,
    });
}

/// Every occurrence of `from` replaced by `to`; an empty `from` leaves the text as is.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_replace(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    f: *const u8,
    fl: i64,
    t: *const u8,
    tl: i64,
    out: *mut RtStr,
) {
    let (s, from, to) = (text(p, l), text(f, fl), text(t, tl));
    if from.is_empty() {
        out.write(RtStr {
            ptr: p,
            len: l.max(0),
        });
        return;
    }
    let count = s.matches(from).count() as u64;
    let bytes = (s.len() as u64 - count * from.len() as u64)
        .checked_add(count.saturating_mul(to.len() as u64));
    if too_large(ctx(c), span, bytes) {
        out.write(NOTHING);
        return;
    }
    let r = s.replace(from, to);
    put(ctx(c), span, out, &r);
}

/// Write a list of `n` strings (pointing into live run memory) to the arena; on a fault
/// (recorded at `span`) [`NOTHING`].
fn put_strs<'s>(
    c: &mut RunCtx,
    span: u32,
    out: *mut RtStr,
    n: usize,
    parts: impl Iterator<Item = &'s str>,
) {
    let ptr = c.alloc_value(span, (n as u64).checked_mul(16), 8) as *mut RtStr;
    if ptr.is_null() {
        // SAFETY: `out` is the caller's out pointer.
        unsafe { out.write(NOTHING) };
        return;
    }
    for (i, part) in parts.take(n).enumerate() {
        // SAFETY: the allocation holds `n` pairs.
        unsafe {
            ptr.add(i).write(RtStr {
                ptr: part.as_ptr(),
                len: part.len() as i64,
            })
        };
    }
    // SAFETY: `out` is the caller's out pointer.
    unsafe {
        out.write(RtStr {
            ptr: ptr as *const u8,
            len: n as i64,
        })
    };
}

/// The pieces between separators; an empty separator splits into characters, and the
/// empty string gives `[""]`.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_split(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    sp: *const u8,
    sl: i64,
    out: *mut RtStr,
) {
    let (s, sep) = (text(p, l), text(sp, sl));
    // Counted first, so the list is allocated (or refused) before it is built.
    if sep.is_empty() {
        let n = s.chars().count();
        let parts = s.char_indices().map(|(i, ch)| &s[i..i + ch.len_utf8()]);
        put_strs(ctx(c), span, out, n, parts);
    } else {
        let n = s.matches(sep).count() + 1;
        put_strs(ctx(c), span, out, n, s.split(sep));
    }
}

unsafe fn strs<'a>(p: *const u8, l: i64) -> Vec<&'a str> {
    (0..l.max(0) as usize)
        .map(|i| match Scalar::read_elem(Kind::Str, p, i) {
            Scalar::Str(s) => s,
            _ => "",
        })
        .collect()
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_join(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    sp: *const u8,
    sl: i64,
    out: *mut RtStr,
) {
    let (parts, sep) = (strs(p, l), text(sp, sl));
    let bytes = parts
        .iter()
        .try_fold(0u64, |n, s| n.checked_add(s.len() as u64));
    let seps = (sep.len() as u64).checked_mul(parts.len().saturating_sub(1) as u64);
    let bytes = bytes.zip(seps).and_then(|(a, b)| a.checked_add(b));
    let c = ctx(c);
    let dst = c.alloc_value(span, bytes, 1);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            std::ptr::copy_nonoverlapping(sep.as_ptr(), dst.add(at), sep.len());
            at += sep.len();
        }
        std::ptr::copy_nonoverlapping(part.as_ptr(), dst.add(at), part.len());
        at += part.len();
    }
    out.write(RtStr {
        ptr: dst,
        len: at as i64,
    });
}

/// `n` copies; `n <= 0` gives the empty string; over `MAX_STRING_BYTES` faults (E0609).
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_repeat(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    n: i64,
    out: *mut RtStr,
) {
    let s = text(p, l).as_bytes();
    let n = n.max(0) as u64;
    let c = ctx(c);
    let dst = c.alloc_value(span, (s.len() as u64).checked_mul(n), 1);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    // Within the 1 GiB limit, so `n` copies fit in memory (and `n` is small unless `s`
    // is empty).
    let mut at = 0;
    if !s.is_empty() {
        for _ in 0..n {
            std::ptr::copy_nonoverlapping(s.as_ptr(), dst.add(at), s.len());
            at += s.len();
        }
    }
    out.write(RtStr {
        ptr: dst,
        len: at as i64,
    });
}

// ---- lists ------------------------------------------------------------------------------

fn kind(k: u32) -> Kind {
    Kind::from_u32(k).unwrap_or(Kind::I64)
}

/// Size and alignment of an element of type code `k` (a scalar's code is its kind; a
/// nested list's element is a pair).
fn layout(k: u32) -> (u64, u64) {
    TypeCode(k).layout()
}

/// Whether elements of type code `k` are compared structurally (lists, optionals), not
/// as scalars.
fn structural(k: u32) -> bool {
    !matches!(TypeCode(k).shape(), Some(Shape::Scalar(_)))
}

/// The elements as Rust values, a temporary that counts against the run's memory limit
/// with `extra` more bytes per element (index vectors, sort buffers, hash sets): `None`
/// (E0616 recorded at `span`) when it would not fit, or the system has no memory for it.
unsafe fn elems<'a>(
    c: *mut RunCtx,
    span: u32,
    k: Kind,
    p: *const u8,
    l: i64,
    extra: usize,
) -> Option<Vec<Scalar<'a>>> {
    let n = l.max(0) as usize;
    let per = (std::mem::size_of::<Scalar<'_>>() + extra) as u64;
    let c = ctx(c);
    if !c.check_temp(span, (n as u64).saturating_mul(per)) {
        return None;
    }
    let mut v = Vec::new();
    if v.try_reserve_exact(n).is_err() {
        c.check_temp(span, u64::MAX);
        return None;
    }
    v.extend((0..n).map(|i| Scalar::read_elem(k, p, i)));
    Some(v)
}

/// Bytes per element of the temporaries besides the elements themselves: an index
/// (`usize`), a sort's merge buffer (half of them) and a hash set entry with slack.
const TEMP_PER_ELEM: usize = 64;

fn bits(s: Scalar<'_>) -> u64 {
    match s {
        Scalar::Bool(b) => b as u64,
        Scalar::Int(v) => v as u64,
        Scalar::UInt(v) => v,
        Scalar::F32(f) => f.to_bits() as u64,
        Scalar::F64(f) => f.to_bits(),
        Scalar::Str(_) => 0,
        Scalar::Timestamp(v) | Scalar::Duration(v) => v as u64,
    }
}

fn as_f64(s: Scalar<'_>) -> f64 {
    match s {
        Scalar::Bool(b) => b as u8 as f64,
        Scalar::Int(v) => v as f64,
        Scalar::UInt(v) => v as f64,
        Scalar::F32(f) => f as f64,
        Scalar::F64(f) => f,
        Scalar::Str(_) => f64::NAN,
        Scalar::Timestamp(v) | Scalar::Duration(v) => v as f64,
    }
}

fn is_nan(s: &Scalar<'_>) -> bool {
    match s {
        Scalar::F32(f) => f.is_nan(),
        Scalar::F64(f) => f.is_nan(),
        _ => false,
    }
}

/// Ascending order with every NaN after every number (NaNs equal among themselves) and
/// `-0.0` before `0.0`.
fn order(a: &Scalar<'_>, b: &Scalar<'_>) -> Ordering {
    match (is_nan(a), is_nan(b)) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (a, b) {
        (Scalar::Bool(x), Scalar::Bool(y)) => x.cmp(y),
        (Scalar::Int(x), Scalar::Int(y)) => x.cmp(y),
        (Scalar::UInt(x), Scalar::UInt(y)) => x.cmp(y),
        // Neither is NaN here, so the total order is the numeric one with -0.0 < 0.0.
        (Scalar::F32(x), Scalar::F32(y)) => x.total_cmp(y),
        (Scalar::F64(x), Scalar::F64(y)) => x.total_cmp(y),
        (Scalar::Str(x), Scalar::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Scalar::Timestamp(x), Scalar::Timestamp(y))
        | (Scalar::Duration(x), Scalar::Duration(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// A hashable identity for `unique`: numbers by value (all NaNs one value, -0.0 = 0.0).
#[derive(Hash, PartialEq, Eq)]
enum Key<'a> {
    Bits(u64),
    Str(&'a str),
}

fn key<'a>(s: Scalar<'a>) -> Key<'a> {
    match s {
        Scalar::Str(t) => Key::Str(t),
        Scalar::F32(f) if f.is_nan() => Key::Bits(u64::MAX),
        Scalar::F64(f) if f.is_nan() => Key::Bits(u64::MAX),
        Scalar::F32(f) if f.abs() == 0.0 => Key::Bits(0),
        Scalar::F64(f) if f.abs() == 0.0 => Key::Bits(0),
        s => Key::Bits(bits(s)),
    }
}

/// An f64 result in the ABI bits of the list's float type (f32 for f32 lists).
fn float_bits(k: Kind, v: f64) -> u64 {
    if k == Kind::F32 {
        (v as f32).to_bits() as u64
    } else {
        v.to_bits()
    }
}

/// The middle element of the sorted list (NaN sorts last), or the mean of the two middle
/// ones ([`midpoint`]); NaN for an empty list.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_median(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
) -> u64 {
    let k = kind(k);
    let Some(mut xs) = elems(c, span, k, p, l, TEMP_PER_ELEM) else {
        return 0;
    };
    xs.sort_by(order);
    let n = xs.len();
    let m = match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => as_f64(xs[n / 2]),
        _ => midpoint(as_f64(xs[n / 2 - 1]), as_f64(xs[n / 2])),
    };
    float_bits(k, m)
}

/// The mean of `a` and `b`: correctly rounded where `a + b` is finite, without overflow
/// where it is not (`a / 2 + b / 2`), and exact for infinities (`-inf` and `0` give
/// `-inf`; `-inf` and `inf` give NaN).
pub fn midpoint(a: f64, b: f64) -> f64 {
    if a.is_infinite() || b.is_infinite() {
        return a + b;
    }
    let sum = a + b;
    if sum.is_finite() {
        sum / 2.0
    } else {
        a / 2.0 + b / 2.0
    }
}

/// A new list of the elements at `idx`, copied in that order.
unsafe fn gather(c: *mut RunCtx, span: u32, k: u32, p: *const u8, idx: &[usize], out: *mut RtStr) {
    let (size, align) = layout(k);
    let dst = ctx(c).alloc_value(span, (idx.len() as u64).checked_mul(size), align as usize);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    let size = size as usize;
    for (j, &i) in idx.iter().enumerate() {
        std::ptr::copy_nonoverlapping(p.add(i * size), dst.add(j * size), size);
    }
    out.write(RtStr {
        ptr: dst,
        len: idx.len() as i64,
    });
}

/// Whether a result of `l` elements of `k` fits the per-value limit and the run's memory
/// (checked before any temporary is built); if not, the fault is recorded and `out` set.
unsafe fn fits(c: *mut RunCtx, span: u32, k: u32, l: i64, out: *mut RtStr) -> bool {
    let bytes = (l.max(0) as u64).checked_mul(layout(k).0);
    let ok = ctx(c).check_room(span, bytes);
    if !ok {
        out.write(NOTHING);
    }
    ok
}

#[allow(clippy::too_many_arguments)]
unsafe fn sorted(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
    desc: bool,
) {
    if !fits(c, span, k, l, out) {
        return;
    }
    if let Some(Shape::Opt(inner)) = TypeCode(k).shape() {
        return sorted_opt(c, span, k, inner, p, l, out, desc);
    }
    let Some(xs) = elems(c, span, kind(k), p, l, TEMP_PER_ELEM) else {
        out.write(NOTHING);
        return;
    };
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&i, &j| {
        let (a, b) = (&xs[i], &xs[j]);
        if desc && !is_nan(a) && !is_nan(b) {
            order(b, a)
        } else {
            order(a, b)
        }
    });
    gather(c, span, k, p, &idx, out);
}

/// `sorted` of a list of scalar or string optionals (type code `k`, `inner?`): the values
/// in order (NaN last), then every none, in both directions; stable.
#[allow(clippy::too_many_arguments)]
unsafe fn sorted_opt(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    inner: TypeCode,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
    desc: bool,
) {
    let Some(Shape::Scalar(ik)) = inner.shape() else {
        out.write(NOTHING);
        return;
    };
    let n = l.max(0) as usize;
    let per = (std::mem::size_of::<Option<Scalar<'_>>>() + TEMP_PER_ELEM) as u64;
    if !ctx(c).check_temp(span, (n as u64).saturating_mul(per)) {
        out.write(NOTHING);
        return;
    }
    let size = layout(k).0 as usize;
    let xs: Vec<Option<Scalar<'_>>> = (0..n)
        .map(|i| {
            let e = p.add(i * size);
            (!structural::is_none(inner, e)).then(|| Scalar::read_elem(ik, e, 0))
        })
        .collect();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&i, &j| match (&xs[i], &xs[j]) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) if desc && !is_nan(a) && !is_nan(b) => order(b, a),
        (Some(a), Some(b)) => order(a, b),
    });
    gather(c, span, k, p, &idx, out);
}

/// Ascending, stable; NaN last.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_sort(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    sorted(c, span, k, p, l, out, false)
}

/// Descending, stable; NaN last.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_sort_desc(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    sorted(c, span, k, p, l, out, true)
}

/// The keys of `sort_by`/`group_by` (kind `key_k`, `l` of them at `keys`), once the
/// result of `l` elements of type code `k` is known to fit; `None` (the fault recorded
/// and `out` empty) otherwise.
///
/// # Safety
/// As for [`kiln_rt_list_sort_by`].
unsafe fn keyed<'k>(
    c: *mut RunCtx,
    span: u32,
    key_k: u32,
    keys: *const u8,
    l: i64,
    k: u32,
    out: *mut RtStr,
) -> Option<Vec<Scalar<'k>>> {
    if !fits(c, span, k, l, out) {
        return None;
    }
    let ks = elems(c, span, kind(key_k), keys, l, TEMP_PER_ELEM);
    if ks.is_none() {
        out.write(NOTHING);
    }
    ks
}

/// `sort_by(xs, x -> key)` (issue 14): the elements of `xs` (type code `k`) in the ascending,
/// stable order of their keys (kind `key_k`, one per element, computed by generated
/// code): NaN keys last, `-0.0` before `0.0`, strings bytewise.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn kiln_rt_list_sort_by(
    c: *mut RunCtx,
    span: u32,
    key_k: u32,
    keys: *const u8,
    l: i64,
    k: u32,
    p: *const u8,
    out: *mut RtStr,
) {
    let Some(ks) = keyed(c, span, key_k, keys, l, k, out) else {
        return;
    };
    let mut idx: Vec<usize> = (0..ks.len()).collect();
    idx.sort_by(|&i, &j| order(&ks[i], &ks[j]));
    gather(c, span, k, p, &idx, out);
}

/// `group_by(xs, x -> key)` (issue 14): the elements of `xs` (type code `k`) grouped by
/// equal keys (kind `key_k`, one per element, computed by generated code; equal as
/// `unique` compares: every NaN one key, `-0.0` the same as `0.0`), groups in order of
/// their first element, each in list order. The result is a `[[T]]`: one `{ptr, len}`
/// pair per group, each group a list of its own.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn kiln_rt_list_group_by(
    c: *mut RunCtx,
    span: u32,
    key_k: u32,
    keys: *const u8,
    l: i64,
    k: u32,
    p: *const u8,
    out: *mut RtStr,
) {
    let Some(ks) = keyed(c, span, key_k, keys, l, k, out) else {
        return;
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut at: std::collections::HashMap<Key<'_>, usize> = std::collections::HashMap::new();
    for (i, &s) in ks.iter().enumerate() {
        let g = *at.entry(key(s)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    let pair = std::mem::size_of::<RtStr>();
    let outer = ctx(c).alloc_value(
        span,
        (groups.len() as u64).checked_mul(pair as u64),
        std::mem::align_of::<RtStr>(),
    );
    if outer.is_null() {
        out.write(NOTHING);
        return;
    }
    for (j, g) in groups.iter().enumerate() {
        let mut inner = NOTHING;
        gather(c, span, k, p, g, &mut inner);
        if inner.ptr.is_null() {
            out.write(NOTHING);
            return;
        }
        (outer.add(j * pair) as *mut RtStr).write(inner);
    }
    out.write(RtStr {
        ptr: outer,
        len: groups.len() as i64,
    });
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_reverse(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    let (size, align) = layout(k);
    let n = l.max(0) as usize;
    let dst = ctx(c).alloc_value(span, (n as u64).checked_mul(size), align as usize);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    let size = size as usize;
    for i in 0..n {
        std::ptr::copy_nonoverlapping(p.add(i * size), dst.add((n - 1 - i) * size), size);
    }
    out.write(RtStr {
        ptr: dst,
        len: l.max(0),
    });
}

/// First occurrences, in order.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_unique(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    if !fits(c, span, k, l, out) {
        return;
    }
    if structural(k) {
        let Some(idx) = distinct(c, span, k, p, l) else {
            out.write(NOTHING);
            return;
        };
        gather(c, span, k, p, &idx, out);
        return;
    }
    let Some(xs) = elems(c, span, kind(k), p, l, TEMP_PER_ELEM) else {
        out.write(NOTHING);
        return;
    };
    let mut seen = HashSet::new();
    let idx: Vec<usize> = (0..xs.len()).filter(|&i| seen.insert(key(xs[i]))).collect();
    gather(c, span, k, p, &idx, out);
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_count_distinct(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
) -> i64 {
    if structural(k) {
        return distinct(c, span, k, p, l).map_or(0, |idx| idx.len() as i64);
    }
    let Some(xs) = elems(c, span, kind(k), p, l, TEMP_PER_ELEM) else {
        return 0;
    };
    xs.into_iter().map(key).collect::<HashSet<_>>().len() as i64
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_concat(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
    out: *mut RtStr,
) {
    let (size, align) = layout(k);
    let (al, bl) = (al.max(0) as u64, bl.max(0) as u64);
    let bytes = (al + bl).checked_mul(size);
    let dst = ctx(c).alloc_value(span, bytes, align as usize);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    let (size, al, bl) = (size as usize, al as usize, bl as usize);
    if al > 0 {
        std::ptr::copy_nonoverlapping(a, dst, al * size);
    }
    if bl > 0 {
        std::ptr::copy_nonoverlapping(b, dst.add(al * size), bl * size);
    }
    out.write(RtStr {
        ptr: dst,
        len: (al + bl) as i64,
    });
}

/// Elements `start .. end` (end-exclusive) that exist: both ends clamped to `0..=len`.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_slice(
    _c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
    start: i64,
    end: i64,
    out: *mut RtStr,
) {
    let n = l.max(0);
    let lo = start.clamp(0, n);
    let hi = end.clamp(0, n).max(lo);
    // A view of an immutable list: no copy needed.
    let (size, _) = layout(k);
    let ptr = if hi > lo {
        p.add(lo as usize * size as usize)
    } else {
        p
    };
    out.write(RtStr { ptr, len: hi - lo });
}

/// The indices of the first occurrences among the `l` elements of type code `k` at `p`,
/// compared structurally; `None` (E0616 recorded at `span`) when the temporaries would
/// not fit the run's memory.
unsafe fn distinct(c: *mut RunCtx, span: u32, k: u32, p: *const u8, l: i64) -> Option<Vec<usize>> {
    let n = l.max(0) as usize;
    if !ctx(c).check_temp(span, (n as u64).saturating_mul(TEMP_PER_ELEM as u64)) {
        return None;
    }
    Some(structural::first_occurrences(TypeCode(k), p, n))
}

/// `flatten(xss)`: the inner lists' elements in order, one new list. `k` is the type
/// code of the inner lists (`[T]`); the total length is counted before anything is
/// built.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_flatten(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    let Some(Shape::List(elem)) = TypeCode(k).shape() else {
        out.write(NOTHING);
        return;
    };
    let (size, align) = elem.layout();
    let inner: Vec<RtStr> = (0..l.max(0) as usize)
        .map(|i| (p as *const RtStr).add(i).read_unaligned())
        .collect();
    let total = inner
        .iter()
        .try_fold(0u64, |n, x| n.checked_add(x.len.max(0) as u64));
    let dst = ctx(c).alloc_value(
        span,
        total.and_then(|n| n.checked_mul(size)),
        align as usize,
    );
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    let mut at = 0usize;
    for x in &inner {
        let bytes = x.len.max(0) as usize * size as usize;
        if bytes > 0 {
            std::ptr::copy_nonoverlapping(x.ptr, dst.add(at), bytes);
            at += bytes;
        }
    }
    out.write(RtStr {
        ptr: dst,
        len: total.unwrap_or(0) as i64,
    });
}

/// The number of elements of `range(start, end, step)` (end-exclusive, counting down for
/// a negative step), or `None` for a zero step. Always fits: at most 2^64 - 1.
pub fn range_len(start: i64, end: i64, step: i64) -> Option<u64> {
    // The distance in the step's direction, exact in u64 (at most 2^64 - 1).
    let dist = match step {
        0 => return None,
        1.. if end > start => end.abs_diff(start),
        ..0 if start > end => start.abs_diff(end),
        _ => return Some(0),
    };
    Some((dist - 1) / step.unsigned_abs() + 1)
}

/// `range(start, end, step)`: `[i64]`. A zero step faults (E0613); the length is
/// computed before anything is built, so a huge range is E0609 or E0616, never a large
/// allocation.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_range(
    c: *mut RunCtx,
    span: u32,
    _k: u32,
    start: i64,
    end: i64,
    step: i64,
    out: *mut RtStr,
) {
    let c = ctx(c);
    let Some(n) = range_len(start, end, step) else {
        c.record(FaultRecord {
            fault: Fault::ZeroStep,
            span,
            a: 0,
            b: 0,
            message: None,
        });
        out.write(NOTHING);
        return;
    };
    let dst = c.alloc_value(span, n.checked_mul(8), 8) as *mut i64;
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    // Within the 1 GiB limit, so `n` fits a usize. An induction variable, not
    // `start + i * step`: it vectorises with adds alone (x86-64 has no 64-bit vector
    // multiply before AVX-512), twice as fast. Only the step past the last element can
    // wrap.
    let xs = std::slice::from_raw_parts_mut(dst, n as usize);
    let mut next = start;
    for x in xs {
        *x = next;
        next = next.wrapping_add(step);
    }
    out.write(RtStr {
        ptr: dst as *const u8,
        len: n as i64,
    });
}

// ---- optionals (v1) -----------------------------------------------------------------------

/// `compact(xs)` of a `[T?]` (`k`: the type code of `T?`, see `typecode`): the values
/// that are not none, in order.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_compact(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    compact(c, span, k, p, l, out, false)
}

/// `compact(xs)` as a `[T]?`: none when nothing is left.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_compact_some(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    compact(c, span, k, p, l, out, true)
}

unsafe fn compact(
    c: *mut RunCtx,
    span: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
    none_when_empty: bool,
) {
    use crate::typecode::{Shape, TypeCode, NONE_LEN};
    let code = TypeCode(k);
    let Some(Shape::Opt(inner)) = code.shape() else {
        out.write(NOTHING);
        return;
    };
    let (size, _) = code.layout();
    let (inner_size, align) = inner.layout();
    let (size, inner_size) = (size as usize, inner_size as usize);
    let valid = |i: usize| -> bool {
        let e = p.add(i * size);
        if inner.is_pair() {
            (e as *const RtStr).read_unaligned().len != NONE_LEN
        } else {
            *e.add(inner_size) != 0
        }
    };
    let n = l.max(0) as usize;
    let count = (0..n).filter(|&i| valid(i)).count();
    if count == 0 && none_when_empty {
        out.write(RtStr {
            ptr: std::ptr::null(),
            len: NONE_LEN,
        });
        return;
    }
    if count == 0 {
        out.write(RtStr {
            ptr: std::ptr::null(),
            len: 0,
        });
        return;
    }
    let bytes = (count as u64).checked_mul(inner_size as u64);
    let dst = ctx(c).alloc_value(span, bytes, align as usize);
    if dst.is_null() {
        out.write(NOTHING);
        return;
    }
    for (j, i) in (0..n).filter(|&i| valid(i)).enumerate() {
        std::ptr::copy_nonoverlapping(p.add(i * size), dst.add(j * inner_size), inner_size);
    }
    out.write(RtStr {
        ptr: dst,
        len: count as i64,
    });
}

#[cfg(test)]
mod tests {
    use super::range_len;

    /// The length by counting, for small bounds; by i128 arithmetic at the extremes.
    #[test]
    fn range_len_counts_like_stepping() {
        for start in -9..=9i64 {
            for end in -9..=9i64 {
                for step in -4..=4i64 {
                    let want = (step != 0).then(|| {
                        let mut n = 0;
                        let mut x = start;
                        while (step > 0 && x < end) || (step < 0 && x > end) {
                            n += 1;
                            x += step;
                        }
                        n
                    });
                    assert_eq!(range_len(start, end, step), want, "{start} {end} {step}");
                }
            }
        }
        assert_eq!(range_len(i64::MIN, i64::MAX, 1), Some(u64::MAX));
        assert_eq!(range_len(i64::MAX, i64::MIN, -1), Some(u64::MAX));
        assert_eq!(range_len(i64::MIN, i64::MAX, i64::MAX), Some(3));
        assert_eq!(range_len(i64::MAX, i64::MIN, i64::MIN), Some(2));
        assert_eq!(range_len(0, 1, i64::MIN), Some(0));
    }
}
