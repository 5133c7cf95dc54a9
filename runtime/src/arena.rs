//! The per-run bump arena: every string and list generated code creates lives here until
//! the run context is reset or dropped.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

use crate::abi::DEFAULT_MAX_MEMORY;

/// Alignment of every chunk; requests may ask for at most this much.
const CHUNK_ALIGN: usize = 16;
const FIRST_CHUNK: usize = 1024;
const MAX_CHUNK: usize = 1 << 20;

pub struct Arena {
    /// Every chunk allocated, newest last.
    chunks: Vec<(NonNull<u8>, Layout)>,
    /// Bump pointer and end of the newest chunk (as addresses); both 0 with no chunk.
    cur: usize,
    end: usize,
    /// Bytes held in chunks (the sum of their sizes).
    held: usize,
    /// The most bytes [`Arena::try_alloc`] lets the chunks hold.
    limit: usize,
}

impl Arena {
    /// An empty arena with the default limit ([`DEFAULT_MAX_MEMORY`]).
    pub const fn new() -> Arena {
        Arena {
            chunks: Vec::new(),
            cur: 0,
            end: 0,
            held: 0,
            limit: if (DEFAULT_MAX_MEMORY as u128) < usize::MAX as u128 {
                DEFAULT_MAX_MEMORY as usize
            } else {
                usize::MAX
            },
        }
    }

    /// The most bytes the arena's chunks may hold; [`Arena::try_alloc`] refuses more.
    pub fn set_limit(&mut self, bytes: u64) {
        self.limit = usize::try_from(bytes).unwrap_or(usize::MAX);
    }

    pub fn limit(&self) -> u64 {
        self.limit as u64
    }

    /// `size` bytes aligned to `align` (a power of two, at most 16; other values are
    /// rounded up to one), within the limit. `None` when the chunks would then hold
    /// more than the limit, or the system has no memory for them: nothing is allocated.
    /// A zero size gives a dangling, aligned pointer.
    pub fn try_alloc(&mut self, size: usize, align: usize) -> Option<*mut u8> {
        self.alloc_within(size, align, self.limit)
    }

    /// Whether `size` more bytes fit the limit (ignoring what the newest chunk has left).
    pub fn has_room(&self, size: usize) -> bool {
        size <= self.limit.saturating_sub(self.held) || size <= self.end - self.cur
    }

    /// Like [`Arena::try_alloc`] without the limit, for memory the host lays out for a
    /// run (inputs, host function results: copies of values that exist already). Aborts
    /// only when the system itself has no memory.
    pub fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        match self.alloc_within(size, align, usize::MAX) {
            Some(p) => p,
            None => handle_alloc_error(Layout::new::<u8>()),
        }
    }

    fn alloc_within(&mut self, size: usize, align: usize, limit: usize) -> Option<*mut u8> {
        let align = align.clamp(1, CHUNK_ALIGN).next_power_of_two();
        if size == 0 {
            return Some(align as *mut u8);
        }
        if self.cur != 0 {
            let start = (self.cur + align - 1) & !(align - 1);
            if let Some(stop) = start.checked_add(size) {
                if stop <= self.end {
                    self.cur = stop;
                    return Some(start as *mut u8);
                }
            }
        }
        let next = self
            .chunks
            .last()
            .map_or(FIRST_CHUNK, |(_, l)| (l.size() * 2).min(MAX_CHUNK));
        let room = limit.saturating_sub(self.held);
        if size > room {
            return None;
        }
        // A whole chunk when it fits the limit, else just the request.
        let cap = if next.max(size) <= room {
            next.max(size)
        } else {
            size
        };
        // Only for absurd sizes (over isize::MAX) does the layout fail.
        let layout = Layout::from_size_align(cap, CHUNK_ALIGN).ok()?;
        // SAFETY: `layout` has a non-zero size.
        let ptr = NonNull::new(unsafe { alloc(layout) })?;
        self.chunks.push((ptr, layout));
        self.held += cap;
        let start = ptr.as_ptr() as usize;
        self.cur = start + size;
        self.end = start + cap;
        Some(ptr.as_ptr())
    }

    /// Forget everything allocated; keeps the newest chunk for reuse.
    pub fn reset(&mut self) {
        if let [(ptr, layout)] = self.chunks[..] {
            // One chunk (the usual case): rewind it.
            self.cur = ptr.as_ptr() as usize;
            self.end = self.cur + layout.size();
            return;
        }
        let keep = self.chunks.pop();
        self.free_all();
        if let Some((ptr, layout)) = keep {
            self.chunks.push((ptr, layout));
            self.held = layout.size();
            self.cur = ptr.as_ptr() as usize;
            self.end = self.cur + layout.size();
        }
    }

    /// Bytes held in chunks (for tests and statistics).
    /// Nothing was ever allocated (or everything was freed).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.held
    }

    fn free_all(&mut self) {
        for (ptr, layout) in self.chunks.drain(..) {
            // SAFETY: allocated above with exactly this layout, freed once.
            unsafe { dealloc(ptr.as_ptr(), layout) };
        }
        self.cur = 0;
        self.end = 0;
        self.held = 0;
    }
}

// SAFETY: the arena exclusively owns its chunks (plain bytes); moving it to another
// thread moves that ownership.
unsafe impl Send for Arena {}

impl Default for Arena {
    fn default() -> Self {
        Arena::new()
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        self.free_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_are_aligned_disjoint_and_reused_after_reset() {
        let mut a = Arena::new();
        let p = a.alloc(3, 1) as usize;
        let q = a.alloc(8, 8) as usize;
        assert_eq!(q % 8, 0);
        assert!(q >= p + 3);
        let big = a.alloc(5000, 16) as usize;
        assert_eq!(big % 16, 0);
        assert!(a.chunks.len() == 2);
        a.reset();
        assert_eq!(a.chunks.len(), 1);
        let r = a.alloc(10, 1) as usize;
        assert_eq!(r, big);
        assert_eq!(a.alloc(0, 8) as usize, 8);
    }

    #[test]
    fn the_limit_bounds_what_the_chunks_hold_and_a_refusal_allocates_nothing() {
        let mut a = Arena::new();
        assert_eq!(a.limit(), DEFAULT_MAX_MEMORY);
        a.set_limit(10_000);
        assert!(a.try_alloc(6_000, 8).is_some());
        let held = a.capacity();
        assert!(held <= 10_000, "{held}");
        assert_eq!(a.try_alloc(6_000, 8), None, "over the limit");
        assert_eq!(a.capacity(), held, "nothing allocated");
        // Smaller requests still fit, in a chunk trimmed to the limit.
        assert!(a.try_alloc(1_000, 8).is_some());
        assert!(a.capacity() <= 10_000);
        // Sizes no layout can have are refused, not aborted on.
        assert_eq!(a.try_alloc(usize::MAX - 8, 8), None);
        a.set_limit(u64::MAX);
        assert_eq!(a.try_alloc(usize::MAX - 8, 8), None);
        // Reset frees all but the newest chunk, which stays counted.
        a.reset();
        assert!(a.capacity() <= 10_000);
        assert!(a.try_alloc(100, 1).is_some());
        // The host's allocations are not limited.
        a.set_limit(1);
        let p = a.alloc(50_000, 8);
        assert!(!p.is_null());
    }
}
