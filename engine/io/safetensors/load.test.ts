/** torch.load: PyTorch's safetensors fixtures load and match on every device, from every kind of source; bad files are refused with their reason. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../core/dtype';
import { setInterruptCheck } from '../../core/interrupt';
import { nn, torch, type Tensor } from '../../index';
import { MemoryFileStore, setFileStore } from '../file-store';
import { testDevices } from '../../testing/devices';
import { expectClose, type Nested } from '../../testing/nested-close';
import { f32Bytes, fixture, fixtureJson, made, serve } from './test-helpers';

const devices = await testDevices();

interface DtypesJson {
  metadata: Record<string, string>;
  tensors: Record<string, { shape: number[]; dtype: string; data: (number | boolean)[] }>;
}
interface ModelJson {
  wick: string;
  keys: string[];
  inputs: number[];
  logits: number[];
}

const i64 = (values: bigint[]) => new Uint8Array(new BigInt64Array(values).buffer);
const WICK_DTYPE: Record<string, string> = { float32: 'float32', float64: 'float32', int32: 'int32', int64: 'int32', bool: 'bool', float16: 'float16' };

afterEach(() => {
  vi.unstubAllGlobals();
  setFileStore(new MemoryFileStore());
});

/** The CNN of model.json, as its `wick` string writes it. */
const WICK_CNN =
  'new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64, 10))';
const cnn = () =>
  new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64, 10),
  );

describe.each(devices)('torch.load on %s', (d: Device) => {
  it('dtypes.safetensors matches dtypes.json: shapes, dtypes (F64 as float32, I64 as int32) and values', async () => {
    const want = fixtureJson<DtypesJson>('dtypes.json');
    const sd = await torch.load(fixture('dtypes.safetensors'), { device: d });
    expect(Object.keys(sd).sort()).toEqual(Object.keys(want.tensors).sort());
    for (const [name, w] of Object.entries(want.tensors)) {
      const t = sd[name];
      expect(t.device, name).toBe(d);
      expect(t.shape, name).toEqual(w.shape);
      expect(t.dtype, name).toBe(WICK_DTYPE[w.dtype]);
      const got = Array.from(await t.data(), (v) => (t.dtype === 'bool' ? v !== 0 : v));
      if (t.dtype === 'int32' || t.dtype === 'bool') expect(got, name).toEqual(w.data);
      else expectClose(got, w.data as Nested, name);
    }
    expect(await torch.loadMetadata(fixture('dtypes.safetensors'))).toEqual(want.metadata);
  });

  it("model.safetensors loads into model.json's CNN, whose eval() logits match PyTorch's", async () => {
    const want = fixtureJson<ModelJson>('model.json');
    expect(want.wick).toBe(WICK_CNN);
    const model = cnn();
    model.to(d);
    const sd = await torch.load(fixture('model.safetensors'), { device: d });
    expect(Object.keys(sd).sort()).toEqual([...want.keys].sort());
    model.loadStateDict(sd);
    model.eval();
    const x = torch.tensor(new Float32Array(want.inputs), { device: d }).reshape([20, 1, 8, 8]);
    const logits = Array.from(await (model(x) as Tensor).data());
    expect(logits.length).toBe(want.logits.length);
    logits.forEach((v, i) =>
      expect(Math.abs(v - want.logits[i]), `logit ${i}: got ${v}, want ${want.logits[i]}`).toBeLessThanOrEqual(1e-4 * Math.abs(want.logits[i]) + 1e-5),
    );
  });
});

