#!/usr/bin/env node
// Start tools/fake-llm from a scenario file: node tools/fake-llm/cli.js --scenario s.json [--port 0]
// Prints "fake-llm listening on http://127.0.0.1:PORT" and runs until stopped (Ctrl-C, SIGTERM).
const { readFileSync } = require('node:fs');
const { startFakeLlm } = require('./fake-llm');
const { cliArg: arg } = require('../testing/cli-arg');

const file = arg('scenario');
if (!file) {
  console.error('usage: node tools/fake-llm/cli.js --scenario <file.json> [--port <n>]');
  process.exit(2);
}
startFakeLlm({ scenario: JSON.parse(readFileSync(file, 'utf8')), port: Number(arg('port') ?? 0) }).then((server) => {
  console.log(`fake-llm listening on ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
