//! The answers to requests, each from one document's [`Analysis`]: hover, completion,
//! signature help, definition, references, rename, document symbols (and the place for
//! formatting). Each works on any text: what does not parse or check narrows the
//! answer, never fails it.

use super::analysis::Analysis;
use super::index::{Def, DefKind};
use super::scan::{self, Kind};
use crate::span::Span;
use crate::syntax::{doc_comment, KEYWORDS};
use crate::types::hir::{self, Walk};
use crate::types::ty::Ty;
use crate::types::{builtins, reference};
use ls_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Documentation, Hover, HoverContents,
    MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, SignatureHelp,
    SignatureInformation, SymbolKind, TextEdit,
};
use std::collections::HashMap;
use std::sync::OnceLock;

fn holds(s: Span, offset: usize) -> bool {
    s.lo as usize <= offset && offset <= s.hi as usize
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

fn code(sig: &str, doc: &str) -> String {
    let mut s = format!("```kiln\n{sig}\n```");
    if !doc.is_empty() {
        s += "\n\n";
        s += doc;
    }
    s
}

/// The signature of a user function as written (`f(a: i64) -> i64`).
fn fn_signature(def: &Def) -> String {
    def.ty
        .as_deref()
        .unwrap_or(&def.name)
        .trim_start_matches("fn ")
        .to_string()
}

fn host_signature(h: &hir::HostSig) -> String {
    let params: Vec<String> = h.params.iter().map(|t| t.to_string()).collect();
    format!("{}({}) -> {}", h.name, params.join(", "), h.ret)
}

impl Analysis {
    /// The HIR functions written in this document (prelude functions a program calls are
    /// appended to its functions; their spans point into the prelude): (function id,
    /// its definition in the index).
    fn own_functions(&self) -> Vec<(usize, usize)> {
        let Some(hir) = &self.hir else {
            return Vec::new();
        };
        hir.functions
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let def =
                    self.index.defs.iter().position(|d| {
                        d.kind == DefKind::Fn && d.span == f.span && d.name == f.name
                    })?;
                Some((i, def))
            })
            .collect()
    }

    /// Every HIR expression of this document's code, parents before children.
    fn hir_exprs(&self) -> Vec<&hir::Expr> {
        let mut out = Vec::new();
        if let Some(hir) = &self.hir {
            hir.main.body.walk(&mut |e| out.push(e));
            for (i, _) in self.own_functions() {
                hir.functions[i].body.walk(&mut |e| out.push(e));
            }
        }
        out
    }

    /// The innermost HIR expression whose span holds `offset`.
    fn innermost(&self, offset: usize) -> Option<&hir::Expr> {
        let mut best: Option<&hir::Expr> = None;
        for e in self.hir_exprs() {
            if !holds(e.span, offset) || e.span.hi > self.text.len() as u32 {
                continue;
            }
            let width = e.span.hi - e.span.lo;
            if best.is_none_or(|b| width <= b.span.hi - b.span.lo) {
                best = Some(e);
            }
        }
        best
    }

    /// The innermost HIR expression with exactly span `span` (a variable before its
    /// conversions).
    fn innermost_at(&self, span: Span) -> Option<&hir::Expr> {
        self.hir_exprs().into_iter().rev().find(|e| e.span == span)
    }

    /// The HIR call at `call` (an AST call's span), if it checked.
    fn hir_call(&self, call: Span) -> Option<&hir::Expr> {
        self.hir_exprs().into_iter().find(|e| {
            e.span == call
                && matches!(
                    e.kind,
                    hir::ExprKind::Call { .. }
                        | hir::ExprKind::Builtin { .. }
                        | hir::ExprKind::CallHost { .. }
                        | hir::ExprKind::Hof { .. }
                        | hir::ExprKind::CallExtern { .. }
                )
        })
    }

    /// The type of a variable's definition, as checked, else as written.
    fn def_type(&self, def: &Def) -> Option<String> {
        self.def_types(std::slice::from_ref(def)).pop().flatten()
    }

    /// [`Analysis::def_type`] of each of `defs`, with one walk of the HIR.
    fn def_types<'d>(&self, defs: impl IntoIterator<Item = &'d Def>) -> Vec<Option<String>> {
        let mut checked: HashMap<Span, &hir::Expr> = HashMap::new();
        for e in self.hir_exprs() {
            // The first (outermost) expression of each span: after its conversions.
            checked.entry(e.span).or_insert(e);
        }
        defs.into_iter()
            .map(|d| {
                d.value
                    .and_then(|v| checked.get(&v))
                    .map(|e| e.ty.to_string())
                    .or_else(|| d.ty.clone())
            })
            .collect()
    }

    /// The definitions a use or definition at `offset` names, narrowed to the chosen
    /// overload when the call checked.
    fn defs_at(&self, offset: usize) -> Vec<usize> {
        let Some((use_, defs)) = self.index.at(offset) else {
            return Vec::new();
        };
        if let Some(call) = use_.and_then(|u| self.index.uses[u].call) {
            if defs.len() > 1 {
                if let Some(hir::ExprKind::Call { func, .. }) = self.hir_call(call).map(|e| &e.kind)
                {
                    let own = self.own_functions();
                    if let Some(&(_, def)) = own.iter().find(|(f, _)| f == func) {
                        return vec![def];
                    }
                }
            }
        }
        defs
    }
}

