/**
 * Fixture access for the bank-format tests (imported by *.test.ts only). The shared third-party
 * fixtures live beside the repository (`../shared/fixtures`, as CI clones them); ARC's own
 * hand-made samples are in `test/fixtures/bank`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../../domain/result.ts';
import { decodeText } from './common.ts';
import type { BankFileError } from './model.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const sharedFixturesDir = path.join(repoRoot, '..', 'shared', 'fixtures');
export const localFixturesDir = path.join(repoRoot, 'test', 'fixtures', 'bank');

/** Data files of a shared fixture folder (SOURCES.md, XSDs and golden files excluded). */
export function sharedFixtureNames(folder: string): string[] {
  return fs
    .readdirSync(path.join(sharedFixturesDir, folder))
    .filter((n) => !n.endsWith('.md') && !n.endsWith('.pydata'))
    .filter((n) => fs.statSync(path.join(sharedFixturesDir, folder, n)).isFile())
    .sort();
}

export function sharedFixtureBytes(folder: string, name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(sharedFixturesDir, folder, name)));
}

export function sharedFixtureText(folder: string, name: string): string {
  return decodeText(sharedFixtureBytes(folder, name));
}

export function localFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(localFixturesDir, name)));
}

export function localFixtureText(name: string): string {
  return decodeText(localFixtureBytes(name));
}

/** The value of an ok result; fails the test with the refusal reason otherwise. */
export function expectOk<T>(r: Result<T, BankFileError>): T {
  if (!r.ok) {
    throw new Error(`expected the file to parse, refused: ${JSON.stringify(r.error)}`);
  }
  return r.value;
}

/** The error of a refused result; fails the test when the file parsed. */
export function expectRefused<T>(r: Result<T, BankFileError>): BankFileError {
  if (r.ok) throw new Error('expected the file to be refused, it parsed');
  return r.error;
}
