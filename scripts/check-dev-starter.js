#!/usr/bin/env node
// Runs a synthesized copy of the service starter (examples/service, installed from the library's
// npm tarball by scripts/check-starters.js) under the installed `platform-dev`, as its `npm run dev`
// does, and checks on loopback that the local front door routes as the platform does:
//
//   - Jessica's stand-in (its localRun command), Service 1 (--run), the caller (its localRun
//     command) and Service 2 (the Lambda function from inline code, in-process) answer under
//     their base paths;
//   - the service mesh: the caller's call to Service 1 by name (SERVICE1_URL, http://service1 in
//     the task definition) goes to Service 1's own loopback port and returns its answer;
//   - a path under no service, and one that only shares a prefix (/jessicas), is 404 {"message":"Not Found"};
//   - Jessica's CORS preflight is answered for her local page's origin, and refused for another;
//   - the page and its config.json on http://jessica.localhost:<port>/ point at the local front door;
//   - SIGINT stops every service and exits 0 within 10 s, and no service port is left open.
//
// Usage: node scripts/check-dev-starter.js <starter copy with cdk.out and node_modules>
// Prints one summary line; exits 1 with one line per problem.
'use strict';

const path = require('path');
const { lastLines, portOpen, request, startDev, stopDev } = require('./dev-check-lib');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check-dev-starter.js <starter copy>');
  process.exit(2);
}

async function main() {
  const problems = [];
  const started = Date.now();
  const dev = await startDev(path.join(dir, 'node_modules', '.bin', 'platform-dev'),
    ['cdk.out', '--port', '0', '--run', 'service1=ROOT_PATH=/service1 node service/server.js'],
    { cwd: dir, env: { ...process.env, ELEVENLABS_API_KEY: 'local-test-key', NO_COLOR: '1' } });
  const port = dev.port;
  const expect = (what, actual, expected) => {
    if (actual !== expected) problems.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  try {
    let r = await request(port, 'GET', '/jessica/health');
    expect('GET /jessica/health', `${r.status} ${r.body}`, '200 {"status":"ok"}');
    r = await request(port, 'GET', '/service1/health');
    expect('GET /service1/health', `${r.status} ${r.body}`, '200 {"status":"ok"}');
    r = await request(port, 'GET', '/caller/health');
    expect('GET /caller/health', `${r.status} ${r.body}`, '200 {"status":"ok"}');
    // The mesh: the caller calls Service 1 at SERVICE1_URL, which platform-dev sets to Service 1's port.
    const service1 = /^service1\s.*\sport (\d+)$/m.exec(dev.output());
    if (!service1) problems.push('the table shows no port for service1');
    r = await request(port, 'GET', '/caller/service1');
    expect('GET /caller/service1 (the caller calls service1 through the mesh)', `${r.status} ${r.body}`,
      `200 ${JSON.stringify({ caller: 'caller', service1Url: `http://127.0.0.1:${service1?.[1]}`, status: 200, body: '{"status":"ok"}' })}`);
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
    r = await request(port, 'GET', '/', { host: `jessica.localhost:${port}` });
    expect('the page', `${r.status} ${/<html/i.test(r.body)}`, '200 true');
  } catch (e) {
    problems.push(`a request failed: ${e.message}`);
  }
  const stop = await stopDev(dev, 'SIGINT');
  if (!stop) problems.push('platform-dev did not exit within 10 s of SIGINT');
  else expect('exit code after SIGINT', stop.code, 0);
  for (const p of [port, ...dev.servicePorts]) {
    if (await portOpen(p)) problems.push(`port ${p} is still open after platform-dev stopped`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-dev-starter: ${p}`);
    console.error(`check-dev-starter: its output:\n${lastLines(dev.output())}`);
    process.exit(1);
  }
  console.log(`check-dev-starter: platform-dev ran 4 services and a web page (ready in ${dev.readySeconds} s as it reported,`
    + ` ${((Date.now() - started) / 1000).toFixed(1)} s for the whole check), routing and mesh checks OK, stopped in ${stop.seconds.toFixed(1)} s with exit 0`);
}

main().catch(e => {
  console.error(`check-dev-starter: ${e.stack ?? e}`);
  process.exit(1);
});
