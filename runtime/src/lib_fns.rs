//! The standard library's string and list functions (`abi::RT_STR_LEN`…). Each takes
//! `(ctx, span, elem_kind, args...)`; strings and lists are (ptr, len) pairs, a pair
//! result is written through the last (out) argument, a scalar result is returned as
//! `u64` ABI bits. Strings count Unicode scalar values. Nothing here unwinds.

use super::display::{str_from_raw, Scalar};
use super::{FaultRecord, RunCtx};
use crate::abi::{Fault, Kind, RtStr, MAX_STRING_BYTES};
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

fn put(c: &mut RunCtx, out: *mut RtStr, s: &str) {
    // SAFETY: `out` is the caller's out pointer.
    unsafe { out.write(c.alloc_bytes(s.as_bytes())) }
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
    _s: u32,
    _k: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
    out: *mut RtStr,
) {
    let joined = [text(a, al), text(b, bl)].concat();
    put(ctx(c), out, &joined);
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
    _s: u32,
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
    put(ctx(c), out, &s[lo..hi]);
}

/// Case mappings, `(ctx, span, kind, s) -> string` in the arena, differing only in the
/// `str` method they call (Unicode rules: `upper("straße")` is `STRASSE`).
macro_rules! str_case_maps {
    ($($name:ident => $method:ident),* $(,)?) => {$(
        #[no_mangle]
        pub unsafe extern "C" fn $name(
            c: *mut RunCtx,
            _s: u32,
            _k: u32,
            p: *const u8,
            l: i64,
            out: *mut RtStr,
        ) {
            let s = text(p, l).$method();
            put(ctx(c), out, &s);
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
    _s: u32,
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
    let r = s.replace(from, to);
    put(ctx(c), out, &r);
}

/// Write a list of strings (pointing into live run memory) to the arena.
fn put_strs(c: &mut RunCtx, out: *mut RtStr, parts: &[&str]) {
    let ptr = c.alloc(parts.len() * 16, 8) as *mut RtStr;
    for (i, part) in parts.iter().enumerate() {
        // SAFETY: the allocation holds `parts.len()` pairs.
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
            len: parts.len() as i64,
        })
    };
}

/// The pieces between separators; an empty separator splits into characters, and the
/// empty string gives `[""]`.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_str_split(
    c: *mut RunCtx,
    _s: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    sp: *const u8,
    sl: i64,
    out: *mut RtStr,
) {
    let (s, sep) = (text(p, l), text(sp, sl));
    let parts: Vec<&str> = if sep.is_empty() {
        s.char_indices()
            .map(|(i, ch)| &s[i..i + ch.len_utf8()])
            .collect()
    } else {
        s.split(sep).collect()
    };
    put_strs(ctx(c), out, &parts);
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
    _s: u32,
    _k: u32,
    p: *const u8,
    l: i64,
    sp: *const u8,
    sl: i64,
    out: *mut RtStr,
) {
    let joined = strs(p, l).join(text(sp, sl));
    put(ctx(c), out, &joined);
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
    let s = text(p, l);
    let n = n.max(0);
    let bytes = (s.len() as i64).saturating_mul(n);
    if bytes > MAX_STRING_BYTES {
        ctx(c).record(FaultRecord {
            fault: Fault::TooLarge,
            span,
            a: bytes,
            b: 0,
            message: None,
        });
        out.write(RtStr { ptr: p, len: 0 });
        return;
    }
    let r = s.repeat(n as usize);
    put(ctx(c), out, &r);
}

// ---- lists ------------------------------------------------------------------------------

fn kind(k: u32) -> Kind {
    Kind::from_u32(k).unwrap_or(Kind::I64)
}

unsafe fn elems<'a>(k: Kind, p: *const u8, l: i64) -> Vec<Scalar<'a>> {
    (0..l.max(0) as usize)
        .map(|i| Scalar::read_elem(k, p, i))
        .collect()
}

fn bits(s: Scalar<'_>) -> u64 {
    match s {
        Scalar::Bool(b) => b as u64,
        Scalar::Int(v) => v as u64,
        Scalar::UInt(v) => v,
        Scalar::F32(f) => f.to_bits() as u64,
        Scalar::F64(f) => f.to_bits(),
        Scalar::Str(_) => 0,
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
    _c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
) -> u64 {
    let k = kind(k);
    let mut xs = elems(k, p, l);
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
unsafe fn gather(c: *mut RunCtx, k: Kind, p: *const u8, idx: &[usize], out: *mut RtStr) {
    let (size, align) = k.layout();
    let size = size as usize;
    let dst = ctx(c).alloc(idx.len() * size, align as usize);
    for (j, &i) in idx.iter().enumerate() {
        std::ptr::copy_nonoverlapping(p.add(i * size), dst.add(j * size), size);
    }
    out.write(RtStr {
        ptr: dst,
        len: idx.len() as i64,
    });
}

unsafe fn sorted(c: *mut RunCtx, k: u32, p: *const u8, l: i64, out: *mut RtStr, desc: bool) {
    let k = kind(k);
    let xs = elems(k, p, l);
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&i, &j| {
        let (a, b) = (&xs[i], &xs[j]);
        if desc && !is_nan(a) && !is_nan(b) {
            order(b, a)
        } else {
            order(a, b)
        }
    });
    gather(c, k, p, &idx, out);
}

/// Ascending, stable; NaN last.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_sort(
    c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    sorted(c, k, p, l, out, false)
}

/// Descending, stable; NaN last.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_sort_desc(
    c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    sorted(c, k, p, l, out, true)
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_reverse(
    c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    let idx: Vec<usize> = (0..l.max(0) as usize).rev().collect();
    gather(c, kind(k), p, &idx, out);
}

/// First occurrences, in order.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_unique(
    c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
    out: *mut RtStr,
) {
    let k = kind(k);
    let xs = elems(k, p, l);
    let mut seen = HashSet::new();
    let idx: Vec<usize> = (0..xs.len()).filter(|&i| seen.insert(key(xs[i]))).collect();
    gather(c, k, p, &idx, out);
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_count_distinct(
    _c: *mut RunCtx,
    _s: u32,
    k: u32,
    p: *const u8,
    l: i64,
) -> i64 {
    let xs = elems(kind(k), p, l);
    xs.into_iter().map(key).collect::<HashSet<_>>().len() as i64
}

#[no_mangle]
pub unsafe extern "C" fn kiln_rt_list_concat(
    c: *mut RunCtx,
    _s: u32,
    k: u32,
    a: *const u8,
    al: i64,
    b: *const u8,
    bl: i64,
    out: *mut RtStr,
) {
    let k = kind(k);
    let (size, align) = k.layout();
    let (size, al, bl) = (size as usize, al.max(0) as usize, bl.max(0) as usize);
    let dst = ctx(c).alloc((al + bl) * size, align as usize);
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
    let (size, _) = kind(k).layout();
    let ptr = if hi > lo {
        p.add(lo as usize * size as usize)
    } else {
        p
    };
    out.write(RtStr { ptr, len: hi - lo });
}
