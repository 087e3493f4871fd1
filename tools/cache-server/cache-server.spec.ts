import { CacheServer, startCacheServer } from './cache-server';

describe('tools/cache-server (Nx self-hosted remote cache protocol)', () => {
  let server: CacheServer;
  const call = (method: string, hash: string, token?: string, body?: string) => fetch(`${server.url}/v1/cache/${hash}`, { method, body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  beforeAll(async () => {
    server = await startCacheServer({ readWriteToken: 'rw', readOnlyToken: 'ro' });
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
});
