import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch } from '../../index';
import { expectClose } from '../../testing/nested-close';
import { testDevices } from '../../testing/devices';
import { files } from '../notebook-files';
import { crc32, zipEntries } from './npz';
import { npyHeader } from './npy';

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

// Made once by numpy 2.4. np.savez(a=arange(6, float32).reshape(2, 3) / 4, b=int64 [-1, 2**31 - 1, 5]): stored members with
// zip64 local headers (numpy writes them with force_zip64).
const NUMPY_SAVEZ =
  'UEsDBC0AAAAAAAAAIQAKnACk//////////8FABQAYS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAgD4AAAA/AABAPwAAgD8AAKA/UEsDBC0AAAAAAAAAIQBvGIVR//////////8FABQAYi5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAK//////////////9/AAAAAAUAAAAAAAAAUEsBAi0DLQAAAAAAAAAhAAqcAKSYAAAAmAAAAAUAAAAAAAAAAAAAAIABAAAAAGEubnB5UEsBAi0DLQAAAAAAAAAhAG8YhVGYAAAAmAAAAAUAAAAAAAAAAAAAAIABzwAAAGIubnB5UEsFBgAAAAACAAIAZgAAAJ4BAAAAAA==';
// np.savez_compressed(x=float64 [[0.5, -2], [3, 1e10]], flag=bool [True, False]): deflated members.
const NUMPY_SAVEZ_COMPRESSED =
  'UEsDBC0AAAAIAAAAIQDe2Xhk//////////8FABQAeC5ucHkBABAAoAAAAAAAAABZAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6CkaaOgq1CmQDLgYweGAPoRkOQCgOByChEL+AyQkAUEsDBC0AAAAIAAAAIQDuGbtd//////////8IABQAZmxhZy5ucHkBABAAggAAAAAAAABGAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loF6TZKiuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC5GBgBQSwECLQMtAAAACAAAACEA3tl4ZFkAAACgAAAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQSwECLQMtAAAACAAAACEA7hm7XUYAAACCAAAACAAAAAAAAAAAAAAAgAGQAAAAZmxhZy5ucHlQSwUGAAAAAAIAAgBpAAAAEAEAAAAA';

