// The Kiln extension: Kiln's TextMate grammar (package.json) and a client of Kiln's
// language server, `kiln lsp` over stdio. Everything the editor shows beyond colours
// (diagnostics, hover, completion, signature help, definitions, references, rename,
// symbols, formatting) comes from the server, so it is the same in every editor.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

// How to start the server, from the settings `kiln.server.path` and
// `kiln.server.extraArgs`.
function serverOptions(config) {
  const command = config.get("server.path") || "kiln";
  const args = ["lsp", ...(config.get("server.extraArgs") || [])];
  const run = { command, args, transport: TransportKind.stdio };
  return { run, debug: run };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: "file", language: "kiln" },
      { scheme: "untitled", language: "kiln" },
    ],
  };
}

async function start() {
  const config = vscode.workspace.getConfiguration("kiln");
  client = new LanguageClient(
    "kiln",
    "Kiln language server",
    serverOptions(config),
    clientOptions(),
  );
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    vscode.window.showErrorMessage(
      `Kiln: could not start \`${config.get("server.path") || "kiln"} lsp\` (${err.message}). ` +
        "Set kiln.server.path to the kiln executable (./x.sh kiln builds it).",
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("kiln.restartServer", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("kiln.server")) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
