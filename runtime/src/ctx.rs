//! The run context: the status word generated code checks, the recorded fault, the run's
//! arena, the stack limit, and where `print` writes.

use crate::abi::{Fault, Kind, RtStr, MAX_STRING_BYTES};
use crate::arena::Arena;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The flag of a context no [`Interrupt`] was installed in: never set.
static NEVER: AtomicU32 = AtomicU32::new(0);

/// A flag that interrupts runs: every run context it is installed in
/// ([`RunCtx::set_interrupt`]) stops at its next loop chunk or recursive call with
/// runtime error E0611 ([`Fault::Interrupted`]) once [`Interrupt::cancel`] is called, from
/// any thread. Cheap to clone (clones share the flag); [`Interrupt::reset`] clears it so
/// later runs go on.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    flag: Arc<AtomicU32>,
}

impl Interrupt {
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Ask every run using this flag to stop (now and until [`Interrupt::reset`]).
    pub fn cancel(&self) {
        self.flag.store(1, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed) != 0
    }

    /// Clear the flag: runs started from now on are not interrupted.
    pub fn reset(&self) {
        self.flag.store(0, Ordering::Relaxed);
    }

    /// Cancel after `timeout` from a background thread, unless the returned guard is
    /// dropped first (a deadline for a run). The thread sleeps on a condition variable
    /// and exits as soon as the guard is dropped.
    pub fn cancel_after(&self, timeout: Duration) -> Deadline {
        let done = Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
        let (flag, signal) = (self.clone(), done.clone());
        let deadline = Instant::now().checked_add(timeout);
        let thread = std::thread::Builder::new()
            .name("kiln-deadline".into())
            .spawn(move || {
                let (lock, cvar) = &*signal;
                let mut finished = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if *finished {
                        return;
                    }
                    let left = match deadline {
                        Some(d) => d.saturating_duration_since(Instant::now()),
                        None => Duration::from_secs(3600),
                    };
                    if deadline.is_some() && left.is_zero() {
                        flag.cancel();
                        return;
                    }
                    finished = match cvar.wait_timeout(finished, left) {
                        Ok((g, _)) => g,
                        Err(e) => e.into_inner().0,
                    };
                }
            })
            .ok();
        Deadline { done, thread }
    }

    fn as_ptr(&self) -> *const AtomicU32 {
        Arc::as_ptr(&self.flag)
    }
}

