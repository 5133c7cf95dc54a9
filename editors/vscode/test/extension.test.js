// Tests of the VS Code extension without VS Code: `vscode` and
// `vscode-languageclient/node` are replaced by recording fakes, then the extension is
// activated, restarted and deactivated. Also checks package.json's contributions point
// at files that exist and agree with the grammar. Run: node editors/vscode/test/extension.test.js
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const root = path.join(__dirname, "..");
const readJson = (file) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));

// --- package.json and the files it names -------------------------------------------
const pkg = readJson("package.json");
const grammar = readJson("syntaxes/kiln.tmLanguage.json");
assert.ok(fs.existsSync(path.join(root, pkg.main)), "main exists");
const [language] = pkg.contributes.languages;
const [grammarEntry] = pkg.contributes.grammars;
assert.equal(language.id, "kiln");
assert.equal(grammarEntry.language, language.id);
assert.equal(grammarEntry.scopeName, grammar.scopeName);
assert.ok(fs.existsSync(path.join(root, grammarEntry.path)), "grammar exists");
readJson(language.configuration); // valid JSON
assert.deepEqual(
  language.extensions,
  grammar.fileTypes.map((t) => `.${t}`),
  "the language's file extensions are the grammar's file types",
);
assert.ok(pkg.activationEvents.includes(`onLanguage:${language.id}`));

// --- fakes of the modules the extension requires ------------------------------------
const events = [];
let settings = {};
let failStart = false;
const commands = new Map();
let configListener;

class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.id = id;
    this.serverOptions = serverOptions;
    this.clientOptions = clientOptions;
    events.push(["new", this]);
  }
  async start() {
    events.push(["start", this]);
    if (failStart) throw new Error("spawn kiln ENOENT");
  }
  async stop() {
    events.push(["stop", this]);
  }
}

const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => {
        assert.equal(section, "kiln");
        return { get: (key) => settings[key] };
      },
      onDidChangeConfiguration: (listener) => {
        configListener = listener;
        return { dispose() {} };
      },
    },
    commands: {
      registerCommand: (name, fn) => {
        commands.set(name, fn);
        return { dispose() {} };
      },
    },
    window: {
      showErrorMessage: (message) => events.push(["error", message]),
    },
  },
  "vscode-languageclient/node": {
    LanguageClient: FakeClient,
    TransportKind: { stdio: 0, ipc: 1 },
  },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return Object.prototype.hasOwnProperty.call(fakes, request)
    ? fakes[request]
    : load.call(this, request, ...rest);
};

const extension = require(path.join(root, pkg.main));

async function main() {
  // Activation starts `kiln lsp` over stdio for Kiln documents.
  const context = { subscriptions: [] };
  await extension.activate(context);
  let created = events.filter((e) => e[0] === "new").map((e) => e[1]);
  assert.equal(created.length, 1);
  const first = created[0];
  assert.equal(first.id, "kiln");
  assert.deepEqual(first.serverOptions.run, { command: "kiln", args: ["lsp"], transport: 0 });
  assert.deepEqual(
    first.clientOptions.documentSelector.map((s) => s.language),
    ["kiln", "kiln"],
  );
  assert.ok(events.some((e) => e[0] === "start" && e[1] === first));
  assert.equal(context.subscriptions.length, 2);

  // Every contributed command is registered; restarting stops the old client first.
  for (const c of pkg.contributes.commands) assert.ok(commands.has(c.command), c.command);
  settings = { "server.path": "/opt/kiln/bin/kiln", "server.extraArgs": ["--color", "never"] };
  await commands.get("kiln.restartServer")();
  created = events.filter((e) => e[0] === "new").map((e) => e[1]);
  assert.equal(created.length, 2);
  assert.ok(events.findIndex((e) => e[0] === "stop" && e[1] === first) <
    events.findIndex((e) => e[0] === "new" && e[1] === created[1]));
  assert.deepEqual(created[1].serverOptions.run.command, "/opt/kiln/bin/kiln");
  assert.deepEqual(created[1].serverOptions.run.args, ["lsp", "--color", "never"]);

  // A change of the server settings restarts it; other settings do not.
  await configListener({ affectsConfiguration: (s) => s === "kiln.other" });
  assert.equal(events.filter((e) => e[0] === "new").length, 2);
  await configListener({ affectsConfiguration: (s) => s === "kiln.server" });
  assert.equal(events.filter((e) => e[0] === "new").length, 3);

  // A server that cannot start is reported, not thrown.
  failStart = true;
  await commands.get("kiln.restartServer")();
  const error = events.find((e) => e[0] === "error");
  assert.match(error[1], /could not start `\/opt\/kiln\/bin\/kiln lsp`.*ENOENT/);

  // Deactivation stops the running client, if any.
  failStart = false;
  await commands.get("kiln.restartServer")();
  const last = events.filter((e) => e[0] === "new").pop()[1];
  await extension.deactivate();
  assert.deepEqual(events[events.length - 1], ["stop", last]);
  console.log("editors/vscode: every check passed");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
