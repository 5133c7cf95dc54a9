//! How each Kiln type sits in memory where the host meets generated code, and reading
//! and writing it. One place for all of it: the JIT's input and result slots, the REPL's
//! globals, columns and host trampolines use these functions.
//!
//! - A **slot** is 16 bytes (`[u64; 2]`): a scalar's ABI bits in the first word
//!   (integers extended from their type, bool 0/1, floats as bit patterns); a string or
//!   list as its (pointer, length) pair.
//! - In **memory** (a global, a list element, a column) a value has its natural layout:
//!   bool one byte, integers and floats their width, strings and lists a `{ ptr, i64 }`
//!   pair ([`RtStr`]) of 16 bytes.
//! - **Optionals** (v1), in memory and in slots, are laid out as `kiln_runtime::typecode`
//!   describes: `string?` and `[T]?` are their pair with length -1 for `none`; a scalar
//!   `T?` is `{ T, u8 valid }` in memory and `[bits, valid]` in a slot.

use super::Value;
use crate::abi::{Kind, KindTy, RtStr};
use crate::types::ty::Ty;
use kiln_runtime::display::{self, Scalar};
use kiln_runtime::typecode::NONE_LEN;
use kiln_runtime::RunCtx;

/// Whether values of this type are a (pointer, length) pair (strings, lists, and their
/// optionals, `none` being the length `typecode::NONE_LEN`).
pub fn is_pair(ty: &Ty) -> bool {
    match ty {
        Ty::Str | Ty::List(_) => true,
        Ty::Opt(t) => is_pair(t),
        _ => false,
    }
}

/// Size in memory of a value of type `ty` (bool one byte; pairs 16 bytes; a scalar
/// optional its value then a validity byte, padded to the value's alignment: see
/// `kiln_runtime::typecode`).
pub fn mem_size(ty: &Ty) -> usize {
    crate::abi::type_code(ty).map_or(8, |c| c.layout().0 as usize)
}

/// The pair generated code sees for `s` (borrowing its bytes).
pub fn str_pair(s: &str) -> RtStr {
    RtStr {
        ptr: s.as_ptr(),
        len: s.len() as i64,
    }
}

/// The string a (pointer, length) pair points to, copied (invalid UTF-8 replaced).
///
/// # Safety
/// `ptr` must point to `len` readable bytes, or be null, or `len` not positive.
pub unsafe fn string_from_pair(ptr: *const u8, len: i64) -> String {
    if ptr.is_null() || len <= 0 {
        return String::new();
    }
    String::from_utf8_lossy(std::slice::from_raw_parts(ptr, len as usize)).into_owned()
}

/// The slot of a (type-checked) value. A string's pair borrows its bytes; a list's
/// elements (nested lists too, each level) are laid out in `ctx`'s arena, so the slot is
/// valid until `ctx` is reset. A list's element type comes from the value; for an
/// optional value use [`to_slot_as`].
pub fn to_slot(ctx: &mut RunCtx, v: &Value) -> [u64; 2] {
    match v {
        Value::List(elem, _) => to_slot_as(ctx, v, &Ty::List(Box::new(elem.clone()))),
        v => to_slot_as(ctx, v, &v.ty()),
    }
}

/// The slot of a (type-checked) value of type `ty`: optionals (a `Value::None` or a
/// plain value for a `T?`), lists of any element type and scalars, as
/// `kiln_runtime::typecode` lays them out.
pub fn to_slot_as(ctx: &mut RunCtx, v: &Value, ty: &Ty) -> [u64; 2] {
    match (ty, v) {
        (Ty::Opt(t), Value::None) if is_pair(t) => [0, NONE_LEN as u64],
        (Ty::Opt(_), Value::None) => [0, 0],
        (Ty::Opt(t), v) if is_pair(t) => to_slot_as(ctx, v, t),
        (Ty::Opt(t), v) => [to_slot_as(ctx, v, t)[0], 1],
        (Ty::List(elem), Value::List(_, items)) => {
            let Some(code) = crate::abi::type_code(elem) else {
                return [0, 0];
            };
            let (size, align) = code.layout();
            let size = size as usize;
            let ptr = ctx.alloc(size * items.len(), align as usize);
            for (i, item) in items.iter().enumerate() {
                // SAFETY: `ptr` has room for `items.len()` elements of `size` bytes.
                unsafe { write_as(ctx, ptr.add(i * size), item, elem) };
            }
            [ptr as u64, items.len() as u64]
        }
        (_, Value::Str(s)) => [s.as_ptr() as u64, s.len() as u64],
        (_, v) => [v.to_bits().unwrap_or(0), 0],
    }
}

