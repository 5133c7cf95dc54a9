//! The REPL's terminal front end: reads lines with rustyline, gathers multi-line input,
//! hands each complete input to a [`Session`] and prints its [`Reply`].
//!
//! - prompt `kiln> `, continuation prompt `  ... ` while the input is incomplete
//!   ([`input_is_incomplete`], or a `{` of a `when` or `fn` block still open);
//! - Tab completes the word under the cursor from [`Session::completion_candidates`];
//! - with colour on (`--color always`, or `auto` on a terminal without `NO_COLOR`):
//!   the line is highlighted as it is typed ([`highlight`]: keywords, numbers, strings,
//!   comments, types, calls of known functions, the bracket matching the one at the
//!   cursor), and a dimmed hint follows the cursor at the end of the line ([`hint_at`]):
//!   the rest of the only (or common) completion of the word being typed, which Right
//!   arrow accepts, or else the signature of the function whose call is open;
//! - with colour off, none of that: no escape codes, no hints, the line as typed;
//! - history is kept in [`history_path`], one entry per complete input;
//! - Ctrl-C drops the input being typed, Ctrl-D on an empty line leaves;
//! - Ctrl-C while a line runs interrupts it (runtime error E0611; the session keeps its
//!   earlier definitions): a SIGINT handler is installed only while a line runs.
//!
//! [`highlight`]: crate::repl::highlight::highlight
//! [`input_is_incomplete`]: crate::repl::input_is_incomplete

use crate::driver::Options;
use crate::repl::highlight::{self, Start, DIM, RESET};
use crate::repl::{take_inputs, Reply, Session};
use rustyline::completion::Completer;
use rustyline::config::{ColorMode, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

/// The first line the REPL prints.
pub const BANNER: &str = "Kiln 0.1 — :help for commands, Ctrl-D to leave";
/// The prompt for a new input.
pub const PROMPT: &str = "kiln> ";
/// The prompt for each further line of an input.
pub const CONTINUATION: &str = "  ... ";

/// Ctrl-C while a line runs: a SIGINT handler that cancels the REPL's [`Interrupt`],
/// installed only for the duration of a line (rustyline reads Ctrl-C itself at the
/// prompt).
mod sigint {
    use crate::runtime::Interrupt;
    use std::sync::OnceLock;

    /// The REPL's interrupt; the handler only reads it (an atomic load, then an atomic
    /// store: async-signal-safe).
    static INTERRUPT: OnceLock<Interrupt> = OnceLock::new();

    pub fn interrupt() -> &'static Interrupt {
        INTERRUPT.get_or_init(Interrupt::new)
    }

    #[cfg(unix)]
    extern "C" fn on_sigint(_: libc::c_int) {
        if let Some(i) = INTERRUPT.get() {
            i.cancel();
        }
    }

    /// The handler, until dropped (then the previous disposition again).
    pub struct Guard {
        #[cfg(unix)]
        previous: Option<libc::sigaction>,
    }

    impl Guard {
        pub fn install() -> Guard {
            #[cfg(unix)]
            {
                let _ = interrupt();
                // SAFETY: a zeroed `sigaction` is valid; the handler is async-signal-safe
                // (see `INTERRUPT`), and `previous` receives the old disposition.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
                    action.sa_flags = libc::SA_RESTART;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut previous: libc::sigaction = std::mem::zeroed();
                    let ok = libc::sigaction(libc::SIGINT, &action, &mut previous) == 0;
                    Guard {
                        previous: ok.then_some(previous),
                    }
                }
            }
            #[cfg(not(unix))]
            Guard {}
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            #[cfg(unix)]
            if let Some(previous) = self.previous.take() {
                // SAFETY: restores the disposition `install` replaced.
                unsafe { libc::sigaction(libc::SIGINT, &previous, std::ptr::null_mut()) };
            }
        }
    }
}