/// A pending [`Interrupt::cancel_after`]: dropping it stops the timer (the flag is left
/// as it is).
#[derive(Debug)]
pub struct Deadline {
    done: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let (lock, cvar) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The first fault of a run, as generated code or the runtime recorded it.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRecord {
    pub fault: Fault,
    /// Index into the program's span table.
    pub span: u32,
    pub a: i64,
    pub b: i64,
    /// Set by the runtime for faults it raises itself (parse failures).
    pub message: Option<String>,
}

impl FaultRecord {
    /// The human message naming the values involved.
    pub fn message(&self) -> String {
        if let Some(m) = &self.message {
            return m.clone();
        }
        let (a, b) = (self.a, self.b);
        match self.fault {
            // `b` = 2: a duration divided (v1), shown as one.
            Fault::DivByZero if b == 2 => format!(
                "division by zero: `{} / 0`",
                crate::time::duration_string(a)
            ),
            Fault::DivByZero => {
                let op = if b == 1 { '%' } else { '/' };
                format!("division by zero: `{a} {op} 0`")
            }
            Fault::DivOverflow => {
                // The dividend is its type's MIN, which names the type.
                let ty = [
                    (i8::MIN as i64, "i8"),
                    (i16::MIN as i64, "i16"),
                    (i32::MIN as i64, "i32"),
                    (i64::MIN, "i64"),
                ]
                .into_iter()
                .find(|&(min, _)| min == a)
                .map_or("its type", |(_, name)| name);
                format!("`{a} / {b}` overflows {ty}")
            }
            Fault::IndexOutOfBounds => {
                format!("index {a} is out of bounds for a list of length {b}")
            }
            Fault::IndexOutOfBoundsU64 => {
                let a = a as u64;
                format!("index {a} is out of bounds for a list of length {b}")
            }
            Fault::ParseFailed => "a string could not be parsed".to_owned(),
            Fault::InvalidInput => "invalid input".to_owned(),
            Fault::StackOverflow => {
                "stack overflow: the recursion went deeper than the stack allows".to_owned()
            }
            Fault::LengthMismatch => {
                format!("list lengths differ: {a} and {b}")
            }
            Fault::EmptyList => {
                let f = ["min", "max", "first", "last"]
                    .get(a as usize)
                    .unwrap_or(&"it");
                format!("`{f}` of an empty list")
            }
            Fault::TooLarge => format!(
                "the result would take {} bytes; a string or list is limited to {} bytes",
                a as u64, MAX_STRING_BYTES
            ),
            Fault::HostError => "a host function failed".to_owned(),
            Fault::Interrupted => "the run was interrupted".to_owned(),
            Fault::UnwrapNone => "`unwrap` of `none`".to_owned(),
            Fault::ZeroStep => "`range` needs a step other than zero".to_owned(),
            Fault::ClampBounds => {
                "`clamp(x, lo, hi)` needs `lo <= hi`, and neither bound may be NaN".to_owned()
            }
            // How much more the run asked for (`a`) depends on how an engine lays values
            // out, so the message names only the limit.
            Fault::OutOfMemory => {
                format!("the run would need more than its memory limit of {b} bytes")
            }
            Fault::IntOverflow => "integer overflow: the result does not fit its type".to_owned(),
            // The time library sets its messages (they name the zone, unit or format).
            Fault::BadZone => "unknown time zone".to_owned(),
            Fault::BadTimeFormat => "bad time format or unit".to_owned(),
            Fault::TimeRange => crate::time::range_message(a, b),
            Fault::BadFormat => crate::format::bad_format_message(a, b),
            // Issue 15, regular expressions and characters: the runtime and the
            // interpreter build these records with the constructors below.
            Fault::BadRegex => "invalid regular expression".to_owned(),
            Fault::BadChar => format!(
                "{a} is not a Unicode scalar value (0 to 0x10FFFF, without the surrogates 0xD800 to 0xDFFF)"
            ),
        }
    }
}

// ---- issue 15: regular expressions and characters ---------------------------------------

/// At most this many characters of a value are shown in a fault's message.
const SHOWN_CHARS: usize = 60;

/// `s` quoted for a message, cut after [`SHOWN_CHARS`] characters.
fn shown(s: &str) -> String {
    match s.char_indices().nth(SHOWN_CHARS) {
        None => format!("{s:?}"),
        Some((at, _)) => format!("{:?}...", &s[..at]),
    }
}

impl FaultRecord {
    /// E0614: `pattern` does not compile; `why` is the crate's reason (`unclosed group`).
    pub fn bad_regex(span: u32, pattern: &str, why: &str) -> FaultRecord {
        FaultRecord {
            fault: Fault::BadRegex,
            span,
            a: 0,
            b: 0,
            message: Some(format!(
                "invalid regular expression {}: {why}",
                shown(pattern)
            )),
        }
    }

    /// E0620: `char_code(s)` of a string that is not exactly one character.
    pub fn bad_char_string(span: u32, s: &str) -> FaultRecord {
        let n = s.chars().count();
        FaultRecord {
            fault: Fault::BadChar,
            span,
            a: n as i64,
            b: 1,
            message: Some(format!(
                "`char_code` needs exactly one character, and {} has {n}",
                shown(s)
            )),
        }
    }

