import { connect } from 'node:net';
import { CacheServer, startCacheServer } from './cache-server';

describe('tools/cache-server (Nx self-hosted remote cache protocol)', () => {
  let server: CacheServer;
  const call = (method: string, hash: string, token?: string, body?: string) =>
    fetch(`${server.url}/v1/cache/${hash}`, { method, body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  beforeAll(async () => {
    server = await startCacheServer({ readWriteToken: 'rw', readOnlyToken: 'ro', adminToken: 'admin', maxBodyBytes: 1000 });
  });
  afterAll(() => server.close());

  it('stores with the read-write token and serves it back; never overwrites', async () => {
    expect((await call('GET', 'abc', 'rw')).status).toBe(404);
    expect((await call('PUT', 'abc', 'rw', 'tar-bytes')).status).toBe(200);
    const got = await call('GET', 'abc', 'ro');
    expect([got.status, await got.text()]).toEqual([200, 'tar-bytes']);
    expect((await call('PUT', 'abc', 'rw', 'other')).status).toBe(409);
    expect(await (await call('GET', 'abc', 'rw')).text()).toBe('tar-bytes');
  });

  it('a read-only token cannot write (403); no or an unknown token gets 401', async () => {
    expect((await call('PUT', 'def', 'ro', 'poison')).status).toBe(403);
    expect((await call('GET', 'def', 'rw')).status).toBe(404);
    expect((await call('GET', 'abc')).status).toBe(401);
    expect((await call('PUT', 'xyz', 'nope', 'x')).status).toBe(401);
    expect(server.log.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([200, 409, 403, 401]);
  });

  const raw = (text: string) =>
    new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end(text));
      let got = '';
      socket.on('data', (d) => (got += d));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });

  it('answers malformed requests with 400 and stays up', async () => {
    expect(await raw('GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('NONSENSE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await call('PUT', 'h'.repeat(300), 'rw', 'x')).status).toBe(400);
    expect((await call('GET', 'a.b', 'rw')).status).toBe(400);
    expect((await call('GET', 'abc', 'rw')).status).toBe(200);
  });

  it('refuses a body over the limit with 413, by its length or as it streams', async () => {
    expect((await call('PUT', 'big1', 'rw', 'x'.repeat(2000))).status).toBe(413);
    const streamed = await fetch(`${server.url}/v1/cache/big2`, {
      method: 'PUT',
      headers: { authorization: 'Bearer rw' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 5; i++) c.enqueue(new TextEncoder().encode('y'.repeat(400)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await call('GET', 'big2', 'rw')).status).toBe(404);
  });

  it('two PUTs of one hash at once: the first wins, the second gets 409, nothing is replaced', async () => {
    let release!: () => void;
    const slowBody = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('first-'));
        release = () => {
          c.enqueue(new TextEncoder().encode('done'));
          c.close();
        };
      },
    });
    const slow = fetch(`${server.url}/v1/cache/race`, {
      method: 'PUT',
      headers: { authorization: 'Bearer rw' },
      body: slowBody,
      duplex: 'half',
    } as RequestInit);
    // The slow PUT has reached the server once its request is in the log.
    while (!server.log.some((r) => r.hash === 'race')) await new Promise((r) => setImmediate(r));
    expect((await call('PUT', 'race', 'rw', 'second')).status).toBe(409);
    release();
    expect((await slow).status).toBe(200);
    expect(await (await call('GET', 'race', 'rw')).text()).toBe('first-done');
  });

  it('shows the request log to the admin token only', async () => {
    for (const token of [undefined, 'ro', 'rw']) {
      expect((await fetch(`${server.url}/__log`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status).toBe(401);
    }
    expect((await fetch(`${server.url}/__log`, { headers: { authorization: 'Bearer admin' } })).status).toBe(200);
  });
});
