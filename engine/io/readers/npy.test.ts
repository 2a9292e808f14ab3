import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch } from '../../index';
import { expectClose, type Nested } from '../../testing/nested-close';
import { testDevices } from '../../testing/devices';
import { fileStore, MemoryFileStore, setFileStore } from '../file-store';
import { files } from '../notebook-files';
import { floatToHalf, halfToFloat } from '../safetensors/codec';
import { npyHeader, parseNpy } from './npy';

/** A .npy file built by hand: the header dict as numpy writes it (any version), then the data bytes. */
function npy(descr: string, shape: string, data: number[] | Uint8Array, options: { version?: number; fortran?: boolean; magic?: string } = {}): Uint8Array {
  const { version = 1, fortran = false, magic = '\x93NUMPY' } = options;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const lenBytes = version === 1 ? 2 : 4;
  const header = dict.padEnd(Math.ceil((8 + lenBytes + dict.length + 1) / 64) * 64 - 8 - lenBytes - 1) + '\n';
  const body = data instanceof Uint8Array ? data : Uint8Array.from(data);
  const out = new Uint8Array(8 + lenBytes + header.length + body.length);
  out.set(Array.from(magic, (c) => c.charCodeAt(0)));
  out[6] = version;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), 8 + lenBytes);
  out.set(body, 8 + lenBytes + header.length);
  return out;
}

/** Little-endian (or big-endian) bytes of values written with a DataView setter. */
function bytes(size: number, set: (v: DataView, at: number, x: number) => void, values: number[]): Uint8Array {
  const out = new Uint8Array(size * values.length);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => set(view, i * size, x));
  return out;
}
const f4 = (v: number[], le = true) => bytes(4, (d, a, x) => d.setFloat32(a, x, le), v);
const f8 = (v: number[], le = true) => bytes(8, (d, a, x) => d.setFloat64(a, x, le), v);
const i8 = (v: number[]) => bytes(8, (d, a, x) => d.setBigInt64(a, BigInt(x), true), v);
const i4 = (v: number[], le = true) => bytes(4, (d, a, x) => d.setInt32(a, x, le), v);
const i2 = (v: number[]) => bytes(2, (d, a, x) => d.setInt16(a, x, true), v);
const u2 = (v: number[]) => bytes(2, (d, a, x) => d.setUint16(a, x, true), v);
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

// Made once by numpy 2.4 (np.save); decoded here without numpy.
const NUMPY_FORTRAN_F8 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=';
const NUMPY_BIG_ENDIAN_I4 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAB/////gAAASw=';
const NUMPY_F2 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPmau/3sBAA==';

