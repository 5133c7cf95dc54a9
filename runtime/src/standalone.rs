//! Standalone programs: what the C `main` of a built program (`kiln build --emit exe`, or
//! LLVM IR run by `lli`) calls. [`kiln_rt_main`] reads `--param NAME=VALUE` (or `-p
//! NAME=VALUE`) arguments, runs the program, prints its result and reports a fault the
//! way `kiln run` does: same output, same exit status (0 success, 2 usage error, 3
//! runtime error).
//! `--max-memory SIZE` (or the environment variable `KILN_MAX_MEMORY`) and `--timeout
//! SECONDS` limit the run as they do for `kiln run`.

use crate::abi::{Kind, RtStr};
use crate::display::{str_from_raw, write_list_of, write_scalar, Scalar};
use crate::typecode::{Shape, TypeCode, NONE_LEN};
use crate::{parse_bits, RunCtx};
use std::ffi::{c_char, CStr};
use std::fmt::Write as _;
use std::io::Write;

/// The entry every program has (`kiln_entry`): inputs and the result in 16-byte slots.
pub type EntryFn = unsafe extern "C" fn(*mut RunCtx, *const [u64; 2], *mut [u64; 2]);

/// [`ProgramDesc::result_kind`] of a program without a result.
pub const NO_RESULT: u32 = u32::MAX;

/// One `param` of a standalone program.
#[repr(C)]
pub struct InputDesc {
    pub name: RtStr,
    /// The [`TypeCode`] of the param's type (a scalar's is its [`Kind`]).
    pub kind: u32,
}

/// What the generated `main` tells [`kiln_rt_main`] about its program (a constant global
/// of the module).
#[repr(C)]
pub struct ProgramDesc {
    pub entry: EntryFn,
    pub inputs: *const InputDesc,
    pub input_count: i64,
    /// The [`TypeCode`] of the result's type, or [`NO_RESULT`].
    pub result_kind: u32,
    /// The source file's name, as diagnostics show it.
    pub file: RtStr,
    /// (line, column), 1-based, of each span id faults name.
    pub positions: *const [u32; 2],
    pub position_count: i64,
    /// 1: some function recurses; arm the stack guard.
    pub stack_guard: u32,
}

const EXIT_OK: i32 = 0;
const EXIT_USAGE: i32 = 2;
const EXIT_RUNTIME_ERROR: i32 = 3;

/// Stack for the program's thread, as `kiln run` gives it: deep recursion behaves alike.
const PROGRAM_STACK_BYTES: usize = 256 << 20;

/// Run the described program with the process's arguments; returns the exit status.
///
/// # Safety
/// `argv` holds `argc` C strings and `desc` is a description generated with the program
/// (its entry, inputs, positions and file name valid for the whole process).
#[no_mangle]
pub unsafe extern "C" fn kiln_rt_main(
    argc: i32,
    argv: *const *const c_char,
    desc: *const ProgramDesc,
) -> i32 {
    let args: Vec<String> = (1..argc.max(0) as usize)
        .map(|i| {
            // SAFETY: the C runtime passes `argc` valid C strings.
            let arg = unsafe { CStr::from_ptr(*argv.add(i)) };
            arg.to_string_lossy().into_owned()
        })
        .collect();
    // SAFETY: the generated `main` passes its own constant description.
    let desc = unsafe { &*desc };
    let program = Program::new(desc);
    // The description is plain data in the module; the thread only reads it.
    let program = SendProgram(program);
    let run = std::thread::Builder::new()
        .stack_size(PROGRAM_STACK_BYTES)
        .spawn(move || {
            let program = program;
            program.0.main(&args)
        });
    match run.map(|handle| handle.join()) {
        Ok(Ok(status)) => status,
        _ => {
            eprintln!("error: the program could not run");
            EXIT_RUNTIME_ERROR
        }
    }
}

struct SendProgram(Program);
// SAFETY: a `Program` only holds views of the module's constant data.
unsafe impl Send for SendProgram {}

/// The description, read into Rust values.
struct Program {
    entry: EntryFn,
    inputs: Vec<(String, TypeCode)>,
    result: Option<TypeCode>,
    file: String,
    positions: Vec<[u32; 2]>,
    stack_guard: bool,
}

