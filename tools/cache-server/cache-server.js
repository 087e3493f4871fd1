// A small Nx self-hosted remote cache (the OpenAPI that NX_SELF_HOSTED_REMOTE_CACHE_SERVER
// speaks): GET and PUT /v1/cache/{hash}, tar archives as bytes, bearer tokens. For tests, the
// demo and trying the remote cache set-up locally; not a production server (entries live in
// memory, or in --dir when given).
//
// Tokens: a read-write token may GET and PUT; a read-only token (give it to pull requests) may
// only GET: its PUT gets 403, so an untrusted branch cannot poison the cache.
// Replies: PUT 200 stored, 409 the hash exists or is being stored (entries are never
// overwritten: the first PUT of a hash wins, atomically), 413 body over the limit, 401 no or
// unknown token, 403 read-only token; GET 200 with the archive, 404 none, 401; 400 for a
// malformed request or hash (the server never exits on one).
// GET /__log lists what was asked (the last 10,000 requests), to the admin token only.
const http = require('node:http');
const { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** Nx's task hashes are decimal digits; anything of this shape is accepted, nothing longer. */
const HASH = /^[A-Za-z0-9_-]{1,128}$/;
const LOG_LIMIT = 10_000;
const DEFAULT_MAX_BODY = 512 * 1024 * 1024;

/**
 * @param {{ port?: number, readWriteToken: string, readOnlyToken?: string, adminToken?: string, dir?: string, maxBodyBytes?: number }} options
 */
function startCacheServer(options) {
  const entries = new Map();
  /** Hashes whose PUT is under way: a second PUT of one gets 409 at once. */
  const pending = new Set();
  const log = [];
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const file = (hash) => join(options.dir, hash);
  const has = (hash) => entries.has(hash) || (!!options.dir && existsSync(file(hash)));
  const read = (hash) => entries.get(hash) ?? (options.dir && existsSync(file(hash)) ? readFileSync(file(hash)) : undefined);
  const tokenOf = (req) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const access = (req) => {
    const token = tokenOf(req);
    if (token && token === options.readWriteToken) return 'write';
    if (token && options.readOnlyToken && token === options.readOnlyToken) return 'read';
    return null;
  };
  /** Store once: in --dir mode a hard link of a finished temporary file, which fails if the entry exists. */
  const store = (hash, data) => {
    if (!options.dir) {
      if (entries.has(hash)) return false;
      entries.set(hash, data);
      return true;
    }
    const tmp = join(options.dir, `.${hash}.${process.pid}.${Date.now()}.tmp`);
    writeFileSync(tmp, data);
    try {
      linkSync(tmp, file(hash));
      return true;
    } catch (e) {
      if (e.code === 'EEXIST') return false;
      throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
  };

  const handle = (req, res) => {
    const send = (status, body = '') => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/octet-stream' });
      res.end(body);
    };
    let url;
    try {
      url = new URL(req.url ?? '/', 'http://cache-server');
    } catch {
      req.resume();
      return send(400, 'malformed request target');
    }
    if (url.pathname === '/__log' && req.method === 'GET') {
      if (!options.adminToken || tokenOf(req) !== options.adminToken) return send(401, 'the request log is for the admin token only');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(log));
    }
    const m = /^\/v1\/cache\/([^/]*)$/.exec(url.pathname);
    if (!m) {
      req.resume();
      return send(404, 'not found');
    }
    const hash = m[1];
    const who = access(req);
    const entry = { method: req.method, hash: hash.slice(0, 128), access: who, status: 0 };
    log.push(entry);
    if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
    const reply = (status, body) => {
      entry.status = status;
      send(status, body);
    };
    if (!who) {
      req.resume();
      return reply(401, 'missing or unknown bearer token');
    }
    if (!HASH.test(hash)) {
      req.resume();
      return reply(400, 'malformed hash: 1 to 128 of A-Z a-z 0-9 _ -');
    }
    if (req.method === 'GET') {
      const data = read(hash);
      return data ? reply(200, data) : reply(404, 'no such entry');
    }
    if (req.method !== 'PUT') return reply(405, 'GET or PUT');
    if (who !== 'write') {
      req.resume();
      return reply(403, 'this token may only read');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBody) {
      req.resume();
      return reply(413, `body over the limit of ${maxBody} bytes`);
    }
    if (has(hash) || pending.has(hash)) {
      req.resume();
      return reply(409, 'entries are never overwritten');
    }
    pending.add(hash);
    const chunks = [];
    let size = 0;
    let refused = false;
    req.on('data', (c) => {
      if (refused) return;
      size += c.length;
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        pending.delete(hash);
        reply(413, `body over the limit of ${maxBody} bytes`);
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => pending.delete(hash));
    req.on('aborted', () => pending.delete(hash));
    req.on('end', () => {
      if (refused) return;
      try {
        reply(store(hash, Buffer.concat(chunks)) ? 200 : 409, 'stored');
      } catch (e) {
        reply(500, `could not store: ${e.code ?? e.message}`);
      } finally {
        pending.delete(hash);
      }
    });
  };

  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // Whatever a request does, the server answers and stays up.
      if (!res.headersSent) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`bad request: ${e.message}`);
      }
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
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
  const adminToken = `admin-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const args = [
    '--token',
    readWriteToken,
    '--admin-token',
    adminToken,
    ...(readOnlyToken ? ['--read-only-token', readOnlyToken] : []),
    ...(dir ? ['--dir', dir] : []),
  ];
  const { url, stop } = await spawnServer('cache-server', join(__dirname, 'cli.js'), args);
  const requests = () =>
    new Promise((resolve, reject) => {
      http
        .get(`${url}/__log`, { agent: false, headers: { authorization: `Bearer ${adminToken}` } }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        })
        .on('error', reject);
    });
  return { url, requests, close: stop };
}

module.exports = { startCacheServer, spawnCacheServer };
