/** A PyTorch-style training loop on the digits reaches held-out accuracy on every device. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Device } from './core/dtype';
import { nn, optim, parseDigits, torch, F } from './index';
import { testDevices } from './testing/devices';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
}, 60_000);

const csv = gunzipSync(readFileSync(new URL('../public/data/digits/digits.csv.gz', import.meta.url))).toString('utf8');

/** A fixed 80/20 split after a seeded shuffle. */
function split(device: Device) {
  torch.manualSeed(0);
  const { images, labels } = parseDigits(csv, device);
  const n = images.shape[0];
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1) * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cut = Math.floor(n * 0.8);
  const idx = (ids: number[]) => torch.tensor(Int32Array.from(ids), { device });
  const train = idx(order.slice(0, cut));
  const test = idx(order.slice(cut));
  return {
    xTrain: images.indexSelect(0, train),
    yTrain: labels.indexSelect(0, train),
    xTest: images.indexSelect(0, test),
    yTest: labels.indexSelect(0, test),
  };
}

describe('training on the digits', () => {
  it('an MLP with Adam reaches at least 95% held-out accuracy', async () => {
    for (const device of devices) {
      const { xTrain, yTrain, xTest, yTest } = split(device);
      torch.manualSeed(1);
      const model = new nn.Sequential(new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10)).to(device);
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const batch = 128;
      const n = xTrain.shape[0];
      for (let epoch = 0; epoch < 15; epoch++) {
        for (let start = 0; start < n; start += batch) {
          const len = Math.min(batch, n - start);
          const loss = F.crossEntropy(model(xTrain.narrow(0, start, len)), yTrain.narrow(0, start, len));
          opt.zeroGrad();
          loss.backward();
          opt.step();
        }
      }
      model.eval();
      const predicted = torch.noGrad(() => model(xTest).argmax(1));
      const accuracy = (await predicted.eq(yTest).float().mean().item()) as number;
      console.log(`digits MLP held-out accuracy on ${device}: ${(accuracy * 100).toFixed(1)}%`);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
    }
  }, 300_000);
});
