'use strict';
// A generic stand-in service for the example app's ContainerServices: it listens on PORT (8080)
// and answers GET <anything>/health with 200 {"status":"ok"} (the path ContainerService's health
// check asks for is <base path>/health), every other path with 200 {"service", "path"}. Plain
// Node, no dependencies; the image adds curl for the container health check.
const http = require('http');

const port = Number(process.env.PORT || 8080);
const service = process.env.SERVICE_NAME || 'hello';

const server = http.createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  const body = path === '/health' || path.endsWith('/health') ? { status: 'ok' } : { service, path };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});
server.listen(port, process.env.HOST || '0.0.0.0', () => {
  console.log(`${service} listening on ${JSON.stringify(server.address())}`);
});
// ECS stops tasks with SIGTERM: close the listener and exit 0.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
