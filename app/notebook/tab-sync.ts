// Tabs of one origin share one autosave. Each tab says so to the others on a BroadcastChannel
// named after the autosave key (so the page can tell the user), and every save carries the tab's
// id and a revision, so a tab never writes over a save another tab made after this tab last
// loaded or saved (the user chooses instead: load the other tab's version, or keep this one).

/** Who wrote the stored notebook, and its revision (one more at every save, whichever tab saves). */
export interface SaveStamp {
  tabId: string;
  revision: number;
}

export type SaveDecision = { write: true; revision: number } | { write: false; other: SaveStamp };

/**
 * Whether this tab may save over what is stored. `known` is the revision this tab last loaded or
 * saved: a later revision written by another tab is newer work that a save would lose.
 * A save from before revisions existed (no stamp) is treated as revision 0.
 */
export function decideSave(stored: Partial<SaveStamp> | undefined, tabId: string, known: number): SaveDecision {
  const revision = typeof stored?.revision === 'number' ? stored.revision : 0;
  const writer = stored?.tabId;
  if (writer !== undefined && writer !== tabId && revision > known) return { write: false, other: { tabId: writer, revision } };
  return { write: true, revision: Math.max(revision, known) + 1 };
}

export type TabMessage =
  | { type: 'hello'; tab: string } // a tab opened (or came back from the back/forward cache)
  | { type: 'here'; tab: string } // the answer to hello
  | { type: 'bye'; tab: string } // a tab is going away
  | { type: 'saved'; tab: string; revision: number };

/** The other tabs after `message`, and what to answer (hello gets here). Pure: the channel is TabSync's. */
export function onTabMessage(others: ReadonlySet<string>, message: TabMessage, me: string): { others: Set<string>; reply: TabMessage | null } {
  const next = new Set(others);
  if (message.tab === me) return { others: next, reply: null };
  if (message.type === 'bye') next.delete(message.tab);
  else next.add(message.tab);
  return { others: next, reply: message.type === 'hello' ? { type: 'here', tab: me } : null };
}

export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  const { type, tab, revision } = data as Record<string, unknown>;
  if (typeof tab !== 'string') return false;
  if (type === 'saved') return typeof revision === 'number';
  return type === 'hello' || type === 'here' || type === 'bye';
}

export function newTabId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface TabSyncEvents {
  /** How many other tabs have this notebook open. */
  others(count: number): void;
  /** Another tab saved `revision`. */
  saved?(stamp: SaveStamp): void;
}

/** This tab's presence on the channel. Without BroadcastChannel it sees no other tabs (saves are still checked). */
export class TabSync {
  readonly tabId = newTabId();
  private others = new Set<string>();
  private channel: BroadcastChannel | null = null;

  constructor(
    private readonly name: string,
    private readonly events: TabSyncEvents,
  ) {}

  start(): void {
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel?.close();
    this.channel = new BroadcastChannel(this.name);
    this.channel.onmessage = (event: MessageEvent<unknown>) => {
      if (!isTabMessage(event.data)) return;
      const before = this.others.size;
      const { others, reply } = onTabMessage(this.others, event.data, this.tabId);
      this.others = others;
      if (reply) this.post(reply);
      if (others.size !== before) this.events.others(others.size);
      if (event.data.type === 'saved' && event.data.tab !== this.tabId) this.events.saved?.({ tabId: event.data.tab, revision: event.data.revision });
    };
    this.post({ type: 'hello', tab: this.tabId });
  }

  announceSave(revision: number): void {
    this.post({ type: 'saved', tab: this.tabId, revision });
  }

  /** Leaves the channel (the page is going away); start() joins again. */
  stop(): void {
    this.post({ type: 'bye', tab: this.tabId });
    this.channel?.close();
    this.channel = null;
    if (this.others.size > 0) this.events.others(0);
    this.others = new Set();
  }

  private post(message: TabMessage): void {
    this.channel?.postMessage(message);
  }
}
