//! The one diagnostic type every stage reports with. [`render`] draws it for people
//! (ariadne) and tools (JSON); [`Diagnostic::render`] and [`render_all`] are a plain
//! one-line-per-item fallback kept for unit tests and benchmarks.

pub mod codes;
pub mod render;

use crate::span::{line_col, Span};
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary label: another span that helps explain the primary one.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, `E0001`… for errors. See `docs/errors.md`.
    pub code: &'static str,
    pub message: String,
    /// The exact span the diagnostic is about.
    pub span: Span,
    /// What to say at the primary span (may be empty).
    pub label: String,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning: reported, but the program still compiles and runs.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Plain text: `file:line:col: error[CODE]: message`, then indented labels, notes, help.
    pub fn render(&self, file: &str, src: &str) -> String {
        let mut out = String::new();
        let (line, col) = line_col(src, self.span.lo);
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "{file}:{line}:{col}: {sev}[{}]: {}",
            self.code, self.message
        );
        if !self.label.is_empty() {
            let _ = writeln!(out, "  --> {}", self.label);
        }
        for l in &self.secondary {
            let (line, col) = line_col(src, l.span.lo);
            let _ = writeln!(out, "  {file}:{line}:{col}: {}", l.message);
        }
        for n in &self.notes {
            let _ = writeln!(out, "  = note: {n}");
        }
        if let Some(h) = &self.help {
            let _ = writeln!(out, "  = help: {h}");
        }
        out
    }
}

/// Render a list of diagnostics, in source order of their primary spans.
pub fn render_all(diags: &[Diagnostic], file: &str, src: &str) -> String {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| d.span.lo);
    sorted.iter().map(|d| d.render(file, src)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_names_file_line_col_code_and_help() {
        let src = "let a = 1;\nlet b = a +;";
        let d = Diagnostic::error("E0001", Span::new(21, 22), "expected an expression")
            .with_help("write an operand after `+`");
        let text = d.render("t.expr", src);
        assert!(text.starts_with("t.expr:2:11: error[E0001]: expected an expression\n"));
        assert!(text.contains("= help: write an operand after `+`"));
    }
}
