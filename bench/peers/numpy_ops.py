"""The numpy peer of bench/ops.ts: the same three float32 workloads, timed in this process.

Usage: python3 bench/peers/numpy_ops.py WORKLOAD ARGS...  (printed: one JSON line)
  matmul N             an N x N by N x N product
  conv B C O S K       conv2d forward, NCHW [B, C, S, S] by [O, C, K, K], 'same' padding, by
                       im2col (sliding_window_view) and one BLAS product
  mlp B                one SGD step of the 784-512-10 ReLU MLP with softmax cross-entropy
The JSON holds the median milliseconds, the BLAS numpy was built with, and its thread count.
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, warmup=2, min_repeats=3, max_repeats=30, min_total=0.6):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < min_repeats or (len(times) < max_repeats and time.perf_counter() - start < min_total):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def matmul(n):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return lambda: a @ b


def conv(batch, channels, out_channels, size, kernel):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((batch, channels, size, size), dtype=np.float32)
    w = rng.standard_normal((out_channels, channels, kernel, kernel), dtype=np.float32)
    pad = (kernel - 1) // 2
    w_rows = w.reshape(out_channels, -1)

    def run():
        padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        # windows [B, C, S, S, K, K] -> columns [C·K·K, B·S·S]
        windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel), axis=(2, 3))
        columns = windows.transpose(1, 4, 5, 0, 2, 3).reshape(channels * kernel * kernel, -1)
        return (w_rows @ columns).reshape(out_channels, batch, size, size).transpose(1, 0, 2, 3)

    return run


def mlp(batch):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((batch, 784), dtype=np.float32)
    labels = np.arange(batch) % 10
    params = [
        (rng.standard_normal((784, 512), dtype=np.float32) * 0.03),
        np.zeros(512, np.float32),
        (rng.standard_normal((512, 10), dtype=np.float32) * 0.05),
        np.zeros(10, np.float32),
    ]

    def step():
        w1, b1, w2, b2 = params
        pre = x @ w1 + b1
        hidden = np.maximum(pre, 0)
        logits = hidden @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(shifted)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        # d(mean cross-entropy)/d logits = (softmax - onehot) / batch
        probabilities[np.arange(batch), labels] -= 1
        d_logits = probabilities / batch
        d_hidden = (d_logits @ w2.T) * (pre > 0)
        grads = [x.T @ d_hidden, d_hidden.sum(axis=0), hidden.T @ d_logits, d_logits.sum(axis=0)]
        params[:] = [p - np.float32(0.01) * g for p, g in zip(params, grads)]

    return step


def blas():
    config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    detail = config.get("openblas configuration", "")
    return f"{config['name']} {config.get('version', '')} {detail}".strip()


def threads():
    try:
        from threadpoolctl import threadpool_info

        return max(info["num_threads"] for info in threadpool_info())
    except ImportError:
        return None


if __name__ == "__main__":
    workload, *args = sys.argv[1:]
    make = {"matmul": matmul, "conv": conv, "mlp": mlp}[workload]
    ms = median_ms(make(*map(int, args)))
    print(json.dumps({"ms": ms, "blas": blas(), "threads": threads(), "numpy": np.__version__}))
