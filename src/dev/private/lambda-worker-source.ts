/*
 * The source text of the worker thread that runs one Lambda function (lambda-host.ts). It is a
 * string, not a function, because the worker is started with `eval: true` (under jest the .ts
 * sources only exist in memory) and transpilers may rewrite `import()` in compiled functions.
 *
 * Protocol (parentPort messages):
 *   worker -> host  { type: 'ready' } | { type: 'load-error', message }
 *   host -> worker  { type: 'invoke', id, event, timeoutMs }
 *   worker -> host  { type: 'result', id, json } | { type: 'error', id, message, stack }
 * `json` is the result as Lambda serialises it (JSON.stringify; undefined -> 'null').
 */

/** @internal */
export const LAMBDA_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const fs = require('node:fs');
const Module = require('node:module');
const { pathToFileURL } = require('node:url');
const { randomUUID } = require('node:crypto');

async function importFile(file) {
  return import(pathToFileURL(file).href);
}

async function loadHandler() {
  const { handler, codeDirectory, inlineCode } = workerData;
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error("handler '" + handler + "' is not <file>.<function>");
  }
  const modulePath = handler.slice(0, dot);
  const functionName = handler.slice(dot + 1);
  let mod;
  let where;
  if (typeof inlineCode === 'string') {
    if (modulePath !== 'index') throw new Error("inline code is index.js, but the handler is '" + handler + "'");
    // A file name that says where the code is from in stack traces; node_modules still resolve from the cwd up.
    const filename = path.join(codeDirectory || process.cwd(), '(inline code of ' + workerData.functionName + ')', 'index.js');
    const m = new Module(filename);
    m.filename = filename;
    m.paths = Module._nodeModulePaths(path.dirname(filename));
    m._compile(inlineCode, filename);
    mod = m.exports;
    where = 'the inline code';
  } else {
    if (!codeDirectory) throw new Error('the function has neither a code folder nor inline code');
    const base = path.resolve(codeDirectory, modulePath);
    const file = ['.js', '.cjs', '.mjs'].map(ext => base + ext).find(f => fs.existsSync(f));
    if (!file) throw new Error('no ' + modulePath + '.js, .cjs or .mjs in ' + codeDirectory);
    where = file;
    if (file.endsWith('.mjs')) {
      mod = await importFile(file);
    } else {
      try {
        mod = require(file);
      } catch (e) {
        if (!e || e.code !== 'ERR_REQUIRE_ESM') throw e;
        mod = await importFile(file);
      }
    }
  }
  let fn = mod ? mod[functionName] : undefined;
  if (typeof fn !== 'function' && mod && mod.default && typeof mod.default[functionName] === 'function') {
    fn = mod.default[functionName];
  }
  if (typeof fn !== 'function') throw new Error(where + " exports no function '" + functionName + "'");
  return fn;
}

function describe(err) {
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  let message;
  try { message = typeof err === 'string' ? err : JSON.stringify(err); } catch { message = String(err); }
  return { message: String(message), stack: undefined };
}

function run(fn, msg) {
  const started = Date.now();
  let done = false;
  const finish = (err, result) => {
    if (done) return;
    done = true;
    if (err !== undefined && err !== null) {
      parentPort.postMessage({ type: 'error', id: msg.id, ...describe(err) });
      return;
    }
    let json;
    try {
      json = JSON.stringify(result);
    } catch (e) {
      parentPort.postMessage({ type: 'error', id: msg.id, ...describe(e) });
      return;
    }
    parentPort.postMessage({ type: 'result', id: msg.id, json: json === undefined ? 'null' : json });
  };
  const context = {
    functionName: workerData.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:' + workerData.functionName,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/' + workerData.functionName,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.timeoutMs - (Date.now() - started)),
  };
  try {
    const returned = fn(msg.event, context, (err, result) => finish(err, result));
    if (returned && typeof returned.then === 'function') {
      returned.then(result => finish(null, result), err => finish(err === undefined || err === null ? new Error('rejected') : err));
    } else if (fn.length < 3) {
      finish(null, returned);
    }
  } catch (e) {
    finish(e);
  }
}

loadHandler().then(fn => {
  parentPort.on('message', msg => {
    if (msg && msg.type === 'invoke') run(fn, msg);
  });
  parentPort.postMessage({ type: 'ready' });
}, err => {
  parentPort.postMessage({ type: 'load-error', message: describe(err).message });
});
`;
