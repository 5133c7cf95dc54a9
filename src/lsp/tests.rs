//! The server driven through its JSON-RPC protocol in process (`Connection::memory`),
//! message by message as an editor sends them.

use super::convert::Lines;
use super::*;
use crate::engine::Purity;
use serde_json::json;
use std::thread::JoinHandle;

const URI: &str = "file:///tmp/test.expr";

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), Error>>>,
    next_id: i32,
    /// Notifications received while waiting for responses, oldest first.
    notes: Vec<Notification>,
    init: Value,
}

impl Client {
    fn start(config: Config) -> Client {
        let (server, conn) = Connection::memory();
        let config = Config {
            debounce: Duration::ZERO,
            ..config
        };
        let handle = std::thread::spawn(move || serve(server, config));
        let mut c = Client {
            conn,
            server: Some(handle),
            next_id: 0,
            notes: Vec::new(),
            init: Value::Null,
        };
        c.init = c.request("initialize", json!({ "capabilities": {} }));
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(n.into()).unwrap();
    }

    /// The full response (`result` or `error`) to one request.
    fn respond(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = self.next_id;
        let req = Request::new(id.into(), method.to_string(), params);
        self.conn.sender.send(req.into()).unwrap();
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            match msg {
                Message::Response(r) if r.id == id.into() => return r,
                Message::Notification(n) => self.notes.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.respond(method, params);
        r.response_result
            .unwrap_or_else(|e| panic!("{method}: {e:?}"))
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Value {
        loop {
            if let Some(i) = self
                .notes
                .iter()
                .position(|n| n.method == "textDocument/publishDiagnostics")
            {
                return self.notes.remove(i).params;
            }
            match self.conn.receiver.recv_timeout(Duration::from_secs(60)) {
                Ok(Message::Notification(n)) => self.notes.push(n),
                other => panic!("expected diagnostics, got {other:?}"),
            }
        }
    }

    fn open(&mut self, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": URI, "languageId": "kiln", "version": 1, "text": text } }),
        );
        self.diagnostics()
    }

    fn change(&mut self, version: i32, text: &str) -> Value {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
        self.diagnostics()
    }

    /// A request at a position of the open document.
    fn at(&mut self, method: &str, pos: Value) -> Value {
        self.request(method, at_params(method, pos))
    }

    fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let server = self.server.take().unwrap();
        server.join().unwrap().unwrap();
    }
}

/// The params of a request at a position (`references` asks for declarations too).
fn at_params(method: &str, pos: Value) -> Value {
    let mut p = json!({ "textDocument": { "uri": URI }, "position": pos });
    if method == "textDocument/references" {
        p["context"] = json!({ "includeDeclaration": true });
    }
    p
}

/// Ask to rename what is at `at` to `to`: the workspace edit, or the error response.
fn rename(c: &mut Client, at: Value, to: &str) -> Result<Value, lsp_server::ResponseError> {
    c.respond(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": at, "newName": to }),
    )
    .response_result
}

/// The position of the `nth` occurrence of `needle` in `text`, plus `plus` bytes.
fn pos(text: &str, needle: &str, nth: usize, plus: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle} #{nth}"))
        .0
        + plus;
    let p = Lines::new(text).position(text, at);
    json!({ "line": p.line, "character": p.character })
}