/// Write `v` as a value of type `ty` at `p`, in its memory layout.
///
/// # Safety
/// `p` must have room for a value of type `ty`.
unsafe fn write_as(ctx: &mut RunCtx, p: *mut u8, v: &Value, ty: &Ty) {
    let slot = to_slot_as(ctx, v, ty);
    if is_pair(ty) {
        (p as *mut [u64; 2]).write_unaligned(slot);
        return;
    }
    let (value_size, valid) = match ty {
        // `{ T, u8 valid }`: the validity byte follows the value.
        Ty::Opt(t) => (mem_size(t), Some(slot[1] as u8)),
        t => (mem_size(t), None),
    };
    let bits = slot[0].to_le_bytes();
    std::ptr::copy_nonoverlapping(bits.as_ptr(), p, value_size.min(8));
    if let Some(valid) = valid {
        *p.add(value_size) = valid;
    }
}

/// Copy a value of type `ty` out of its slot. `None` for a type that cannot be in one.
///
/// # Safety
/// For strings and lists, `slot` must hold a valid (ptr, len) pair of that type.
pub unsafe fn from_slot(ty: &Ty, slot: [u64; 2]) -> Option<Value> {
    let (ptr, len) = (slot[0] as usize as *const u8, slot[1] as i64);
    Some(match ty {
        Ty::Opt(t) if is_pair(t) && len == NONE_LEN => Value::None,
        Ty::Opt(t) if is_pair(t) => return from_slot(t, slot),
        Ty::Opt(_) if slot[1] == 0 => Value::None,
        Ty::Opt(t) => return from_slot(t, [slot[0], 0]),
        Ty::List(elem) if elem.is_opt() => {
            let size = mem_size(elem);
            let items = (0..len.max(0) as usize)
                .map(|i| read(ptr as usize + i * size, elem))
                .collect::<Option<Vec<Value>>>()?;
            Value::List((**elem).clone(), items)
        }
        Ty::Str => Value::Str(display::str_from_raw(ptr, len).to_owned()),
        Ty::List(elem) => match Kind::of(elem) {
            Some(kind) => {
                let items = (0..len.max(0) as usize)
                    .map(|i| from_scalar(kind, Scalar::read_elem(kind, ptr, i)))
                    .collect();
                Value::List((**elem).clone(), items)
            }
            // A list of lists: each element read from memory, recursively.
            None => {
                let size = mem_size(elem);
                let items = (0..len.max(0) as usize)
                    .map(|i| read(ptr as usize + i * size, elem))
                    .collect::<Option<Vec<Value>>>()?;
                Value::List((**elem).clone(), items)
            }
        },
        t => Value::from_bits(Kind::of(t)?, slot[0]),
    })
}

fn from_scalar(kind: Kind, s: Scalar<'_>) -> Value {
    let bits = match s {
        Scalar::Str(s) => return Value::Str(s.to_owned()),
        Scalar::Bool(b) => b as u64,
        Scalar::Int(v) => v as u64,
        Scalar::UInt(v) => v,
        Scalar::F32(v) => v.to_bits() as u64,
        Scalar::F64(v) => v.to_bits(),
        Scalar::Timestamp(v) | Scalar::Duration(v) => v as u64,
    };
    Value::from_bits(kind, bits)
}

/// The bytes of the value of type `ty` at `addr` (its natural layout; the rest zero).
///
/// # Safety
/// `addr` must point to a live value of type `ty`.
pub unsafe fn read_bytes(addr: usize, ty: &Ty) -> [u8; 16] {
    let mut out = [0u8; 16];
    std::ptr::copy_nonoverlapping(addr as *const u8, out.as_mut_ptr(), mem_size(ty));
    out
}

