//! Nested lists (v1): the checks lists of lists need beyond the rules every list follows.

use super::ty::Ty;
use crate::diag::Diagnostic;
use crate::span::Span;
use kiln_runtime::typecode::MAX_WRAPPERS;

/// The number of list and optional wrappers around `ty`'s scalar.
fn wrappers(ty: &Ty) -> u32 {
    match ty {
        Ty::List(e) | Ty::Opt(e) => 1 + wrappers(e),
        _ => 0,
    }
}

/// E0240 when `ty` (written or inferred at `span`) nests deeper than a runtime type code
/// holds, so no runtime function could walk it.
pub(super) fn too_deep(ty: &Ty, span: Span) -> Option<Diagnostic> {
    let depth = wrappers(ty);
    (depth > MAX_WRAPPERS && !ty.is_error()).then(|| {
        Diagnostic::error(
            "E0240",
            span,
            format!("this type nests {depth} lists and optionals deep; at most {MAX_WRAPPERS} are supported"),
        )
        .with_label(format!("{depth} levels deep"))
        .with_help(format!(
            "restructure the data so that lists nest at most {MAX_WRAPPERS} levels"
        ))
    })
}
