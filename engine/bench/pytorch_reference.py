"""PyTorch references for RESULTS.md, measured on the same machine: fp32 matmul (TF32 off) and device copy bandwidth."""
import json
import sys

import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def timed(fn, repeats=20, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    samples = []
    for _ in range(repeats):
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        samples.append(start.elapsed_time(end))
    samples.sort()
    return samples[len(samples) // 2]


out = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "matmul_tflops": {}}
for n in (256, 1024, 2048, 4096):
    a = torch.randn(n, n, device="cuda")
    b = torch.randn(n, n, device="cuda")
    ms = timed(lambda: a @ b)
    out["matmul_tflops"][n] = 2 * n**3 / (ms * 1e9)
x = torch.randn(64 * 2**20, device="cuda")
y = torch.empty_like(x)
ms = timed(lambda: y.copy_(x))
out["copy_tbps"] = 2 * x.numel() * 4 / (ms * 1e9)
json.dump(out, sys.stdout, indent=1)
print()