    /// E0620: `from_char_code(n)` of a number that is no character's code.
    pub fn bad_char_code(span: u32, n: i64) -> FaultRecord {
        FaultRecord {
            fault: Fault::BadChar,
            span,
            a: n,
            b: 0,
            message: None,
        }
    }
}

/// Stack kept free below the deepest generated frame, for the runtime and the host.
pub const STACK_RESERVE: usize = 256 * 1024;
/// How deep generated code may go where the thread's stack bounds are unknown.
const FALLBACK_STACK_BUDGET: usize = 1024 * 1024;

/// The context of one run: the status word generated code checks (first, at
/// `abi::STATUS_OFFSET`), the recorded fault, the run's arena, and where `print` writes.
/// A context may be reused for many runs: [`RunCtx::reset`] clears it.
#[repr(C)]
pub struct RunCtx {
    pub(crate) status: u32,
    /// At `abi::STACK_LIMIT_OFFSET`: recursive generated functions fault below it.
    stack_limit: usize,
    /// At `abi::HOST_OFFSET`: the host value of this run (null: none).
    host: *const (),
    /// At `abi::GLOBALS_OFFSET`: the running program's globals frame.
    globals: *mut u8,
    /// At `abi::INTERRUPT_OFFSET`: the interrupt flag (never null).
    interrupt_flag: *const AtomicU32,
    /// Keeps the flag `interrupt_flag` points at alive (`None`: it is `NEVER`).
    interrupt: Option<Interrupt>,
    fault: Option<FaultRecord>,
    arena: Arena,
    /// `Some`: `print` appends here instead of writing to stdout.
    captured: Option<String>,
}

impl RunCtx {
    pub fn new() -> RunCtx {
        RunCtx {
            status: 0,
            stack_limit: 0,
            host: std::ptr::null(),
            globals: std::ptr::null_mut(),
            interrupt_flag: &NEVER,
            interrupt: None,
            fault: None,
            arena: Arena::new(),
            captured: None,
        }
    }

    /// Clear the status and fault and release the arena's memory for reuse. Strings and
    /// lists of earlier runs become invalid.
    #[inline]
    pub fn reset(&mut self) {
        if self.status != 0 {
            self.status = 0;
            self.fault = None;
        }
        if !self.arena.is_empty() {
            self.arena.reset();
        }
    }

    /// Arm the recursion guard for a run about to start on the current thread: generated
    /// code faults (E0606) once its frames come within [`STACK_RESERVE`] bytes of the end
    /// of this thread's stack, leaving room for runtime calls and the host.
    pub fn arm_stack_guard(&mut self) {
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        self.stack_limit = match stacker::remaining_stack() {
            Some(left) if left > STACK_RESERVE => here - (left - STACK_RESERVE),
            // Too little stack to recurse at all: every recursive call faults.
            Some(_) => here,
            None => here.saturating_sub(FALLBACK_STACK_BUDGET),
        };
    }

    /// Set the host value host functions receive during the next runs (null: none).
    pub fn set_host(&mut self, host: *const ()) {
        self.host = host;
    }

    /// The host value set by [`RunCtx::set_host`].
    pub fn host(&self) -> *const () {
        self.host
    }

    /// Runs in this context stop with E0611 once `interrupt` is cancelled (`None`:
    /// nothing interrupts them).
    pub fn set_interrupt(&mut self, interrupt: Option<&Interrupt>) {
        self.interrupt = interrupt.cloned();
        self.interrupt_flag = self.interrupt.as_ref().map_or(&NEVER, Interrupt::as_ptr);
    }

    /// The interrupt installed by [`RunCtx::set_interrupt`].
    pub fn interrupt(&self) -> Option<&Interrupt> {
        self.interrupt.as_ref()
    }

    /// The most memory (bytes) the strings and lists of a run in this context may take
    /// (default [`DEFAULT_MAX_MEMORY`](crate::abi::DEFAULT_MAX_MEMORY)); more is runtime
    /// error E0616.
    pub fn set_max_memory(&mut self, bytes: u64) {
        self.arena.set_limit(bytes);
    }

    pub fn max_memory(&self) -> u64 {
        self.arena.limit()
    }

    /// Bytes the run's arena holds (for memory tests and statistics).
    pub fn arena_bytes(&self) -> usize {
        self.arena.capacity()
    }

    /// 0 while all is well, else the code of the recorded fault.
    pub fn status(&self) -> u32 {
        self.status
    }

    pub fn fault(&self) -> Option<&FaultRecord> {
        self.fault.as_ref()
    }

    /// From now on, `print` output is kept in the context (see [`RunCtx::take_output`])
    /// instead of being written to stdout.
    pub fn capture_output(&mut self) {
        self.captured.get_or_insert_with(String::new);
    }

    /// The output captured so far (empty when not capturing); capturing continues.
    pub fn take_output(&mut self) -> String {
        self.captured
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Memory from the run's arena (valid until the context is reset or dropped), for
    /// what the host lays out for a run (inputs, host function results): not limited.
    pub fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        self.arena.alloc(size, align)
    }

