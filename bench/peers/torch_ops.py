"""The torch peer of bench/ops.ts: the same three float32 workloads as numpy_ops.py, timed in this process.

Usage: python3 bench/peers/torch_ops.py THREADS WORKLOAD ARGS...  (printed: one JSON line)
  matmul N             an N x N by N x N product
  conv B C O S K       conv2d forward, NCHW [B, C, S, S] by [O, C, K, K], 'same' padding
  mlp B                one SGD step (lr 0.01) of the 784-512-10 ReLU MLP, mean softmax cross-entropy,
                       by autograd, as bench/ours.ts does
torch's intra-op thread count is set to THREADS (ours: the cpu backend's worker count). The JSON holds
the median milliseconds, the BLAS library the process actually mapped (Debian's torch is built with
BLAS_INFO=generic and calls whatever libblas.so.3 points to) with OpenBLAS's kernel set, the thread
count and torch's version.
"""
import ctypes
import json
import re
import sys

import torch
import torch.nn.functional as F

from numpy_ops import median_ms


def matmul(n):
    generator = torch.Generator().manual_seed(1)
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)
    return lambda: a @ b


def conv(batch, channels, out_channels, size, kernel):
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(batch, channels, size, size, generator=generator)
    w = torch.randn(out_channels, channels, kernel, kernel, generator=generator)
    return lambda: F.conv2d(x, w, padding=(kernel - 1) // 2)


def mlp(batch):
    generator = torch.Generator().manual_seed(5)
    x = torch.randn(batch, 784, generator=generator)
    labels = torch.arange(batch) % 10
    params = [
        (torch.randn(784, 512, generator=generator) * 0.03).requires_grad_(),
        torch.zeros(512, requires_grad=True),
        (torch.randn(512, 10, generator=generator) * 0.05).requires_grad_(),
        torch.zeros(10, requires_grad=True),
    ]

    def step():
        w1, b1, w2, b2 = params
        hidden = torch.relu(x @ w1 + b1)
        loss = F.cross_entropy(hidden @ w2 + b2, labels)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad
                p.grad = None

    return step


def blas():
    """The BLAS/LAPACK shared objects mapped into this process (after a product has run), and OpenBLAS's kernel set."""
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "blas" in line.lower() or "mkl" in line.lower()})
    built = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    core = ""
    for path in paths:
        if "libopenblas" in path:
            corename = ctypes.CDLL(path).openblas_get_corename
            corename.restype = ctypes.c_char_p
            core = f"; OpenBLAS core {corename().decode()}"
    return f"BLAS_INFO={built.group(1) if built else '?'}; mapped: {', '.join(paths) or 'none'}{core}"


if __name__ == "__main__":
    threads, workload, *args = sys.argv[1:]
    torch.set_num_threads(int(threads))
    make = {"matmul": matmul, "conv": conv, "mlp": mlp}[workload]
    ms = median_ms(make(*map(int, args)))
    print(json.dumps({"ms": ms, "blas": blas(), "threads": torch.get_num_threads(), "torch": torch.__version__}))
