#!/usr/bin/env node
// Runs a synthesized copy of the service starter (examples/service, installed from the library's
// npm tarball by scripts/check-starters.js) under the installed `platform-dev`, as its `npm run dev`
// does, and checks on loopback that the local front door routes as the platform does:
//
//   - Jessica's stand-in (its localRun command), Service 1 (--run) and Service 2 (the Lambda
//     function from inline code, in-process) answer under their base paths;
//   - a path under no service, and one that only shares a prefix (/jessicas), is 404 {"message":"Not Found"};
//   - Jessica's CORS preflight is answered for her local page's origin, and refused for another;
//   - http://jessica.localhost:<port>/config.json points at the local front door;
//   - SIGINT stops every service and exits 0 within 10 s, and no service port is left open.
//
// Usage: node scripts/check-dev-starter.js <starter copy with cdk.out and node_modules>
// Prints one summary line; exits 1 with one line per problem.
'use strict';

const { spawn } = require('child_process');
const http = require('http');
const net = require('net');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check-dev-starter.js <starter copy>');
  process.exit(2);
}

function request(port, method, urlPath, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', chunk => body += chunk);
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function portOpen(port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function main() {
  const problems = [];
  const bin = path.join(dir, 'node_modules', '.bin', 'platform-dev');
  const started = Date.now();
  const child = spawn(bin, ['cdk.out', '--port', '0', '--run', 'service1=ROOT_PATH=/service1 node service/server.js'], {
    cwd: dir,
    env: { ...process.env, ELEVENLABS_API_KEY: 'local-test-key', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', d => output += d);
  child.stderr.on('data', d => output += d);
  const exited = new Promise(resolve => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = await new Promise(resolve => {
    const timer = setTimeout(() => resolve(undefined), 60_000);
    const poll = setInterval(() => {
      const match = /ready in ([0-9.]+) s on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({ seconds: Number(match[1]), port: Number(match[2]) });
      }
    }, 50);
    exited.then(() => { clearInterval(poll); clearTimeout(timer); resolve(undefined); });
  });
  if (!ready) {
    child.kill('SIGKILL');
    console.error(`check-dev-starter: platform-dev never printed "ready":\n${output.trim().split('\n').slice(-20).map(l => `    ${l}`).join('\n')}`);
    process.exit(1);
  }
  const port = ready.port;
  const servicePorts = [...output.matchAll(/\bport (\d+)\b/g)].map(m => Number(m[1]));
  const expect = (what, actual, expected) => {
    if (actual !== expected) problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  try {
    let r = await request(port, 'GET', '/jessica/health');
    expect('GET /jessica/health', `${r.status} ${r.body}`, '200 {"status":"ok"}');
    r = await request(port, 'GET', '/service1/health');
    expect('GET /service1/health', `${r.status} ${r.body}`, '200 {"status":"ok"}');
    r = await request(port, 'GET', '/service2/hello?x=1');
    expect('GET /service2/hello', `${r.status} ${r.body}`, '200 {"service":"service2","path":"/service2/hello"}');
    for (const p of ['/no-such-service/health', '/jessicas', '/service']) {
      r = await request(port, 'GET', p);
      expect(`GET ${p}`, `${r.status} ${r.body}`, '404 {"message":"Not Found"}');
    }
    const page = `http://jessica.localhost:${port}`;
    r = await request(port, 'OPTIONS', '/jessica/api/v1/tts', { 'origin': page, 'access-control-request-method': 'POST' });
    expect('preflight from the local page', `${r.status} ${r.headers['access-control-allow-origin']}`, `204 ${page}`);
    r = await request(port, 'OPTIONS', '/jessica/api/v1/tts', { 'origin': 'http://evil.localhost', 'access-control-request-method': 'POST' });
    expect('preflight from another origin', r.status, 403);
    r = await request(port, 'GET', '/config.json', { host: `jessica.localhost:${port}` });
    const config = r.status === 200 ? JSON.parse(r.body) : {};
    expect('config.json apiBaseUrl', config.apiBaseUrl, `http://127.0.0.1:${port}/jessica/api/v1`);
    expect('config.json webSocketUrl', config.webSocketUrl, `ws://127.0.0.1:${port}/jessica/ws`);
  } catch (e) {
    problems.push(`a request failed: ${e.message}`);
  }
  const stopAt = Date.now();
  child.kill('SIGINT');
  let stopTimer;
  const stop = await Promise.race([exited, new Promise(resolve => stopTimer = setTimeout(() => resolve(undefined), 10_000))]);
  clearTimeout(stopTimer);
  if (!stop) {
    problems.push('platform-dev did not exit within 10 s of SIGINT');
    child.kill('SIGKILL');
  } else {
    expect('exit code after SIGINT', stop.code, 0);
  }
  const stopSeconds = (Date.now() - stopAt) / 1000;
  for (const p of [port, ...servicePorts]) {
    if (await portOpen(p)) problems.push(`port ${p} is still open after platform-dev stopped`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-dev-starter: ${p}`);
    console.error(`check-dev-starter: its output:\n${output.trim().split('\n').slice(-30).map(l => `    ${l}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`check-dev-starter: platform-dev ran 3 services and a web page (ready in ${ready.seconds} s, reported; `
    + `${((Date.now() - started) / 1000).toFixed(1)} s in all), routing checks OK, stopped in ${stopSeconds.toFixed(1)} s with exit 0`);
}

main().catch(e => {
  console.error(`check-dev-starter: ${e.stack ?? e}`);
  process.exit(1);
});