/// Run the interactive loop on the terminal until Ctrl-D or `:quit`; returns the exit
/// status (0, or 2 when the terminal cannot be used).
pub fn run(options: Options, color: bool) -> i32 {
    // The CLI has decided (`--color`, `NO_COLOR`, a terminal or not): `Forced`, since
    // rustyline's `Enabled` would also give way to `NO_COLOR` under `--color always`.
    let config = Config::builder()
        .color_mode(if color {
            ColorMode::Forced
        } else {
            ColorMode::Disabled
        })
        .auto_add_history(false)
        .build();
    let mut editor: Editor<KilnHelper, _> = match Editor::with_config(config) {
        Ok(editor) => editor,
        Err(e) => {
            eprintln!("error: cannot use the terminal: {e}");
            return 2;
        }
    };
    // Streaming: a line's `print` output appears as it runs.
    let mut session = Session::streaming(options, color);
    let interrupt = sigint::interrupt();
    session.set_interrupt(Some(interrupt));
    editor.set_helper(Some(KilnHelper {
        candidates: session.completion_candidates(),
        signatures: if color {
            session.call_signatures()
        } else {
            HashMap::new()
        },
        color,
        start: Start::Code,
        show_bracket: Cell::new(false),
    }));
    let history = history_path(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"));
    if let Some(path) = &history {
        // A missing or unreadable history is no reason not to start.
        let _ = editor.load_history(path);
    }
    println!("{BANNER}");

    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            Styled::new(PROMPT, color)
        } else {
            Styled::new(CONTINUATION, color)
        };
        match editor.readline(&prompt) {
            Ok(line) => {
                if !buffer.is_empty() {
                    buffer.push('\n');
                }
                buffer.push_str(&line);
                for input in take_inputs(&mut buffer) {
                    remember(&mut editor, history.as_ref(), &input);
                    interrupt.reset();
                    let reply = {
                        let _ctrl_c = sigint::Guard::install();
                        session.eval(&input)
                    };
                    show(&reply);
                    if reply.quit {
                        return 0;
                    }
                }
                if let Some(helper) = editor.helper_mut() {
                    helper.candidates = session.completion_candidates();
                    if color {
                        helper.signatures = session.call_signatures();
                        helper.start = highlight::state_after(&buffer);
                    }
                }
            }
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                if let Some(helper) = editor.helper_mut() {
                    helper.start = Start::Code;
                }
            }
            Err(ReadlineError::Eof) => {
                println!();
                return 0;
            }
            Err(e) => {
                eprintln!("error: cannot read from the terminal: {e}");
                return 2;
            }
        }
    }
}

/// Add a complete input to the history, and append it to the history file.
fn remember(
    editor: &mut Editor<KilnHelper, rustyline::history::DefaultHistory>,
    path: Option<&PathBuf>,
    input: &str,
) {
    let _ = editor.add_history_entry(input);
    if let Some(path) = path {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // Failing to write the history must not disturb the session.
        let _ = editor.append_history(path);
    }
}

fn show(reply: &Reply) {
    if !reply.stdout.is_empty() {
        let mut out = io::stdout().lock();
        let _ = out.write_all(reply.stdout.as_bytes());
        let _ = out.flush();
    }
    if !reply.stderr.is_empty() {
        let mut err = io::stderr().lock();
        let _ = err.write_all(reply.stderr.as_bytes());
        let _ = err.flush();
    }
}

/// Where the history lives: `$XDG_DATA_HOME/kiln/history` when that is set to an
/// absolute path (the XDG rule), else `$HOME/.local/share/kiln/history`; none without
/// either (then nothing is kept).
pub fn history_path(
    xdg_data_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    let data = match xdg_data_home.map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        _ => {
            let home = PathBuf::from(home.filter(|h| !h.is_empty())?);
            home.join(".local").join("share")
        }
    };
    Some(data.join("kiln").join("history"))
}

