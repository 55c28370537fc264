'use strict';
const http = require('http');

const port = Number(process.env.PORT ?? 9020);
const root = process.env.ROOT_PATH ?? '';

http.createServer((req, res) => {
  const ok = req.url === `${root}/health`;
  res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(ok ? { status: 'ok' } : { error: 'not found' }));
}).listen(port, process.env.HOST ?? '0.0.0.0');