const READ_CASES: { name: string; file: Uint8Array; dtype: string; shape: number[]; want: Nested }[] = [
  {
    name: "'<f4' [2, 2]",
    file: npy('<f4', '(2, 2)', f4([1.5, -2, 0.25, 8])),
    dtype: 'float32',
    shape: [2, 2],
    want: [
      [1.5, -2],
      [0.25, 8],
    ],
  },
  { name: "'<f8' to float32", file: npy('<f8', '(3,)', f8([0.1, 1e10, -3])), dtype: 'float32', shape: [3], want: [Math.fround(0.1), 1e10, -3] },
  { name: "'<i4'", file: npy('<i4', '(2,)', i4([-7, 2147483647])), dtype: 'int32', shape: [2], want: [-7, 2147483647] },
  { name: "'<i8' that fits", file: npy('<i8', '(3,)', i8([-2147483648, 0, 5])), dtype: 'int32', shape: [3], want: [-2147483648, 0, 5] },
  { name: "'<i2'", file: npy('<i2', '(2,)', i2([-300, 7])), dtype: 'int32', shape: [2], want: [-300, 7] },
  { name: "'<u2'", file: npy('<u2', '(2,)', u2([65535, 1])), dtype: 'int32', shape: [2], want: [65535, 1] },
  { name: "'|u1'", file: npy('|u1', '(3,)', [0, 128, 255]), dtype: 'int32', shape: [3], want: [0, 128, 255] },
  { name: "'|i1'", file: npy('|i1', '(2,)', [0xff, 0x7f]), dtype: 'int32', shape: [2], want: [-1, 127] },
  { name: "'|b1'", file: npy('|b1', '(3,)', [1, 0, 1]), dtype: 'bool', shape: [3], want: [true, false, true] },
  { name: "'<f2' (numpy's bytes)", file: b64(NUMPY_F2), dtype: 'float16', shape: [4], want: [1.5, -0.0999755859375, 65504, 5.960464477539063e-8] },
  { name: "'>f4' big-endian", file: npy('>f4', '(2,)', f4([3.5, -1], false)), dtype: 'float32', shape: [2], want: [3.5, -1] },
  { name: "'>i4' big-endian (numpy's bytes)", file: b64(NUMPY_BIG_ENDIAN_I4), dtype: 'int32', shape: [3], want: [1, -2, 300] },
  {
    name: 'fortran order (numpy bytes, f8)',
    file: b64(NUMPY_FORTRAN_F8),
    dtype: 'float32',
    shape: [2, 3],
    want: [
      [0, 1, 2],
      [3, 4, 5],
    ],
  },
  {
    name: 'fortran order [2, 3, 2]',
    file: npy('<i4', '(2, 3, 2)', i4([0, 6, 2, 8, 4, 10, 1, 7, 3, 9, 5, 11]), { fortran: true }),
    dtype: 'int32',
    shape: [2, 3, 2],
    want: [
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [
        [6, 7],
        [8, 9],
        [10, 11],
      ],
    ],
  },
  { name: 'version 2.0 header', file: npy('<f4', '(1, 2)', f4([4, 5]), { version: 2 }), dtype: 'float32', shape: [1, 2], want: [[4, 5]] },
  { name: 'version 3.0 header', file: npy('<i4', '(1,)', i4([9]), { version: 3 }), dtype: 'int32', shape: [1], want: [9] },
  { name: "'<u8' that fits", file: npy('<u8', '(2,)', i8([7, 2147483647])), dtype: 'int32', shape: [2], want: [7, 2147483647] },
  { name: "'>f8' big-endian", file: npy('>f8', '(2,)', f8([0.5, -1e300], false)), dtype: 'float32', shape: [2], want: [0.5, -Infinity] },
  { name: 'a scalar: shape ()', file: npy('<f4', '()', f4([2.5])), dtype: 'float32', shape: [], want: 2.5 },
  { name: 'an empty array: shape (0, 3)', file: npy('<f4', '(0, 3)', []), dtype: 'float32', shape: [0, 3], want: [] },
];

const ERROR_CASES: { name: string; file: Uint8Array; message: RegExp }[] = [
  {
    name: 'bad magic',
    file: npy('<f4', '(1,)', f4([1]), { magic: 'PK\x03\x04NU' }),
    message: /files\.readNpy: the Uint8Array is not a \.npy file: it does not start with the magic.*50 4b 03 04.*it is a zip: for a \.npz use files\.readNpz/,
  },
  { name: 'empty', file: new Uint8Array(0), message: /not a \.npy file.*starts with nothing/ },
  {
    name: 'truncated data',
    file: npy('<f4', '(2, 3)', f4([1, 2, 3, 4, 5])),
    message: /truncated: shape \(2, 3\) of '<f4' needs 24 bytes of data, the file has 20/,
  },
  { name: 'truncated header', file: npy('<f4', '(2,)', f4([1, 2])).subarray(0, 40), message: /truncated: its header says 118 bytes/ },
  { name: 'more data than the shape', file: npy('<f4', '(1,)', f4([1, 2])), message: /has 8 bytes of data, but shape \(1\) of '<f4' needs 4/ },
  {
    name: "int64 that doesn't fit",
    file: npy('<i8', '(2,)', i8([1, 2 ** 40])),
    message: /'<i8' and value 1099511627776 \(element 1\), which does not fit in int32/,
  },
  { name: "uint32 that doesn't fit", file: npy('<u4', '(1,)', [0x0, 0x5e, 0xd0, 0xb2]), message: /'<u4' and value 3000000000 \(element 0\)/ },
  { name: 'pickled objects', file: npy('|O', '(1,)', [0, 0, 0, 0, 0, 0, 0, 0]), message: /Python objects \(dtype '\|O'\): pickled objects are not supported/ },
  { name: 'complex', file: npy('<c8', '(1,)', f4([1, 2])), message: /dtype '<c8', which is not supported; supported: '<f4'/ },
  { name: 'unicode strings', file: npy('<U3', '(1,)', new Uint8Array(12)), message: /dtype '<U3', which is not supported/ },
  { name: 'version 9', file: npy('<f4', '(1,)', f4([1]), { version: 9 }), message: /format version 9\.0 is not supported/ },
];