impl Program {
    /// # Safety
    /// As for [`kiln_rt_main`]'s `desc`.
    unsafe fn new(desc: &ProgramDesc) -> Program {
        let slice = |ptr: *const InputDesc, n: i64| {
            if ptr.is_null() || n <= 0 {
                &[][..]
            } else {
                // SAFETY: the description holds `n` entries at `ptr`.
                unsafe { std::slice::from_raw_parts(ptr, n as usize) }
            }
        };
        let inputs = slice(desc.inputs, desc.input_count)
            .iter()
            .map(|i| {
                // SAFETY: names are constant strings of the module.
                let name = unsafe { str_from_raw(i.name.ptr, i.name.len) }.to_owned();
                (name, TypeCode(i.kind))
            })
            .collect();
        let positions = if desc.positions.is_null() || desc.position_count <= 0 {
            Vec::new()
        } else {
            // SAFETY: the description holds `position_count` pairs.
            unsafe { std::slice::from_raw_parts(desc.positions, desc.position_count as usize) }
                .to_vec()
        };
        Program {
            entry: desc.entry,
            inputs,
            result: Some(TypeCode(desc.result_kind)).filter(|c| c.shape().is_some()),
            // SAFETY: the file name is a constant string of the module.
            file: unsafe { str_from_raw(desc.file.ptr, desc.file.len) }.to_owned(),
            positions,
            stack_guard: desc.stack_guard != 0,
        }
    }

    fn main(&self, args: &[String]) -> i32 {
        let limits = std::env::var("KILN_MAX_MEMORY")
            .ok()
            .map(|size| parse_size(&size).map_err(|why| format!("KILN_MAX_MEMORY: {why}")))
            .transpose()
            .and_then(|env| limits(args, env));
        let (args, max_memory, timeout) = match limits {
            Ok(limits) => limits,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        };
        let texts = match self.bind(&args) {
            Ok(texts) => texts,
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        };
        let mut ctx = RunCtx::new();
        if let Some(bytes) = max_memory {
            ctx.set_max_memory(bytes);
        }
        let interrupt = crate::Interrupt::new();
        let _timer = timeout.map(|t| {
            ctx.set_interrupt(Some(&interrupt));
            interrupt.cancel_after(t)
        });
        let mut slots = Vec::with_capacity(self.inputs.len());
        for ((name, code), text) in self.inputs.iter().zip(&texts) {
            match input_slot(&mut ctx, *code, text) {
                Ok(slot) => slots.push(slot),
                Err(why) => {
                    let ty = code.name();
                    // As `kiln run` says it (`value::params`).
                    let help = match text.trim().is_empty() && !code.is_opt() {
                        true => format!(
                            "; to pass no value, declare it `param {name}: {ty}?;` and give `--param {name}=`"
                        ),
                        false => String::new(),
                    };
                    eprintln!(
                        "error: invalid value `{text}` for parameter `{name}` of type {ty}: {why}{help}"
                    );
                    return EXIT_USAGE;
                }
            }
        }
        if self.stack_guard {
            ctx.arm_stack_guard();
        }
        let mut out = [0u64; 2];
        // SAFETY: `entry` is the program's `kiln_entry`, `slots` one slot per input of
        // the described types (strings point into `texts`, lists into the arena).
        unsafe { (self.entry)(&mut ctx, slots.as_ptr(), &mut out) };
        if let Some(fault) = ctx.fault() {
            let _ = std::io::stdout().flush();
            let (line, col) = self
                .positions
                .get(fault.span as usize)
                .map_or((0, 0), |p| (p[0], p[1]));
            eprintln!(
                "error[{}]: {}\n --> {}:{line}:{col}",
                fault.fault.code(),
                fault.message(),
                self.file
            );
            return EXIT_RUNTIME_ERROR;
        }
        if ctx.status() != 0 {
            eprintln!("error: runtime fault {}", ctx.status());
            return EXIT_RUNTIME_ERROR;
        }
        if let Some(code) = self.result {
            let mut text = String::new();
            // SAFETY: the run succeeded, so `out` holds a value of the result type.
            let _ = unsafe { write_slot(&mut text, code, out) };
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{text}");
            let _ = stdout.flush();
        }
        EXIT_OK
    }

