/** torch.save: Wick writes the bytes PyTorch's safetensors package writes, and what it writes loads back the same, on every device. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { nn, torch, type Tensor } from '../../index';
import { fileStore, MemoryFileStore, setFileStore } from '../file-store';
import { testDevices } from '../../testing/devices';
import { floatToHalf, halfToFloat } from './codec';
import { fixture } from './test-helpers';

const devices = await testDevices();

afterEach(() => setFileStore(new MemoryFileStore()));

const base64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * What safetensors 0.8.0 writes (`safetensors.numpy.save`) for b.weight (f32 [2, 3]: 0, 0.5, … 2.5),
 * '10' (i32 [-1, 0, 7]), mask (bool [1, 0, 1, 1, 0]), h (f16 [0.5, -2, 65504]), '0' (f32 scalar
 * 3.25), e (f32 [0, 2]), Z (f32 [-1.5]), with metadata {format: 'pt', note: 'é "q"\n'}.
 */
const MIXED =
  'wAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCIsIm5vdGUiOiLDqSBcInFcIlxuIn0sIjAiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzAsNF19LCJaIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbNCw4XX0sImIud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOls4LDMyXX0sImUiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsMl0sImRhdGFfb2Zmc2V0cyI6WzMyLDMyXX0sIjEwIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMzIsNDRdfSwiaCI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6WzQ0LDUwXX0sIm1hc2siOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOls1XSwiZGF0YV9vZmZzZXRzIjpbNTAsNTVdfX0gAABQQAAAwL8AAAAAAAAAPwAAgD8AAMA/AAAAQAAAIED/////AAAAAAcAAAAAOADA/3sBAAEBAA==';
/** What safetensors 0.8.0 writes for f32 scalars z 1, é 2, 😀 3, U+FFFD 4, Z 5: names in UTF-8 byte order, no metadata. */
const NAMES =
  'EAEAAAAAAAB7IloiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzAsNF19LCJ6Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOls0LDhdfSwiw6kiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6W10sImRhdGFfb2Zmc2V0cyI6WzgsMTJdfSwi77+9Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsxMiwxNl19LCLwn5iAIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsxNiwyMF19fQAAoEAAAIA/AAAAQAAAgEAAAEBA';

async function saved(name: string): Promise<Uint8Array> {
  const blob = await fileStore().get(name);
  expect(blob, name).not.toBeNull();
  return new Uint8Array(await (blob as Blob).arrayBuffer());
}

/** The layout rules, checked on their own: LE u64 length, compact JSON padded with spaces to 8, offsets contiguous from 0 to the end. */
function checkLayout(bytes: Uint8Array): void {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  expect((8 + n) % 8).toBe(0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const json = text.trimEnd();
  expect(text.slice(json.length)).toBe(' '.repeat(n - new TextEncoder().encode(json).length));
  expect(json).not.toMatch(/[:,] /);
  const header = JSON.parse(json) as Record<string, { data_offsets: [number, number] }>;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  entries.sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1]);
  let at = 0;
  for (const [k, v] of entries) {
    expect(v.data_offsets[0], k).toBe(at);
    at = v.data_offsets[1];
  }
  expect(bytes.length).toBe(8 + n + at);
}