describe('torch.load sources', () => {
  const bytes = fixture('model.safetensors');
  const check = async (sd: Record<string, Tensor>) => {
    expect(Object.keys(sd)).toEqual(['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight']);
    expect(sd['3.weight'].shape).toEqual([16, 8, 3, 3]);
    const reference = new Float32Array(bytes.buffer.slice(8 + 432 + 5032, 8 + 432 + 7592));
    expect(Array.from(await sd['7.weight'].data())).toEqual(Array.from(reference));
  };
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  const cases: { name: string; source: () => Parameters<typeof torch.load>[0] }[] = [
    { name: 'a Blob', source: () => new Blob([bytes]) },
    { name: 'a File', source: () => new File([bytes], 'model.safetensors') },
    { name: 'an ArrayBuffer', source: () => bytes.slice().buffer },
    { name: 'a Uint8Array at an odd offset of its buffer', source: () => padded.subarray(3) },
    {
      name: "a file name of the notebook's files",
      source: () => {
        const store = new MemoryFileStore();
        setFileStore(store);
        void store.put('m.safetensors', new Blob([bytes]));
        return 'm.safetensors';
      },
    },
    {
      name: 'a URL streamed in 7-byte chunks',
      source: () => {
        serve('https://example.com/m.safetensors', bytes);
        return 'https://example.com/m.safetensors';
      },
    },
    {
      name: 'a URL without a content-length, in 5-byte chunks',
      source: () => {
        serve('https://example.com/m.safetensors', bytes, { chunk: 5, length: false });
        return 'https://example.com/m.safetensors';
      },
    },
  ];
  it.each(cases)('from $name', async ({ source }) => {
    await check(await torch.load(source(), { device: 'cpu' }));
  });

  it('a URL is read in one pass: every chunk once', async () => {
    const pulled = serve('https://example.com/m.safetensors', bytes, { chunk: 7 });
    await torch.load('https://example.com/m.safetensors');
    expect(pulled()).toBe(Math.ceil(bytes.length / 7));
  });

  it('loadMetadata reads the header only', async () => {
    const pulled = serve('https://example.com/m.safetensors', bytes, { chunk: 7 });
    expect(await torch.loadMetadata('https://example.com/m.safetensors')).toEqual({ format: 'pt' });
    expect(pulled()).toBeLessThan(Math.ceil((8 + 432) / 7) + 3);
    expect(await torch.loadMetadata(made({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32Bytes([1])))).toEqual({});
  });

  it('a missing file name and a failed fetch are clear errors', async () => {
    await expect(torch.load('nope.safetensors')).rejects.toThrow(/torch\.load: no file 'nope\.safetensors'/);
    serve('https://example.com/m.safetensors', bytes);
    await expect(torch.load('https://example.com/other.safetensors')).rejects.toThrow(/HTTP 404/);
    await expect(torch.load(42 as unknown as string)).rejects.toThrow(/expected a file name, a URL/);
  });

  it('loadStateDict refuses a state dict of the wrong shapes or keys with its own errors', async () => {
    const sd = await torch.load(bytes, { device: 'cpu' });
    const wrong = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(4, 16, 3, { padding: 1 }));
    expect(() => wrong.loadStateDict(sd)).toThrow(/unexpected keys: 7\.bias, 7\.weight/);
    expect(() => wrong.loadStateDict(sd, { strict: false })).toThrow(/size mismatch for '0\.weight': got \[8, 1, 3, 3\], the module has \[4, 1, 3, 3\]/);
    // Another dtype of the right shape is cast on the copy, as PyTorch's load_state_dict does.
    const linear = new nn.Linear(2, 1);
    linear.loadStateDict(
      await torch.load(
        made({ bias: { dtype: 'I64', shape: [1], data_offsets: [0, 8] }, weight: { dtype: 'I32', shape: [1, 2], data_offsets: [8, 16] } }, [
          ...i64([5n]),
          ...new Uint8Array(new Int32Array([-1, 2]).buffer),
        ]),
      ),
    );
    expect(linear.weight.dtype).toBe('float32');
    expect(await linear.weight.tolist()).toEqual([[-1, 2]]);
    expect(await linear.bias?.tolist()).toEqual([5]);
  });

  it('loads to the default device unless told', async () => {
    const sd = await torch.load(bytes);
    expect(sd['0.bias'].device).toBe(torch.getDefaultDevice());
    await expect(torch.load(bytes, { device: 'tpu' as 'cpu' })).rejects.toThrow(/torch\.load: device must be 'cpu' or 'webgpu', got "tpu"/);
  });
});

// ---- bad files ----

const ok = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };

interface BadCase {
  name: string;
  bytes: () => Uint8Array<ArrayBuffer>;
  want: RegExp;
}

