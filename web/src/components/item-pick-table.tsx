import { Amount, DateText } from './ui.tsx';

/** An open item a form can pick (a dispute's or a write-off's items). */
export interface PickableItem {
  id: number;
  number: string;
  dueDate: string;
  open: string;
}

/** Open items with a checkbox each; a click anywhere on the row toggles it. */
export function ItemPickTable({ items, picked, onToggle }: {
  items: readonly PickableItem[];
  picked: ReadonlySet<number>;
  onToggle: (id: number) => void;
}) {
  return (
    <table className="grid inner">
      <thead><tr><th className="check" /><th>Item</th><th>Due</th>
        <th className="num">Open</th></tr></thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id} className={picked.has(i.id) ? 'checked' : undefined}
            onClick={() => onToggle(i.id)}>
            <td className="check">
              <input type="checkbox" checked={picked.has(i.id)} aria-label={i.number}
                onChange={() => onToggle(i.id)} onClick={(e) => e.stopPropagation()} />
            </td>
            <td className="mono">{i.number}</td>
            <td><DateText value={i.dueDate} /></td>
            <td className="num"><Amount value={i.open} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