fn hover_text(v: &Value) -> String {
    v["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[test]
fn initialize_advertises_the_features_and_shutdown_ends_the_server() {
    let c = Client::start(Config::default());
    let caps = &c.init["capabilities"];
    assert_eq!(caps["textDocumentSync"], 1);
    for cap in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "renameProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[cap], true, "{cap}");
    }
    assert_eq!(caps["completionProvider"]["resolveProvider"], true);
    assert_eq!(
        caps["signatureHelpProvider"]["triggerCharacters"],
        json!(["(", ","])
    );
    assert_eq!(c.init["serverInfo"]["name"], "kiln");
    c.shutdown();
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let mut c = Client::start(Config::default());
    c.notify("exit", Value::Null);
    let server = c.server.take().unwrap();
    assert!(server.join().unwrap().is_err());
}

#[test]
fn diagnostics_on_open_and_change_with_codes_ranges_and_related_information() {
    let mut c = Client::start(Config::default());
    let text = "fn f(x: i64) -> i64 = x;\nfn f(y: i64) -> i64 = y + 1;\nf(1)";
    let d = c.open(text);
    assert_eq!(d["uri"], URI);
    assert_eq!(d["version"], 1);
    let list = d["diagnostics"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let e = &list[0];
    assert_eq!(e["code"], "E0401");
    assert_eq!(e["severity"], 1);
    assert_eq!(e["source"], "kiln");
    // The second `f`, on line 1.
    assert_eq!(e["range"]["start"], json!({ "line": 1, "character": 3 }));
    assert_eq!(e["range"]["end"], json!({ "line": 1, "character": 4 }));
    assert!(e["message"].as_str().unwrap().contains("defined twice"));
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("\nhelp: rename one of them"));
    let related = e["relatedInformation"].as_array().unwrap();
    let first = related
        .iter()
        .find(|r| r["message"] == "first defined here")
        .expect("the secondary label");
    assert_eq!(first["location"]["uri"], URI);
    assert_eq!(
        first["location"]["range"]["start"],
        json!({ "line": 0, "character": 3 })
    );

    // Fixed: no diagnostics; a warning is a warning; a syntax error has its code.
    let d = c.change(2, "fn f(x: i64) -> i64 = x;\nf(1)");
    assert_eq!(d["version"], 2);
    assert_eq!(d["diagnostics"], json!([]));
    let d = c.change(
        3,
        "fn g(w: i64) -> i64 {\n    let unused = w + 1;\n    w\n}\ng(2)",
    );
    assert_eq!(d["diagnostics"][0]["code"], "W0001");
    assert_eq!(d["diagnostics"][0]["severity"], 2);
    // An incremental change (a range) applies too: `1 +` becomes `1 + 2`.
    c.change(4, "let a = 1 +;\na");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 5 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 },
                                                "end": { "line": 0, "character": 11 } },
                                     "text": " 2" }] }),
    );
    assert_eq!(c.diagnostics()["diagnostics"], json!([]));
    // Closing clears the document's diagnostics.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let d = c.diagnostics();
    assert_eq!(d["diagnostics"], json!([]));
    assert!(d.get("version").is_none_or(|v| v.is_null()));
    c.open("");
    let d = c.change(4, "let a = 1 +;\nlet b = ;\na");
    let codes: Vec<&str> = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "both broken statements: {codes:?}");
    assert!(codes.iter().all(|c| c.starts_with("E00")), "{codes:?}");
    c.shutdown();
}

#[test]
fn changes_are_debounced_into_one_check() {
    let (server, conn) = Connection::memory();
    let config = Config {
        debounce: Duration::from_millis(100),
        ..Config::default()
    };
    let handle = std::thread::spawn(move || serve(server, config));
    let mut c = Client {
        conn,
        server: Some(handle),
        next_id: 0,
        notes: Vec::new(),
        init: Value::Null,
    };
    c.request("initialize", json!({ "capabilities": {} }));
    c.notify("initialized", json!({}));
    c.open("1 +");
    for (v, text) in [(2, "1 + 2"), (3, "1 + 2 +"), (4, "1 + 2 + 3")] {
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": v },
                    "contentChanges": [{ "text": text }] }),
        );
    }
    // One publication, for the last version.
    let d = c.diagnostics();
    assert_eq!(d["version"], 4);
    assert_eq!(d["diagnostics"], json!([]));
    std::thread::sleep(Duration::from_millis(300));
    if let Ok(msg) = c.conn.receiver.try_recv() {
        panic!("a second publication: {msg:?}");
    }
    c.shutdown();
}

