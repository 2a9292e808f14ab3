/** The first names shipped in public/data/names (Moby Word II, public domain): a loader that gives the list. */
import { fail } from '../core/errors';

export const NAMES_URL = 'data/names/names.txt';

/** Splits the file into names: one a line, lower case a–z, blank lines dropped. */
export function parseNames(text: string): string[] {
  const names = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const bad = names.findIndex((name) => !/^[a-z]+$/.test(name));
  if (bad >= 0) fail('loadNames', `line ${bad + 1} ('${names[bad].slice(0, 40)}') is not a lower-case name of the letters a–z`);
  return names;
}

/**
 * The 8,403 first names shipped with the app (lower case, a–z), as an array of strings: the corpus
 * of the character-level GPT example. Fetches the shipped file (in a browser page or Worker).
 */
export async function loadNames(url: string = NAMES_URL): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    fail('loadNames', `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) fail('loadNames', `could not fetch ${url} (HTTP ${response.status})`);
  return parseNames(await response.text());
}
