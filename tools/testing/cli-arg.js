// The value after `--<name>` on the command line of a tools/ server (fake-llm, cache-server,
// local-registry), or undefined.
exports.cliArg = (name, argv = process.argv) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