// ---- hover --------------------------------------------------------------------------------

pub(crate) fn hover(a: &Analysis, host: &[hir::HostSig], offset: usize) -> Option<Hover> {
    let value = hover_text(a, host, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(markdown(value)),
        range: hover_span(a, offset).map(|s| a.lines.range(&a.text, s)),
    })
}

/// What a hover at `offset` is about: the name there, else the innermost expression,
/// else the word.
fn hover_span(a: &Analysis, offset: usize) -> Option<Span> {
    if let Some((use_, defs)) = a.index.at(offset) {
        return match use_ {
            Some(u) => Some(a.index.uses[u].span),
            None => defs.first().map(|&d| a.index.defs[d].span),
        };
    }
    a.innermost(offset)
        .map(|e| e.span)
        .or_else(|| scan::word_at(&a.text, offset).map(|(lo, hi)| Span::new(lo, hi)))
}

fn hover_text(a: &Analysis, host: &[hir::HostSig], offset: usize) -> Option<String> {
    if let Some((use_, defs)) = a.index.at(offset) {
        let call = use_.and_then(|u| a.index.uses[u].call);
        if let Some(call) = call {
            let name = use_.map(|u| &a.text[a.index.uses[u].span.range()])?;
            return call_hover(a, host, name, call, &defs);
        }
        if let Some(&d) = defs.first() {
            let def = &a.index.defs[d];
            if def.kind == DefKind::Fn {
                return Some(code(
                    &fn_signature(def),
                    &doc_comment(&a.text, def.full.lo as usize),
                ));
            }
            // A use's own type (the variable's, before any widening), else its
            // definition's.
            let ty = use_
                .and_then(|u| a.innermost_at(a.index.uses[u].span))
                .map(|e| e.ty.to_string())
                .or_else(|| a.def_type(def));
            let what = match def.kind {
                DefKind::Let => "let ",
                DefKind::Param => "param ",
                _ => "",
            };
            let text = match ty {
                Some(t) => format!("{what}{}: {t}", def.name),
                None => format!("{what}{}", def.name),
            };
            return Some(code(&text, ""));
        }
    }
    if let Some(e) = a.innermost(offset) {
        return Some(code(&e.ty.to_string(), ""));
    }
    // A standard-library name the program does not (yet) call correctly.
    let (lo, hi) = scan::word_at(&a.text, offset)?;
    let entries = reference::entries(&a.text[lo..hi]);
    (!entries.is_empty()).then(|| {
        entries
            .iter()
            .map(|e| code(&e.signature, &e.doc))
            .collect::<Vec<_>>()
            .join("\n\n---\n\n")
    })
}

