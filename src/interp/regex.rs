//! Regular expressions and characters (issue 15), restated over [`Value`]s with the
//! `regex` crate used directly: its own per-thread cache of compiled patterns (literal
//! or computed alike), never the runtime's table or slots. Faults have the JIT's codes,
//! spans and wording (`FaultRecord`'s constructors): E0614 at the pattern, E0620 at the
//! argument, the size and memory limits at the call.

use super::eval::Machine;
use super::ops::{bug, R};
use crate::runtime::FaultRecord;
use crate::span::Span;
use crate::types::hir::{Expr, ExprKind, LibFn};
use crate::types::ty::Ty;
use crate::value::{RuntimeError, Value};
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Compiled patterns kept per thread; past this many the cache starts afresh.
const KEPT: usize = 64;

thread_local! {
    static COMPILED: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// A fault the runtime would record as `record`, at `span`.
fn raised(record: FaultRecord, span: Span) -> RuntimeError {
    RuntimeError {
        fault: record.fault,
        span,
        message: record.message(),
    }
}

/// Why the crate rejects `pattern`: the parser's short reason, or the size limit.
fn why(pattern: &str, err: &regex::Error) -> String {
    if let regex::Error::CompiledTooBig(limit) = err {
        return format!("the compiled pattern would exceed the size limit of {limit} bytes");
    }
    match regex_syntax::Parser::new().parse(pattern) {
        Err(regex_syntax::Error::Parse(e)) => e.kind().to_string(),
        Err(regex_syntax::Error::Translate(e)) => e.kind().to_string(),
        _ => err.to_string(),
    }
}

/// `pattern` compiled (E0614 at `span` when it does not compile).
fn compiled(pattern: &str, span: Span) -> R<Rc<Regex>> {
    if let Some(re) = COMPILED.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Rc::new(
        Regex::new(pattern)
            .map_err(|e| raised(FaultRecord::bad_regex(0, pattern, &why(pattern, &e)), span))?,
    );
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.clear();
        }
        c.insert(pattern.to_owned(), re.clone());
    });
    Ok(re)
}

fn text(v: &Value) -> R<&str> {
    match v {
        Value::Str(s) => Ok(s),
        v => Err(bug(format!("a string argument of type {}", v.ty()))),
    }
}

impl Machine<'_> {
    /// A call of a regular-expression or character function (`e` is the call).
    pub(super) fn text_lib(&mut self, f: LibFn, vals: Vec<Value>, e: &Expr) -> R<Value> {
        let span = e.span;
        let ExprKind::Builtin { args, .. } = &e.kind else {
            return Err(bug(format!("{f:?} outside a call")));
        };
        let arg_span = |i: usize| args.get(i).map_or(span, |a| a.span);
        let arg = |i: usize| {
            vals.get(i)
                .ok_or_else(|| bug(format!("{f:?}: argument {i}")))
        };
        let str_list = |items: Vec<Value>| Value::List(Ty::Str, items);
        Ok(match f {
            LibFn::Matches
            | LibFn::FindMatch
            | LibFn::Captures
            | LibFn::ReplaceAll
            | LibFn::SplitRe => {
                let s = text(arg(0)?)?;
                let re = compiled(text(arg(1)?)?, arg_span(1))?;
                match f {
                    LibFn::Matches => Value::Bool(re.is_match(s)),
                    LibFn::FindMatch => match re.find(s) {
                        Some(m) => Value::Str(m.as_str().to_owned()),
                        None => Value::None,
                    },
                    LibFn::Captures => match re.captures(s) {
                        None => Value::None,
                        Some(caps) => {
                            let groups: Vec<Value> = caps
                                .iter()
                                .map(|g| g.map_or(Value::None, |m| Value::Str(m.as_str().into())))
                                .collect();
                            let elem = Ty::Opt(Box::new(Ty::Str));
                            self.alloc_list(&elem, groups.len(), span)?;
                            Value::List(elem, groups)
                        }
                    },
                    LibFn::ReplaceAll => {
                        let with = text(arg(2)?)?;
                        let r = re.replace_all(s, with).into_owned();
                        self.string(r, span)?
                    }
                    _ => {
                        let pieces: Vec<Value> =
                            re.split(s).map(|p| Value::Str(p.to_owned())).collect();
                        // The pieces are views of `s`; the list of them is new.
                        self.alloc_list(&Ty::Str, pieces.len(), span)?;
                        str_list(pieces)
                    }
                }
            }
            LibFn::Chars => {
                let s = text(arg(0)?)?;
                let items: Vec<Value> = s.chars().map(|c| Value::Str(c.to_string())).collect();
                self.alloc_list(&Ty::Str, items.len(), span)?;
                str_list(items)
            }
            LibFn::IsDigit | LibFn::IsAlpha | LibFn::IsSpace => {
                let s = text(arg(0)?)?;
                let class: fn(&char) -> bool = match f {
                    LibFn::IsDigit => |c| c.is_ascii_digit(),
                    LibFn::IsAlpha => |c| c.is_alphabetic(),
                    _ => |c| c.is_whitespace(),
                };
                Value::Bool(!s.is_empty() && s.chars().all(|c| class(&c)))
            }
            LibFn::CharCode => {
                let s = text(arg(0)?)?;
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Value::I64(c as i64),
                    _ => return Err(raised(FaultRecord::bad_char_string(0, s), arg_span(0))),
                }
            }
            LibFn::FromCharCode => {
                let n = match arg(0)? {
                    Value::I64(n) => *n,
                    v => return Err(bug(format!("from_char_code of a {}", v.ty()))),
                };
                match u32::try_from(n).ok().and_then(char::from_u32) {
                    Some(c) => self.string(c.to_string(), span)?,
                    None => return Err(raised(FaultRecord::bad_char_code(0, n), arg_span(0))),
                }
            }
            f => return Err(bug(format!("{f:?} is not a text function"))),
        })
    }
}