describe('files.readNpy', () => {
  let devices: Device[] = [];
  beforeAll(async () => {
    await torch.init();
    devices = await testDevices();
  });

  it.each(READ_CASES)('reads $name', async ({ file, dtype, shape, want }) => {
    for (const device of devices) {
      const x = await files.readNpy(file, { device });
      expect([x.dtype, x.shape, x.device]).toEqual([dtype, shape, device]);
      expectClose(await x.tolist(), want);
    }
  });

  it.each(ERROR_CASES)('refuses $name', async ({ file, message }) => {
    await expect(files.readNpy(file)).rejects.toThrow(message);
  });

  it('reads a notebook file by name, and names it in errors', async () => {
    setFileStore(new MemoryFileStore());
    await files.write('x.npy', npy('<f4', '(2,)', f4([1, 2])));
    expectClose(await (await files.readNpy('x.npy')).tolist(), [1, 2]);
    await files.write('bad.npy', 'hello');
    await expect(files.readNpy('bad.npy')).rejects.toThrow(/files\.readNpy: 'bad\.npy' is not a \.npy file/);
    await expect(files.readNpy('missing.npy')).rejects.toThrow(/files\.readNpy: no file 'missing\.npy'/);
  });
});

describe('files.writeNpy', () => {
  beforeAll(() => torch.init());

  it("writes numpy.save's exact header bytes", () => {
    // numpy 2.4: np.save of a float32 array of shape (2, 3), (3,), () and a 10-d one: each header is 128 bytes.
    const text = (h: Uint8Array) => new TextDecoder('latin1').decode(h);
    const pad = (dict: string) => '\x93NUMPY\x01\x00v\x00' + dict.padEnd(117) + '\n';
    expect(text(npyHeader('float32', [2, 3]))).toBe(pad("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
    expect(text(npyHeader('float32', [3]))).toBe(pad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"));
    expect(text(npyHeader('float32', []))).toBe(pad("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"));
    expect(text(npyHeader('float32', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toBe(
      pad("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 4, 5, 6, 7, 8, 9, 10), }"),
    );
    expect(text(npyHeader('bool', [4])).slice(10, 50)).toBe("{'descr': '|b1', 'fortran_order': False,");
  });

  it('round-trips float32, int32, bool and float16 on every device', async () => {
    setFileStore(new MemoryFileStore());
    for (const device of await testDevices()) {
      const cases = [
        torch.tensor([[1.5, -2, 0.1]], { device }),
        torch.tensor([7, -8], { device, dtype: 'int32' }),
        torch.tensor([true, false, true], { device, dtype: 'bool' }),
        torch.tensor([1.5, -0.0999755859375, 65504], { device, dtype: 'float16' }),
        torch.tensor(3, { device }),
      ];
      for (const x of cases) {
        await files.writeNpy('t.npy', x);
        const bytes = await files.read('t.npy');
        const dataBytes = x.numel() * (x.dtype === 'bool' ? 1 : x.dtype === 'float16' ? 2 : 4);
        expect((bytes.length - dataBytes) % 64, 'the data starts on a 64-byte boundary').toBe(0);
        const back = await files.readNpy('t.npy', { device });
        expect([back.dtype, back.shape]).toEqual([x.dtype, x.shape]);
        expect(await back.tolist()).toEqual(await x.tolist());
      }
    }
    expect((await fileStore().list()).map((f) => f.name)).toEqual(['t.npy']);
  });

  it('converts float16 like numpy', () => {
    const cases: [number, number][] = [
      [1.5, 0x3e00],
      [-0.1, 0xae66],
      [65504, 0x7bff],
      [65520, 0x7c00],
      [6e-8, 0x0001],
      [0, 0],
      [-0, 0x8000],
      [Infinity, 0x7c00],
      [2 ** -14, 0x0400],
      [1 + 2 ** -11, 0x3c00], // a tie rounds to even
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [v, bits] of cases) expect(floatToHalf(v), String(v)).toBe(bits);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
    for (let h = 0; h < 0x7c00; h += 37) expect(floatToHalf(halfToFloat(h))).toBe(h);
  });

  it('parseNpy works on a subarray of a bigger buffer', () => {
    const file = npy('<f4', '(2,)', f4([1, 2]));
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data)).toEqual([1, 2]);
  });
});
