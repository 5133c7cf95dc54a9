//! `kiln lsp`: a language server (LSP over JSON-RPC) for editors, synchronous like
//! rust-analyzer's (`lsp-server`'s connection and main loop, `ls-types` for the
//! protocol's types; Kiln has no async runtime and a request is answered in
//! microseconds to milliseconds, so one thread serves).
//!
//! What it answers (see `docs/lsp.md`): diagnostics on open and change (the driver's,
//! exactly as the CLI reports them; changes debounced), hover (the type under the
//! cursor; a call's chosen overload with its documentation), completion, signature
//! help, go to definition, find references, rename, document symbols.
//!
//! A user-facing room: it calls the driver (`driver::parse`, `driver::check_parsed`)
//! and reads the stages' outputs (the AST, the HIR), the standard library's reference
//! (`types::reference`) and `syntax::KEYWORDS`.
//!
//! Invariants: every request gets an answer (an error response at worst: a panic while
//! answering is caught and reported for that request); each document version is
//! analysed once (`analysis.rs`), and every feature reads that analysis.
//!
//! Files: `mod.rs` the front door and the main loop; `analysis.rs` one document
//! version's parse, check and index; `index.rs` names resolved over the AST;
//! `features.rs` the answers; `convert.rs` byte offsets ↔ LSP positions (UTF-16);
//! `scan.rs` a forgiving token scan for half-typed text.

mod analysis;
mod convert;
mod features;
mod index;
mod scan;
#[cfg(test)]
mod tests;

use crate::engine::Engine;
use crate::types::hir::HostSig;
use analysis::Analysis;
use ls_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use ls_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References,
    Rename, Request as _, ResolveCompletionItem, SignatureHelpRequest,
};
use ls_types::{
    CompletionOptions, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, ServerInfo, SignatureHelpOptions,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri, WorkspaceEdit,
};
pub use lsp_server::Connection;
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a server knows besides the language, and how it behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Host functions: checked against and completed like built-ins (an embedding
    /// host's, see [`Config::for_engine`]).
    pub host: Vec<HostSig>,
    /// How long after a change the document is checked and its diagnostics published,
    /// unless another change comes first (a request publishes at once). Default 200 ms.
    pub debounce: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: Vec::new(),
            debounce: Duration::from_millis(200),
        }
    }
}

impl Config {
    /// A server that knows the host functions registered with `engine`.
    pub fn for_engine(engine: &Engine) -> Config {
        Config {
            host: engine.host_signatures(),
            ..Config::default()
        }
    }
}

/// Why a server stopped other than by the client's `shutdown` and `exit`.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// `kiln lsp`: serve on standard input and output until the client exits.
pub fn run_stdio() -> Result<(), Error> {
    run_stdio_with(Config::default())
}

/// Serve on standard input and output with `config` (an embedding host's program can
/// offer its own `lsp` command with its host functions:
/// `kiln::lsp::run_stdio_with(Config::for_engine(&engine))`).
pub fn run_stdio_with(config: Config) -> Result<(), Error> {
    let (connection, io_threads) = Connection::stdio();
    serve(connection, config)?;
    io_threads.join()?;
    Ok(())
}

/// Serve on `connection` with the host functions of `engine`.
///
/// ```no_run
/// use kiln::engine::{Engine, Purity};
///
/// let mut engine = Engine::new();
/// engine.host().register("twice", Purity::Pure, |x: i64| x * 2);
/// let (connection, io_threads) = kiln::lsp::Connection::stdio();
/// kiln::lsp::serve_with_engine(connection, &engine).unwrap();
/// io_threads.join().unwrap();
/// ```
pub fn serve_with_engine(connection: Connection, engine: &Engine) -> Result<(), Error> {
    serve(connection, Config::for_engine(engine))
}

/// Run the server on `connection`: the `initialize` handshake, then every message until
/// `shutdown` and `exit` (`Ok`) or until the connection closes (`Ok` too). An `exit`
/// without `shutdown` first is an `Err` (`kiln lsp` then exits with status 1, as the
/// protocol says).
pub fn serve(connection: Connection, config: Config) -> Result<(), Error> {
    let (id, _params) = connection.initialize_start()?;
    let result = ls_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "kiln".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    Server {
        host: config.host.into(),
        debounce: config.debounce,
        docs: HashMap::new(),
        due: None,
    }
    .run(&connection)
}

/// What this server answers.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(ls_types::HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            resolve_provider: Some(true),
            ..CompletionOptions::default()
        }),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".to_string(), ",".to_string()]),
            retrigger_characters: None,
            work_done_progress_options: Default::default(),
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// One open document.
struct Doc {
    uri: Uri,
    version: i32,
    text: String,
    /// The analysis of this version, made on first need.
    analysis: Option<Analysis>,
    /// Changed since its diagnostics were last published.
    dirty: bool,
}

