/*
 * `@nx-pdd/core/graph`: the part of the public API that the Nx plugin module uses: graph
 * inference (units, paths, `.pddrc`, preprocessing, the edges between units, the operation
 * catalogue's targets) and the end-of-run summary of sync tasks. The plugin loads it on every
 * nx command, so it loads none of the engine: no LLM layer, no runners, no merge, no state
 * store (tools/bench/README.md, "Loading the plugin").
 * Everything here is also exported by the main entry, `@nx-pdd/core`.
 */
export { joinPosix } from './workspace-paths';
export { ContainedReader, readContainedFile, readContainedText } from './contained-read';
export { resolveUnits } from './units';
export { answersAsRecorded, diskView, RecordingDiskView } from './disk-view';
export type { DiskLook, DiskView } from './disk-view';
export type { PromptUnit, ResolvedUnits } from './units';
export { settingsFromEnv } from './unit-settings';
export type { SettingsOverrides } from './unit-settings';
export { testFilesGlob } from './unit-paths';
export { LanguageTable } from './languages';
export type { LanguageSpec } from './languages';
export { pddLayout, modelTablePath, INTERFACE_FILES_GLOB, invocationRecordsDir } from './pdd-layout';
export { preprocessUnit } from './preprocess';
export { importLanguageOf, scanImports } from './import-scan';
export type { ImportLanguage, ImportRef } from './import-scan';
export { ModuleResolver } from './module-resolution';
export type { TsPathAliases } from './module-resolution';
export { computeUnitEdges, mostDirectEdges } from './unit-dependencies';
export type { UnitEdge, UnitGraphNode } from './unit-dependencies';
export { cutCycles, describeCycle, edgeLine } from './unit-cycles';
export { OPERATIONS, OPERATION_NAMES, camelCase, filesWrittenBy } from './operations/catalogue';
export type { CamelCase, OperationName, OperationSpec, TargetContext } from './operations/catalogue';
export { templateDigest } from './operations/templates';
export { writeFileAtomic } from './atomic-write';
export { summaryLines, takeRunRecords, writeInvocationReports } from './sync/invocation-report';
export type { SummaryRow, TaskEnd, UnitRunRecord } from './sync/invocation-report';
export type { TemplateName } from './operations/templates';
export { JS_TEST_RUNNERS } from './run/js-test-runners';
export type { JsTestRunner } from './run/js-test-runners';
