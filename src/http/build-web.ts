import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Builds web/ into web/dist before the server starts when the build is missing or older than
// any source, so `npm start` works on a fresh clone (web/dist is not in git). Uses Vite's
// JavaScript API (a devDependency); a production install that ships web/dist needs neither.

const WEB = resolve(new URL('../../web', import.meta.url).pathname);

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** The files a built index.html loads ("/assets/index-abc.js"), relative to dist. */
function referencedAssets(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
}

/**
 * Whether web/dist is missing, incomplete (an asset index.html loads is gone) or older than
 * web/src, index.html or the Vite config.
 */
export function webBuildStale(web = WEB): boolean {
  const built = join(web, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const assets = referencedAssets(readFileSync(built, 'utf8'));
  if (assets.length === 0 || assets.some((a) => !existsSync(join(web, 'dist', a)))) return true;
  const sources = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json']
    .map((p) => join(web, p)).filter((p) => existsSync(p));
  const newest = Math.max(...sources.map(newestMtime));
  return newest > statSync(built).mtimeMs;
}

export type WebBuildOutcome = 'fresh' | 'built' | 'unavailable';

/**
 * Builds the web app if stale. 'unavailable': the sources or Vite are missing (an install
 * without devDependencies); the server then serves whatever web/dist holds.
 */
export async function ensureWebBuilt(
  log: (line: string) => void, web = WEB,
): Promise<WebBuildOutcome> {
  if (!webBuildStale(web)) return 'fresh';
  if (!existsSync(join(web, 'src'))) return 'unavailable';
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log('Vite is not installed (npm install without --omit=dev): the web app is not rebuilt.');
    return 'unavailable';
  }
  log('Building the web app into web/dist...');
  const started = Date.now();
  await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  log(`Built the web app (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  return 'built';
}
