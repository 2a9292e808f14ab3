// What the browser stores share: name checks that do not throw (a name no store can hold is simply
// not there), the site's quota, and browser errors turned into clear ones. Web APIs only, no React:
// the Worker and the page both import these modules.
import { checkFileName } from '../../engine/io/file-store';
import { WickError, fail } from '../../engine/core/errors';

/** The name as stores keep it, or null when no file can have it ('' or '..', a '/', …). */
export function storedName(name: string): string | null {
  try {
    return checkFileName('files', name);
  } catch {
    return null;
  }
}

/** The site's usage and quota, from navigator.storage.estimate(), or null where the browser does not say. */
export async function browserEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const estimate = await globalThis.navigator?.storage?.estimate?.();
    if (!estimate || typeof estimate.quota !== 'number' || !Number.isFinite(estimate.quota)) return null;
    return { usage: estimate.usage ?? 0, quota: estimate.quota };
  } catch {
    return null;
  }
}

/** True for the browser's "storage is full" errors, which writeFile turns into its quota message. */
export function isQuotaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'QuotaExceededError';
}

/** Rethrows a quota error or a WickError as it is; any other error as a WickError saying what failed, and where. */
export function rethrow(op: string, what: string, where: string, error: unknown): never {
  if (isQuotaError(error) || error instanceof WickError) throw error;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return fail(op, `could not ${what} in ${where} (${reason})`);
}