/// Write back bytes [`read_bytes`] read.
///
/// # Safety
/// `addr` must point to a live, writable value of type `ty`.
pub unsafe fn write_bytes(addr: usize, ty: &Ty, bytes: &[u8; 16]) {
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as *mut u8, mem_size(ty));
}

/// Copy the value of type `ty` at `addr` (its natural layout) out as a [`Value`].
///
/// # Safety
/// `addr` must point to a live value of type `ty` holding a valid value.
pub unsafe fn read(addr: usize, ty: &Ty) -> Option<Value> {
    let bytes = read_bytes(addr, ty);
    let lo = u64::from_le_bytes(bytes[..8].try_into().ok()?);
    let hi = u64::from_le_bytes(bytes[8..].try_into().ok()?);
    if is_pair(ty) {
        return from_slot(ty, [lo, hi]);
    }
    if let Ty::Opt(t) = ty {
        // `{ T, u8 valid }`: the validity byte follows the value.
        let size = mem_size(t);
        if bytes[size] == 0 {
            return Some(Value::None);
        }
        return read(addr, t);
    }
    let size = mem_size(ty);
    let bits = if size >= 8 {
        lo
    } else {
        lo & ((1u64 << (size * 8)) - 1)
    };
    Some(Value::from_bits(Kind::of(ty)?, bits))
}

/// Copy the string or list whose pair is at `addr` into one new buffer, deeply (the
/// inner lists and strings of a nested list too): each list's elements (8-byte aligned),
/// then what they point to. Returns the buffer and the (ptr, len) pair that points into
/// it.
///
/// # Safety
/// `addr` must point to a valid (ptr, len) pair of type `ty`.
pub unsafe fn copy_pair(addr: usize, ty: &Ty) -> (Box<[u64]>, RtStr) {
    let pair = (addr as *const RtStr).read_unaligned();
    let words = deep_words(ty, pair);
    let mut buf: Box<[u64]> = vec![0u64; words + 1].into_boxed_slice();
    let base = buf.as_mut_ptr() as *mut u8;
    let mut at = 0;
    let result = deep_copy(ty, pair, base, &mut at);
    (buf, result)
}

/// The 8-byte words [`deep_copy`] writes for the pair `p` of type `ty`.
///
/// # Safety
/// `p` is a valid pair of type `ty`.
unsafe fn deep_words(ty: &Ty, p: RtStr) -> usize {
    let len = p.len.max(0) as usize;
    match ty {
        Ty::Str => len.div_ceil(8),
        Ty::List(elem) => {
            let size = mem_size(elem);
            let mut words = (len * size).div_ceil(8);
            if is_pair(elem) {
                for i in 0..len {
                    let e = (p.ptr as *const RtStr).add(i).read_unaligned();
                    words += deep_words(elem, e);
                }
            }
            words
        }
        Ty::Opt(t) if p.len >= 0 => deep_words(t, p),
        _ => 0,
    }
}

/// Copy the pair `p` of type `ty` to `base + *at` (advancing `at`, in bytes, by whole
/// words) and return the copy's pair; a `none` pair is returned as it is.
///
/// # Safety
/// `p` is a valid pair of type `ty`; `base` has room for [`deep_words`] more words.
unsafe fn deep_copy(ty: &Ty, p: RtStr, base: *mut u8, at: &mut usize) -> RtStr {
    let len = p.len.max(0) as usize;
    match ty {
        Ty::Str | Ty::List(_) => {
            let (head, elem) = match ty {
                Ty::List(elem) => (len * mem_size(elem), Some(&**elem)),
                _ => (len, None),
            };
            let dst = base.add(*at);
            if head > 0 {
                std::ptr::copy_nonoverlapping(p.ptr, dst, head);
            }
            *at += head.div_ceil(8) * 8;
            if let Some(elem) = elem.filter(|e| is_pair(e)) {
                for i in 0..len {
                    let slot = (dst as *mut RtStr).add(i);
                    let copied = deep_copy(elem, slot.read_unaligned(), base, at);
                    slot.write_unaligned(copied);
                }
            }
            RtStr {
                ptr: dst,
                len: p.len,
            }
        }
        Ty::Opt(t) if p.len >= 0 => deep_copy(t, p, base, at),
        _ => p,
    }
}
