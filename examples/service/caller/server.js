'use strict';
// The caller: calls Service 1 by name through the service mesh (ECS Service Connect). On AWS,
// SERVICE1_URL is http://service1 (the task's proxy takes the call to a Service 1 task); under
// platform-dev it is Service 1's local port. The path goes through unchanged: Service 1 keeps its
// base path, so the caller asks for /service1/health.
const http = require('http');

const port = Number(process.env.PORT ?? 8080);
const service1 = process.env.SERVICE1_URL ?? 'http://service1';

http.createServer((req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/caller/health') return reply(200, { status: 'ok' });
  if (req.url !== '/caller/service1') return reply(404, { error: 'not found' });
  const call = http.get(`${service1}/service1/health`, { timeout: 5000 }, (answer) => {
    let body = '';
    answer.setEncoding('utf8');
    answer.on('data', (chunk) => { body += chunk; });
    answer.on('end', () => reply(200, { caller: 'caller', service1Url: service1, status: answer.statusCode, body }));
  });
  call.on('timeout', () => call.destroy(new Error('no answer within 5 s')));
  call.on('error', (e) => reply(502, { caller: 'caller', service1Url: service1, error: e.message }));
}).listen(port, process.env.HOST ?? '0.0.0.0');