#[test]
fn hover_shows_types_and_the_chosen_overload_with_its_documentation() {
    let mut c = Client::start(Config::default());
    let text = "/// Doubles a number.\n/// Exactly.\nfn twice(x: i64) -> i64 = x * 2;\n\
                fn twice(x: f64) -> f64 = x * 2.0;\n\
                let total = twice(3) + 1;\nlet r = abs(-2.5);\nlet s = lerp(1.0, 2.0, 0.5);\nlet small: i32 = 3;\nlet w = small + total;\ntotal * 2";
    c.open(text);
    let h = c.at("textDocument/hover", pos(text, "total", 1, 2));
    assert!(hover_text(&h).contains("total: i64"), "{h}");
    assert_eq!(h["range"], name_range_nth(text, "total", 1));
    // A variable widened where it is used: its own type.
    let h = c.at("textDocument/hover", pos(text, "small + total", 0, 0));
    assert!(hover_text(&h).contains("small: i32"), "{h}");
    // At the definition.
    let h = c.at("textDocument/hover", pos(text, "total", 0, 0));
    assert!(hover_text(&h).contains("let total: i64"), "{h}");
    // A call of a user function: the overload chosen, its `///` doc.
    let h = c.at("textDocument/hover", pos(text, "twice(3)", 0, 1));
    let t = hover_text(&h);
    assert!(t.contains("twice(x: i64) -> i64"), "{t}");
    assert!(t.contains("Doubles a number. Exactly."), "{t}");
    assert!(!t.contains("f64"), "{t}");
    // A built-in's overload: the types of this call and the built-in's doc.
    let h = c.at("textDocument/hover", pos(text, "abs", 0, 1));
    let t = hover_text(&h);
    assert!(t.contains("abs(f64) -> f64"), "{t}");
    let doc = crate::types::builtins::named("abs").next().unwrap().doc;
    assert!(!doc.is_empty() && t.contains(doc), "{t}");
    // A prelude function and its doc.
    let h = c.at("textDocument/hover", pos(text, "lerp", 0, 1));
    let t = hover_text(&h);
    let lerp = crate::types::prelude::named("lerp")
        .find(|(_, f)| f.params[0] == crate::types::ty::Ty::F64)
        .unwrap()
        .1;
    assert!(
        t.contains(&lerp.signature()) && t.contains(&lerp.doc),
        "{t}"
    );
    // Inside an expression: its type.
    let h = c.at("textDocument/hover", pos(text, "2.5", 0, 1));
    assert!(hover_text(&h).contains("f64"), "{h}");
    // On nothing: null.
    let h = c.at("textDocument/hover", json!({ "line": 99, "character": 0 }));
    assert!(h.is_null() || hover_text(&h).contains("i64"), "{h}");
    c.shutdown();
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

fn item<'v>(items: &'v Value, label: &str) -> &'v Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no completion {label}"))
}

#[test]
fn completion_offers_keywords_names_in_scope_functions_builtins_and_host_functions() {
    let mut engine = Engine::new();
    engine
        .host()
        .register("host_twice", Purity::Pure, |x: i64| x * 2);
    let mut c = Client::start(Config::for_engine(&engine));
    let text = "/// Adds.\nfn add(a: i64, b: i64) -> i64 = a + b;\nlet total = 1;\nlet z = ma";
    let d = c.open(text);
    assert!(!d["diagnostics"].as_array().unwrap().is_empty());
    let items = c.at("textDocument/completion", pos(text, "ma", 0, 2));
    let all = labels(&items);
    for l in ["let", "when", "total", "add", "sqrt", "map", "host_twice"] {
        assert!(all.contains(&l.to_string()), "{l} in {all:?}");
    }
    assert_eq!(item(&items, "let")["kind"], 14);
    // Nearest first: locals, the document's functions, host, library, keywords.
    let sort = |l: &str| item(&items, l)["sortText"].as_str().unwrap().to_string();
    assert!(sort("total") < sort("add") && sort("add") < sort("host_twice"));
    assert!(sort("host_twice") < sort("sqrt") && sort("sqrt") < sort("let"));
    assert_eq!(item(&items, "total")["detail"], "i64");
    assert_eq!(item(&items, "add")["detail"], "add(a: i64, b: i64) -> i64");
    assert_eq!(item(&items, "add")["documentation"], "Adds.");
    let sqrt = item(&items, "sqrt");
    assert!(sqrt["detail"].as_str().unwrap().starts_with("sqrt("));
    // Its documentation on resolve.
    let sqrt = c.request("completionItem/resolve", sqrt.clone());
    let doc = sqrt["documentation"]["value"].as_str().unwrap();
    let row = crate::types::builtins::named("sqrt").next().unwrap();
    assert!(
        doc.contains(&row.signature()) && doc.contains(row.doc),
        "{doc}"
    );
    assert_eq!(
        item(&items, "host_twice")["detail"],
        "host_twice(i64) -> i64"
    );
    // Names of a function's parameters, inside its body only; `z` is not yet bound.
    let inside = c.at("textDocument/completion", pos(text, "a + b", 0, 0));
    assert!(labels(&inside).contains(&"b".to_string()));
    assert!(!all.contains(&"b".to_string()), "{all:?}");
    assert!(!all.contains(&"z".to_string()), "{all:?}");

    // The host function checks, and hover knows it.
    let text = "host_twice(4)";
    let d = c.change(2, text);
    assert_eq!(d["diagnostics"], json!([]));
    let h = c.at("textDocument/hover", pos(text, "host", 0, 1));
    assert!(hover_text(&h).contains("host_twice(i64) -> i64"), "{h}");
    c.shutdown();
}

