#!/usr/bin/env node
// The README's service quick start, pasted into a new `cdk init` project with the packed library
// and synthesized by scripts/check-quick-starts.js (a repository the package has never seen), run
// with `npx platform-dev cdk.out --run jessica=... --run service1=...`, both services being
// scripts/dev-probe-server.js. Checks on loopback what the local front door must do (issue 21):
//
//   - a client's x-origin-verify never reaches a service; x-viewer-address is the caller's
//     address, a client-sent value replaced; the base path is kept (PathMode.KEEP_BASE_PATH);
//   - a WebSocket on a long-lived path (/jessica/ws) is upgraded and echoes; elsewhere it is a 426;
//   - with --api-timeout 1: a stream on a long-lived path (/jessica/mcp/...) runs past it, uncut and
//     unbuffered; on another path a slow first byte is a 503 and a stream is cut at the limit;
//   - a path under no service, or one that only shares a prefix, is 404 {"message":"Not Found"};
//   - Ctrl-C (SIGINT to the process group, as a terminal sends it) stops platform-dev with exit 0
//     ("stopped") within 10 s, with no service port left open (npx itself then ends by the signal).
//
// Usage: node scripts/check-dev-door.js <project with cdk.out and node_modules>
'use strict';

const crypto = require('crypto');
const net = require('net');
const path = require('path');
const { lastLines, portOpen, request, startDev, stopDev } = require('./dev-check-lib');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check-dev-door.js <project>');
  process.exit(2);
}

/** Opens a WebSocket on `urlPath` by hand, sends one text frame; resolves with the status line and the echo. */
function webSocketEcho(port, urlPath, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const key = crypto.randomBytes(16).toString('base64');
    let received = Buffer.alloc(0);
    let status;
    const timer = setTimeout(() => { socket.destroy(); resolve({ status, echo: undefined }); }, 5000);
    socket.on('connect', () => socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`
      + `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
    socket.on('data', chunk => {
      received = Buffer.concat([received, chunk]);
      if (status === undefined) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = received.subarray(0, received.indexOf('\r\n')).toString();
        received = received.subarray(end + 4);
        if (!status.includes(' 101 ')) {
          clearTimeout(timer);
          socket.destroy();
          resolve({ status, echo: undefined });
          return;
        }
        const mask = crypto.randomBytes(4);
        const payload = Buffer.from(text).map((b, i) => b ^ mask[i % 4]);
        socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | text.length]), mask, payload]));
      }
      if (received.length >= 2 && received.length >= 2 + (received[1] & 0x7f)) {
        clearTimeout(timer);
        const echo = received.subarray(2, 2 + (received[1] & 0x7f)).toString();
        socket.destroy();
        resolve({ status, echo });
      }
    });
    socket.on('error', reject);
  });
}

async function main() {
  const problems = [];
  const probe = `node ${path.join(__dirname, 'dev-probe-server.js')}`;
  const dev = await startDev('npx', ['platform-dev', 'cdk.out', '--port', '0', '--api-timeout', '1',
    '--run', `jessica=${probe}`, '--run', `service1=${probe}`],
  { cwd: dir, env: { ...process.env, ELEVENLABS_API_KEY: 'local-test-key', NO_COLOR: '1' } });
  const port = dev.port;
  const expect = (what, actual, expected) => {
    if (actual !== expected) problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  try {
    let r = await request(port, 'GET', '/jessica/headers?a=1', { 'x-origin-verify': 'forged', 'x-viewer-address': '203.0.113.9' });
    const seen = JSON.parse(r.body);
    expect('the path the service sees', seen.path, '/jessica/headers?a=1');
    expect('x-origin-verify at the service', seen.headers['x-origin-verify'], undefined);
    expect('x-viewer-address at the service', seen.headers['x-viewer-address'], '127.0.0.1');
    r = await request(port, 'GET', '/service1/headers');
    expect('service1 sees', `${r.status} ${JSON.parse(r.body).path}`, '200 /service1/headers');

    const ws = await webSocketEcho(port, '/jessica/ws', 'hello over the door');
    expect('WebSocket on /jessica/ws', `${ws.status} ${ws.echo}`, 'HTTP/1.1 101 Switching Protocols hello over the door');
    const refused = await webSocketEcho(port, '/jessica/api/ws', 'x');
    expect('WebSocket on /jessica/api/ws', refused.status, 'HTTP/1.1 426 Upgrade Required');

    r = await request(port, 'GET', '/jessica/mcp/stream?ms=2500');
    expect('a 2.5 s stream on the long-lived /jessica/mcp', `${r.status} ${r.complete} ${r.body.endsWith('done\n')}`, '200 true true');
    if (!(r.firstByteMs < 1000)) problems.push(`the long-lived stream's first line arrived after ${r.firstByteMs} ms: buffered`);
    r = await request(port, 'GET', '/jessica/api/stream?wait=2000&ms=100');
    expect('a slow first byte on /jessica/api (--api-timeout 1)', `${r.status} ${r.body}`, '503 {"message":"Service Unavailable"}');
    r = await request(port, 'GET', '/jessica/api/stream?ms=2500');
    expect('a 2.5 s stream on /jessica/api is cut at the limit', r.body.endsWith('done\n'), false);
    for (const p of ['/no-such-service/health', '/jessicas/headers', '/service12/headers']) {
      r = await request(port, 'GET', p);
      expect(`GET ${p}`, `${r.status} ${r.body}`, '404 {"message":"Not Found"}');
    }
  } catch (e) {
    problems.push(`a request failed: ${e.message}`);
  }
  const stop = await stopDev(dev, 'SIGINT');
  if (!stop) {
    problems.push('npx platform-dev did not exit within 10 s of Ctrl-C (SIGINT to its process group)');
  } else {
    // platform-dev prints "stopped" only on its exit 0; npm (npx) then ends itself with the same
    // signal, as it does for every command it runs, so the shell sees 130 from npx.
    expect('npx after Ctrl-C', stop.code === 0 || stop.signal === 'SIGINT', true);
    expect('platform-dev\'s last line', dev.output().trim().split('\n').pop(), 'platform-dev: stopped');
  }
  for (const p of [port, ...dev.servicePorts]) {
    if (await portOpen(p)) problems.push(`port ${p} is still open after platform-dev stopped`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-dev-door: ${p}`);
    console.error(`check-dev-door: its output:\n${lastLines(dev.output())}`);
    process.exit(1);
  }
  console.log(`check-dev-door: npx platform-dev on the service quick start: headers, WebSocket, streams, time limit and 404s OK,`
    + ` Ctrl-C: platform-dev stopped (exit 0) in ${stop.seconds.toFixed(1)} s`);
}

main().catch(e => {
  console.error(`check-dev-door: ${e.stack ?? e}`);
  process.exit(1);
});
