// Start a tools/ server (fake-llm, cache-server) in a child process and wait until it prints
// "... listening on http://127.0.0.1:PORT". A child process, because a test's spawnSync blocks
// the test's own event loop and with it any server running in the test process.
const { spawn } = require('node:child_process');

/**
 * @param {string} name what the server is called in errors
 * @param {string} script the server's cli.js
 * @param {string[]} args
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string, stop(): Promise<void> }>}
 */
async function spawnServer(name, script, args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    });
  return { child, url, stop };
}

module.exports = { spawnServer };
