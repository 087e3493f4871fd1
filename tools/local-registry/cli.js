#!/usr/bin/env node
// node tools/local-registry/cli.js --storage <folder> [--port <n>] [--uplink <registry url>] [--prebuilds <folder>]
// A local npm registry (verdaccio) on 127.0.0.1 for the install e2e: nx-pdd and @nx-pdd/core are
// published to it; every other package is fetched from the uplink (default: npm's own registry,
// or the registry npm is configured with). Anyone may publish: it listens on 127.0.0.1 only.
// --prebuilds serves that folder's files under /-/prebuilds/ (prebuilt native binaries, as a
// package's binary host would: npm_config_<package>_binary_host=http://127.0.0.1:PORT/-/prebuilds).
// Prints "local-registry listening on http://127.0.0.1:PORT".
const { createReadStream, existsSync, mkdirSync, statSync } = require('node:fs');
const { join, normalize, sep } = require('node:path');
const { runServer } = require('verdaccio');
const { cliArg: arg } = require('../testing/cli-arg');

const storage = arg('storage');
if (!storage) {
  console.error('usage: node tools/local-registry/cli.js --storage <folder> [--port <n>] [--uplink <url>] [--prebuilds <folder>]');
  process.exit(2);
}
mkdirSync(storage, { recursive: true });
const local = { access: '$all', publish: '$all', unpublish: '$all' };
const config = {
  self_path: join(storage, 'config.yaml'),
  storage,
  auth: { htpasswd: { file: join(storage, 'htpasswd'), max_users: -1 } },
  uplinks: { npmjs: { url: arg('uplink') ?? 'https://registry.npmjs.org/', timeout: '120s', max_fails: 5 } },
  packages: { 'nx-pdd': local, '@nx-pdd/*': local, '**': { access: '$all', publish: '$all', proxy: 'npmjs' } },
  log: { type: 'stdout', format: 'pretty', level: 'error' },
  server: { keepAliveTimeout: 60 },
};
const prebuilds = arg('prebuilds');

/** A file of the prebuilds folder, never one outside it. */
function servePrebuild(url, res) {
  const file = normalize(join(prebuilds, decodeURIComponent(url.slice('/-/prebuilds/'.length).split('?')[0])));
  if (!file.startsWith(normalize(prebuilds) + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
  createReadStream(file).pipe(res);
}

runServer(config).then((server) => {
  // runServer gives an http.Server around verdaccio's app: the prebuilds are answered first.
  if (prebuilds) {
    const verdaccio = server.listeners('request');
    server.removeAllListeners('request');
    server.on('request', (req, res) =>
      req.url.startsWith('/-/prebuilds/') ? servePrebuild(req.url, res) : verdaccio.forEach((l) => l.call(server, req, res)),
    );
  }
  server.listen(Number(arg('port') ?? 0), '127.0.0.1', () => {
    console.log(`local-registry listening on http://127.0.0.1:${server.address().port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