/** A minimal zip writer (stored members), optionally with a zip64 end record, for the cases numpy does not make. */
function zip(members: { name: string; data: Uint8Array; method?: number; crc?: number }[], options: { zip64?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const enc = (s: string) => new TextEncoder().encode(s);
  for (const m of members) {
    const name = enc(m.name);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, m.method ?? 0, true);
    lv.setUint32(14, m.crc ?? crc32(m.data), true);
    lv.setUint32(18, m.data.length, true);
    lv.setUint32(22, m.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, m.method ?? 0, true);
    cv.setUint32(16, m.crc ?? crc32(m.data), true);
    cv.setUint32(20, m.data.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    central.push(entry);
    parts.push(local, m.data);
    offset += local.length + m.data.length;
  }
  const dirSize = central.reduce((a, c) => a + c.length, 0);
  const tail: Uint8Array[] = [];
  if (options.zip64) {
    const z = new Uint8Array(56 + 20);
    const zv = new DataView(z.buffer);
    zv.setUint32(0, 0x06064b50, true);
    zv.setBigUint64(4, 44n, true);
    zv.setBigUint64(24, BigInt(members.length), true);
    zv.setBigUint64(32, BigInt(members.length), true);
    zv.setBigUint64(40, BigInt(dirSize), true);
    zv.setBigUint64(48, BigInt(offset), true);
    zv.setUint32(56, 0x07064b50, true);
    zv.setBigUint64(64, BigInt(offset + dirSize), true);
    tail.push(z);
  }
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, options.zip64 ? 0xffff : members.length, true);
  ev.setUint16(10, options.zip64 ? 0xffff : members.length, true);
  ev.setUint32(12, options.zip64 ? 0xffffffff : dirSize, true);
  ev.setUint32(16, options.zip64 ? 0xffffffff : offset, true);
  const all = [...parts, ...central, ...tail, end];
  const out = new Uint8Array(all.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const npyOf = (values: number[]) => {
  const header = npyHeader('float32', [values.length]);
  const out = new Uint8Array(header.length + values.length * 4);
  out.set(header);
  out.set(new Uint8Array(Float32Array.from(values).buffer), header.length);
  return out;
};

describe('files.readNpz', () => {
  let devices: Device[] = [];
  beforeAll(async () => {
    await torch.init();
    devices = await testDevices();
  });

  it("reads numpy's np.savez (stored, zip64 local headers) on every device", async () => {
    for (const device of devices) {
      const arrays = await files.readNpz(b64(NUMPY_SAVEZ), { device });
      expect(Object.keys(arrays)).toEqual(['a', 'b']);
      expect([arrays.a.dtype, arrays.a.shape, arrays.a.device, arrays.b.dtype]).toEqual(['float32', [2, 3], device, 'int32']);
      expectClose(await arrays.a.tolist(), [
        [0, 0.25, 0.5],
        [0.75, 1, 1.25],
      ]);
      expect(await arrays.b.tolist()).toEqual([-1, 2147483647, 5]);
    }
  });

  it("reads numpy's np.savez_compressed (deflate) on every device", async () => {
    for (const device of devices) {
      const arrays = await files.readNpz(b64(NUMPY_SAVEZ_COMPRESSED), { device });
      expect(Object.keys(arrays)).toEqual(['x', 'flag']);
      expect([arrays.x.dtype, arrays.flag.dtype, arrays.x.device]).toEqual(['float32', 'bool', device]);
      expectClose(await arrays.x.tolist(), [
        [0.5, -2],
        [3, 1e10],
      ]);
      expect(await arrays.flag.tolist()).toEqual([true, false]);
    }
  });

  it('reads a zip64 end record, and skips members that are not .npy', async () => {
    const file = zip(
      [
        { name: 'w.npy', data: npyOf([1, 2]) },
        { name: 'notes.txt', data: new TextEncoder().encode('hi') },
      ],
      { zip64: true },
    );
    expect(zipEntries(file).map((e) => e.name)).toEqual(['w.npy', 'notes.txt']);
    const arrays = await files.readNpz(file);
    expect(Object.keys(arrays)).toEqual(['w']);
    expect(await arrays.w.tolist()).toEqual([1, 2]);
  });

  const good = zip([{ name: 'w.npy', data: npyOf([1, 2]) }]);
  const ERROR_CASES: { name: string; file: Uint8Array; message: RegExp }[] = [
    {
      name: 'not a zip',
      file: new TextEncoder().encode('a,b\n1,2\n'),
      message: /files\.readNpz: the Uint8Array is not a \.npz \(zip\) file: no zip directory at its end/,
    },
    { name: 'a .npy', file: npyOf([1]), message: /is not a \.npz \(zip\) file: no zip directory at its end; it is a \.npy: use files\.readNpy/ },
    { name: 'empty', file: new Uint8Array(0), message: /is not a \.npz \(zip\) file/ },
    { name: 'truncated (end cut off)', file: good.subarray(0, 100), message: /is a truncated zip: its end \(the central directory\) is missing/ },
    { name: 'truncated (start cut off)', file: good.subarray(120), message: /is truncated: its zip directory at byte \d+ \(\d+ bytes\) is past the end/ },
    { name: 'no arrays', file: zip([{ name: 'a.txt', data: new Uint8Array(3) }]), message: /is a zip with no \.npy arrays in it/ },
    {
      name: 'a damaged member (CRC)',
      file: zip([{ name: 'w.npy', data: npyOf([1, 2]), crc: 1234 }]),
      message: /'w\.npy' is damaged \(its CRC-32 does not match\)/,
    },
    {
      name: 'an unknown method',
      file: zip([{ name: 'w.npy', data: npyOf([1]), method: 12 }]),
      message: /'w\.npy' uses zip compression method 12; only stored \(0\) and deflate \(8\)/,
    },
    {
      name: 'bad deflate data',
      file: zip([{ name: 'w.npy', data: new Uint8Array([0xff, 0xff, 0xff]), method: 8 }]),
      message: /'w\.npy' could not be inflated/,
    },
    { name: 'a member that is not .npy', file: zip([{ name: 'w.npy', data: new TextEncoder().encode('nope') }]), message: /\('w\.npy'\) is not a \.npy file/ },
  ];

  it.each(ERROR_CASES)('refuses $name', async ({ file, message }) => {
    await expect(files.readNpz(file)).rejects.toThrow(message);
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});