#[test]
fn completion_in_half_typed_blocks_knows_their_names() {
    let mut c = Client::start(Config::default());
    let text = "let top = 1;\nfn f(alpha: i64) -> i64 {\n    let beta = alpha + 1;\n    be";
    c.open(text);
    let items = c.at("textDocument/completion", pos(text, "be", 1, 2));
    let all = labels(&items);
    for l in ["top", "alpha", "beta", "if"] {
        assert!(all.contains(&l.to_string()), "{l} in {all:?}");
    }
    for t in ["let y = x.", "f(1, ", "let z = ma"] {
        c.change(2, t);
        let items = c.at("textDocument/completion", pos(t, t, 0, t.len()));
        assert!(labels(&items).contains(&"let".to_string()));
    }
    c.shutdown();
}

#[test]
fn signature_help_lists_overloads_and_the_active_parameter() {
    let mut c = Client::start(Config::default());
    let text = "/// Adds two.\nfn add(a: i64, b: i64) -> i64 = a + b;\nlet x = add(1, [2, 3][0], ";
    c.open(text);
    let s = c.at("textDocument/signatureHelp", pos(text, text, 0, text.len()));
    assert_eq!(s["activeParameter"], 2);
    assert_eq!(s["signatures"][0]["label"], "add(a: i64, b: i64) -> i64");
    assert_eq!(s["signatures"][0]["documentation"], "Adds two.");
    assert_eq!(
        s["signatures"][0]["parameters"],
        json!([{ "label": [4, 10] }, { "label": [12, 18] }])
    );
    let s = c.at("textDocument/signatureHelp", pos(text, "add(1", 0, 4));
    assert_eq!(s["activeParameter"], 0);
    // A built-in: its overloads, the one that takes two arguments active.
    let text = "max(1, ";
    c.change(2, text);
    let s = c.at("textDocument/signatureHelp", pos(text, text, 0, text.len()));
    assert_eq!(s["activeParameter"], 1);
    let sigs = s["signatures"].as_array().unwrap();
    assert!(sigs
        .iter()
        .all(|s| s["label"].as_str().unwrap().starts_with("max(")));
    // Outside a call: none.
    let text = "1 + 2";
    c.change(3, text);
    assert!(c
        .at("textDocument/signatureHelp", pos(text, "2", 0, 0))
        .is_null());
    c.shutdown();
}

fn range_of(text: &str, needle: &str, nth: usize) -> Value {
    let start = pos(text, needle, nth, 0);
    let end = pos(text, needle, nth, needle.len());
    json!({ "start": start, "end": end })
}

/// The range of the `nth` `needle`.
fn name_range_nth(text: &str, needle: &str, nth: usize) -> Value {
    json!({ "start": pos(text, needle, nth, 0), "end": pos(text, needle, nth, needle.len()) })
}

