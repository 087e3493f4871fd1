// A small Nx self-hosted remote cache (the OpenAPI that NX_SELF_HOSTED_REMOTE_CACHE_SERVER
// speaks): GET and PUT /v1/cache/{hash}, tar archives as bytes, bearer tokens. For tests, the
// demo and trying the remote cache set-up locally; not a production server (entries live in
// memory, or in --dir when given).
//
// Tokens: a read-write token may GET and PUT; a read-only token (give it to pull requests) may
// only GET: its PUT gets 403, so an untrusted branch cannot poison the cache.
// Replies: PUT 200 stored, 409 the hash exists (entries are never overwritten), 401 no or
// unknown token, 403 read-only token; GET 200 with the archive, 404 none, 401.
// GET /__log (either token) lists what was asked, for tests.
const http = require('node:http');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * @param {{ port?: number, readWriteToken: string, readOnlyToken?: string, dir?: string }} options
 */
function startCacheServer(options) {
  const entries = new Map();
  const log = [];
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const file = (hash) => join(options.dir, hash);
  const has = (hash) => entries.has(hash) || (!!options.dir && existsSync(file(hash)));
  const read = (hash) => entries.get(hash) ?? (options.dir && existsSync(file(hash)) ? readFileSync(file(hash)) : undefined);
  const access = (req) => {
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token && token === options.readWriteToken) return 'write';
    if (token && options.readOnlyToken && token === options.readOnlyToken) return 'read';
    return null;
  };
  const server = http.createServer((req, res) => {
    const send = (status, body = '') => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/octet-stream' });
      res.end(body);
    };
    const who = access(req);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/__log' && req.method === 'GET') {
      if (!who) return send(401, 'missing or unknown bearer token');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(log));
    }
    const m = /^\/v1\/cache\/([A-Za-z0-9._-]+)$/.exec(url.pathname);
    if (!m) return send(404, 'not found');
    const hash = m[1];
    const entry = { method: req.method, hash, access: who, status: 0 };
    log.push(entry);
    const reply = (status, body) => {
      entry.status = status;
      send(status, body);
    };
    if (!who) return reply(401, 'missing or unknown bearer token');
    if (req.method === 'GET') {
      const data = read(hash);
      return data ? reply(200, data) : reply(404, 'no such entry');
    }
    if (req.method !== 'PUT') return reply(405, 'GET or PUT');
    if (who !== 'write') return reply(403, 'this token may only read');
    if (has(hash)) {
      req.resume();
      return reply(409, 'entries are never overwritten');
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const data = Buffer.concat(chunks);
      if (options.dir) writeFileSync(file(hash), data);
      else entries.set(hash, data);
      reply(200, 'stored');
    });
  });
  return new Promise((resolve) => {
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({ url: `http://127.0.0.1:${address.port}`, port: address.port, log, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}

/** Run the server in a child process (a test's spawnSync would block an in-process one). */
async function spawnCacheServer({ readWriteToken, readOnlyToken, dir }) {
  const { spawnServer } = require('../testing/spawn-server');
  const args = ['--token', readWriteToken, ...(readOnlyToken ? ['--read-only-token', readOnlyToken] : []), ...(dir ? ['--dir', dir] : [])];
  const { url, stop } = await spawnServer('cache-server', join(__dirname, 'cli.js'), args);
  const requests = () =>
    new Promise((resolve, reject) => {
      http
        .get(`${url}/__log`, { agent: false, headers: { authorization: `Bearer ${readWriteToken}` } }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        })
        .on('error', reject);
    });
  return { url, requests, close: stop };
}

module.exports = { startCacheServer, spawnCacheServer };
