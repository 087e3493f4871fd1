// Unit tests of the Nx plugin run createNodes/createDependencies in-process: no daemon, no
// analytics prompt, no cloud.
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
process.env.NX_ISOLATE_PLUGINS = 'false';