/// The word under the cursor: an identifier, or a `:command` at the start of the line.
/// Returns its start and text.
pub fn word_before(line: &str, pos: usize) -> (usize, &str) {
    let head = &line[..pos];
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '_')
        .last()
        .map_or(pos, |(i, _)| i);
    if head[..start].trim_start() == ":" {
        let colon = head.find(':').unwrap_or(start);
        return (colon, &head[colon..]);
    }
    (start, &head[start..])
}

/// What Tab completes at `pos` in `line`: after `:load `, a file name (directories
/// end with `/`); inside a string literal or a comment, nothing; else the word under
/// the cursor from `candidates`. Returns where the replaced text starts, and the
/// replacements.
pub fn complete_at(candidates: &[String], line: &str, pos: usize) -> (usize, Vec<String>) {
    let head = &line[..pos];
    let command = head.trim_start();
    if let Some(rest) = command.strip_prefix(":load") {
        if rest.starts_with(char::is_whitespace) {
            let found = rustyline::completion::FilenameCompleter::new().complete_path(line, pos);
            return match found {
                Ok((start, pairs)) => (start, pairs.into_iter().map(|p| p.replacement).collect()),
                Err(_) => (pos, Vec::new()),
            };
        }
    }
    if !command.starts_with(':') && in_string_or_comment(head) {
        return (pos, Vec::new());
    }
    let (start, word) = word_before(line, pos);
    if word.is_empty() {
        return (pos, Vec::new());
    }
    (start, completions(candidates, word))
}

/// Whether the end of `head` is inside a string literal or a `//` comment.
fn in_string_or_comment(head: &str) -> bool {
    let mut chars = head.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => loop {
                match chars.next() {
                    None => return true,
                    Some('\\') => {
                        chars.next();
                    }
                    Some(q) if q == c => break,
                    Some(_) => {}
                }
            },
            '/' if chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    false
}

/// The names that complete `word`, sorted, without repeats.
pub fn completions(candidates: &[String], word: &str) -> Vec<String> {
    let mut found: Vec<String> = candidates
        .iter()
        .filter(|c| c.starts_with(word))
        .cloned()
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A prompt, bold when colour is on (same width either way).
struct Styled {
    raw: &'static str,
    styled: String,
}

impl Styled {
    fn new(raw: &'static str, color: bool) -> Styled {
        let styled = if color {
            format!("\x1b[1;32m{raw}\x1b[0m")
        } else {
            raw.to_owned()
        };
        Styled { raw, styled }
    }
}

impl rustyline::Prompt for Styled {
    fn raw(&self) -> &str {
        self.raw
    }
    fn styled(&self) -> &str {
        &self.styled
    }
}

/// What follows the cursor, dimmed, at the end of the line: the rest of a name
/// (`completion`, which Right arrow inserts) or a signature (shown only).
#[derive(Debug, PartialEq, Eq)]
pub struct KilnHint {
    pub display: String,
    pub completion: Option<String>,
}

impl Hint for KilnHint {
    fn display(&self) -> &str {
        &self.display
    }
    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

/// The hint at `pos` in `line` (which starts as `start` says): none unless the cursor
/// is at the end of the line outside strings and comments. Then the rest of the word
/// being typed when the names of `candidates` it begins have a longer common prefix
/// (`sqr` → `t`); else, inside a call's brackets, the first signature of that function
/// in `signatures` and how many more overloads it has (`lerp(1.0, ` →
/// `  lerp(a: f32, b: f32, t: f32) -> f32 (+1 overload)`).
pub fn hint_at(
    candidates: &[String],
    signatures: &HashMap<String, Vec<String>>,
    line: &str,
    pos: usize,
    start: Start,
) -> Option<KilnHint> {
    if pos != line.len() || line.trim().is_empty() {
        return None;
    }
    if highlight::ends_inside_string_or_comment(line, start) {
        return None;
    }
    let command = start == Start::Code && line.trim_start().starts_with(':');
    if command && line.trim_start().starts_with(":load") {
        return None;
    }
    let (_, word) = word_before(line, pos);
    if !word.is_empty() {
        let found = completions(candidates, word);
        if let Some(first) = found.first() {
            let common = found.iter().fold(first.as_str(), |common, c| {
                let n = common
                    .char_indices()
                    .zip(c.chars())
                    .find(|((_, a), b)| a != b)
                    .map_or(common.len().min(c.len()), |((i, _), _)| i);
                &common[..n]
            });
            if common.len() > word.len() && common.starts_with(word) {
                let rest = common[word.len()..].to_string();
                return Some(KilnHint {
                    display: rest.clone(),
                    completion: Some(rest),
                });
            }
        }
    }
    let name = highlight::open_call(line, start)?;
    let overloads = signatures.get(name)?;
    let first = overloads.first()?;
    let more = match overloads.len() - 1 {
        0 => String::new(),
        1 => " (+1 overload)".to_string(),
        n => format!(" (+{n} overloads)"),
    };
    Some(KilnHint {
        display: format!("  {first}{more}"),
        completion: None,
    })
}

/// Tab completion from the session's names; with colour on, highlighting and hints.
struct KilnHelper {
    candidates: Vec<String>,
    /// The functions a call can reach (empty with colour off).
    signatures: HashMap<String, Vec<String>>,
    color: bool,
    /// Where the line being edited starts: inside a string or comment that an earlier
    /// line of the same input left open, or in code.
    start: Start,
    /// Whether the bracket matching the cursor's is shown: not in the last refresh of
    /// an accepted line.
    show_bracket: Cell<bool>,
}

impl Completer for KilnHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(complete_at(&self.candidates, line, pos))
    }
}

