import { useEffect, useId, useState } from 'react';
import type { KeyboardEvent } from 'react';
import * as api from '../api.ts';
import type { CustomerSummary } from '../api.ts';
import { useDebounced } from '../hooks.ts';
import { Amount } from './ui.tsx';

/**
 * Search-as-you-type customer chooser (account number or name). Arrow keys move, Enter picks,
 * Escape closes the list.
 */
export function CustomerPicker(props: {
  value: CustomerSummary | null;
  onChange: (c: CustomerSummary | null) => void;
  autoFocus?: boolean;
  id?: string;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [results, setResults] = useState<CustomerSummary[]>([]);
  const [error, setError] = useState<string>();
  const q = useDebounced(text.trim(), 200);
  const listId = useId();

  useEffect(() => {
    if (!q) {
      setResults([]);
      return;
    }
    const ctrl = new AbortController();
    api.listCustomers({ q, limit: 8, sort: 'name' }, ctrl.signal).then(
      (page) => {
        setResults(page.items);
        setActive(0);
        setError(undefined);
      },
      (e: unknown) => {
        if (!ctrl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => ctrl.abort();
  }, [q]);

  if (props.value) {
    const c = props.value;
    return (
      <div className="picked">
        <span className="mono">{c.accountNumber}</span> <strong>{c.name}</strong>
        <span className="muted"> · balance </span>
        <Amount value={c.balance} />
        <button type="button" className="link-button" onClick={() => props.onChange(null)}>
          Change
        </button>
      </div>
    );
  }

  const pick = (c: CustomerSummary | undefined) => {
    if (!c) return;
    props.onChange(c);
    setText('');
    setOpen(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, results.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pick(results[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };
  const showList = open && text.trim() !== '';
  return (
    <div className="combo">
      <input
        id={props.id}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && results[active] ? `${listId}-${active}` : undefined}
        placeholder="Account number or name"
        autoComplete="off"
        autoFocus={props.autoFocus}
        data-hotkey-search
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {showList ? (
        <ul className="combo-list" id={listId} role="listbox">
          {error ? <li className="combo-note error-text">{error}</li> : null}
          {!error && q && results.length === 0 ? (
            <li className="combo-note">No customer matches “{q}”</li>
          ) : null}
          {results.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'combo-item active' : 'combo-item'}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className="mono">{c.accountNumber}</span>
              <span className="combo-name">{c.name}</span>
              <Amount value={c.balance} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
