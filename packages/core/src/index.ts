/*
 * The public API of @nx-pdd/core: what the Nx plugin (and anyone embedding the engine) uses.
 * Everything else is internal and may change without notice. Named exports only, grouped by
 * what they are for (docs/ARCHITECTURE.md has the modules behind them).
 */

// Errors and small helpers
export { PddError } from './errors';
export { joinPosix } from './workspace-paths';
export { writeFileAtomic } from './atomic-write';
export { ContainedReader, readContainedFile, readContainedText } from './contained-read';
export { formatUsd } from './llm/ledger';

// Prompt units: discovery, settings, paths, languages, `.pddrc`
export { resolveUnits } from './units';
export { findPromptFiles } from './prompt-files';
export { answersAsRecorded, diskView, RecordingDiskView } from './disk-view';
export type { DiskLook, DiskView } from './disk-view';
export type { PromptUnit, ResolvedUnits } from './units';
export { resolveUnitSettings, settingsFromEnv } from './unit-settings';
export type { SettingsOverrides } from './unit-settings';
export { computeUnitPaths, splitBasename, testFilesGlob } from './unit-paths';
export { LanguageTable } from './languages';
export type { LanguageSpec } from './languages';
export { parsePddrc, selectContext, trimSlashes } from './pddrc';
export { pddLayout, modelTablePath, INTERFACE_FILES_GLOB, invocationRecordsDir, LOCAL_STATE, TEMPORARY_FILE_PATTERN } from './pdd-layout';
export type { PddLayout } from './pdd-layout';

// Prompts and the edges between units
export { preprocessUnit } from './preprocess';
export { importLanguageOf, scanImports } from './import-scan';
export type { ImportLanguage, ImportRef } from './import-scan';
export { ModuleResolver } from './module-resolution';
export type { TsPathAliases } from './module-resolution';
export { computeUnitEdges, mostDirectEdges } from './unit-dependencies';
export type { UnitEdge, UnitGraphNode } from './unit-dependencies';
export { cutCycles, describeCycle, edgeLine } from './unit-cycles';
export type { InterfaceSource } from './code-interface';

// Fingerprints (PDD's `.pdd/meta`)
export { currentHashes, nextFingerprint, writeFingerprint } from './fingerprint';

// Operations: the catalogue and running one
export { OPERATIONS, OPERATION_NAMES, OP, camelCase, filesWrittenBy } from './operations/catalogue';
export type { CamelCase, OperationName, OperationSpec, TargetContext } from './operations/catalogue';
export { runOperation } from './operations/run-operation';
export { createLlmClient } from './operations/llm-session';
export { describeConflict } from './operations/conflict-store';
export type { FileOutcome } from './operations/artifact-store';
export { templateDigest } from './operations/templates';
export type { TemplateName } from './operations/templates';
export { LLM_CACHE_MODES } from './llm/response-cache';
export type { LlmCacheMode } from './llm/response-cache';
export { JS_TEST_RUNNERS } from './run/js-test-runners';
export type { JsTestRunner } from './run/js-test-runners';
export { killRunningPrograms } from './run/process-runner';

// Sync: one unit, one invocation, the whole workspace
export { runSyncCommand, runRecordOf, operationsRun } from './sync/sync-command';
export type { SessionWatcher, SyncCommandResult } from './sync/sync-command';
export { parseSyncFlags, syncOptionsFor, PROFILES } from './sync/sync-options';
export type { SyncCommandOptions, SyncFlags, SyncProfile } from './sync/sync-options';
export { SyncSession } from './sync/sync-session';
export type { SyncOutcome } from './sync/sync-unit';
export { saveRunRecord, summaryLines, takeRunRecords, writeInvocationReports } from './sync/invocation-report';
export type { SummaryRow, TaskEnd, UnitRunRecord } from './sync/invocation-report';
export { statusLines, workspaceStatus } from './sync/workspace-status';