impl Hinter for KilnHelper {
    type Hint = KilnHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<KilnHint> {
        if !self.color {
            return None;
        }
        hint_at(&self.candidates, &self.signatures, line, pos, self.start)
    }
}

impl Highlighter for KilnHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        let cursor = self.show_bracket.get().then_some(pos);
        let known = |name: &str| self.signatures.contains_key(name);
        Cow::Owned(highlight::highlight(line, cursor, self.start, &known))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    /// Typing may change any word's colour: redraw the line. A cursor move redraws it
    /// when the cursor comes next to a bracket (rustyline also redraws when it leaves
    /// one). The final redraw of an accepted line shows no bracket.
    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.show_bracket.set(kind != CmdKind::ForcedRefresh);
        if !self.color {
            return false;
        }
        match kind {
            CmdKind::ForcedRefresh => false,
            CmdKind::Other => true,
            CmdKind::MoveCursor => {
                let bracket = |i: usize| {
                    line.as_bytes()
                        .get(i)
                        .is_some_and(|b| b"()[]{}".contains(b))
                };
                bracket(pos) || pos.checked_sub(1).is_some_and(bracket)
            }
        }
    }
}

impl Validator for KilnHelper {}

impl Helper for KilnHelper {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn history_lives_in_the_xdg_data_directory_or_under_home() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(
            history_path(os("/data"), os("/home/a")),
            Some(PathBuf::from("/data/kiln/history"))
        );
        assert_eq!(
            history_path(None, os("/home/a")),
            Some(PathBuf::from("/home/a/.local/share/kiln/history"))
        );
        // A relative or empty XDG_DATA_HOME is ignored, as the XDG rules say.
        for xdg in ["relative/dir", ""] {
            assert_eq!(
                history_path(os(xdg), os("/home/a")),
                Some(PathBuf::from("/home/a/.local/share/kiln/history"))
            );
        }
        assert_eq!(history_path(None, None), None);
        assert_eq!(history_path(None, os("")), None);
    }

    #[test]
    fn the_word_under_the_cursor_is_an_identifier_or_a_command() {
        assert_eq!(word_before("sq", 2), (0, "sq"));
        assert_eq!(word_before("1 + sq", 6), (4, "sq"));
        assert_eq!(word_before("f(my_v", 6), (2, "my_v"));
        assert_eq!(word_before("x + ", 4), (4, ""));
        assert_eq!(word_before(":ty", 3), (0, ":ty"));
        assert_eq!(word_before("  :re", 5), (2, ":re"));
        assert_eq!(word_before("a:b", 3), (2, "b"));
        assert_eq!(word_before("π1", "π1".len()), (0, "π1"));
    }

    #[test]
    fn completion_is_a_sorted_prefix_match() {
        let names: Vec<String> = ["sqrt", "sq", "string", "sqrt", ":reset", ":help"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(completions(&names, "sq"), ["sq", "sqrt"]);
        assert_eq!(completions(&names, "sqr"), ["sqrt"]);
        assert_eq!(completions(&names, "s"), ["sq", "sqrt", "string"]);
        assert_eq!(completions(&names, ":r"), [":reset"]);
        assert!(completions(&names, "zz").is_empty());
    }

    #[test]
    fn tab_completes_file_names_after_load_and_nothing_inside_strings() {
        let names: Vec<String> = ["tan", "tanh", "sqrt", "string"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("table.expr"), "1").unwrap();
        std::fs::create_dir(dir.path().join("tasks")).unwrap();
        let line = format!(":load {}/ta", dir.path().display());
        let (start, found) = complete_at(&names, &line, line.len());
        assert_eq!(start, ":load ".len());
        let mut found: Vec<String> = found
            .iter()
            .map(|f| f.rsplit_once("/t").map(|(_, t)| format!("t{t}")).unwrap())
            .collect();
        found.sort();
        assert_eq!(found, ["table.expr", "tasks/"]);
        // Outside `:load`, names; inside a string or a comment, nothing.
        let at_end = |line: &str| complete_at(&names, line, line.len());
        let none = Vec::<String>::new();
        assert_eq!(
            at_end("ta"),
            (0, vec!["tan".to_string(), "tanh".to_string()])
        );
        assert_eq!(at_end("print(\"ta"), (9, none.clone()));
        assert_eq!(at_end("\"a\\\" sq"), (7, none.clone()));
        assert_eq!(at_end("1 // sq"), (7, none));
        assert_eq!(at_end("'a' + sq"), (6, vec!["sqrt".to_string()]));
        assert_eq!(at_end("\"x\" + sq"), (6, vec!["sqrt".to_string()]));
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn signatures() -> HashMap<String, Vec<String>> {
        let mut map = HashMap::new();
        map.insert(
            "lerp".to_string(),
            names(&[
                "lerp(a: f64, b: f64, t: f64) -> f64",
                "lerp(a: f32, b: f32, t: f32) -> f32",
            ]),
        );
        map.insert("sqrt".to_string(), names(&["sqrt(x: f64) -> f64"]));
        map.insert("twice".to_string(), names(&["twice(n: i64) -> i64"]));
        map
    }

    fn hint(line: &str) -> Option<KilnHint> {
        let candidates = names(&["sqrt", "string", "tan", "tanh", "lerp", "let", ":help"]);
        hint_at(&candidates, &signatures(), line, line.len(), Start::Code)
    }

    fn completes(rest: &str) -> Option<KilnHint> {
        Some(KilnHint {
            display: rest.to_string(),
            completion: Some(rest.to_string()),
        })
    }

    fn shows(text: &str) -> Option<KilnHint> {
        Some(KilnHint {
            display: text.to_string(),
            completion: None,
        })
    }

    #[test]
    fn the_hint_completes_the_word_being_typed() {
        assert_eq!(hint("sqr"), completes("t"));
        assert_eq!(hint("1 + sq"), completes("rt"));
        // Several names: what they have in common.
        assert_eq!(hint("t"), completes("an"));
        assert_eq!(hint("st"), completes("ring"));
        assert_eq!(hint(":he"), completes("lp"));
        // Complete already, or no name fits, or only the common part is typed.
        assert_eq!(hint("tan"), None);
        assert_eq!(hint("s"), None);
        assert_eq!(hint("zz"), None);
        assert_eq!(hint(""), None);
        // Not inside a string or a comment, not after `:load`.
        assert_eq!(hint("\"sq"), None);
        assert_eq!(hint("1 // sq"), None);
        assert_eq!(hint(":load ta"), None);
        // Only with the cursor at the end of the line.
        let candidates = names(&["sqrt"]);
        assert_eq!(
            hint_at(&candidates, &signatures(), "sq + 1", 2, Start::Code),
            None
        );
        // A line that continues an open string hints nothing.
        let open = Start::Str(b'"');
        assert_eq!(hint_at(&candidates, &signatures(), "sq", 2, open), None);
    }

    #[test]
    fn inside_a_call_the_hint_is_the_functions_signature() {
        assert_eq!(
            hint("lerp(1.0, "),
            shows("  lerp(a: f64, b: f64, t: f64) -> f64 (+1 overload)")
        );
        assert_eq!(hint("1 + sqrt("), shows("  sqrt(x: f64) -> f64"));
        assert_eq!(hint("twice(sqrt(2.0) + 1"), shows("  twice(n: i64) -> i64"));
        assert_eq!(hint("lerp(sqrt(2.0), "), hint("lerp("));
        // A word being typed in the call is completed first.
        assert_eq!(hint("lerp(sq"), completes("rt"));
        // Not an open call, an unknown function, a string argument being typed.
        assert_eq!(hint("sqrt(2)"), None);
        assert_eq!(hint("nope(1, "), None);
        assert_eq!(hint("(1 + "), None);
        assert_eq!(hint("sqrt(\"a"), None);
        let none = HashMap::new();
        assert_eq!(hint_at(&[], &none, "lerp(", 5, Start::Code), None);
    }

    fn helper(color: bool) -> KilnHelper {
        KilnHelper {
            candidates: names(&["sqrt", "lerp", "let"]),
            signatures: signatures(),
            color,
            start: Start::Code,
            show_bracket: Cell::new(true),
        }
    }

    #[test]
    fn without_colour_the_helper_leaves_the_line_alone_and_hints_nothing() {
        let history = rustyline::history::DefaultHistory::new();
        let ctx = Context::new(&history);
        let plain = helper(false);
        for line in ["let x = sqrt(2.0)", "lerp(1.0, ", "sqr", "(\"a\" // b"] {
            assert_eq!(plain.highlight(line, line.len()), line);
            assert_eq!(plain.hint(line, line.len(), &ctx), None);
            for kind in [CmdKind::Other, CmdKind::MoveCursor, CmdKind::ForcedRefresh] {
                assert!(!plain.highlight_char(line, 0, kind));
            }
        }
        assert_eq!(plain.highlight_hint("t"), "t");
        // With colour, the same lines are styled and hinted.
        let colour = helper(true);
        let line = "let x = sqrt(2.0)";
        let shown = colour.highlight(line, line.len());
        assert_ne!(shown, line);
        assert_eq!(highlight::strip_ansi(&shown), line);
        assert_eq!(colour.hint("sqr", 3, &ctx), completes("t"));
        assert_eq!(colour.highlight_hint("t"), format!("{DIM}t{RESET}"));
        assert!(colour.highlight_char("sq", 2, CmdKind::Other));
        assert!(colour.highlight_char("f(1)", 4, CmdKind::MoveCursor));
        assert!(!colour.highlight_char("abc", 1, CmdKind::MoveCursor));
        // The last redraw of an accepted line marks no bracket.
        assert!(!colour.highlight_char("f(1)", 4, CmdKind::ForcedRefresh));
        let bracket = highlight::style(highlight::Class::Bracket);
        assert!(!colour.highlight("f(1)", 4).contains(bracket));
        colour.highlight_char("f(1)", 4, CmdKind::Other);
        assert!(colour.highlight("f(1)", 4).contains(bracket));
    }
}