    /// The text given for each input, in declaration order.
    fn bind(&self, args: &[String]) -> Result<Vec<String>, String> {
        let mut given: Vec<Option<String>> = vec![None; self.inputs.len()];
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            // `--param NAME=VALUE`, `--param=NAME=VALUE`, `-p NAME=VALUE`, `-pNAME=VALUE`.
            let pair = match (arg.strip_prefix("--param"), arg.strip_prefix("-p")) {
                (Some(""), _) | (_, Some("")) => rest
                    .next()
                    .ok_or_else(|| format!("`{arg}` needs NAME=VALUE after it"))?
                    .as_str(),
                (Some(eq), _) if eq.starts_with('=') => &eq[1..],
                (None, Some(pair)) if !pair.starts_with('-') => pair,
                _ => return Err(format!("unexpected argument `{arg}`; {}", self.usage())),
            };
            let (name, text) = pair.split_once('=').ok_or_else(|| {
                format!(
                    "`--param {pair}` is not of the form NAME=VALUE (for example `--param x=5`)"
                )
            })?;
            // Spaces around the name go (and around a value that is not a string).
            let name = name.trim();
            let Some(i) = self.inputs.iter().position(|(n, _)| n == name) else {
                return Err(format!("unknown parameter `{name}`; {}", self.usage()));
            };
            if given[i].replace(text.to_owned()).is_some() {
                return Err(format!("parameter `{name}` is given more than once"));
            }
        }
        let missing: Vec<String> = self
            .inputs
            .iter()
            .zip(&given)
            .filter(|(_, g)| g.is_none())
            .map(|((name, code), _)| format!("--param {name}=<{}>", code.name()))
            .collect();
        if !missing.is_empty() {
            return Err(format!("missing parameters: pass {}", missing.join(" ")));
        }
        Ok(given.into_iter().map(Option::unwrap_or_default).collect())
    }

    fn usage(&self) -> String {
        if self.inputs.is_empty() {
            return "the program takes no parameters".to_owned();
        }
        let params: Vec<String> = self
            .inputs
            .iter()
            .map(|(name, code)| format!("--param {name}=<{}>", code.name()))
            .collect();
        format!("usage: {}", params.join(" "))
    }
}

/// The arguments without `--max-memory SIZE` and `--timeout SECONDS` (either also as
/// `--opt=VALUE`), and their values (`--max-memory` over `env`).
#[allow(clippy::type_complexity)]
fn limits(
    args: &[String],
    env: Option<u64>,
) -> Result<(Vec<String>, Option<u64>, Option<std::time::Duration>), String> {
    let (mut rest, mut max_memory, mut timeout) = (Vec::new(), env, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<Option<String>, String> {
            match arg.strip_prefix(name) {
                Some("") => it
                    .next()
                    .cloned()
                    .map(Some)
                    .ok_or_else(|| format!("`{name}` needs a value after it")),
                Some(eq) if eq.starts_with('=') => Ok(Some(eq[1..].to_owned())),
                _ => Ok(None),
            }
        };
        if let Some(size) = value("--max-memory")? {
            max_memory = Some(parse_size(&size).map_err(|why| format!("--max-memory: {why}"))?);
        } else if let Some(secs) = value("--timeout")? {
            timeout = Some(parse_seconds(&secs).map_err(|why| format!("--timeout: {why}"))?);
        } else {
            rest.push(arg.clone());
        }
    }
    Ok((rest, max_memory, timeout))
}

/// A non-negative number of seconds, fractions allowed (`--timeout`).
pub fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("`{text}` is not a non-negative number of seconds"))
}

/// A size in bytes (`--max-memory`): digits (a fraction allowed with a unit), then
/// optionally a unit: `B`, decimal `k`/`KB`, `M`/`MB`, `G`/`GB`, `T`/`TB`, or binary
/// `KiB`, `MiB`, `GiB`, `TiB` (case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("`{text}` is not a size (write bytes, or e.g. 512MiB, 2GiB, 1MB)");
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let scale: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "ki" | "kib" => 1 << 10,
        "mi" | "mib" => 1 << 20,
        "gi" | "gib" => 1 << 30,
        "ti" | "tib" => 1 << 40,
        _ => return Err(bad()),
    };
    if number.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = number.parse::<u64>() {
        return n.checked_mul(scale).ok_or_else(bad);
    }
    let n: f64 = number.parse().map_err(|_| bad())?;
    let bytes = n * scale as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// The 16-byte slot of one input given as text (parsed as Rust's `str::parse` does; a
/// string as is; a list written `[a, b, c]`, a nested one `[[1, 2], [3]]`).
fn input_slot(ctx: &mut RunCtx, code: TypeCode, text: &str) -> Result<[u64; 2], String> {
    Ok(match code.shape() {
        // An optional (v1): empty text is `none`; anything else a value of the inner type.
        // A `string?` of spaces is that string; only an empty one is `none`.
        Some(Shape::Opt(t)) if t == TypeCode::of_kind(Kind::Str) && text.is_empty() => none_slot(t),
        Some(Shape::Opt(t)) if t != TypeCode::of_kind(Kind::Str) && text.trim().is_empty() => {
            none_slot(t)
        }
        Some(Shape::Opt(t)) => {
            let slot = input_slot(ctx, t, text)?;
            if t.is_pair() {
                slot
            } else {
                [slot[0], 1]
            }
        }
        Some(Shape::List(elem)) => list_slot(ctx, elem, text)?,
        Some(Shape::Scalar(Kind::Str)) => [text.as_ptr() as u64, text.len() as u64],
        Some(Shape::Scalar(k)) => [parse_bits(k, text.trim())?, 0],
        None => return Err("a value of this type cannot be given on the command line".to_owned()),
    })
}

