//! The per-run bump arena: every string and list generated code creates lives here until
//! the run context is reset or dropped.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

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
}

impl Arena {
    pub const fn new() -> Arena {
        Arena {
            chunks: Vec::new(),
            cur: 0,
            end: 0,
        }
    }

    /// `size` bytes aligned to `align` (a power of two, at most 16; other values are
    /// rounded up to one). Never null; a zero size gives a dangling, aligned pointer.
    pub fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        let align = align.clamp(1, CHUNK_ALIGN).next_power_of_two();
        if size == 0 {
            return align as *mut u8;
        }
        if self.cur != 0 {
            let start = (self.cur + align - 1) & !(align - 1);
            if let Some(stop) = start.checked_add(size) {
                if stop <= self.end {
                    self.cur = stop;
                    return start as *mut u8;
                }
            }
        }
        let next = self
            .chunks
            .last()
            .map_or(FIRST_CHUNK, |(_, l)| (l.size() * 2).min(MAX_CHUNK));
        let cap = next.max(size);
        let layout = match Layout::from_size_align(cap, CHUNK_ALIGN) {
            Ok(l) => l,
            // Only for absurd sizes (over isize::MAX): treat as out of memory.
            Err(_) => handle_alloc_error(Layout::new::<u8>()),
        };
        // SAFETY: `layout` has a non-zero size.
        let ptr = unsafe { alloc(layout) };
        let Some(ptr) = NonNull::new(ptr) else {
            handle_alloc_error(layout)
        };
        self.chunks.push((ptr, layout));
        let start = ptr.as_ptr() as usize;
        self.cur = start + size;
        self.end = start + cap;
        ptr.as_ptr()
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
        self.chunks.iter().map(|(_, l)| l.size()).sum()
    }

    fn free_all(&mut self) {
        for (ptr, layout) in self.chunks.drain(..) {
            // SAFETY: allocated above with exactly this layout, freed once.
            unsafe { dealloc(ptr.as_ptr(), layout) };
        }
        self.cur = 0;
        self.end = 0;
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
}
