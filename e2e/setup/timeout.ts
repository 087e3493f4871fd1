// Jest reads testTimeout only from the top-level config, not from a project's, so the e2e
// project sets its own here: real nx commands take seconds each, and minutes on a busy machine
// (one command may take up to NX_COMMAND_TIMEOUT_MS, e2e/support/e2e-workspace.ts).
jest.setTimeout(900_000);
