import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * A modal built on <dialog>: the browser traps focus and closes it on Escape. `open` drives it;
 * `onClose` is called for Escape, the backdrop and the close button.
 */
export function Dialog(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) props.onClose();
      }}
    >
      <div className="dialog-head">
        <h2>{props.title}</h2>
        <button type="button" className="icon-button" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </div>
      {props.open ? props.children : null}
    </dialog>
  );
}