describe.each(devices)('torch.save on %s', (d: Device) => {
  it('model.safetensors loaded and saved again is the same file, byte for byte', async () => {
    const bytes = fixture('model.safetensors');
    const sd = await torch.load(bytes, { device: d });
    const info = await torch.save(sd, 'model.safetensors', { metadata: await torch.loadMetadata(bytes) });
    expect(info).toMatchObject({ name: 'model.safetensors', size: bytes.length });
    expect(await saved('model.safetensors')).toEqual(bytes);
  });

  it('a state dict of every dtype (with a transposed view, a scalar, an empty tensor) is what safetensors 0.8.0 writes', async () => {
    const sd: Record<string, Tensor> = {
      'b.weight': torch
        .tensor(
          [
            [0, 1.5],
            [0.5, 2],
            [1, 2.5],
          ],
          { device: d },
        )
        .t(),
      10: torch.tensor([-1, 0, 7], { device: d, dtype: 'int32' }),
      mask: torch.tensor([true, false, true, true, false], { device: d }),
      h: torch.tensor([0.5, -2, 65504], { device: d, dtype: 'float16' }),
      0: torch.tensor(3.25, { device: d }),
      e: torch.zeros([0, 2], { device: d }),
      Z: torch.tensor([-1.5], { device: d }),
    };
    expect(sd['b.weight'].isContiguous()).toBe(false);
    await torch.save(sd, 'mixed.safetensors', { metadata: { format: 'pt', note: 'é "q"\n' } });
    const bytes = await saved('mixed.safetensors');
    checkLayout(bytes);
    expect(bytes).toEqual(base64(MIXED));
  });

  it('names sort in UTF-8 byte order, as the package sorts them', async () => {
    const s = (v: number) => torch.tensor(v, { device: d });
    await torch.save({ z: s(1), é: s(2), '\u{1F600}': s(3), '\uFFFD': s(4), Z: s(5) }, 'names.safetensors');
    expect(await saved('names.safetensors')).toEqual(base64(NAMES));
  });

  it('every dtype, shape and view loads back as it was saved', async () => {
    const base = torch.arange(24, { device: d, dtype: 'float32' }).reshape([2, 3, 4]);
    const sd: Record<string, Tensor> = {
      f32: base.mul(0.25),
      view: base.permute([2, 0, 1]).narrow(0, 1, 2),
      expanded: torch.tensor([1, 2], { device: d }).expand([3, 2]),
      i32: torch.tensor([-2147483648, 2147483647, 0], { device: d, dtype: 'int32' }),
      bool: torch.tensor([[true], [false]], { device: d }),
      f16: torch.tensor([0.1, -65504, 6e-8, 1e5], { device: d, dtype: 'float16' }),
      scalar: torch.tensor(-7, { device: d, dtype: 'int32' }),
      empty: torch.zeros([3, 0], { device: d, dtype: 'bool' }),
    };
    await torch.save(sd, 'all.safetensors');
    checkLayout(await saved('all.safetensors'));
    const back = await torch.load('all.safetensors', { device: d });
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) {
      expect(back[k].shape, k).toEqual(t.shape);
      expect(back[k].dtype, k).toBe(t.dtype);
      expect(back[k].device, k).toBe(d);
      const want = Array.from(await t.data());
      // float16 is held widened in Wick; the file holds the nearest half, as PyTorch's .half() rounds.
      expect(Array.from(await back[k].data()), k).toEqual(t.dtype === 'float16' ? want.map((v) => halfToFloat(floatToHalf(v))) : want);
    }
    expect(Array.from(await back.f16.data())).toEqual([0.0999755859375, -65504, 5.960464477539063e-8, Infinity]);
  });

  it('a Module saves its stateDict; nested objects, arrays and Maps join their keys with dots', async () => {
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
    model.to(d);
    await torch.save(model, 'a.safetensors');
    await torch.save(model.stateDict(), 'b.safetensors');
    expect(await saved('a.safetensors')).toEqual(await saved('b.safetensors'));
    const step = torch.tensor(3, { device: d, dtype: 'int32' });
    // One tensor under several keys (tied weights) is written under each.
    await torch.save({ model, extra: { step, list: [step, step] }, map: new Map([['x', step]]) }, 'c.safetensors');
    const keys = Object.keys(await torch.load('c.safetensors', { device: d })).sort();
    expect(keys).toEqual(['extra.list.0', 'extra.list.1', 'extra.step', 'map.x', 'model.0.bias', 'model.0.weight', 'model.2.bias', 'model.2.weight']);
    const fresh = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
    fresh.to(d);
    fresh.loadStateDict(await torch.load('a.safetensors', { device: 'cpu' }));
    const want = model.stateDict();
    for (const [k, t] of Object.entries(fresh.stateDict())) expect(Array.from(await t.data()), k).toEqual(Array.from(await want[k].data()));
  });
});

