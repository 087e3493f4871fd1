/** Types of tools/fake-llm/fake-llm.js (see its header for the scenario format). */
export interface FakeResponse {
  content?: string;
  usage?: { input?: number; output?: number };
  delayMs?: number;
  /** Answer once a request containing `untilRequest` has arrived, on release(), or after maxMs (default 120 s). */
  hold?: { untilRequest?: string; maxMs?: number };
  status?: number;
  retryAfter?: number;
  message?: string;
  fault?: 'hang' | 'empty' | 'malformed';
}
export interface FakeRule {
  match?: string | { regex: string };
  responses: FakeResponse[];
}
export interface Scenario {
  rules?: FakeRule[];
  default?: FakeResponse;
  requireKey?: string;
}
export interface LoggedRequest {
  path: string;
  api: 'openai' | 'anthropic';
  model: string;
  stream: boolean;
  text: string;
  body: unknown;
  answeredWith: string;
  at: string;
  /** For a held answer: what released it. */
  released?: 'request' | 'release' | 'timeout';
}
export interface FakeLlm {
  url: string;
  port: number;
  requests: LoggedRequest[];
  setScenario(s: Scenario): void;
  /** Answers every held request now. */
  release(): void;
  close(): Promise<void>;
}
export function startFakeLlm(options: { scenario: Scenario; port?: number }): Promise<FakeLlm>;
/** The server in a child process, for callers that block their own event loop (spawnSync). */
export interface FakeLlmProcess {
  url: string;
  port: number;
  pid: number;
  requests(): Promise<LoggedRequest[]>;
  setScenario(s: Scenario): Promise<void>;
  /** Answers every held request now. */
  release(): Promise<void>;
  close(): Promise<void>;
}
export function spawnFakeLlm(options: { scenario: Scenario; port?: number }): Promise<FakeLlmProcess>;