/// The range of the name `needle` starts with.
fn name_range(text: &str, needle: &str) -> Value {
    let len = needle
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(needle.len());
    json!({ "start": pos(text, needle, 0, 0), "end": pos(text, needle, 0, len) })
}

#[test]
fn definition_references_and_rename_follow_the_scoping_rules() {
    let mut c = Client::start(Config::default());
    let text = "let n = 2;\nparam p: i64;\nfn scale(x: i64) -> i64 = x * n;\n\
                fn scale(x: f64) -> f64 = x;\nlet n = scale(p) + n;\nn";
    let d = c.open(text);
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    let def = |c: &mut Client, needle: &str, nth: usize| {
        c.at("textDocument/definition", pos(text, needle, nth, 0))
    };
    // The `n` inside the function is the first `let n`; the last line's the second.
    assert_eq!(
        def(&mut c, "n;\nfn scale(x: f64)", 0)[0]["range"],
        range_of(text, "n", 0)
    );
    assert_eq!(def(&mut c, "n;\nn", 0)[0]["range"], range_of(text, "n", 0));
    let last = pos(text, "\nn", 0, 1);
    assert_eq!(
        c.at("textDocument/definition", last)[0]["range"],
        name_range(text, "n = scale")
    );
    // A parameter, a `param`, the chosen overload of a function.
    assert_eq!(def(&mut c, "x * n", 0)[0]["range"], range_of(text, "x", 0));
    assert_eq!(def(&mut c, "p)", 0)[0]["range"], range_of(text, "p", 1));
    let f = def(&mut c, "scale(p)", 0);
    assert_eq!(f.as_array().unwrap().len(), 1, "{f}");
    assert_eq!(f[0]["range"], range_of(text, "scale", 0));
    assert_eq!(f[0]["uri"], URI);

    // References of the first `n`: its definition, its use in `scale`, the `+ n`.
    let refs = c.at("textDocument/references", pos(text, "n", 0, 0));
    let ranges: Vec<&Value> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"])
        .collect();
    assert_eq!(ranges.len(), 3, "{refs}");
    assert_eq!(*ranges[1], name_range(text, "n;\nfn scale(x: f64)"));
    // Of a function: every overload and call.
    let refs = c.at("textDocument/references", pos(text, "scale", 0, 0));
    assert_eq!(refs.as_array().unwrap().len(), 3, "{refs}");

    // Rename the function.
    let edit = rename(&mut c, pos(text, "scale", 2, 1), "grow").unwrap();
    let edits = edit["changes"][URI].as_array().unwrap();
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|e| e["newText"] == "grow"));
    // Not a name: an error, not a panic.
    assert!(rename(&mut c, pos(text, "p)", 0, 0), "let").is_err());
    c.shutdown();
}

#[test]
fn a_rename_that_would_change_what_a_name_means_is_refused() {
    let mut c = Client::start(Config::default());
    let text = "let x = 1;\nlet y = 2;\nfn f(a: i64) -> i64 = a + x;\nx + y + f(y)";
    c.open(text);
    // `x` → `y`: the `x` in `f` would then name the later `let y`.
    let e = rename(&mut c, pos(text, "x", 0, 0), "y").unwrap_err();
    assert!(
        e.message
            .contains("would change what `x` at line 3, column 27"),
        "{}",
        e.message
    );
    // `a` → `x`: inside `f`, the program-level `x` would be captured by the parameter.
    let e = rename(&mut c, pos(text, "a:", 0, 0), "x").unwrap_err();
    assert!(e.message.contains("`x` at line 3"), "{}", e.message);
    // `y` → `f`: a variable and a function live side by side, as does a fresh name.
    for to in ["z", "longer_name", "f"] {
        let edit = rename(&mut c, pos(text, "y", 0, 0), to).unwrap();
        let edits = edit["changes"][URI].as_array().unwrap().clone();
        assert_eq!(edits.len(), 3, "{to}: {edit}");
        let renamed = apply_edits(text, &json!(edits));
        assert_eq!(renamed.matches(to).count() - text.matches(to).count(), 3);
    }
    // A function renamed to another function's name would merge their overloads.
    let text2 = "fn f(a: i64) -> i64 = a;\nfn g(a: f64) -> f64 = a;\nf(1) + i64(g(2.0))";
    c.change(2, text2);
    assert!(rename(&mut c, pos(text2, "f", 0, 3), "g").is_err());
    c.shutdown();
}

