import { useEffect, useRef, useState } from 'react';
import { isIsoDate } from '../format.ts';

/**
 * A date field that always reads YYYY-MM-DD (the browser's own date input follows the OS locale,
 * which would mix formats on one screen), with a button that opens the native calendar.
 * `onChange` fires with a valid date, or "" when the field is cleared.
 */
export function DateInput(props: {
  value: string;
  onChange: (date: string) => void;
  label?: string;
  min?: string;
  max?: string;
  required?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
}) {
  const [text, setText] = useState(props.value);
  const picker = useRef<HTMLInputElement>(null);
  useEffect(() => setText(props.value), [props.value]);
  const invalid = text !== '' && !isIsoDate(text);
  const commit = (v: string) => {
    setText(v);
    if (v === '' || isIsoDate(v)) {
      if (v !== props.value) props.onChange(v);
    }
  };
  const open = () => {
    const p = picker.current;
    if (!p) return;
    try {
      p.showPicker();
    } catch {
      p.focus();
    }
  };
  return (
    <span className="date-input">
      <input
        type="text"
        inputMode="numeric"
        aria-label={props.label}
        aria-invalid={invalid}
        className={invalid ? 'invalid' : undefined}
        placeholder={props.placeholder ?? 'YYYY-MM-DD'}
        required={props.required}
        autoFocus={props.autoFocus}
        size={10}
        maxLength={10}
        value={text}
        onChange={(e) => commit(e.target.value.trim())}
      />
      <button type="button" className="date-button" tabIndex={-1} onClick={open}
        aria-label="Open calendar" title="Open calendar">
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <rect x="2" y="3" width="12" height="11" rx="1.5" fill="none" stroke="currentColor" />
          <path d="M2 6.5h12M5 1.5v3M11 1.5v3" stroke="currentColor" />
        </svg>
      </button>
      <input
        ref={picker}
        type="date"
        className="date-native"
        tabIndex={-1}
        aria-hidden="true"
        min={props.min}
        max={props.max}
        value={isIsoDate(text) ? text : ''}
        onChange={(e) => commit(e.target.value)}
      />
    </span>
  );
}