    /// Copy bytes into the arena as a (ptr, len) pair (host side, not limited).
    pub fn alloc_bytes(&mut self, bytes: &[u8]) -> RtStr {
        let ptr = self.arena.alloc(bytes.len(), 1);
        // SAFETY: `ptr` has room for `bytes.len()` bytes and does not overlap `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
        RtStr {
            ptr,
            len: bytes.len() as i64,
        }
    }

    /// Memory for a value the run builds: `size` bytes (`None`: more than `i64::MAX`,
    /// from a computation that overflowed). Over [`MAX_STRING_BYTES`] records
    /// [`Fault::TooLarge`] (E0609) at `span`; beyond the run's memory limit records
    /// [`Fault::OutOfMemory`] (E0616). Either way the result is null and nothing may be
    /// written through it.
    pub fn alloc_value(&mut self, span: u32, size: Option<u64>, align: usize) -> *mut u8 {
        let size = size.unwrap_or(u64::MAX);
        if size > MAX_STRING_BYTES as u64 {
            self.record(FaultRecord {
                fault: Fault::TooLarge,
                span,
                a: size.min(i64::MAX as u64) as i64,
                b: 0,
                message: None,
            });
            return std::ptr::null_mut();
        }
        match self.arena.try_alloc(size as usize, align) {
            Some(p) => p,
            None => {
                let limit = self.arena.limit();
                self.record(FaultRecord {
                    fault: Fault::OutOfMemory,
                    span,
                    a: size as i64,
                    b: limit.min(i64::MAX as u64) as i64,
                    message: None,
                });
                std::ptr::null_mut()
            }
        }
    }

    /// Whether [`RunCtx::alloc_value`] of `size` bytes would succeed now, allocating
    /// nothing; if not, its fault is recorded. For functions that build temporaries
    /// before their result.
    pub fn check_room(&mut self, span: u32, size: Option<u64>) -> bool {
        let size = size.unwrap_or(u64::MAX);
        if size <= MAX_STRING_BYTES as u64 && self.arena.has_room(size as usize) {
            return true;
        }
        // Cannot succeed (see `Arena::has_room`): it records the fault.
        self.alloc_value(span, Some(size), 1);
        false
    }

    /// Whether Rust temporaries of `size` bytes fit the run's memory limit beside what
    /// the arena holds (they are not kept); if not, records [`Fault::OutOfMemory`] at
    /// `span`.
    pub fn check_temp(&mut self, span: u32, size: u64) -> bool {
        if size <= usize::MAX as u64 && self.arena.has_room(size as usize) {
            return true;
        }
        let limit = self.arena.limit();
        self.record(FaultRecord {
            fault: Fault::OutOfMemory,
            span,
            a: size.min(i64::MAX as u64) as i64,
            b: limit.min(i64::MAX as u64) as i64,
            message: None,
        });
        false
    }

    /// [`RunCtx::alloc_value`] of a copy of `bytes`: `None` (a fault recorded) when it
    /// does not fit.
    pub fn value_bytes(&mut self, span: u32, bytes: &[u8]) -> Option<RtStr> {
        let ptr = self.alloc_value(span, Some(bytes.len() as u64), 1);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: `ptr` has room for `bytes.len()` bytes and does not overlap `bytes`.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
        Some(RtStr {
            ptr,
            len: bytes.len() as i64,
        })
    }

    /// Whether an installed [`Interrupt`] was cancelled; if so, records
    /// [`Fault::Interrupted`] at `span` (for runtime loops that can run long).
    pub fn poll_interrupt(&mut self, span: u32) -> bool {
        // SAFETY: `interrupt_flag` is `NEVER` or the flag `self.interrupt` keeps alive.
        let set = unsafe { (*self.interrupt_flag).load(Ordering::Relaxed) != 0 };
        if set {
            self.record(FaultRecord {
                fault: Fault::Interrupted,
                span,
                a: 0,
                b: 0,
                message: None,
            });
        }
        set
    }

    /// Record a fault unless one is recorded already; sets the status.
    pub fn record(&mut self, record: FaultRecord) {
        if self.status == 0 {
            self.status = record.fault as u32;
            self.fault = Some(record);
        }
    }