const badFixtures: BadCase[] = [
  { name: 'bad-empty (an empty file)', bytes: () => fixture('bad-empty.safetensors'), want: /is not a safetensors file: the file is empty/ },
  {
    name: 'bad-truncated',
    bytes: () => fixture('bad-truncated.safetensors'),
    want: /data section has 255 bytes but the header's offsets need 272: the file is truncated/,
  },
  {
    name: 'bad-header-too-long',
    bytes: () => fixture('bad-header-too-long.safetensors'),
    want: /header length \(1000000000 bytes\) is larger than the file \(1024 bytes\)/,
  },
  { name: 'bad-not-json', bytes: () => fixture('bad-not-json.safetensors'), want: /header is not JSON .*it starts '\{not json at all'/ },
  {
    name: 'bad-unknown-dtype',
    bytes: () => fixture('bad-unknown-dtype.safetensors'),
    want: /tensor 'i64_small' has dtype 'Q7', which safetensors does not define/,
  },
  {
    name: 'bad-shape-lies',
    bytes: () => fixture('bad-shape-lies.safetensors'),
    want: /tensor 'f32_matrix' has shape \[30, 40\] of F32, which needs 4800 bytes, but its data_offsets \[112, 160\] hold 48/,
  },
  {
    name: 'bad-overlap',
    bytes: () => fixture('bad-overlap.safetensors'),
    want: /byte ranges of tensors '(f32_matrix|i32)' \[212, 260\) and '(f32_matrix|i32)' \[212, 260\) overlap/,
  },
  {
    name: 'bad-zip (a torch.save .pt)',
    bytes: () => fixture('bad-zip.safetensors'),
    want: /a zip archive, as PyTorch's torch.save writes .*save_file\(model.state_dict\(\)/,
  },
];

