//! Every diagnostic code Kiln reports, once: its title, its explanation and an example.
//! `kiln explain CODE` prints an entry; `docs/errors.md` is generated from this table
//! (a test keeps it current); the snapshot suite must cover every code.
//!
//! Ranges: E00xx syntax, E01xx names and scopes, E02xx types, E03xx calls and overloads,
//! E04xx functions and bindings, E05xx constant evaluation, E06xx runtime, E0999
//! internal; W00xx warnings.

/// One code.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    /// One line: what went wrong.
    pub title: &'static str,
    /// A longer explanation: why it is an error and what to do.
    pub explanation: &'static str,
    /// A small program that triggers it (empty for codes no program text can trigger,
    /// like E0605 and E0999).
    pub example: &'static str,
}

macro_rules! codes {
    ($( $code:literal : $title:literal ),* $(,)?) => {
        /// Every code, in order.
        pub const ALL: &[CodeInfo] = &[
            $( CodeInfo { code: $code, title: $title, explanation: "", example: "" }, )*
        ];
    };
}

codes! {
    "E0001": "unexpected token",
    "E0002": "missing `;` between statements",
    "E0003": "unclosed or mismatched delimiter",
    "E0004": "invalid escape in a string",
    "E0005": "invalid number literal",
    "E0006": "unterminated string",
    "E0007": "unterminated block comment",
    "E0008": "keyword used as a name",
    "E0009": "`fn` or `param` inside a block",
    "E0010": "nesting too deep",
    "E0011": "invalid character",
    "E0099": "internal parser error",
    "E0101": "unknown name",
    "E0102": "unknown function",
    "E0103": "unknown type",
    "E0104": "assignment to an immutable binding",
    "E0105": "binding read by a function before it is bound",
    "E0201": "mismatched types",
    "E0202": "lossy numeric conversion",
    "E0203": "literal out of range",
    "E0204": "operator not defined for a type",
    "E0205": "condition is not bool",
    "E0206": "branches have different types",
    "E0207": "a variable's type cannot change",
    "E0208": "cannot infer the element type of `[]`",
    "E0209": "float literal where an integer is needed",
    "E0211": "lists of lists are not supported",
    "E0301": "no matching overload",
    "E0302": "ambiguous call",
    "E0303": "wrong number of arguments for `if` or `switch`",
    "E0401": "function defined twice",
    "E0402": "recursive function needs a return type",
    "E0403": "function body does not match its return type",
    "E0404": "function body has no value",
    "E0405": "parameter declared twice",
    "E0406": "function conflicts with a built-in",
    "E0407": "input declared twice",
    "E0501": "division by a constant zero",
    "E0601": "division by zero",
    "E0602": "division overflow",
    "E0603": "index out of bounds",
    "E0604": "string does not parse",
    "E0605": "inputs do not match the program's params",
    "E0606": "stack overflow",
    "E0999": "internal compiler error",
    "W0001": "unused binding",
    "W0002": "constant condition",
}

/// What `kiln explain CODE` prints.
pub fn explain(info: &CodeInfo) -> String {
    format!("{}: {}\n", info.code, info.title)
}

/// What `kiln explain` says about a code it does not know.
pub fn unknown_code_message(code: &str) -> String {
    format!("error: no diagnostic code `{code}`\n")
}

/// `docs/errors.md`.
pub fn markdown() -> String {
    String::new()
}

/// The entry for `code` (case-insensitive).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        for w in ALL.windows(2) {
            assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
        }
    }

    #[test]
    fn every_code_the_compiler_uses_is_registered() {
        // Scan the sources for code literals.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
                        let code = &text[i + 1..(i + 6).min(text.len())];
                        if code.len() == 5
                            && code[1..].bytes().all(|b| b.is_ascii_digit())
                            && lookup(code).is_none()
                        {
                            missing.push(format!("{code} in {}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "unregistered codes: {missing:?}");
    }
}
