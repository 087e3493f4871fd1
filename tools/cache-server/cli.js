#!/usr/bin/env node
// node tools/cache-server/cli.js --token <read-write> [--read-only-token <t>] [--admin-token <t>] [--dir <folder>] [--port <n>] [--max-body-mb <n>]
// Prints "cache-server listening on http://127.0.0.1:PORT"; point Nx at it with
//   NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http://127.0.0.1:PORT NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token>
const { startCacheServer } = require('./cache-server');
const { cliArg: arg } = require('../testing/cli-arg');

const readWriteToken = arg('token');
if (!readWriteToken) {
  console.error(
    'usage: node tools/cache-server/cli.js --token <read-write token> [--read-only-token <token>] [--admin-token <token, for GET /__log>] [--dir <folder>] [--port <n>] [--max-body-mb <n, default 512>]',
  );
  process.exit(2);
}
startCacheServer({
  readWriteToken,
  readOnlyToken: arg('read-only-token'),
  adminToken: arg('admin-token'),
  dir: arg('dir'),
  port: Number(arg('port') ?? 0),
  ...(arg('max-body-mb') ? { maxBodyBytes: Number(arg('max-body-mb')) * 1024 * 1024 } : {}),
}).then((server) => {
  console.log(`cache-server listening on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