struct Server {
    /// [`Config::host`], shared with each request's answer.
    host: Arc<[HostSig]>,
    debounce: Duration,
    docs: HashMap<String, Doc>,
    /// When the dirty documents' diagnostics are due.
    due: Option<Instant>,
}

/// A request's failure: an error code and a message.
type Failure = (i32, String);

fn invalid(e: impl std::fmt::Display) -> Failure {
    (ErrorCode::InvalidParams as i32, e.to_string())
}

impl Server {
    fn run(mut self, connection: &Connection) -> Result<(), Error> {
        loop {
            let msg = match self.due {
                Some(due) => {
                    let now = Instant::now();
                    if now >= due {
                        self.publish_dirty(connection);
                        continue;
                    }
                    match connection.receiver.recv_timeout(due - now) {
                        Ok(msg) => msg,
                        Err(e) if e.is_timeout() => continue,
                        Err(_) => return Ok(()),
                    }
                }
                None => match connection.receiver.recv() {
                    Ok(msg) => msg,
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    // Answers see the latest text; its diagnostics go out first.
                    self.publish_dirty(connection);
                    let resp = self.answer(req);
                    connection.sender.send(resp.into())?;
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        // Without `shutdown` first: the protocol's exit status 1.
                        return Err("exit without shutdown".into());
                    }
                    self.notified(connection, n);
                }
                Message::Response(_) => {}
            }
        }
    }

    fn notified(&mut self, connection: &Connection, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<ls_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return;
                };
                let doc = p.text_document;
                self.docs.insert(
                    doc.uri.as_str().to_string(),
                    Doc {
                        uri: doc.uri,
                        version: doc.version,
                        text: doc.text,
                        analysis: None,
                        dirty: true,
                    },
                );
                self.publish_dirty(connection);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<ls_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return;
                };
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return;
                };
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let lines = convert::Lines::new(&doc.text);
                            let lo = lines.offset(&doc.text, range.start);
                            let hi = lines.offset(&doc.text, range.end).max(lo);
                            doc.text.replace_range(lo..hi, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = p.text_document.version;
                doc.analysis = None;
                doc.dirty = true;
                self.due = Some(Instant::now() + self.debounce);
                if self.debounce.is_zero() {
                    self.publish_dirty(connection);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<ls_types::DidCloseTextDocumentParams>(n.params)
                else {
                    return;
                };
                if let Some(doc) = self.docs.remove(p.text_document.uri.as_str()) {
                    send_diagnostics(connection, doc.uri, Vec::new(), None);
                }
            }
            _ => {}
        }
    }

    /// Analyse the changed documents and publish their diagnostics.
    fn publish_dirty(&mut self, connection: &Connection) {
        self.due = None;
        let host = &self.host;
        for doc in self.docs.values_mut().filter(|d| d.dirty) {
            doc.dirty = false;
            let uri = doc.uri.clone();
            let version = doc.version;
            let a = analysed(doc, host);
            let diags = a.diagnostics.iter().map(|d| to_lsp(a, &uri, d)).collect();
            send_diagnostics(connection, uri, diags, Some(version));
        }
    }

    /// The response to `req`, whatever happens while answering it.
    fn answer(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        let result = catch_unwind(AssertUnwindSafe(|| self.dispatch(&req.method, req.params)));
        match result {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err((code, message))) => Response::new_err(id, code, message),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("kiln lsp: internal error while answering {method} (a bug in Kiln)"),
            ),
        }
    }

    fn dispatch(&mut self, method: &str, params: Value) -> Result<Value, Failure> {
        let host = self.host.clone();
        self.dispatch_with(&host, method, params)
    }

    fn dispatch_with(
        &mut self,
        host: &[HostSig],
        method: &str,
        params: Value,
    ) -> Result<Value, Failure> {
        let json = |v: serde_json::Result<Value>| v.map_err(invalid);
        match method {
            HoverRequest::METHOD => {
                let p: ls_types::HoverParams = serde_json::from_value(params).map_err(invalid)?;
                let Some((a, _, at)) = self.at(&p.text_document_position_params) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(features::hover(a, host, at)))
            }
            Completion::METHOD => {
                let p: ls_types::CompletionParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some((a, _, at)) = self.at(&p.text_document_position) else {
                    return Ok(Value::Null);
                };
                let items = features::completion(a, host, at);
                json(serde_json::to_value(ls_types::CompletionResponse::Array(
                    items,
                )))
            }
            ResolveCompletionItem::METHOD => {
                let item: ls_types::CompletionItem =
                    serde_json::from_value(params).map_err(invalid)?;
                json(serde_json::to_value(features::resolve(item)))
            }
            SignatureHelpRequest::METHOD => {
                let p: ls_types::SignatureHelpParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some((a, _, at)) = self.at(&p.text_document_position_params) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(features::signature_help(a, host, at)))
            }
            GotoDefinition::METHOD => {
                let p: ls_types::GotoDefinitionParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some((a, uri, at)) = self.at(&p.text_document_position_params) else {
                    return Ok(Value::Null);
                };
                let locations = locations(a, &uri, features::definition(a, at));
                json(serde_json::to_value(
                    ls_types::GotoDefinitionResponse::Array(locations),
                ))
            }
            References::METHOD => {
                let p: ls_types::ReferenceParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some((a, uri, at)) = self.at(&p.text_document_position) else {
                    return Ok(Value::Null);
                };
                let spans = features::references(a, at, p.context.include_declaration);
                json(serde_json::to_value(locations(a, &uri, spans)))
            }
            Rename::METHOD => {
                let p: ls_types::RenameParams = serde_json::from_value(params).map_err(invalid)?;
                let Some((a, uri, at)) = self.at(&p.text_document_position) else {
                    return Ok(Value::Null);
                };
                let edits = features::rename(a, at, &p.new_name).map_err(invalid)?;
                let edit = WorkspaceEdit::new(HashMap::from([(uri, edits)]));
                json(serde_json::to_value(edit))
            }
            DocumentSymbolRequest::METHOD => {
                let p: ls_types::DocumentSymbolParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                let a = analysed(doc, host);
                json(serde_json::to_value(
                    ls_types::DocumentSymbolResponse::Nested(features::symbols(a)),
                ))
            }
            Formatting::METHOD => {
                let p: ls_types::DocumentFormattingParams =
                    serde_json::from_value(params).map_err(invalid)?;
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                json(serde_json::to_value(features::formatting(analysed(
                    doc, host,
                ))))
            }
            // A request that panics, for the test that the server survives one.
            #[cfg(test)]
            "kiln/panic" => panic!("kiln/panic asked for it"),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("kiln lsp does not answer {method}"),
            )),
        }
    }

    /// The analysis of the document a position is in, its URI and the position's byte
    /// offset.
    fn at(&mut self, p: &ls_types::TextDocumentPositionParams) -> Option<(&Analysis, Uri, usize)> {
        let host = &self.host;
        let doc = self.docs.get_mut(p.text_document.uri.as_str())?;
        let uri = doc.uri.clone();
        let a = analysed(doc, host);
        let at = a.lines.offset(&a.text, p.position);
        Some((a, uri, at))
    }
}