const badMade: BadCase[] = [
  {
    name: 'a pickle (the old torch.save)',
    bytes: () => new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8]),
    want: /it is a pickle/,
  },
  { name: 'fewer than 8 bytes', bytes: () => new Uint8Array([1, 0, 0]), want: /it has 3 bytes, fewer than the 8/ },
  { name: 'a header that is not UTF-8', bytes: () => made(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), want: /its header is not UTF-8 text/ },
  { name: 'a header that is JSON but a list', bytes: () => made('[1, 2]  '), want: /header is JSON but not an object \(got a list\)/ },
  { name: 'an entry without dtype', bytes: () => made({ a: { shape: [1], data_offsets: [0, 4] } }, f32Bytes([1])), want: /tensor 'a' has no dtype string/ },
  { name: 'an entry that is a number', bytes: () => made({ a: 3 }), want: /tensor 'a' is described by 3, not an object/ },
  {
    name: 'a shape that is a string',
    bytes: () => made({ a: { ...ok, shape: '1' } }, f32Bytes([1])),
    want: /tensor 'a' has shape "1": a shape is a list of non-negative integers/,
  },
  { name: 'a negative size', bytes: () => made({ a: { ...ok, shape: [-1] } }, f32Bytes([1])), want: /tensor 'a' has shape \[-1\]/ },
  { name: 'a fractional size', bytes: () => made({ a: { ...ok, shape: [1.5] } }, f32Bytes([1])), want: /tensor 'a' has shape \[1.5\]/ },
  {
    name: 'data_offsets of one number',
    bytes: () => made({ a: { ...ok, data_offsets: [4] } }, f32Bytes([1])),
    want: /tensor 'a' has data_offsets \[4\]: they are \[begin, end\]/,
  },
  { name: 'data_offsets that end first', bytes: () => made({ a: { ...ok, shape: [0], data_offsets: [4, 0] } }, f32Bytes([1])), want: /end before they begin/ },
  {
    name: 'a gap between tensors',
    bytes: () => made({ a: ok, b: { ...ok, data_offsets: [8, 12] } }, f32Bytes([1, 2, 3])),
    want: /tensor 'b' \[8, 12\) starts at byte 8 of the data, but the previous tensor ends at 4/,
  },
  {
    name: 'offsets that do not start at 0',
    bytes: () => made({ a: { ...ok, data_offsets: [4, 8] } }, f32Bytes([1, 2])),
    want: /starts at byte 4 .* ends at 0/,
  },
  { name: 'data after the last tensor', bytes: () => made({ a: ok }, f32Bytes([1, 2])), want: /data section has 8 bytes but the header's tensors cover 4/ },
  {
    name: 'metadata with a number',
    bytes: () => made({ __metadata__: { epoch: 3 }, a: ok }, f32Bytes([1])),
    want: /__metadata__ has "epoch": 3; metadata values must be strings/,
  },
  { name: 'metadata that is a list', bytes: () => made({ __metadata__: ['x'], a: ok }, f32Bytes([1])), want: /__metadata__ is \["x"\], not an object/ },
  {
    name: 'an F8_E4M3 tensor',
    bytes: () => made({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, [1, 2, 3, 4]),
    want: /tensor 'a' has dtype F8_E4M3, which Wick does not read/,
  },
  {
    name: 'a made-up dtype',
    bytes: () => made({ a: { dtype: 'F12', shape: [1], data_offsets: [0, 4] } }, [1, 2, 3, 4]),
    want: /tensor 'a' has dtype 'F12', which safetensors does not define/,
  },
  {
    name: 'an I64 value outside int32 (after a good tensor was read)',
    bytes: () => made({ a: ok, big: { dtype: 'I64', shape: [2], data_offsets: [4, 20] } }, [...f32Bytes([1]), ...i64([5n, -3000000000n])]),
    want: /tensor 'big' \(I64\) holds -3000000000 at flat index 1, outside int32's range/,
  },
];

describe.each(devices)('torch.load refuses bad files on %s', (d: Device) => {
  it.each([...badFixtures, ...badMade])('$name', async ({ bytes, want }) => {
    const store = new MemoryFileStore();
    setFileStore(store);
    await store.put('bad.safetensors', new Blob([bytes()]));
    const before = JSON.stringify(await store.list());
    const live = torch.memory().liveTensors;
    const error = await torch.load('bad.safetensors', { device: d }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('WickError');
    expect((error as Error).message).toMatch(/^torch\.load: 'bad\.safetensors'/);
    expect((error as Error).message).toMatch(want);
    expect(torch.memory().liveTensors).toBeLessThanOrEqual(live);
    expect(JSON.stringify(await store.list())).toBe(before);
  });
});

describe('torch.load refuses bad streams', () => {
  const good = made({ a: ok, b: { ...ok, data_offsets: [4, 8] } }, f32Bytes([1, 2]));
  it('a header length over 100 MB is refused before the header is read', async () => {
    const pulled = serve('https://example.com/x', made('{}', [], 150_000_000), { length: false });
    await expect(torch.load('https://example.com/x')).rejects.toThrow(
      /https:\/\/example.com\/x is not a safetensors file: its header length \(150000000 bytes\) is over the 100 MB limit/,
    );
    expect(pulled()).toBeLessThanOrEqual(2);
  });
  it('a stream that ends inside a tensor leaves no tensors', async () => {
    serve('https://example.com/x', good.slice(0, good.length - 2), { length: false });
    const live = torch.memory().liveTensors;
    await expect(torch.load('https://example.com/x')).rejects.toThrow(
      /ends after 6 bytes of data, inside tensor 'b', but the header's offsets need 8: it is truncated/,
    );
    expect(torch.memory().liveTensors).toBeLessThanOrEqual(live);
  });
  it('a stream with bytes after the last tensor', async () => {
    serve('https://example.com/x', new Uint8Array([...good, 0, 0]), { length: false });
    await expect(torch.load('https://example.com/x')).rejects.toThrow(/bytes follow the last tensor's/);
  });
  it('a stream whose content-length disagrees with its header', async () => {
    serve('https://example.com/x', new Uint8Array([...good, 0, 0, 0, 0]));
    await expect(torch.load('https://example.com/x')).rejects.toThrow(/data section has 12 bytes but the header's tensors cover 8/);
  });
});

describe('an interrupted load', () => {
  it('stops between tensors and leaves none', async () => {
    const live = torch.memory().liveTensors;
    let calls = 0;
    setInterruptCheck(() => {
      if (++calls === 3) throw new Error('interrupted');
    });
    try {
      await expect(torch.load(fixture('model.safetensors'), { device: 'cpu' })).rejects.toThrow('interrupted');
    } finally {
      setInterruptCheck(null);
    }
    expect(calls).toBe(3);
    expect(torch.memory().liveTensors).toBeLessThanOrEqual(live);
  });
});
