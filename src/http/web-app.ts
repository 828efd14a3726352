import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { sendProblem } from './problem.ts';

// The web app (web/dist, built by Vite) on the same origin as the API, with an SPA fallback:
// any GET that is not a file and not under /api answers index.html, so every view has a URL
// that survives a reload. Hashed assets are cached for a year; index.html is revalidated.

export const WEB_DIST = resolve(new URL('../../web/dist', import.meta.url).pathname);

function isFileIn(root: string, path: string): boolean {
  const full = resolve(root, path);
  if (full !== root && !full.startsWith(root + sep)) return false;
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}

export async function registerWebApp(app: FastifyInstance, root = WEB_DIST): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });
  app.get('/*', {
    config: { permission: 'public' },
    schema: { hide: true },
  }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    if (path === 'api' || path.startsWith('api/')) {
      return sendProblem(reply, 'route_not_found', `no route GET ${request.url}`);
    }
    if (!existsSync(join(root, 'index.html'))) {
      return sendProblem(reply, 'web_app_not_built', 'the web app is not built: run `arc start` '
        + 'or `npx vite build --config web/vite.config.ts`');
    }
    if (extname(path) !== '') {
      if (!isFileIn(root, path)) {
        return sendProblem(reply, 'file_not_found', `no file ${request.url}`);
      }
      const immutable = path.startsWith('assets/');
      return reply.sendFile(path, { immutable, maxAge: immutable ? '365d' : 0 });
    }
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { maxAge: 0 });
  });
}
