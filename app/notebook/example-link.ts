// Links between the shipped examples: a markdown link to `?open=examples/<file>.ipynb` (which also
// works as a plain link, in a new tab or pasted) opens that example in this page when clicked.

/** The example file a link points at (`eager.ipynb`), or null for any other link. */
export function exampleLinkFile(href: string, page: string): string | null {
  let url: URL;
  try {
    url = new URL(href, page);
  } catch {
    return null;
  }
  const here = new URL(page);
  if (url.origin !== here.origin || url.pathname !== here.pathname || url.hash !== '') return null;
  const params = new URLSearchParams(url.search);
  if ([...params.keys()].some((key) => key !== 'open')) return null;
  const match = /^examples\/([A-Za-z0-9][\w-]*\.ipynb)$/.exec(params.get('open') ?? '');
  return match ? match[1] : null;
}
