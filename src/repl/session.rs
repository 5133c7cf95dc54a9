//! TEMPORARY STAND-IN for the REPL's session core (see `mod.rs`); replaced at merge.
//! It keeps the text of every accepted statement and recompiles it, with the new input
//! after it, for each line: enough to exercise the front end, nothing more.

use crate::diag::render::{render_list, Format};
use crate::jit::Options;

/// What one input produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub stdout: String,
    pub stderr: String,
    pub quit: bool,
}

pub struct Session {
    options: Options,
    color: bool,
    /// Every accepted statement, each ending in `;` or `}`.
    defs: String,
}

const KEYWORDS: &[&str] = &[
    "let", "fn", "param", "if", "switch", "when", "elif", "else", "in", "and", "or", "not", "true",
    "false",
];
const COMMANDS: &[&str] = &[
    ":help", ":type", ":ir", ":asm", ":time", ":env", ":load", ":reset", ":quit",
];

impl Session {
    pub fn new(options: Options, color: bool) -> Session {
        Session {
            options,
            color,
            defs: String::new(),
        }
    }

    pub fn eval(&mut self, input: &str) -> Reply {
        let line = input.trim();
        if line.is_empty() {
            return Reply::default();
        }
        if let Some(command) = line.strip_prefix(':') {
            return self.command(command);
        }
        let src = format!("{}{line}", self.defs);
        let compiled = match crate::compile_source(&src, &self.options) {
            Ok((compiled, _warnings)) => compiled,
            Err(diags) => return self.error(&diags, &src),
        };
        let first = line.split(|c: char| !c.is_alphanumeric()).next();
        let statement = matches!(first, Some("let" | "fn" | "param" | "when"));
        match compiled.run(&[]) {
            Ok(Some(value)) if !statement => {
                let ty = compiled.result_type().map(|t| t.to_string());
                Reply {
                    stdout: format!("{value} : {}\n", ty.unwrap_or_default()),
                    ..Reply::default()
                }
            }
            Ok(_) => {
                self.defs.push_str(line);
                if !line.ends_with([';', '}']) {
                    self.defs.push(';');
                }
                self.defs.push('\n');
                Reply::default()
            }
            Err(fault) => self.error(&[fault.to_diagnostic()], &src),
        }
    }

    pub fn completion_candidates(&self) -> Vec<String> {
        let mut names: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
        names.extend(crate::types::builtins::all().iter().map(|b| b.name.clone()));
        for word in ["let ", "fn "] {
            for (i, _) in self.defs.match_indices(word) {
                let rest = &self.defs[i + word.len()..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                names.push(rest[..end].to_owned());
            }
        }
        names.extend(COMMANDS.iter().map(|c| c.to_string()));
        names.sort();
        names.dedup();
        names
    }

    fn command(&mut self, command: &str) -> Reply {
        let (name, arg) = command.split_once(' ').unwrap_or((command, ""));
        match name {
            "quit" | "q" => Reply {
                quit: true,
                ..Reply::default()
            },
            "reset" => {
                self.defs.clear();
                Reply::default()
            }
            "help" => Reply {
                stdout: format!("commands: {}\n", COMMANDS.join(" ")),
                ..Reply::default()
            },
            "type" => {
                let src = format!("{}{}", self.defs, arg.trim());
                match crate::check_source(&src) {
                    Ok(checked) => Reply {
                        stdout: match &checked.program.main.ret {
                            Some(ty) => format!("{ty}\n"),
                            None => "no value\n".to_owned(),
                        },
                        ..Reply::default()
                    },
                    Err(diags) => self.error(&diags, &src),
                }
            }
            _ => Reply {
                stderr: format!("error: `:{name}` is not in the stand-in session\n"),
                ..Reply::default()
            },
        }
    }

    fn error(&self, diags: &[crate::Diagnostic], src: &str) -> Reply {
        Reply {
            stderr: render_list(diags, "<repl>", src, Format::Human { color: self.color }),
            ..Reply::default()
        }
    }
}
