// What the checks of platform-dev on a new repository share (scripts/check-dev-starter.js,
// scripts/check-dev-door.js): start the command and wait for "ready", plain HTTP requests, a
// port probe, and a stop by signal with a time limit.
'use strict';

const { spawn } = require('child_process');
const http = require('http');
const net = require('net');

/** One HTTP request to 127.0.0.1:port; resolves with status, headers, body and the time of the first body byte. */
function request(port, method, urlPath, headers = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, res => {
      let body = '';
      let firstByteMs;
      res.setEncoding('utf8');
      res.on('data', chunk => {
        firstByteMs ??= Date.now() - started;
        body += chunk;
      });
      const done = complete => resolve({ status: res.statusCode, headers: res.headers, body, firstByteMs, totalMs: Date.now() - started, complete });
      res.on('end', () => done(true));
      res.on('aborted', () => done(false));
      res.on('error', () => done(false));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
function portOpen(port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `command args` in its own process group (so a signal can reach the group, as a
 * terminal's Ctrl-C does) and waits up to 60 s for platform-dev's "ready in ... on http://127.0.0.1:<port>".
 * Resolves with { child, port, servicePorts, readySeconds, output() } or rejects with the output.
 */
function startDev(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', d => output += d);
  child.stderr.on('data', d => output += d);
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('no "ready" within 60 s')), 60_000);
    const poll = setInterval(() => {
      const match = /ready in ([0-9.]+) s on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) finish(undefined, { readySeconds: Number(match[1]), port: Number(match[2]) });
    }, 50);
    exited.then(e => finish(new Error(`exited with ${e.code ?? e.signal} before it was ready`)));
    let finished = false;
    function finish(error, ready) {
      if (finished) return;
      finished = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (error) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
        reject(new Error(`${error.message}:\n${output.trim().split('\n').slice(-25).map(l => `    ${l}`).join('\n')}`));
        return;
      }
      const servicePorts = [...output.matchAll(/\bport (\d+)\b/g)].map(m => Number(m[1]));
      resolve({ child, exited, ...ready, servicePorts, output: () => output });
    }
  });
}

/** Sends `signal` to the process group; resolves with { code, signal, seconds } or undefined after 10 s (then kills the group). */
async function stopDev(dev, signal) {
  const started = Date.now();
  process.kill(-dev.child.pid, signal);
  let timer;
  const stopped = await Promise.race([dev.exited, new Promise(resolve => timer = setTimeout(() => resolve(undefined), 10_000))]);
  clearTimeout(timer);
  if (!stopped) {
    try { process.kill(-dev.child.pid, 'SIGKILL'); } catch { /* gone */ }
    return undefined;
  }
  return { ...stopped, seconds: (Date.now() - started) / 1000 };
}

/** The last `n` lines of `text`, indented. */
function lastLines(text, n = 30) {
  return text.trim().split('\n').slice(-n).map(l => `    ${l}`).join('\n');
}

module.exports = { request, portOpen, startDev, stopDev, lastLines };