describe('torch.save refuses', () => {
  const x = torch.tensor([1, 2]);
  const disposed = torch.tensor([1]);
  disposed.dispose();
  const cases: { name: string; run: () => Promise<unknown>; want: RegExp }[] = [
    { name: 'a number among the tensors', run: () => torch.save({ a: x, opt: { lr: 0.1 } }, 'f'), want: /'opt\.lr' is a number \(0\.1\), not a tensor/ },
    { name: 'null', run: () => torch.save({ a: null }, 'f'), want: /'a' is null, not a tensor/ },
    { name: 'one bare tensor', run: () => torch.save(x, 'f'), want: /got one tensor: name it, as in torch\.save\(\{ x \}, name\)/ },
    { name: 'a string for the object', run: () => torch.save('x', 'f'), want: /the object is a string \(x\), not a tensor/ },
    { name: 'a key made twice', run: () => torch.save({ 'a.b': x, a: { b: x } }, 'f'), want: /two tensors have the key 'a\.b'/ },
    { name: 'a disposed tensor', run: () => torch.save({ gone: disposed }, 'f'), want: /tensor 'gone' was disposed/ },
    {
      name: 'a metadata number',
      run: () => torch.save({ x }, 'f', { metadata: { epoch: 3 as unknown as string } }),
      want: /options\.metadata\['epoch'\] is a number/,
    },
    { name: 'a name with a folder', run: () => torch.save({ x }, 'a/b.safetensors'), want: /has a '\/'/ },
    { name: 'an empty name', run: () => torch.save({ x }, ' '), want: /must not be empty/ },
  ];
  it.each(cases)('$name', async ({ run, want }) => {
    const error = await run().catch((e: unknown) => e);
    expect((error as Error).name).toBe('WickError');
    expect((error as Error).message).toMatch(/^torch\.save: /);
    expect((error as Error).message).toMatch(want);
    expect(await fileStore().list()).toEqual([]);
  });

  it('a file over the quota, keeping the old file', async () => {
    const store = new MemoryFileStore(1000);
    setFileStore(store);
    await torch.save({ small: torch.zeros([10]) }, 'm.safetensors');
    const old = await saved('m.safetensors');
    await expect(torch.save({ big: torch.zeros([300]) }, 'm.safetensors')).rejects.toThrow(/torch\.save: 'm\.safetensors' \(1\.3 kB\) does not fit/);
    expect(await saved('m.safetensors')).toEqual(old);
    expect((await store.list()).map((f) => f.name)).toEqual(['m.safetensors']);
  });
});

describe('half floats', () => {
  it('every half converts to a number and back to the same bits (NaNs stay NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = halfToFloat(h);
      if (Number.isNaN(v)) expect((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0).toBe(true);
      else if (floatToHalf(v) !== h) expect.fail(`half 0x${h.toString(16)} = ${v} came back as 0x${floatToHalf(v).toString(16)}`);
    }
  });
  const cases: [number, number][] = [
    [1 + 2 ** -11, 0x3c00], // a tie rounds to even (down)
    [1 + 3 * 2 ** -11, 0x3c02], // a tie rounds to even (up)
    [65519, 0x7bff],
    [65520, 0x7c00], // rounds up to infinity
    [2 ** -25, 0x0000], // half the smallest subnormal: a tie, to even (zero)
    [3 * 2 ** -25, 0x0002],
    [-1e-9, 0x8000],
    [NaN, 0x7e00],
  ];
  it.each(cases)('%s rounds to the half bits %i as PyTorch does', (v, h) => {
    expect(floatToHalf(v)).toBe(h);
  });
});