/// A call's hover: the overload the checker chose with its documentation, or every
/// candidate when the call did not check.
fn call_hover(
    a: &Analysis,
    host: &[hir::HostSig],
    name: &str,
    call: Span,
    defs: &[usize],
) -> Option<String> {
    if let Some(e) = a.hir_call(call) {
        let args = match &e.kind {
            hir::ExprKind::Call { args, .. }
            | hir::ExprKind::Builtin { args, .. }
            | hir::ExprKind::CallHost { args, .. }
            | hir::ExprKind::CallExtern { args, .. }
            | hir::ExprKind::Hof { args, .. } => args,
            _ => return None,
        };
        let types: Vec<Ty> = args.iter().map(|x| x.ty.clone()).collect();
        let shown: Vec<String> = types.iter().map(|t| t.to_string()).collect();
        let chosen = format!("{name}({}) -> {}", shown.join(", "), e.ty);
        match &e.kind {
            hir::ExprKind::Call { func, .. } => {
                let own = a.own_functions();
                if let Some(&(_, def)) = own.iter().find(|(f, _)| f == func) {
                    let def = &a.index.defs[def];
                    let doc = doc_comment(&a.text, def.full.lo as usize);
                    return Some(code(&fn_signature(def), &doc));
                }
                // A prelude function.
                if let Some((_, f)) =
                    crate::types::prelude::named(name).find(|(_, f)| f.params == types)
                {
                    return Some(code(&f.signature(), &f.doc));
                }
                return Some(code(&chosen, ""));
            }
            hir::ExprKind::CallHost { func, .. } => {
                let sig = host.get(*func).map_or(chosen, host_signature);
                return Some(code(&sig, "host function"));
            }
            hir::ExprKind::Builtin { .. } => {
                // The built-in row that takes exactly these types, else any of its arity.
                let row = builtins::named(name)
                    .find(|b| b.accepts_exactly(&types))
                    .or_else(|| builtins::named(name).find(|b| b.takes(types.len())));
                if let Some(b) = row {
                    let generic = b.signature();
                    let mut text = code(&chosen, b.doc);
                    if generic != chosen {
                        text += &format!("\n\n(overload `{generic}`)");
                    }
                    return Some(text);
                }
            }
            _ => {}
        }
        let doc = reference::entries(name)
            .first()
            .map(|e| e.doc.clone())
            .unwrap_or_default();
        return Some(code(&chosen, &doc));
    }
    // Unchecked: every candidate.
    let mut parts: Vec<String> = defs
        .iter()
        .map(|&d| {
            let def = &a.index.defs[d];
            code(
                &fn_signature(def),
                &doc_comment(&a.text, def.full.lo as usize),
            )
        })
        .collect();
    parts.extend(
        reference::entries(name)
            .iter()
            .map(|e| code(&e.signature, &e.doc)),
    );
    parts.extend(
        host.iter()
            .filter(|h| h.name == name)
            .map(|h| code(&host_signature(h), "host function")),
    );
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

// ---- completion ---------------------------------------------------------------------------

/// Everything that may be written at `offset`, the nearest first (`sortText`): names in
/// scope, the document's functions, host functions, the standard library, keywords.
pub(crate) fn completion(
    a: &Analysis,
    host: &[hir::HostSig],
    offset: usize,
) -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = Vec::new();
    let add = |items: &mut Vec<CompletionItem>, item: CompletionItem| items.push(item);
    let visible = a.index.visible_at(offset);
    let types = a.def_types(visible.iter().copied());
    for (d, ty) in visible.into_iter().zip(types) {
        let item = if d.kind == DefKind::Fn {
            let doc = doc_comment(&a.text, d.full.lo as usize);
            CompletionItem {
                label: d.name.clone(),
                kind: Some(CompletionItemKind::FUNCTION),
                detail: Some(fn_signature(d)),
                documentation: (!doc.is_empty()).then_some(Documentation::String(doc)),
                sort_text: Some(format!("1{}", d.name)),
                ..CompletionItem::default()
            }
        } else {
            CompletionItem {
                label: d.name.clone(),
                kind: Some(CompletionItemKind::VARIABLE),
                detail: ty,
                sort_text: Some(format!("0{}", d.name)),
                ..CompletionItem::default()
            }
        };
        add(&mut items, item);
    }
    // Names declared before the cursor in a statement that does not parse.
    if let Some((lo, _)) = a.in_broken(offset) {
        for name in declared_in(&a.text, lo, offset) {
            let item = CompletionItem {
                sort_text: Some(format!("0{name}")),
                label: name,
                kind: Some(CompletionItemKind::VARIABLE),
                ..CompletionItem::default()
            };
            add(&mut items, item);
        }
    }
    for h in host {
        let item = CompletionItem {
            label: h.name.clone(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(host_signature(h)),
            documentation: Some(Documentation::String("host function".to_string())),
            sort_text: Some(format!("2{}", h.name)),
            ..CompletionItem::default()
        };
        add(&mut items, item);
    }
    for item in library_items() {
        add(&mut items, item.clone());
    }
    for k in KEYWORDS {
        let item = CompletionItem {
            label: k.to_string(),
            kind: Some(CompletionItemKind::KEYWORD),
            sort_text: Some(format!("4{k}")),
            ..CompletionItem::default()
        };
        add(&mut items, item);
    }
    // The first of each label, kind and detail (a name both a local and in the broken
    // statement is one item).
    let mut seen = std::collections::HashSet::new();
    items.retain(|i| seen.insert(format!("{}\0{:?}\0{:?}", i.label, i.kind, i.detail)));
    items
}

/// The completions of the standard library (built-ins and prelude functions), made once
/// per process: each name with its first signature (and how many more overloads it
/// has); [`resolve`] adds every overload's signature and doc.
fn library_items() -> &'static [CompletionItem] {
    static ITEMS: OnceLock<Vec<CompletionItem>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        let mut items = Vec::new();
        for name in reference::names() {
            let entries = reference::entries(name);
            let Some(first) = entries.first() else {
                continue;
            };
            let mut detail = first.signature.clone();
            if entries.len() > 1 {
                detail += &format!(" (+{} overloads)", entries.len() - 1);
            }
            items.push(CompletionItem {
                label: name.to_string(),
                kind: Some(CompletionItemKind::FUNCTION),
                detail: Some(detail),
                // The docs come with `completionItem/resolve` (see `resolve`): all of
                // them in every list would be most of its bytes.
                data: Some(serde_json::json!({ "library": name })),
                sort_text: Some(format!("3{name}")),
                ..CompletionItem::default()
            });
        }
        items
    })
}