/// The analysis of `doc`'s current version, made once.
fn analysed<'d>(doc: &'d mut Doc, host: &[HostSig]) -> &'d Analysis {
    let text = &doc.text;
    doc.analysis.get_or_insert_with(|| {
        catch_unwind(AssertUnwindSafe(|| Analysis::new(text.clone(), host)))
            .unwrap_or_else(|_| Analysis::empty(text.clone()))
    })
}

fn locations(a: &Analysis, uri: &Uri, spans: Vec<crate::span::Span>) -> Vec<Location> {
    spans
        .into_iter()
        .map(|s| Location::new(uri.clone(), a.lines.range(&a.text, s)))
        .collect()
}

fn send_diagnostics(
    connection: &Connection,
    uri: Uri,
    diagnostics: Vec<ls_types::Diagnostic>,
    version: Option<i32>,
) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let n = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
    let _ = connection.sender.send(n.into());
}

/// A diagnostic as LSP: the primary span's range, the code, the message with the notes
/// and help after it (as the CLI prints them), the primary label and the secondary
/// labels as related information in the same document.
fn to_lsp(a: &Analysis, uri: &Uri, d: &crate::diag::Diagnostic) -> ls_types::Diagnostic {
    let range_of = |span| {
        let r = crate::diag::render::clamp(span, &a.text);
        a.lines
            .range(&a.text, crate::span::Span::new(r.start, r.end))
    };
    let mut message = d.message.clone();
    for n in &d.notes {
        message += &format!("\nnote: {n}");
    }
    if let Some(h) = &d.help {
        message += &format!("\nhelp: {h}");
    }
    let mut related = Vec::new();
    if !d.label.is_empty() {
        related.push(DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range_of(d.span)),
            message: d.label.clone(),
        });
    }
    related.extend(d.secondary.iter().map(|l| DiagnosticRelatedInformation {
        location: Location::new(uri.clone(), range_of(l.span)),
        message: l.message.clone(),
    }));
    ls_types::Diagnostic {
        range: range_of(d.span),
        severity: Some(match d.severity {
            crate::diag::Severity::Error => DiagnosticSeverity::ERROR,
            crate::diag::Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("kiln".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
