//! Regular expressions (`matches`, `find_match`, `captures`, `replace_all`, `split_re`),
//! with the `regex` crate's syntax and meaning (linear time in the pattern and input).
//!
//! Where a call's compiled pattern comes from:
//! - **A literal pattern** has a *slot*: a pointer-sized global of the calling module,
//!   one per call site, null when the module is loaded. The call loads it (one atomic
//!   load); when it is null (the site's first call in this process) the pattern is looked
//!   up in (or compiled into) the process-wide table of literal patterns, [`literal`],
//!   and the slot is filled. The compiler calls [`literal`] when it checks the pattern,
//!   so the JIT's first run finds it compiled; a built executable or `lli` compiles it
//!   once per process, at first use. Each distinct literal pattern is compiled once per
//!   process and leaked (the table holds `&'static Regex`): bounded by the text of the
//!   programs the process compiled or ran. Slots hold no address until run, so cached
//!   objects (`kiln run`'s cache) carry none.
//! - **A computed pattern** (slot null) goes through a small per-thread LRU cache of
//!   [`CACHE_CAPACITY`] compiled patterns: a loop over rows with one computed pattern
//!   compiles it once, and memory stays bounded however many distinct patterns come. An
//!   invalid one is fault E0614 at the pattern argument, with the crate's reason.
//!
//! Every function takes `(ctx, span, pattern_span, slot, text, pattern, [with], [out])`;
//! `span` (the call) is where the size and memory limits fault (E0609, E0616),
//! `pattern_span` where a bad computed pattern does (E0614). Results that are pieces of
//! the text (a match, captures, split pieces) point into it: only lists are allocated.
//! Nothing here panics.

use crate::abi::{Fault, RtStr, MAX_STRING_BYTES};
use crate::{FaultRecord, RunCtx};
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// How many compiled computed patterns each thread keeps (least recently used evicted).
pub const CACHE_CAPACITY: usize = 32;

static LITERALS: OnceLock<Mutex<HashMap<Box<str>, &'static Regex>>> = OnceLock::new();
static LITERAL_COMPILATIONS: AtomicU64 = AtomicU64::new(0);
static COMPUTED_COMPILATIONS: AtomicU64 = AtomicU64::new(0);

/// The compiled literal pattern `pattern`, compiled on its first request in this process
/// and shared by every later one (and every thread); the crate's error when it does not
/// compile (nothing is kept then).
pub fn literal(pattern: &str) -> Result<&'static Regex, regex::Error> {
    let table = LITERALS.get_or_init(|| Mutex::new(HashMap::new()));
    // A panic elsewhere while holding the lock leaves the table intact: use it anyway.
    let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = table.get(pattern) {
        return Ok(re);
    }
    let re: &'static Regex = Box::leak(Box::new(Regex::new(pattern)?));
    LITERAL_COMPILATIONS.fetch_add(1, Ordering::Relaxed);
    table.insert(pattern.into(), re);
    Ok(re)
}

/// How many literal patterns this process has compiled (each distinct one once).
pub fn literal_compilations() -> u64 {
    LITERAL_COMPILATIONS.load(Ordering::Relaxed)
}

/// How many computed patterns this process has compiled (cache misses).
pub fn computed_compilations() -> u64 {
    COMPUTED_COMPILATIONS.load(Ordering::Relaxed)
}

/// How many compiled computed patterns the calling thread's cache holds.
pub fn cached_patterns() -> usize {
    CACHE.try_with(|c| c.borrow().entries.len()).unwrap_or(0)
}

/// The short reason the crate gives for rejecting `pattern` (`unclosed group`), without
/// the pattern and caret lines of its full message.
pub fn reason(pattern: &str, err: &regex::Error) -> String {
    match err {
        regex::Error::Syntax(full) => match regex_syntax::Parser::new().parse(pattern) {
            Err(regex_syntax::Error::Parse(e)) => e.kind().to_string(),
            Err(regex_syntax::Error::Translate(e)) => e.kind().to_string(),
            _ => full.clone(),
        },
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled pattern would exceed the size limit of {limit} bytes")
        }
        other => other.to_string(),
    }
}