/// `completionItem/resolve`: a library item's documentation (every overload's signature
/// and doc); any other item as it is.
pub(crate) fn resolve(mut item: CompletionItem) -> CompletionItem {
    let name = item
        .data
        .as_ref()
        .and_then(|d| d.get("library"))
        .and_then(|n| n.as_str());
    if let Some(name) = name {
        let doc = reference::entries(name)
            .iter()
            .map(|e| code(&e.signature, &e.doc))
            .collect::<Vec<_>>()
            .join("\n\n");
        if !doc.is_empty() {
            item.documentation = Some(Documentation::MarkupContent(markdown(doc)));
        }
    }
    item
}

/// Names a broken statement declares in `text[lo..offset]`: after `let`, `param`, `fn`,
/// a parameter's `name:`, a lambda's `x ->`, an assignment's `name =`.
fn declared_in(text: &str, lo: usize, offset: usize) -> Vec<String> {
    let toks: Vec<scan::Tok> = scan::tokens(&text[lo..offset.min(text.len()).max(lo)]);
    let part = &text[lo..offset.min(text.len()).max(lo)];
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != Kind::Ident || KEYWORDS.contains(&t.text(part)) {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| toks[j].text(part));
        let next = toks.get(i + 1).map(|n| n.text(part));
        let after = toks.get(i + 2).map(|n| n.text(part));
        // A `let` or an assignment binds once its statement ends.
        let ended = || toks[i..].iter().any(|t| t.text(part) == ";");
        let declares = matches!(prev, Some("param" | "fn"))
            || (prev == Some("let") && ended())
            || next == Some(":")
            || next == Some("->")
            || (next == Some("=")
                && after != Some("=")
                && matches!(prev, None | Some(";" | "{"))
                && ended());
        if declares && !out.iter().any(|n| n == t.text(part)) {
            out.push(t.text(part).to_string());
        }
    }
    out
}

// ---- signature help -----------------------------------------------------------------------

