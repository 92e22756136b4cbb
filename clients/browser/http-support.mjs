// What the browser tests share of plain HTTP: a call to the server from Node, and the test's
// own pages served on 127.0.0.1 (which Chromium reaches as `localhost`).

import { createServer } from 'node:http';

/**
 * METHOD PATH on `base` from Node: `json` or `form` body, `token` a bearer, `userAgent`;
 * gives `{ status, body }`, the body parsed when it is JSON.
 */
export async function request(base, method, path, { json, form, token, userAgent, timeout }) {
  const headers = {};
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = new URLSearchParams(form);
  }
  if (token) headers.authorization = `Bearer ${token}`;
  if (userAgent) headers['user-agent'] = userAgent;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(timeout),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, body: parsed };
}

/** Serves `page(path)` (HTML; `undefined`: 404) to GETs on 127.0.0.1:`port`. */
export async function servePages(port, page) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const body = req.method === 'GET' ? page(path) : undefined;
    if (body !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}
