/** A PDD model table (`.pdd/llm_model.csv`) with one OpenAI-compatible model, `gpt-fake`, served by tools/fake-llm at `url`. */
export function fakeModelTable(url: string): string {
  const header =
    'provider,model,input,output,coding_arena_elo,model_rank_score,model_rank_source,base_url,api_key,max_reasoning_tokens,structured_output,reasoning_type,location,interactive_only,context_limit';
  return `${header}\nOpenAI,gpt-fake,1.0,2.0,1400,1400,static,${url}/v1,OPENAI_API_KEY,0,True,none,,False,\n`;
}

/** An answer with one fenced Python block. */
export const py = (body: string) => '```python\n' + body + '\n```';
