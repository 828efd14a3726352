import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` whenever `deps` change, aborting the previous request. Keeps the last data while a
 * new request runs, so tables do not flash empty between pages or sorts.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    loadRef.current(ctrl.signal).then(
      (value) => {
        if (ctrl.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}

export type ParamPatch = Record<string, string | number | boolean | null | undefined>;

/**
 * The view's state in the query string: `get` reads with a default, `set` merges a patch
 * (empty, null, false or default-valued entries are removed so URLs stay short).
 */
export function useQueryState(defaults: Record<string, string> = {}) {
  const [params, setParams] = useSearchParams();
  const defaultsKey = JSON.stringify(defaults);
  const get = useCallback(
    (key: string): string => params.get(key) ?? defaults[key] ?? '',
    [params, defaultsKey],
  );
  const set = useCallback(
    (patch: ParamPatch, opts: { replace?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(patch)) {
            const s = value === undefined || value === null || value === false ? '' : String(value);
            if (s === '' || s === defaults[key]) next.delete(key);
            else next.set(key, s);
          }
          return next;
        },
        { replace: opts.replace ?? false },
      );
    },
    [setParams, defaultsKey],
  );
  return useMemo(() => ({ get, set, params }), [get, set, params]);
}

/** `value` after it has stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Sets the document title to "<title> · ARC". */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · ARC` : 'ARC';
  }, [title]);
}

/** True when a key event comes from a field where typing must not trigger shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/**
 * A list's keyboard: j/k or the arrows move the selected row, Enter opens it (not while typing,
 * in a dialog, or on a link or button, which Enter already works). `start`, when given, is where
 * the selection goes whenever it or the row count changes; else it stays, within the rows.
 */
export function useListKeys(count: number, open: (i: number) => void, start?: number) {
  const [selected, setSelected] = useState(0);
  useEffect(() => setSelected((s) => Math.min(Math.max(0, start ?? s), Math.max(0, count - 1))),
    [count, start]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]') || count === 0) return;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        e.preventDefault();
        setSelected((s) => Math.min(count - 1, s + 1));
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        e.preventDefault();
        setSelected((s) => Math.max(0, s - 1));
      } else if (e.key === 'Enter' && !(e.target instanceof HTMLElement
        && e.target.closest('a, button'))) {
        e.preventDefault();
        open(selected);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, open, selected]);
  return [selected, setSelected] as const;
}

/**
 * One page of `rows` at a time, so a long list renders `pageSize` rows rather than all of them;
 * back to the first page whenever `resetKey` changes (another filter, sort or data set).
 */
export function usePaged<T>(rows: readonly T[], pageSize: number, resetKey: string) {
  const [offset, setOffset] = useState(0);
  const [key, setKey] = useState(resetKey);
  if (key !== resetKey) {
    setKey(resetKey);
    setOffset(0);
  }
  // Rows can shrink under the current page (a reload): show the last page that exists.
  const lastStart = Math.max(0, Math.ceil(rows.length / pageSize) - 1) * pageSize;
  const start = Math.min(offset, lastStart);
  return {
    rows: rows.slice(start, start + pageSize), offset: start, limit: pageSize,
    total: rows.length, setOffset,
  };
}
