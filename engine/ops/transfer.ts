/** Moving a tensor between devices without blocking: a copy to the CPU fills in when it arrives. */
import type { Device } from '../core/dtype';
import { allocArray } from '../core/dtype';
import { fail } from '../core/errors';
import { getBackend } from '../core/runtime';
import { contiguousStrides } from '../core/shape';
import { StorageRef } from '../core/storage-ref';
import { record } from '../autograd/graph';
import { CpuStorage } from '../backends/cpu/cpu-backend';
import { Tensor } from '../tensor';
import { assertLive, tensorFromData, viewOf } from './make';

export function transfer(x: Tensor, device: Device): Tensor {
  if (x.device === device) return x;
  assertLive('to', [x]);
  let out: Tensor;
  if (device === 'cpu') {
    const backend = getBackend('cpu');
    const storage = new CpuStorage(allocArray(x.dtype, x.numel()), x.dtype);
    const arrival: Promise<void> = x.backend.read(viewOf(x)).then((values) => {
      storage.data.set(values);
      if (storage.pending === arrival) storage.pending = null;
    });
    storage.pending = arrival;
    out = new Tensor(new StorageRef(storage, backend), [...x.shape], contiguousStrides(x.shape), 0, x.dtype);
  } else {
    if ((x.storageRef.storage as CpuStorage).pending)
      fail('to', `the CPU tensor's values are still arriving from another device; await x.data() before moving it to '${device}'`);
    out = tensorFromData(device, x.cpuValues(), x.shape, x.dtype);
  }
  return record(out, 'transfer', [x], {});
}