/// The bytes `(p, l)` describes (empty for a null pointer or a length <= 0).
///
/// # Safety
/// `p` is null or points at `l` readable bytes.
unsafe fn bytes<'a>(p: *const u8, l: i64) -> &'a [u8] {
    if l <= 0 || p.is_null() {
        return &[];
    }
    std::slice::from_raw_parts(p, l as usize)
}

/// The string `(p, l)` describes (UTF-8 by the runtime's invariant, not checked again).
///
/// # Safety
/// As [`crate::display::str_from_raw`].
unsafe fn text<'a>(p: *const u8, l: i64) -> &'a str {
    crate::display::str_from_raw(p, l)
}

struct Cache {
    /// (pattern, compiled, last use).
    entries: Vec<(Box<str>, Regex, u64)>,
    tick: u64,
    /// The entry used last (checked first: a loop over rows repeats one pattern).
    last: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache {
            entries: Vec::new(),
            tick: 0,
            last: 0,
        })
    };
}

impl Cache {
    /// The index of the compiled form of the pattern whose bytes are `raw`, compiling
    /// (and evicting the least recently used) on a miss. A hit compares bytes only.
    fn get(&mut self, raw: &[u8]) -> Result<usize, regex::Error> {
        self.tick += 1;
        let tick = self.tick;
        let hit = match self.entries.get(self.last) {
            Some(e) if e.0.as_bytes() == raw => Some(self.last),
            _ => self.entries.iter().position(|e| e.0.as_bytes() == raw),
        };
        if let Some(i) = hit {
            self.entries[i].2 = tick;
            self.last = i;
            return Ok(i);
        }
        let pattern = std::str::from_utf8(raw).unwrap_or("");
        let re = Regex::new(pattern)?;
        COMPUTED_COMPILATIONS.fetch_add(1, Ordering::Relaxed);
        let entry = (Box::from(pattern), re, tick);
        if self.entries.len() < CACHE_CAPACITY {
            self.entries.push(entry);
            self.last = self.entries.len() - 1;
            return Ok(self.last);
        }
        let oldest = (0..self.entries.len())
            .min_by_key(|&i| self.entries[i].2)
            .unwrap_or(0);
        self.entries[oldest] = entry;
        self.last = oldest;
        Ok(oldest)
    }
}

/// Record E0614 for `pattern` at `pspan`.
fn bad_pattern(c: &mut RunCtx, pspan: u32, pattern: &str, err: &regex::Error) {
    c.record(FaultRecord::bad_regex(
        pspan,
        pattern,
        &reason(pattern, err),
    ));
}

/// Run `f` with the compiled pattern: the slot's, the literal table's (filling the slot),
/// or the thread's cache's (`slot` null). `None` after recording E0614.
///
/// # Safety
/// `slot` is null or a live pointer-sized cell only ever holding null or a pointer from
/// [`literal`]; `p`, `l` describe a string.
unsafe fn with_regex<R>(
    c: &mut RunCtx,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    p: *const u8,
    l: i64,
    f: impl FnOnce(&Regex) -> R,
) -> Option<R> {
    if let Some(slot) = slot.as_ref() {
        let re = slot.load(Ordering::Acquire);
        if let Some(re) = re.as_ref() {
            return Some(f(re));
        }
        let pattern = text(p, l);
        return match literal(pattern) {
            Ok(re) => {
                slot.store(re as *const Regex as *mut Regex, Ordering::Release);
                Some(f(re))
            }
            Err(e) => {
                bad_pattern(c, pspan, pattern, &e);
                None
            }
        };
    }
    let raw = bytes(p, l);
    let mut f = Some(f);
    let cached = CACHE.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        match cache.get(raw) {
            Ok(i) => Ok(f.take().map(|f| f(&cache.entries[i].1))),
            Err(e) => Err(e),
        }
    });
    match cached {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            bad_pattern(c, pspan, text(p, l), &e);
            None
        }
        // The thread is exiting (its cache is gone): compile for this call only.
        Err(_) => match Regex::new(text(p, l)) {
            Ok(re) => f.take().map(|f| f(&re)),
            Err(e) => {
                bad_pattern(c, pspan, text(p, l), &e);
                None
            }
        },
    }
}

/// The pair a failed function leaves in `out` (its fault recorded; never used).
const NOTHING: RtStr = RtStr {
    ptr: std::ptr::null(),
    len: 0,
};

fn pair(s: &str) -> RtStr {
    RtStr {
        ptr: s.as_ptr(),
        len: s.len() as i64,
    }
}