#[test]
fn document_symbols_list_the_top_level_definitions() {
    let mut c = Client::start(Config::default());
    let text =
        "param rate: f64;\nfn grow(x: f64) -> f64 = x * rate;\nlet a = grow(2.0);\ncount = 0;\na";
    c.open(text);
    let s = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let names: Vec<(&str, i64)> = s
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["kind"].as_i64().unwrap()))
        .collect();
    assert_eq!(names, [("rate", 8), ("grow", 12), ("a", 13), ("count", 13)]);
    assert_eq!(s[1]["detail"], "grow(x: f64) -> f64");
    assert_eq!(s[2]["detail"], "f64");
    c.shutdown();
}

#[test]
fn positions_count_utf16_units() {
    let mut c = Client::start(Config::default());
    let text = "let s = \"日本😀\"; let u = len(s);\nlet _t = \"😀\" + \"x\"; u + 1";
    let d = c.open(text);
    assert_eq!(d["diagnostics"], json!([]), "{d}");
    // `u` on line 1: after `let _t = "😀" + "x"; ` (the emoji is 2 units).
    let at = json!({ "line": 1, "character": 21 });
    let h = c.at("textDocument/hover", at.clone());
    assert!(hover_text(&h).contains("u: i64"), "{h}");
    let def = c.at("textDocument/definition", at);
    // `let s = "日本😀"; let ` is 20 units (日, 本: 1 each; 😀: 2).
    assert_eq!(
        def[0]["range"],
        json!({ "start": { "line": 0, "character": 20 }, "end": { "line": 0, "character": 21 } })
    );
    c.shutdown();
}

#[test]
fn unknown_documents_and_methods_get_answers() {
    let mut c = Client::start(Config::default());
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///nowhere.expr" },
                "position": { "line": 0, "character": 0 } }),
    );
    assert!(h.is_null());
    let r = c.respond("textDocument/codeLens", json!({}));
    assert_eq!(
        r.response_result.unwrap_err().code,
        ErrorCode::MethodNotFound as i32
    );
    let r = c.respond("textDocument/hover", json!({ "bad": 1 }));
    assert_eq!(
        r.response_result.unwrap_err().code,
        ErrorCode::InvalidParams as i32
    );
    // A panic while answering is an error response; the server goes on.
    let r = c.respond("kiln/panic", Value::Null);
    let e = r.response_result.unwrap_err();
    assert_eq!(e.code, ErrorCode::InternalError as i32);
    assert!(e.message.contains("kiln/panic"), "{}", e.message);
    c.shutdown();
}

