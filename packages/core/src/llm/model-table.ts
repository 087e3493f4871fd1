import { modelTablePath } from '../pdd-layout';
import { existsSync, readFileSync } from 'node:fs';
import { readContainedFile } from '../contained-read';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PddError } from '../errors';

/** One row of PDD's llm_model.csv. Prices are USD per million tokens. */
export interface ModelRow {
  provider: string;
  model: string;
  inputPrice: number;
  outputPrice: number;
  elo?: number;
  rankScore?: number;
  baseUrl?: string;
  /** Environment variables holding the key (`|`-separated in the file); empty = none needed. */
  apiKeyVars: string[];
  maxReasoningTokens?: number;
  structuredOutput: boolean;
  reasoningType?: string;
  interactiveOnly: boolean;
  contextLimit?: number;
}

export interface ModelTable {
  rows: ModelRow[];
  /** The file the rows came from. */
  file: string;
  /** Rows left out, and why (a workspace row that would send a key to a host of its own choosing). */
  refused?: string[];
}

/** Hosts a provider key may go to from a row of the workspace's table: the providers' own APIs and this machine. */
const PROVIDER_HOSTS =
  /^(api\.openai\.com|api\.anthropic\.com|openrouter\.ai|generativelanguage\.googleapis\.com|api\.mistral\.ai|api\.groq\.com|api\.deepseek\.com|api\.x\.ai|api\.together\.xyz|api\.fireworks\.ai|[a-z0-9-]+\.openai\.azure\.com)$/i;

/** A host name of this machine (a local model server). */
export function isThisMachine(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(host);
}

/**
 * A row of the workspace's `.pdd/llm_model.csv` (which can arrive by pull request) may name key
 * variables only for a `base_url` on a provider's own host or on this machine: otherwise a
 * hostile row could send the user's key anywhere. Rows in `~/.pdd/llm_model.csv` are the user's
 * own and are not checked. Returns why a row is refused, or null.
 */
export function keyDestinationRefused(row: ModelRow): string | null {
  if (!row.baseUrl || !row.apiKeyVars.length) return null;
  let host: string;
  try {
    host = new URL(row.baseUrl).host.replace(/:\d+$/, '');
  } catch {
    return `${row.provider}/${row.model}: base_url "${row.baseUrl}" is not a URL`;
  }
  if (PROVIDER_HOSTS.test(host) || isThisMachine(host)) return null;
  return `${row.provider}/${row.model}: the workspace's .pdd/llm_model.csv would send ${row.apiKeyVars.join('|')} to ${host}; a key goes only to its provider's own host or to this machine from a workspace table (put the row in ~/.pdd/llm_model.csv to allow it)`;
}

const REQUIRED = ['provider', 'model', 'input', 'output'];

/** Parse llm_model.csv in PDD's current or legacy column set (columns are read by name). */
export function parseModelTable(text: string, file: string): ModelRow[] {
  let table: string[][];
  try {
    table = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (e) {
    throw new PddError('MODEL_TABLE', `cannot parse ${file}: ${(e as Error).message}`);
  }
  const header = (table[0] ?? []).map((c) => c.toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new PddError('MODEL_TABLE', `${file} lacks column(s) ${missing.join(', ')} (PDD's llm_model.csv format)`);
  const records = table.slice(1).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) as Record<string, string>);
  const num = (v: string | undefined) => (v === undefined || v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
  const bool = (v: string | undefined) => /^(true|1|yes)$/i.test(v ?? '');
  return records.map((r, i) => {
    const inputPrice = num(r.input);
    const outputPrice = num(r.output);
    if (!r.model || inputPrice === undefined || outputPrice === undefined) {
      throw new PddError('MODEL_TABLE', `${file}:${i + 2}: a row needs provider, model and numeric input/output prices`);
    }
    for (const [column, price] of [
      ['input', inputPrice],
      ['output', outputPrice],
    ] as const) {
      if (!Number.isFinite(price) || price < 0) {
        throw new PddError(
          'MODEL_TABLE',
          `${file}:${i + 2}: ${r.model}: the ${column} price "${r[column]}" is not a finite, non-negative USD per million tokens: fix the row (a negative price would let calls through any budget)`,
        );
      }
    }
    return {
      provider: r.provider,
      model: r.model,
      inputPrice,
      outputPrice,
      elo: num(r.coding_arena_elo),
      rankScore: num(r.model_rank_score),
      baseUrl: r.base_url || undefined,
      apiKeyVars: (r.api_key ?? '')
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean),
      maxReasoningTokens: num(r.max_reasoning_tokens),
      structuredOutput: bool(r.structured_output),
      reasoningType: r.reasoning_type || undefined,
      interactiveOnly: bool(r.interactive_only),
      contextLimit: num(r.context_limit),
    };
  });
}

/** The bundled table shipped with nx-pdd. */
export const BUNDLED_MODEL_TABLE = join(__dirname, '..', '..', 'assets', 'llm_model.csv');

/** PDD's lookup order: ~/.pdd/llm_model.csv, then <workspace>/.pdd/llm_model.csv, then the bundled one. */
export function modelTableCandidates(workspaceRoot: string, home = homedir()): string[] {
  return [join(home, modelTablePath('')), join(workspaceRoot, modelTablePath('')), BUNDLED_MODEL_TABLE];
}

export function loadModelTable(workspaceRoot: string, home = homedir()): ModelTable {
  const inWorkspace = join(workspaceRoot, modelTablePath(''));
  for (const file of modelTableCandidates(workspaceRoot, home)) {
    if (!existsSync(file)) continue;
    // The workspace's table can arrive by pull request: read it as untrusted content.
    const text = file === inWorkspace ? readContainedFile(workspaceRoot, modelTablePath(''), 4 * 1024 * 1024)?.toString('utf8') : readFileSync(file, 'utf8');
    if (text === undefined) continue;
    const rows = parseModelTable(text, file);
    if (file !== inWorkspace) return { rows, file };
    const refused = rows.map(keyDestinationRefused).filter((r): r is string => r !== null);
    return { rows: rows.filter((r) => keyDestinationRefused(r) === null), file, ...(refused.length ? { refused } : {}) };
  }
  throw new PddError('MODEL_TABLE', `no llm_model.csv found (looked in ${modelTableCandidates(workspaceRoot, home).join(', ')})`);
}
