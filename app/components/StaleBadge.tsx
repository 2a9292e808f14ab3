// The mark on a cell that ran with names a cell above has since changed (panels/stale-tracker.ts).
import type { StaleMark } from '../panels/panels-store';

export function staleReason(mark: StaleMark): string {
  const names = mark.names.map((n) => `\`${n}\``).join(', ');
  return `Stale: cell ${mark.cellNumber} was ${mark.how} after this cell ran, and this cell uses ${names} from it. Run this cell again to bring it up to date.`;
}

export function StaleBadge({ mark }: { mark: StaleMark }) {
  const reason = staleReason(mark);
  return (
    <span className="stale-badge" data-testid="stale-badge" title={reason}>
      stale<span className="visually-hidden">. {reason}</span>
    </span>
  );
}
