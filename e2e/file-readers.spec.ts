// The readers that need a browser, run from a cell in the kernel Worker (no page involved):
// files.readImage decodes a PNG (exact values) and a JPEG (approximate), files.readNpz inflates a
// np.savez_compressed file with the Worker's DecompressionStream, files.readCsv reads a Blob; a
// data: URL is fetched (the app's policy allows data: and blob: fetches).
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

// A 2x2 RGB PNG: red, green / blue, (10, 20, 30).
const PNG_2X2 = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAE0lEQVR4nGP4z8DAAMIM/7lE5AAaWAM6VmOiPAAAAABJRU5ErkJggg==';
// np.savez_compressed(w=np.array([[1, 2], [3, 4]], np.float32)), made by numpy 2.4.
const NPZ_COMPRESSED =
  'UEsDBC0AAAAIAAAAIQBO+yB1//////////8FABQAdy5ucHkBABAAkAAAAAAAAABTAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CkaaOgq1CmQDLgaGBnsGBgYHIALiBgcAUEsBAi0DLQAAAAgAAAAhAE77IHVTAAAAkAAAAAUAAAAAAAAAAAAAAIABAAAAAHcubnB5UEsFBgAAAAABAAEAMwAAAIoAAAAAAA==';

test('a cell reads a PNG, a JPEG, a compressed .npz and a CSV into tensors in the Worker', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  // An 8x4 JPEG of one color, encoded by the page's canvas.
  const jpeg = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 8;
    canvas.height = 4;
    const context = canvas.getContext('2d')!;
    context.fillStyle = 'rgb(200, 100, 50)';
    context.fillRect(0, 0, 8, 4);
    return canvas.toDataURL('image/jpeg', 0.95).split(',')[1];
  });
  const cell = await notebook.addCode(`const bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const png = await files.readImage('data:image/png;base64,${PNG_2X2}');
const gray = await files.readImage(new Blob([bytes('${PNG_2X2}')]), { mode: 'L' });
const jpg = await files.readImage(bytes('${jpeg}'));
await files.write('w.npz', bytes('${NPZ_COMPRESSED}'));
const npz = await files.readNpz('w.npz');
const table = await files.readCsv(new Blob(['a,name,b\\r\\n1,"x, y",2\\r\\n3,z,\\r\\n']));
const jpgMean = await jpg.mean([1, 2]).tolist();
JSON.stringify([png.shape, await png.tolist(), await gray.tolist(), jpg.shape, jpgMean, Object.keys(npz).length, npz.w.shape, await npz.w.tolist(), table.data.shape, await table.data.tolist(), table.text.name.length]).replaceAll('"', '');`);
  await page.keyboard.press('ControlOrMeta+Enter');
  await cell.expectStatus('done');
  const text = await cell.output.innerText();
  const match = text.match(/\[\[3,2,2\].*\]/s);
  expect(match, text).not.toBeNull();
  const [pngShape, pngValues, grayValues, jpgShape, jpgMean, npzCount, npzShape, npzValues, csvShape, csvValues, textCount] = JSON.parse(match![0]);
  expect(pngShape).toEqual([3, 2, 2]);
  const close = (got: number[], want: number[], tolerance: number) =>
    got.forEach((g, i) => expect(Math.abs(g - want[i]), `${g} vs ${want[i]}`).toBeLessThanOrEqual(tolerance));
  close(pngValues.flat(2), [1, 0, 0, 10 / 255, 0, 1, 0, 20 / 255, 0, 0, 1, 30 / 255], 1e-6);
  // PIL's convert('L'): red 76, green 150, blue 29, (10, 20, 30) 18.
  close(grayValues.flat(2), [76 / 255, 150 / 255, 29 / 255, 18 / 255], 1e-6);
  expect(jpgShape).toEqual([3, 4, 8]);
  close(jpgMean, [200 / 255, 100 / 255, 50 / 255], 0.03);
  expect([npzCount, npzShape, npzValues]).toEqual([
    1,
    [2, 2],
    [
      [1, 2],
      [3, 4],
    ],
  ]);
  expect([csvShape, csvValues[0], csvValues[1][0], csvValues[1][1], textCount]).toEqual([[2, 2], [1, 2], 3, null, 2]);
});