/// `none` of a `string?` or `[T]?`.
const NONE: RtStr = RtStr {
    ptr: std::ptr::null(),
    len: -1,
};

/// A list of pairs in the arena (`none` pieces as length -1); [`NOTHING`] after a fault.
fn put_pairs(c: &mut RunCtx, span: u32, pieces: &[RtStr]) -> RtStr {
    let n = pieces.len();
    let ptr = c.alloc_value(span, (n as u64).checked_mul(16), 8) as *mut RtStr;
    if ptr.is_null() {
        return NOTHING;
    }
    // SAFETY: the allocation holds `n` pairs and does not overlap `pieces`.
    unsafe { std::ptr::copy_nonoverlapping(pieces.as_ptr(), ptr, n) };
    RtStr {
        ptr: ptr as *const u8,
        len: n as i64,
    }
}

/// `matches(s, re)`: whether the pattern matches anywhere in `s`.
///
/// # Safety
/// `c` is the live run context; `slot` as for [`with_regex`]; the pairs are strings.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_matches(
    c: *mut RunCtx,
    _span: u32,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    s: *const u8,
    sl: i64,
    p: *const u8,
    pl: i64,
) -> i64 {
    let text = text(s, sl);
    with_regex(&mut *c, pspan, slot, p, pl, |re| re.is_match(text)).unwrap_or(false) as i64
}

/// `matches(s, re)` of a literal pattern once its call site's slot holds the compiled
/// pattern: generated code loads the slot and calls this when it is not null (the first
/// call of a site goes through [`kiln_rt_re_matches`], which fills it).
///
/// # Safety
/// `re` is a pointer [`literal`] returned (so it lives as long as the process); the pair
/// is a string.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_is_match(re: *const Regex, s: *const u8, sl: i64) -> i64 {
    match re.as_ref() {
        Some(re) => re.is_match(text(s, sl)) as i64,
        None => 0,
    }
}

/// `find_match(s, re) -> string?`: the leftmost match (a view of `s`), or none.
///
/// # Safety
/// As [`kiln_rt_re_matches`]; `out` is the caller's out pointer.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_find(
    c: *mut RunCtx,
    _span: u32,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    s: *const u8,
    sl: i64,
    p: *const u8,
    pl: i64,
    out: *mut RtStr,
) {
    let text = text(s, sl);
    let found = with_regex(&mut *c, pspan, slot, p, pl, |re| {
        re.find(text).map_or(NONE, |m| pair(m.as_str()))
    });
    out.write(found.unwrap_or(NOTHING));
}

/// `captures(s, re) -> [string?]?`: group 0 then each group of the leftmost match (a
/// group that did not take part is none), or none when nothing matches.
///
/// # Safety
/// As [`kiln_rt_re_find`].
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_captures(
    c: *mut RunCtx,
    span: u32,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    s: *const u8,
    sl: i64,
    p: *const u8,
    pl: i64,
    out: *mut RtStr,
) {
    let c = &mut *c;
    let text = text(s, sl);
    let groups = with_regex(c, pspan, slot, p, pl, |re| {
        re.captures(text).map(|caps| {
            caps.iter()
                .map(|g| g.map_or(NONE, |m| pair(m.as_str())))
                .collect::<Vec<_>>()
        })
    });
    let result = match groups {
        None => NOTHING,
        Some(None) => NONE,
        Some(Some(groups)) => put_pairs(c, span, &groups),
    };
    out.write(result);
}

/// Record E0609 at `span` for a result of `bytes` bytes.
fn too_large(c: &mut RunCtx, span: u32, bytes: usize) {
    c.record(FaultRecord {
        fault: Fault::TooLarge,
        span,
        a: bytes.min(i64::MAX as usize) as i64,
        b: 0,
        message: None,
    });
}

