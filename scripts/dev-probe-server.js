#!/usr/bin/env node
// A service for checking the local front door (scripts/check-dev-door.js), plain Node: listens on
// 127.0.0.1:$PORT and answers
//   GET  <any>/health              200 {"status":"ok"}
//   GET  <any>/headers             200 the request's path and headers as JSON
//   GET  <any>/stream?ms=N&wait=W  after W ms, 200 text/plain with one line every 100 ms for N ms
//   a WebSocket upgrade            101, then echoes each text frame back (RFC 6455, no extensions)
'use strict';

const crypto = require('crypto');
const http = require('http');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://probe');
  if (url.pathname.endsWith('/health')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  } else if (url.pathname.endsWith('/headers')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, headers: req.headers }));
  } else if (url.pathname.endsWith('/stream')) {
    const ms = Number(url.searchParams.get('ms') ?? 1000);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const started = Date.now();
      const tick = setInterval(() => {
        res.write(`${Date.now() - started}\n`);
        if (Date.now() - started >= ms) {
          clearInterval(tick);
          res.end('done\n');
        }
      }, 100);
      res.on('close', () => clearInterval(tick));
    }, Number(url.searchParams.get('wait') ?? 0));
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
  }
});

server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buffer = Buffer.alloc(0);
  socket.on('data', chunk => {
    buffer = Buffer.concat([buffer, chunk]);
    // One small masked client frame at a time (payload under 126 bytes), as the check sends.
    while (buffer.length >= 6) {
      const opcode = buffer[0] & 0x0f;
      const length = buffer[1] & 0x7f;
      if (buffer.length < 6 + length) return;
      const mask = buffer.subarray(2, 6);
      const payload = Buffer.from(buffer.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]));
      buffer = buffer.subarray(6 + length);
      if (opcode === 0x8) return socket.end();
      socket.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
    }
  });
  socket.on('error', () => socket.destroy());
});

server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
