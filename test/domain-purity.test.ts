import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOMAIN = join(import.meta.dirname, '..', 'src', 'domain');

/** The domain core is pure: it imports only itself and reads no clock, randomness or I/O. */
describe('src/domain purity', () => {
  // Every source file below src/domain, in subfolders too (collections/, matching/).
  const files = (readdirSync(DOMAIN, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();

  it('has domain files to check', () => expect(files.length).toBeGreaterThan(3));

  it.each(files)('%s imports nothing outside src/domain and uses no clock or randomness', (f) => {
    const text = readFileSync(join(DOMAIN, f), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const spec of imports) {
      expect(spec, `${f} imports ${spec}`).toMatch(/^\.\.?\/[a-z0-9/.-]+\.ts$/);
      const target = relative(DOMAIN, normalize(join(DOMAIN, dirname(f), spec)));
      expect(target.startsWith('..'), `${f} imports ${spec}, outside src/domain`).toBe(false);
    }
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(|process\.|require\(/);
  });
});
