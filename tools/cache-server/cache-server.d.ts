export interface CacheRequest {
  method: string;
  hash: string;
  access: 'write' | 'read' | null;
  status: number;
}
export interface CacheServer {
  url: string;
  port: number;
  log: CacheRequest[];
  close(): Promise<void>;
}
export function startCacheServer(options: {
  port?: number;
  readWriteToken: string;
  readOnlyToken?: string;
  adminToken?: string;
  dir?: string;
  maxBodyBytes?: number;
}): Promise<CacheServer>;
export interface CacheServerProcess {
  url: string;
  requests(): Promise<CacheRequest[]>;
  close(): Promise<void>;
}
export function spawnCacheServer(options: { readWriteToken: string; readOnlyToken?: string; dir?: string }): Promise<CacheServerProcess>;
