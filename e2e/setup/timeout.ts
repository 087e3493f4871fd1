// Jest reads testTimeout only from the top-level config, not from a project's, so the e2e
// project sets its own here: real nx commands take seconds each.
jest.setTimeout(240_000);