pub(crate) fn signature_help(
    a: &Analysis,
    host: &[hir::HostSig],
    offset: usize,
) -> Option<SignatureHelp> {
    let (name, _, _, active) = scan::call_at(&a.text, offset)?;
    let mut sigs: Vec<(String, String)> = a
        .index
        .defs
        .iter()
        .filter(|d| d.kind == DefKind::Fn && d.name == name)
        .map(|d| (fn_signature(d), doc_comment(&a.text, d.full.lo as usize)))
        .collect();
    sigs.extend(
        reference::entries(&name)
            .into_iter()
            .map(|e| (e.signature, e.doc)),
    );
    sigs.extend(
        host.iter()
            .filter(|h| h.name == name)
            .map(|h| (host_signature(h), "host function".to_string())),
    );
    if sigs.is_empty() {
        return None;
    }
    let signatures: Vec<SignatureInformation> = sigs
        .into_iter()
        .map(|(label, doc)| {
            let parameters = param_offsets(&label)
                .into_iter()
                .map(|(lo, hi)| ParameterInformation {
                    label: ParameterLabel::LabelOffsets([
                        utf16_len(&label[..lo]),
                        utf16_len(&label[..hi]),
                    ]),
                    documentation: None,
                })
                .collect();
            SignatureInformation {
                label,
                documentation: (!doc.is_empty()).then_some(Documentation::String(doc)),
                parameters: Some(parameters),
                active_parameter: None,
            }
        })
        .collect();
    // The first overload with enough parameters (or a variadic one).
    let fits = signatures.iter().position(|s| {
        let n = s.parameters.as_ref().map_or(0, Vec::len);
        n > active || s.label.contains("...")
    });
    Some(SignatureHelp {
        signatures,
        active_signature: Some(fits.unwrap_or(0) as u32),
        active_parameter: Some(active as u32),
    })
}

fn utf16_len(s: &str) -> u32 {
    s.chars().map(char::len_utf16).sum::<usize>() as u32
}

/// The byte ranges of the parameters in a signature `name(a: T, [U], ...) -> R`.
fn param_offsets(label: &str) -> Vec<(usize, usize)> {
    let Some(open) = label.find('(') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, open + 1);
    for (i, c) in label[open..].char_indices().map(|(i, c)| (i + open, c)) {
        match c {
            '(' | '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if i > start {
                        out.push((start, i));
                    }
                    break;
                }
            }
            ',' if depth == 1 => {
                out.push((start, i));
                start = i + 2;
            }
            _ => {}
        }
    }
    out.retain(|&(lo, hi)| lo < hi && hi <= label.len());
    out
}

// ---- definition, references, rename -------------------------------------------------------

/// The definitions the name at `offset` names.
pub(crate) fn definition(a: &Analysis, offset: usize) -> Vec<Span> {
    a.defs_at(offset)
        .into_iter()
        .map(|d| a.index.defs[d].span)
        .collect()
}