    /// Like [`RunCtx::write_line`], the text written by `write` piece by piece (to
    /// stdout through a buffer, never held whole).
    pub(crate) fn write_line_with(
        &mut self,
        write: &mut dyn FnMut(&mut dyn fmt::Write) -> fmt::Result,
    ) {
        use std::io::Write;
        match &mut self.captured {
            Some(buf) => {
                let _ = write(buf);
                buf.push('\n');
            }
            None => {
                /// `fmt::Write` into an `io::Write`, dropping output errors.
                struct Out<W: std::io::Write>(W);
                impl<W: std::io::Write> fmt::Write for Out<W> {
                    fn write_str(&mut self, s: &str) -> fmt::Result {
                        let _ = self.0.write_all(s.as_bytes());
                        Ok(())
                    }
                }
                let mut out = Out(std::io::BufWriter::new(std::io::stdout().lock()));
                let _ = write(&mut out);
                let _ = out.0.write_all(b"\n");
                let _ = out.0.flush();
            }
        }
    }

    pub(crate) fn write_line(&mut self, text: &str) {
        use std::io::Write;
        match &mut self.captured {
            Some(buf) => {
                buf.push_str(text);
                buf.push('\n');
            }
            None => {
                // Output errors (a closed pipe) are ignored: printing never faults.
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.write_all(b"\n");
                let _ = out.flush();
            }
        }
    }
}

// SAFETY: the raw pointers are set for the duration of a run by the thread running it
// (`host` points at a value the caller borrows for the run; `globals` into the running
// generated frame); between runs they are not dereferenced.
unsafe impl Send for RunCtx {}

impl Default for RunCtx {
    fn default() -> Self {
        RunCtx::new()
    }
}

/// Rust's `str::parse` for the type of `kind`, as ABI bits; the error names the text
/// and the type.
pub fn parse_bits(kind: Kind, text: &str) -> Result<u64, String> {
    fn p<T: std::str::FromStr>(text: &str, bits: impl Fn(T) -> u64) -> Result<u64, String>
    where
        T::Err: fmt::Display,
    {
        text.parse::<T>().map(bits).map_err(|e| e.to_string())
    }
    let r = match kind {
        Kind::Bool => p(text, |v: bool| v as u64),
        Kind::I8 => p(text, |v: i8| v as i64 as u64),
        Kind::I16 => p(text, |v: i16| v as i64 as u64),
        Kind::I32 => p(text, |v: i32| v as i64 as u64),
        Kind::I64 => p(text, |v: i64| v as u64),
        Kind::U8 => p(text, |v: u8| v as u64),
        Kind::U16 => p(text, |v: u16| v as u64),
        Kind::U32 => p(text, |v: u32| v as u64),
        Kind::U64 => p(text, |v: u64| v),
        Kind::F32 => p(text, |v: f32| v.to_bits() as u64),
        Kind::F64 => p(text, |v: f64| v.to_bits()),
        Kind::Str => Err("a string is not parsed".to_owned()),
        Kind::Timestamp => return crate::time::parse_bits(false, text),
        Kind::Duration => return crate::time::parse_bits(true, text),
    };
    r.map_err(|why| format!("cannot parse {text:?} as {} ({why})", kind.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_word_and_stack_limit_are_where_the_abi_says() {
        use std::mem::offset_of;
        let fields = [
            (offset_of!(RunCtx, status), crate::abi::STATUS_OFFSET),
            (
                offset_of!(RunCtx, stack_limit),
                crate::abi::STACK_LIMIT_OFFSET,
            ),
            (offset_of!(RunCtx, host), crate::abi::HOST_OFFSET),
            (offset_of!(RunCtx, globals), crate::abi::GLOBALS_OFFSET),
            (
                offset_of!(RunCtx, interrupt_flag),
                crate::abi::INTERRUPT_OFFSET,
            ),
        ];
        for (i, (actual, abi)) in fields.into_iter().enumerate() {
            assert_eq!(actual as u64, abi, "field {i}");
        }
    }

    #[test]
    fn the_stack_guard_sits_below_the_current_frame_within_the_stack() {
        let mut ctx = RunCtx::new();
        assert_eq!(ctx.stack_limit, 0, "disarmed until a run arms it");
        ctx.arm_stack_guard();
        let marker = 0u8;
        let here = std::ptr::addr_of!(marker) as usize;
        assert!(ctx.stack_limit < here);
        // The test thread's stack is a few MiB: the limit lies within it.
        assert!(
            here - ctx.stack_limit < 64 << 20,
            "{}",
            here - ctx.stack_limit
        );
    }

    #[test]
    fn values_over_the_limits_fault_and_allocate_nothing() {
        let mut ctx = RunCtx::new();
        ctx.set_max_memory(64 << 10);
        assert!(!ctx.alloc_value(1, Some(1000), 8).is_null());
        assert_eq!(ctx.status(), 0);
        assert!(ctx.alloc_value(2, Some(100 << 10), 8).is_null());
        let f = ctx.fault().unwrap();
        assert_eq!(
            (f.fault, f.span, f.a, f.b),
            (Fault::OutOfMemory, 2, 100 << 10, 64 << 10)
        );
        assert!(f.message().contains("memory limit of 65536 bytes"));
        assert!(ctx.arena_bytes() <= 64 << 10);
        ctx.reset();
        assert!(ctx.alloc_value(3, None, 1).is_null());
        assert_eq!(ctx.fault().unwrap().fault, Fault::TooLarge);
        ctx.reset();
        assert!(ctx.value_bytes(4, b"abc").is_some());
        assert!(ctx.alloc_value(3, Some((1 << 30) + 1), 1).is_null());
        assert_eq!(ctx.fault().unwrap().fault, Fault::TooLarge);
    }

    #[test]
    fn an_interrupt_is_seen_by_every_context_it_is_installed_in_until_reset() {
        let interrupt = Interrupt::new();
        let mut a = RunCtx::new();
        assert!(!a.poll_interrupt(0), "the default flag is never set");
        a.set_interrupt(Some(&interrupt));
        assert!(!a.poll_interrupt(0));
        interrupt.clone().cancel();
        assert!(interrupt.is_cancelled());
        assert!(a.poll_interrupt(5));
        assert_eq!(a.fault().unwrap().fault, Fault::Interrupted);
        assert_eq!(a.fault().unwrap().message(), "the run was interrupted");
        interrupt.reset();
        a.reset();
        assert!(!a.poll_interrupt(0));
        a.set_interrupt(None);
        interrupt.cancel();
        assert!(!a.poll_interrupt(0));
    }

    #[test]
    fn a_deadline_cancels_once_and_a_dropped_one_never() {
        let interrupt = Interrupt::new();
        drop(interrupt.cancel_after(Duration::from_millis(10)));
        std::thread::sleep(Duration::from_millis(30));
        assert!(!interrupt.is_cancelled());
        let _pending = interrupt.cancel_after(Duration::from_millis(5));
        let start = Instant::now();
        while !interrupt.is_cancelled() {
            assert!(start.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn parse_is_rusts() {
        assert_eq!(parse_bits(Kind::I8, "-128"), Ok(-128i64 as u64));
        assert!(parse_bits(Kind::U8, "256")
            .unwrap_err()
            .contains("\"256\" as u8"));
        assert!(parse_bits(Kind::I64, " 1").is_err());
        assert_eq!(parse_bits(Kind::Bool, "true"), Ok(1));
        assert!(parse_bits(Kind::Bool, "True").is_err());
        assert_eq!(parse_bits(Kind::F64, "inf"), Ok(f64::INFINITY.to_bits()));
        assert_eq!(parse_bits(Kind::U16, "+7"), Ok(7));
    }

    #[test]
    fn messages_name_the_values() {
        let r = |fault, a, b| FaultRecord {
            fault,
            span: 0,
            a,
            b,
            message: None,
        };
        assert_eq!(
            r(Fault::DivOverflow, -128, -1).message(),
            "`-128 / -1` overflows i8"
        );
        assert_eq!(
            r(Fault::IndexOutOfBounds, 7, 3).message(),
            "index 7 is out of bounds for a list of length 3"
        );
        assert_eq!(
            r(Fault::DivByZero, 5, 1).message(),
            "division by zero: `5 % 0`"
        );
    }
}
