"""PyTorch's side of the bench, on the same machine, for the same cases as Wick and its peers.

Reads the case list the bench prints (`node bench.mjs --cases-json > cases.json`) and prints JSON
{device, torch, ms: {case id: median ms per run}, notes}, which `run.ts --pytorch FILE` reads.
Timed as the JavaScript sides are: wall clock of `runsPerWait` runs issued back to back plus one
torch.cuda.synchronize(), per run, the median of `repeats` such samples after `warmup` (min(5,
repeats) after 2 for the heavy cases) and at least WARMUP_S of warm-up runs; training steps wait
after each step. fp32 with
TF32 off for matmuls and convolutions.

    python3 engine/bench/pytorch_reference.py cases.json > pytorch.json
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda" if torch.cuda.is_available() else "cpu"  # the CPU only to smoke-test this script


def sync():
    if dev == "cuda":
        torch.cuda.synchronize()


# Warm-up lasts at least this long, as harness.ts's WARMUP_MS (GPUs raise their clocks only under sustained load).
WARMUP_S = 0.5


def timed(fn, repeats, warmup, per_wait=1):
    """Median ms per run: each sample issues `per_wait` runs, then one synchronize (as harness.ts's timeOp)."""
    warming = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - warming < WARMUP_S:
        for _ in range(per_wait):
            fn()
        sync()
        done += 1
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(per_wait):
            fn()
        sync()
        samples.append((time.perf_counter() - start) * 1000 / per_wait)
    return statistics.median_low(samples)


def chain(x):
    return torch.neg(torch.exp(torch.relu(x * 2 + 1) - 0.5))


def small_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    ).to(dev)


def train_step(model, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


# ---- GPT training step (#23): the GPT of engine/bench/gpt.ts ----
class CausalSelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = (z.reshape(b, t, self.heads, d // self.heads).transpose(1, 2) for z in self.qkv(x).split(d, -1))
        return self.proj(F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, d))


class GptBlock(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1, self.attn, self.ln2 = nn.LayerNorm(d), CausalSelfAttention(d, heads), nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt(nn.Module):
    def __init__(self, g):
        super().__init__()
        self.tok_emb, self.pos_emb = nn.Embedding(g["vocab"], g["d"]), nn.Embedding(g["context"], g["d"])
        self.blocks = nn.ModuleList([GptBlock(g["d"], g["heads"]) for _ in range(g["layers"])])
        self.ln_f, self.head = nn.LayerNorm(g["d"]), nn.Linear(g["d"], g["vocab"])

    def forward(self, idx):
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(idx.shape[1], device=idx.device))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x))


def gpt_step(g):
    """One AdamW step (lr 1e-3, weight decay 0.01) on random tokens: forward, cross-entropy, backward, update."""
    model = Gpt(g).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randint(0, g["vocab"], (g["batch"], g["context"]), device=dev)
    y = torch.randint(0, g["vocab"], (g["batch"] * g["context"],), device=dev)

    def step():
        loss = F.cross_entropy(model(x).reshape(-1, g["vocab"]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


# ---- per-sample gradients (#24): the MLP of engine/bench/per-sample-grads.ts ----
def psg_case(p, cid):
    """psg-loop: a loop of per-sample forward + backward passes, stacked; psg-vmap: vmap(grad) over
    functional_call; psg-compiled: torch.compile of that (as PyTorch's per-sample-grads tutorial).
    The vmap versions are checked against the loop before they are timed."""
    from torch.func import functional_call, grad, vmap

    model = nn.Sequential(
        nn.Linear(p["input"], p["hidden1"]), nn.ReLU(), nn.Linear(p["hidden1"], p["hidden2"]), nn.ReLU(), nn.Linear(p["hidden2"], p["classes"]),
    ).to(dev)
    x = torch.randn(p["batch"], p["input"], device=dev)
    t = torch.randint(0, p["classes"], (p["batch"],), device=dev)
    names = [k for k, _ in model.named_parameters()]
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loop():
        per = [torch.autograd.grad(F.cross_entropy(model(x[i].unsqueeze(0)), t[i].unsqueeze(0)), list(model.parameters())) for i in range(p["batch"])]
        return {k: torch.stack(gs) for k, gs in zip(names, zip(*per))}

    def loss_fn(ps, xi, ti):
        return F.cross_entropy(functional_call(model, ps, (xi.unsqueeze(0),)), ti.unsqueeze(0))

    per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))
    vmapped = lambda: per_sample(params, x, t)  # noqa: E731
    compiled_fn = torch.compile(lambda xs, ts: per_sample(params, xs, ts))
    compiled = lambda: compiled_fn(x, t)  # noqa: E731
    run = {"psg-loop": loop, "psg-vmap": vmapped, "psg-compiled": compiled}[cid]
    if cid != "psg-loop":
        ref, got = loop(), run()
        for k in names:
            if not torch.allclose(ref[k], got[k], rtol=1e-4, atol=1e-5):
                raise RuntimeError(f"{cid} differs from the loop for {k}")
    return run


def matmul_id(s):
    shape = f"{s['m']}x{s['k']}x{s['n']}"
    return f"mm-b{s['batch']}-{shape}" if s["batch"] > 1 else f"mm-{shape}"