/// Every occurrence of what the name at `offset` names (a function: all its overloads and
/// their calls), definitions included when `declarations`.
pub(crate) fn references(a: &Analysis, offset: usize, declarations: bool) -> Vec<Span> {
    let defs = a.defs_at(offset);
    let Some(&first) = defs.first() else {
        return Vec::new();
    };
    let def = &a.index.defs[first];
    let targets: Vec<usize> = if def.kind == DefKind::Fn {
        (0..a.index.defs.len())
            .filter(|&d| a.index.defs[d].kind == DefKind::Fn && a.index.defs[d].name == def.name)
            .collect()
    } else {
        vec![first]
    };
    let mut out: Vec<Span> = Vec::new();
    for &t in &targets {
        for s in a.index.occurrences(t) {
            let is_def = a.index.defs[t].span == s;
            if (declarations || !is_def) && !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out.sort_by_key(|s| s.lo);
    out
}

/// The edits renaming what the name at `offset` names to `new_name`: `Err` with the
/// reason when `new_name` is no name or there is nothing to rename.
pub(crate) fn rename(a: &Analysis, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, String> {
    let valid = scan::tokens(new_name).len() == 1
        && scan::tokens(new_name)[0].kind == Kind::Ident
        && scan::tokens(new_name)[0].hi == new_name.len()
        && !KEYWORDS.contains(&new_name);
    if !valid {
        return Err(format!("`{new_name}` is not a name"));
    }
    let spans = references(a, offset, true);
    if spans.is_empty() {
        return Err("no binding, parameter or function here".to_string());
    }
    keeps_every_name(a, &spans, new_name)?;
    Ok(spans
        .into_iter()
        .map(|s| TextEdit {
            range: a.lines.range(&a.text, s),
            new_text: new_name.to_string(),
        })
        .collect())
}

/// A rename must not change what any name refers to: renaming `x` to `y` where a `y`
/// is in scope would capture `x`'s uses or `y`'s. The renamed text is indexed again
/// and every name's definitions are compared, each position moved by the edits before
/// it; the first name that would change is the error.
fn keeps_every_name(a: &Analysis, spans: &[Span], new_name: &str) -> Result<(), String> {
    let old_len = spans.first().map_or(0, |s| (s.hi - s.lo) as usize);
    let grow = new_name.len() as isize - old_len as isize;
    let mut text = a.text.clone();
    for s in spans.iter().rev() {
        text.replace_range(s.lo as usize..s.hi as usize, new_name);
    }
    // Where byte `p` of the old text is in the new one (never inside a renamed name).
    let moved = |p: u32| {
        let before = spans.partition_point(|s| s.lo < p) as isize;
        (p as isize + grow * before) as usize
    };
    let renamed = Analysis::new(text, &[]);
    let new = &renamed.index;
    let new_uses: HashMap<usize, &super::index::Use> =
        new.uses.iter().map(|u| (u.span.lo as usize, u)).collect();
    for u in &a.index.uses {
        let mut want: Vec<usize> = u
            .defs
            .iter()
            .map(|&d| moved(a.index.defs[d].span.lo))
            .collect();
        let mut got: Vec<usize> = new_uses
            .get(&moved(u.span.lo))
            .map(|n| {
                n.defs
                    .iter()
                    .map(|&d| new.defs[d].span.lo as usize)
                    .collect()
            })
            .unwrap_or_default();
        want.sort_unstable();
        got.sort_unstable();
        if want != got {
            let at = a.lines.position(&a.text, u.span.lo as usize);
            let name = &a.text[u.span.lo as usize..u.span.hi as usize];
            return Err(format!(
                "renaming to `{new_name}` would change what `{name}` at line {}, column {} \
                 refers to; choose another name",
                at.line + 1,
                at.character + 1
            ));
        }
    }
    Ok(())
}

// ---- document symbols ---------------------------------------------------------------------

pub(crate) fn symbols(a: &Analysis) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    let top: Vec<&Def> = a.index.defs.iter().filter(|d| d.top).collect();
    let types = a.def_types(top.iter().copied());
    for (d, ty) in top.into_iter().zip(types) {
        let (kind, detail) = match d.kind {
            DefKind::Fn => (SymbolKind::FUNCTION, Some(fn_signature(d))),
            DefKind::Let => (SymbolKind::VARIABLE, ty),
            DefKind::Var => (SymbolKind::VARIABLE, ty.map(|t| format!("mut {t}"))),
            DefKind::Param => (
                SymbolKind::FIELD,
                d.ty.as_ref().map(|t| format!("param {t}")),
            ),
            DefKind::FnParam | DefKind::LambdaParam => continue,
        };
        #[allow(deprecated)]
        out.push(DocumentSymbol {
            name: d.name.clone(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: a.lines.range(&a.text, d.full.to(d.span)),
            selection_range: a.lines.range(&a.text, d.span),
            children: None,
        });
    }
    out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    out
}

// ---- formatting ---------------------------------------------------------------------------

/// Formatting of a whole document: `kiln fmt`'s output (`crate::fmt::format_source`;
/// its layout is fixed, so the request's options are not read), as one edit that
/// replaces only what changed between the common beginning and end of the two texts,
/// so the editor keeps the cursor and folds outside it. No edits when the text is
/// formatted already; `None` when it does not parse (its diagnostics say why).
pub(crate) fn formatting(a: &Analysis) -> Option<Vec<TextEdit>> {
    let formatted = crate::fmt::format_source(&a.text).ok()?;
    let (old, new) = (a.text.as_bytes(), formatted.as_bytes());
    let mut lo = old.iter().zip(new).take_while(|(x, y)| x == y).count();
    while !a.text.is_char_boundary(lo) || !formatted.is_char_boundary(lo) {
        lo -= 1;
    }
    let room = old.len().min(new.len()) - lo;
    let mut tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !a.text.is_char_boundary(old.len() - tail)
        || !formatted.is_char_boundary(new.len() - tail)
    {
        tail -= 1;
    }
    if lo == old.len() && lo == new.len() {
        return Some(Vec::new());
    }
    let span = Span::new(lo, old.len() - tail);
    Some(vec![TextEdit {
        range: a.lines.range(&a.text, span),
        new_text: formatted[lo..new.len() - tail].to_string(),
    }])
}
