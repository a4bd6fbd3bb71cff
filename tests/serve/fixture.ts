// A running service over a fresh store directory, on a free loopback port, with one account per role.
import type { Server } from 'node:http';
import { join } from 'node:path';
import { addAccount } from '../../tools/serve/accounts';
import { listen, serviceServer } from '../../tools/serve/server';
import { openEmbedded, type Service } from '../../tools/serve/service';
import { DirectoryStore } from '../../tools/store';
import { tempDir } from '../support/cli';

export const PASSWORD = 'correct horse battery';
export const ACCOUNTS = { wang: 'technician', li: 'officer', chen: 'officer', zhao: 'data-manager', sun: 'inspector', zhou: 'leader' } as const;

export interface Running {
  dir: string;
  url: string;
  service: Service;
  server: Server;
  stop(): Promise<void>;
}

export async function startService(now: () => number, storeId = 'luoping-evidence'): Promise<Running> {
  const dir = join(tempDir('serve'), 'store');
  DirectoryStore.create(dir, storeId, { now });
  const service = await openEmbedded(dir, now);
  for (const [name, role] of Object.entries(ACCOUNTS)) await addAccount(service.db, name, role, PASSWORD, now());
  const server = serviceServer(service);
  const url = await listen(server, '127.0.0.1', 0);
  return {
    dir,
    url,
    service,
    server,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
    },
  };
}

/** Logs in over the API; the token works as a Bearer token or the session cookie. */
export async function apiLogin(url: string, name: string, password = PASSWORD): Promise<Response> {
  return fetch(new URL('api/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
}

export async function tokenFor(url: string, name: string): Promise<string> {
  const r = await apiLogin(url, name);
  if (!r.ok) throw new Error(`login ${name}: HTTP ${r.status}`);
  return ((await r.json()) as { token: string }).token;
}

/** A browser-like client of the pages: form login (session cookie), GET and form POST with it. */
/** `svc` is asked at each call, so the client can be made before beforeAll starts the service. */
export function pageClient(svc: () => Running) {
  const at = (path: string) => new URL(path, svc().url);
  return {
    async logIn(name: string): Promise<string> {
      const r = await fetch(at('login'), { method: 'POST', body: new URLSearchParams({ name, password: PASSWORD }), redirect: 'manual' });
      expect(r.status).toBe(303);
      const cookie = r.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
      return cookie.split(';')[0];
    },
    get: (cookie: string, path: string) => fetch(at(path), { headers: { cookie }, redirect: 'manual' }),
    post: (cookie: string, path: string, fields: Record<string, string>) => fetch(at(path), { method: 'POST', headers: { cookie }, body: new URLSearchParams(fields), redirect: 'manual' }),
  };
}

/** The CSRF token of a page's first form. */
export const csrfOf = (html: string) => /name="csrf" value="([0-9a-f]+)"/.exec(html)![1];
