// A PDD model table and answers for tools/fake-llm, shared by tests, the demo and the benchmarks
// (CommonJS with a .d.ts: the .mjs scripts load it without a build, TypeScript tests import it).

/** PDD's model table header (`.pdd/llm_model.csv`). */
const MODEL_TABLE_HEADER =
  'provider,model,input,output,coding_arena_elo,model_rank_score,model_rank_source,base_url,api_key,max_reasoning_tokens,structured_output,reasoning_type,location,interactive_only,context_limit';

/**
 * A model table with one OpenAI-compatible model served by tools/fake-llm at `url`: by default
 * `gpt-fake` at $1/$2 per million tokens, its key read from OPENAI_API_KEY.
 */
function fakeModelTable(url, { model = 'gpt-fake', input = '1.0', output = '2.0', keyVar = 'OPENAI_API_KEY' } = {}) {
  return `${MODEL_TABLE_HEADER}\nOpenAI,${model},${input},${output},1400,1400,static,${url}/v1,${keyVar},0,True,none,,False,\n`;
}

/** An answer with one fenced Python block. */
const py = (body) => '```python\n' + body + '\n```';

module.exports = { MODEL_TABLE_HEADER, fakeModelTable, py };
