import { startFakeLlm } from './fake-llm';

/** The OpenAI chat answer's part these tests read. */
type ChatAnswer = { choices: { message: { content: string } }[] };

const ask = (url: string, text: string): Promise<ChatAnswer> =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text }] }) }).then(
    (r) => r.json() as Promise<ChatAnswer>,
  );

describe('fake-llm holds', () => {
  it('answers two requests that hold for each other only once both have arrived, and logs why', async () => {
    const fake = await startFakeLlm({
      scenario: {
        rules: [
          { match: 'first', responses: [{ content: 'one', hold: { untilRequest: 'second' } }] },
          { match: 'second', responses: [{ content: 'two', hold: { untilRequest: 'first' } }] },
        ],
      },
    });
    try {
      const one = ask(fake.url, 'first');
      // The first is held: nothing has answered it when the second is sent.
      while (fake.requests.length < 1) await new Promise((r) => setImmediate(r));
      expect(fake.requests[0].released).toBeUndefined();
      const [a, b] = await Promise.all([one, ask(fake.url, 'second')]);
      expect([a.choices[0].message.content, b.choices[0].message.content]).toEqual(['one', 'two']);
      expect(fake.requests.map((r) => r.released)).toEqual(['request', 'request']);
    } finally {
      await fake.close();
    }
  }, 30_000);

  it('answers a held request on release(), and after maxMs when nothing releases it', async () => {
    const fake = await startFakeLlm({
      scenario: {
        rules: [
          { match: 'wait', responses: [{ content: 'late', hold: {} }] },
          { match: 'short', responses: [{ content: 'x', hold: { untilRequest: 'never', maxMs: 10 } }] },
        ],
      },
    });
    try {
      const held = ask(fake.url, 'wait');
      while (fake.requests.length < 1) await new Promise((r) => setImmediate(r));
      fake.release();
      expect((await held).choices[0].message.content).toBe('late');
      await ask(fake.url, 'short');
      expect(fake.requests.map((r) => r.released)).toEqual(['release', 'timeout']);
    } finally {
      await fake.close();
    }
  }, 30_000);
});