def runners(sizes):
    """Case id -> a function making the inputs and returning the run to time."""
    out = {}
    for s in sizes["matmul"]:
        lead = [s["batch"]] if s["batch"] > 1 else []

        def mm(s=s, lead=lead):
            a = torch.randn(*lead, s["m"], s["k"], device=dev)
            b = torch.randn(*lead, s["k"], s["n"], device=dev)
            return lambda: a @ b

        out[matmul_id(s)] = mm
    n = sizes["chainN"]

    def copy():
        x, y = torch.randn(n, device=dev), torch.empty(n, device=dev)
        return lambda: y.copy_(x)

    def chain_case(compiled):
        x = torch.randn(n, device=dev)
        fn = torch.compile(chain) if compiled else chain
        return lambda: fn(x)

    def conv():
        c = sizes["conv"]
        x = torch.randn(c["n"], c["c"], c["h"], c["w"], device=dev)
        w = torch.randn(c["o"], c["c"], c["k"], c["k"], device=dev)
        return lambda: F.conv2d(x, w, padding=c["k"] // 2)

    def mlp():
        model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10)).to(dev)
        b = sizes["mlpBatch"]
        return train_step(model, torch.randn(b, 784, device=dev), torch.randint(0, 10, (b,), device=dev))

    def cnn():
        b = sizes["cnnBatch"]
        return train_step(small_cnn(), torch.randn(b, 1, 28, 28, device=dev), torch.randint(0, 10, (b,), device=dev))

    # ---- recurrent layers (#23) ----
    def lstm():
        s = sizes["lstm"]
        model = nn.LSTM(s["input"], s["hidden"], batch_first=True).to(dev)
        x = torch.randn(s["batch"], s["seq"], s["input"], device=dev)
        y = torch.randn(s["batch"], s["seq"], s["hidden"], device=dev)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)

        def step():
            out, _ = model(x)
            loss = F.mse_loss(out, y)
            opt.zero_grad()
            loss.backward()
            opt.step()

        return step

    softmax_x = lambda: torch.randn(*sizes["softmax"], device=dev)  # noqa: E731
    sum_x = lambda: torch.randn(*sizes["sum"], device=dev)  # noqa: E731
    # ---- attention (#23) ----
    def sdpa(math):
        a = sizes["sdpa"]
        q, k, v = (torch.randn(a["batch"], a["heads"], a["seq"], a["dim"], device=dev, requires_grad=True) for _ in range(3))
        g = torch.randn_like(q)
        from torch.nn.attention import SDPBackend, sdpa_kernel

        def step():
            for t in (q, k, v):
                t.grad = None
            if math:
                with sdpa_kernel(SDPBackend.MATH):
                    out = F.scaled_dot_product_attention(q, k, v)
            else:
                out = F.scaled_dot_product_attention(q, k, v)
            out.backward(g)

        return step

    # ---- per-sample gradients (#24) ----
    for cid in ("psg-loop", "psg-vmap", "psg-compiled"):
        out[cid] = lambda cid=cid: psg_case(sizes["psg"], cid)

    out["sdpa-fwd-bwd"] = lambda: sdpa(False)
    out["sdpa-composed-fwd-bwd"] = lambda: sdpa(True)
    out.update({
        "copy": copy,
        "chain-eager": lambda: chain_case(False),
        "chain-compiled": lambda: chain_case(True),
        "softmax": lambda: (lambda t: lambda: torch.softmax(t, -1))(softmax_x()),
        "sum": lambda: (lambda t: lambda: t.sum(-1))(sum_x()),
        "conv2d": conv,
        "mlp-step": mlp,
        "cnn-step": cnn,
        "lstm-step": lstm,
        "gpt-step": lambda: gpt_step(sizes["gpt"]),
    })
    return out


def tiny_op_cost(ops, repeats=9):
    """CPU ms per op to issue `ops` tiny adds, and ms per op until the GPU has finished them: the
    median of `repeats` runs after one warm run (as harness.ts's tinyOpCost)."""
    tiny = torch.ones(4, device=dev)

    def issue():
        y = tiny
        for _ in range(ops):
            y = y + 1
        return y

    issue()
    sync()
    cpu, total = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        issue()
        issued = time.perf_counter()
        sync()
        done = time.perf_counter()
        cpu.append((issued - start) * 1000 / ops)
        total.append((done - start) * 1000 / ops)
    return statistics.median_low(cpu), statistics.median_low(total)


def main():
    spec = json.load(open(sys.argv[1]))
    sizes, cases = spec["sizes"], spec["cases"]
    result = {"device": torch.cuda.get_device_name(0) if dev == "cuda" else "CPU", "torch": torch.__version__, "ms": {}, "notes": {}}
    make = runners(sizes)
    for case in cases:
        cid = case["id"]
        if "pytorch" not in case["sides"] or cid not in make:
            continue
        heavy = case.get("heavy", False)
        try:
            steps = cid in ("mlp-step", "cnn-step", "lstm-step", "gpt-step", "psg-loop", "psg-vmap", "psg-compiled")  # timed a step per wait, as the JavaScript sides
            per_wait = 1 if steps else sizes.get("runsPerWait", 1)
            result["ms"][cid] = timed(make[cid](), min(5, sizes["repeats"]) if heavy else sizes["repeats"], 2 if heavy else sizes["warmup"], per_wait)
        except Exception as e:  # a case that fails (torch.compile without a compiler, say) is noted
            result["notes"][cid] = f"failed: {type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''}"
        if dev == "cuda":
            torch.cuda.empty_cache()
    cpu, total = tiny_op_cost(sizes["dispatchOps"])
    result["ms"]["dispatch-cpu"], result["ms"]["dispatch-total"] = cpu, total
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