/// Every example program, cut at many byte offsets (inside multi-byte characters too,
/// where the cut text is made valid by dropping the partial character), asked every
/// question at many positions: every request gets an answer, none panics.
#[test]
fn every_request_on_broken_text_gets_an_answer() {
    let mut texts: Vec<String> = Vec::new();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "expr"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let step = (src.len() / 12).max(1);
        for cut in (0..src.len()).step_by(step) {
            let bytes = &src.as_bytes()[..cut];
            texts.push(String::from_utf8_lossy(bytes).into_owned());
        }
        texts.push(src);
    }
    // Cut at every byte, inside its multi-byte characters too.
    let wide =
        "/// Größe 😀\nfn größe(s: string) -> i64 = len(s);\nlet ü = größe(\"日本😀\");\nü + 1";
    for cut in 0..=wide.len() {
        texts.push(String::from_utf8_lossy(&wide.as_bytes()[..cut]).into_owned());
    }
    texts.push("fn f(x: i64 { x".to_string());
    // Deep nesting (at the parser's limit and past it) and a long chain.
    for depth in [250, 300] {
        texts.push(format!(
            "let d = {}1{};\nd",
            "(".repeat(depth),
            ")".repeat(depth)
        ));
    }
    texts.push(format!("let c = 0{};\nc", " + 1".repeat(20_000)));
    texts.push("when (( { let".to_string());
    let mut c = Client::start(Config::default());
    c.open("");
    let methods = [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/signatureHelp",
        "textDocument/references",
    ];
    let mut asked = 0;
    for (v, text) in texts.iter().enumerate() {
        c.change(v as i32 + 2, text);
        let lines = Lines::new(text);
        let step = (text.len() / 8).max(1);
        let mut offsets: Vec<usize> = (0..=text.len()).step_by(step).collect();
        offsets.push(text.len());
        let mut positions: Vec<Value> = offsets
            .into_iter()
            .map(|at| {
                let p = lines.position(text, at);
                json!({ "line": p.line, "character": p.character })
            })
            .collect();
        // Every UTF-16 unit of a text with wide characters (inside surrogate pairs too).
        if !text.is_ascii() && text.len() < 120 {
            for (line, l) in text.split('\n').enumerate() {
                for character in 0..=l.encode_utf16().count() + 1 {
                    positions.push(json!({ "line": line, "character": character }));
                }
            }
        }
        for p in positions {
            for m in methods {
                let r = c.respond(m, at_params(m, p.clone()));
                assert!(
                    r.response_result.is_ok(),
                    "{m} at {p} of {text:?}: {:?}",
                    r.response_result
                );
                asked += 1;
            }
            // A rename may be refused (an error response), but never by a panic.
            let mut params = at_params("textDocument/rename", p.clone());
            params["newName"] = json!("renamed");
            let r = c.respond("textDocument/rename", params);
            if let Err(e) = &r.response_result {
                assert_ne!(
                    e.code,
                    ErrorCode::InternalError as i32,
                    "rename at {p} of {text:?}: {e:?}"
                );
            }
            asked += 1;
        }
        // Formatting, past the end of the text, and a symbol list.
        let r = c.respond(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 4, "insertSpaces": true } }),
        );
        assert!(r.response_result.is_ok(), "{text:?}");
        let r = c.respond(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI },
                    "position": { "line": 9999, "character": 9999 } }),
        );
        assert!(r.response_result.is_ok());
        let r = c.respond(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": URI } }),
        );
        assert!(r.response_result.is_ok(), "{text:?}");
    }
    assert!(asked > 1000, "{asked}");
    c.shutdown();
}

/// Apply LSP text edits (non-overlapping) to `text`.
fn apply_edits(text: &str, edits: &Value) -> String {
    let lines = Lines::new(text);
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .expect("a list of edits")
        .iter()
        .map(|e| {
            let range: ls_types::Range = serde_json::from_value(e["range"].clone()).unwrap();
            (
                lines.offset(text, range.start),
                lines.offset(text, range.end),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (lo, hi, new) in edits {
        out.replace_range(lo..hi, &new);
    }
    out
}

#[test]
fn formatting_gives_kiln_fmts_text_as_edits() {
    let mut c = Client::start(Config::default());
    let format = |c: &mut Client| {
        c.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
    };
    // Non-ASCII text before and after the change: the edit's range is in UTF-16 units.
    let messy = "// résumé ✓\nlet  s = \"ü\";fn f(x:i64)->i64=x*2;\n\n\n\nlen(s)+f( 1 ) // ✓\n";
    c.open(messy);
    let edits = format(&mut c);
    let expected = crate::fmt::format_source(messy).unwrap();
    assert_ne!(expected, messy);
    assert_eq!(apply_edits(messy, &edits), expected);
    // One edit, of only what changed: the first line and the end stay out of it.
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 1, "character": 4 })
    );
    // Formatted text needs no edits; text that does not parse gets none (null).
    c.change(2, &expected);
    assert_eq!(format(&mut c), json!([]));
    c.change(3, "let x = (1 +;\n");
    assert!(format(&mut c).is_null());
    c.shutdown();
}