/// `replace_all(s, re, with)`: every match replaced by `with`, `$1` / `${name}` expanded
/// as the crate expands them. The result is built piece by piece and stops at the
/// per-value limit (E0609).
///
/// # Safety
/// As [`kiln_rt_re_find`]; `w`, `wl` describe a string.
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_replace_all(
    c: *mut RunCtx,
    span: u32,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    s: *const u8,
    sl: i64,
    p: *const u8,
    pl: i64,
    w: *const u8,
    wl: i64,
    out: *mut RtStr,
) {
    let c = &mut *c;
    let (text, with) = (text(s, sl), text(w, wl));
    let limit = MAX_STRING_BYTES as usize;
    let built = with_regex(c, pspan, slot, p, pl, |re| {
        let mut result = String::new();
        let mut last = 0;
        if with.contains('$') {
            for caps in re.captures_iter(text) {
                let Some(m) = caps.get(0) else { continue };
                result.push_str(&text[last..m.start()]);
                caps.expand(with, &mut result);
                last = m.end();
                if result.len() > limit {
                    return Err(result.len());
                }
            }
        } else {
            for m in re.find_iter(text) {
                result.push_str(&text[last..m.start()]);
                result.push_str(with);
                last = m.end();
                if result.len() > limit {
                    return Err(result.len());
                }
            }
        }
        result.push_str(&text[last..]);
        Ok(result)
    });
    let result = match built {
        None => NOTHING,
        Some(Err(bytes)) => {
            too_large(c, span, bytes);
            NOTHING
        }
        Some(Ok(r)) => c.value_bytes(span, r.as_bytes()).unwrap_or(NOTHING),
    };
    out.write(result);
}

/// `split_re(s, re) -> [string]`: the pieces between matches, as the crate splits (empty
/// pieces kept; `split_re("", re)` is `[""]`).
///
/// # Safety
/// As [`kiln_rt_re_find`].
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_re_split(
    c: *mut RunCtx,
    span: u32,
    pspan: u32,
    slot: *mut AtomicPtr<Regex>,
    s: *const u8,
    sl: i64,
    p: *const u8,
    pl: i64,
    out: *mut RtStr,
) {
    let c = &mut *c;
    let text = text(s, sl);
    let pieces = with_regex(c, pspan, slot, p, pl, |re| {
        re.split(text).map(pair).collect::<Vec<_>>()
    });
    let result = match pieces {
        None => NOTHING,
        Some(pieces) => put_pairs(c, span, &pieces),
    };
    out.write(result);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_pattern_is_compiled_once_per_process() {
        let pattern = "^runtime-literal-once-[0-9]+$";
        let before = literal_compilations();
        let first = literal(pattern).unwrap() as *const Regex;
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(move || literal(pattern).unwrap() as *const Regex as usize))
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), first as usize);
        }
        // Other tests may compile their own literals meanwhile, but not this one again.
        assert!(literal_compilations() > before);
        assert!(literal("(").is_err());
    }

    #[test]
    fn the_computed_cache_is_bounded_and_keeps_recent_patterns() {
        std::thread::spawn(|| {
            let mut ctx = RunCtx::new();
            for i in 0..(CACHE_CAPACITY * 3) {
                let p = format!("^x{i}$");
                let got = unsafe {
                    with_regex(
                        &mut ctx,
                        0,
                        std::ptr::null_mut(),
                        p.as_ptr(),
                        p.len() as i64,
                        |re| re.is_match(&format!("x{i}")),
                    )
                };
                assert_eq!(got, Some(true));
                assert!(cached_patterns() <= CACHE_CAPACITY);
            }
            assert_eq!(cached_patterns(), CACHE_CAPACITY);
            // The most recent pattern is a hit: no compilation.
            let p = format!("^x{}$", CACHE_CAPACITY * 3 - 1);
            let before = computed_compilations();
            for _ in 0..100 {
                unsafe {
                    with_regex(
                        &mut ctx,
                        0,
                        std::ptr::null_mut(),
                        p.as_ptr(),
                        p.len() as i64,
                        |_| (),
                    )
                };
            }
            assert_eq!(computed_compilations(), before);
            assert_eq!(cached_patterns(), CACHE_CAPACITY);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_bad_computed_pattern_records_e0614_with_the_crates_reason() {
        let mut ctx = RunCtx::new();
        let p = "a(b";
        let got = unsafe { with_regex(&mut ctx, 7, std::ptr::null_mut(), p.as_ptr(), 3, |_| ()) };
        assert!(got.is_none());
        let f = ctx.fault().unwrap();
        assert_eq!(f.fault, Fault::BadRegex);
        assert_eq!(f.span, 7);
        assert_eq!(
            f.message(),
            "invalid regular expression \"a(b\": unclosed group"
        );
    }
}
