/**
 * Tensors in shared slabs and tensors bound twice: the binding signature, the rewritten WGSL, and
 * results on the GPU equal to the CPU's for each way a dispatch can bind its blocks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../../index';
import { hasWebgpu } from '../../testing/gpu-requirements';
import { GpuBlock, Slab } from './buffer-pool';
import { bindingSignature, layoutEntries, mismatchedAliases, storageDecls, variantCode } from './binding-variants';

const WGSL = `@group(0) @binding(0) var<uniform> params: array<vec4<u32>, 1>;
@group(0) @binding(1) var<storage, read> in0: array<f32>;
@group(0) @binding(2) var<storage, read> in1: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x < arrayLength(&out)) { out[g.x] = in0[g.x] * in1 [g.x]; }
}`;

describe('binding signatures', () => {
  beforeAll(() => {
    // The stage flags are globals in browsers and under Dawn; a plain number is enough here.
    (globalThis as { GPUShaderStage?: object }).GPUShaderStage ??= { COMPUTE: 4 };
  });
  const buffer = (size: number) => ({ size }) as unknown as GPUBuffer;
  const slabBuffer = buffer(65536);
  const slab = new Slab(slabBuffer, []);
  const chunk = (offset: number) => new GpuBlock(slabBuffer, offset, 256, slab);
  const own = () => new GpuBlock(buffer(1 << 20), 0, 1 << 20);
  const args = storageDecls(WGSL).reduce<ReturnType<typeof storageDecls>>((a, d) => ((a[d.binding - 1] = d), a), []);

  it('reads the storage declarations', () => {
    expect(storageDecls(WGSL).map((d) => `${d.binding}:${d.mode}:${d.name}:${d.type}`)).toEqual([
      '1:read:in0:array<f32>',
      '2:read:in1:array<f32>',
      '3:read_write:out:array<f32>',
    ]);
  });

  const cases: [string, () => GpuBlock[], string][] = [
    ['own buffers: read_write, dynamic offsets', () => [own(), own(), own()], 'rw:111'],
    ['slab chunks: the same', () => [chunk(0), chunk(256), chunk(512)], 'rw:111'],
    ['more arguments than dynamic offsets allow', () => [chunk(0), chunk(256), chunk(512)], 'rw:110'],
    [
      'a chunk read twice: bound once',
      () => {
        const x = chunk(0);
        return [x, x, chunk(256)];
      },
      'rw:101,1=0',
    ],
    [
      'an own buffer read and written: bound once',
      () => {
        const x = own();
        return [own(), x, x];
      },
      'rw:110,2=1',
    ],
    ['mixed chunks and own buffers', () => [own(), chunk(0), own()], 'rw:111'],
  ];
  for (const [name, blocks, expected] of cases) {
    it(name, () => {
      expect(bindingSignature(blocks(), name.includes('allow') ? 2 : 4)).toBe(expected);
    });
  }

  it('rewrites the WGSL of a variant: read_write bindings, aliases renamed, and the layout to match', () => {
    const code = variantCode(WGSL, storageDecls(WGSL), 'rw:101,1=0');
    expect(code).not.toMatch(/var<storage, read>/);
    expect(code).not.toMatch(/in1/);
    expect(code).toMatch(/out\[g\.x\] = in0\[g\.x\] \* in0 \[g\.x\]/);
    const entries = layoutEntries(storageDecls(WGSL), 'rw:101,1=0');
    expect(entries.map((e) => `${e.binding}:${e.buffer!.type}:${e.buffer!.hasDynamicOffset ? 'dyn' : 'static'}`)).toEqual([
      '0:uniform:dyn',
      '1:storage:dyn',
      '3:storage:dyn',
    ]);
  });

  it('a block bound twice under different WGSL types is copied for the reading argument', () => {
    const vec = WGSL.replace('in1: array<f32>', 'in1: array<vec4<f32>>');
    const vargs = storageDecls(vec).reduce<ReturnType<typeof storageDecls>>((a, d) => ((a[d.binding - 1] = d), a), []);
    const x = chunk(0);
    expect(mismatchedAliases([x, x, chunk(256)], vargs)).toEqual([1]);
    expect(mismatchedAliases([x, x, chunk(256)], args)).toEqual([]);
  });
});

describe.skipIf(!(await hasWebgpu()))('slab and own-buffer tensors on the GPU equal the CPU', () => {
  // Small tensors live in slabs; 20,000 floats (80 KB) get a buffer of their own.
  const sizes = [
    [3, 5],
    [100, 200],
  ];
  const ops: [string, (x: Tensor, y: Tensor) => Tensor][] = [
    ['x * x', (x) => x.mul(x)],
    ['x + y then * x', (x, y) => x.add(y).mul(x)],
    ['x @ x^T', (x) => x.matmul(x.t())],
    ['x^T @ x', (x) => x.t().matmul(x)],
    ['sum of x * x', (x) => x.mul(x).sum(-1)],
    ['where(x > y, x, y)', (x, y) => torch.where(x.gt(y), x, y)],
  ];
  for (const shape of sizes) {
    for (const [name, fn] of ops) {
      it(`${name} [${shape}]`, async () => {
        torch.manualSeed(1);
        const x = torch.randn(shape);
        const y = torch.randn(shape);
        const want = Array.from(await fn(x, y).data());
        const got = Array.from(await fn(x.to('webgpu'), y.to('webgpu')).data());
        expect(got.length).toBe(want.length);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 2));
      });
    }
  }
});