/// The slot of `none` of the optional of `inner`.
fn none_slot(inner: TypeCode) -> [u64; 2] {
    if inner.is_pair() {
        [0, NONE_LEN as u64]
    } else {
        [0, 0]
    }
}

/// The bytes in memory of a value of type `code` whose slot is `slot` (see
/// [`crate::typecode`]: a scalar optional's validity byte follows its value).
fn slot_bytes(code: TypeCode, slot: [u64; 2]) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&slot[0].to_le_bytes());
    match code.shape() {
        Some(Shape::Opt(t)) if !t.is_pair() => bytes[t.layout().0 as usize] = slot[1] as u8,
        _ => bytes[8..].copy_from_slice(&slot[1].to_le_bytes()),
    }
    bytes
}

/// The slot of a list of `elem` written as text, its elements (and inner lists, each
/// level) laid out in the run's arena.
fn list_slot(ctx: &mut RunCtx, elem: TypeCode, text: &str) -> Result<[u64; 2], String> {
    if matches!(elem.shape(), Some(Shape::Scalar(Kind::Str)))
        || matches!(elem.shape(), Some(Shape::Opt(t)) if t == TypeCode::of_kind(Kind::Str))
    {
        return Err("a list of strings cannot be given on the command line".to_owned());
    }
    let inner = text
        .trim()
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .ok_or_else(|| format!("write a list as `[a, b, c]`, with {} elements", elem.name()))?;
    let items: Vec<[u64; 2]> = if inner.trim().is_empty() {
        Vec::new()
    } else {
        split_top(inner)?
            .into_iter()
            .map(|item| match elem.shape() {
                // `none` in a list of optionals (v1).
                Some(Shape::Opt(t)) if matches!(item.trim(), "none" | "") => Ok(none_slot(t)),
                _ => input_slot(ctx, elem, item),
            })
            .collect::<Result<_, _>>()?
    };
    let (size, align) = elem.layout();
    let ptr = ctx.alloc(size as usize * items.len(), align as usize);
    for (i, slot) in items.iter().enumerate() {
        let bytes = slot_bytes(elem, *slot);
        // SAFETY: `ptr` has room for `items.len()` elements of `size` (<= 16) bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr.add(i * size as usize), size as usize)
        };
    }
    Ok([ptr as u64, items.len() as u64])
}

/// The items of a list's text between its outer brackets: split at the commas outside
/// inner brackets (`[1, 2], [3]` is `[1, 2]` and `[3]`). Built programs and `kiln
/// run`'s `--param` (the compiler's `value::params`) read lists with it.
pub fn split_top(inner: &str) -> Result<Vec<&str>, String> {
    let (mut depth, mut start, mut items) = (0i32, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => return Err("unbalanced `]`".to_owned()),
            ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced `[`".to_owned());
    }
    items.push(&inner[start..]);
    Ok(items)
}

/// The display format of a result slot.
///
/// # Safety
/// `slot` holds a value of the given type (a string or list as a valid (ptr, len)).
unsafe fn write_slot(out: &mut String, code: TypeCode, slot: [u64; 2]) -> std::fmt::Result {
    let (ptr, len) = (slot[0] as usize as *const u8, slot[1] as i64);
    match code.shape() {
        Some(Shape::Opt(t)) if t.is_pair() && len == NONE_LEN => out.write_str("none"),
        Some(Shape::Opt(t)) if !t.is_pair() && slot[1] == 0 => out.write_str("none"),
        // SAFETY: a value of the inner type.
        Some(Shape::Opt(t)) => unsafe { write_slot(out, t, slot) },
        // SAFETY: a list of `len` elements of type `elem` at `ptr`.
        Some(Shape::List(elem)) => unsafe { write_list_of(out, elem, ptr, len) },
        // SAFETY: a string (ptr, len).
        Some(Shape::Scalar(Kind::Str)) => {
            write_scalar(out, Scalar::Str(unsafe { str_from_raw(ptr, len) }), false)
        }
        Some(Shape::Scalar(k)) => write_scalar(out, Scalar::from_bits(k, slot[0]), false),
        None => Ok(()),
    }
}
