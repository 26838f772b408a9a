"""Plain PyTorch's loop on lrsweep's built-in MNIST CNN, no lrsweep: per entry of `channels`
conv3x3 'valid' -> ReLU -> maxpool2, then one dense layer to 10 classes, softmax cross-entropy,
Adam, the same 8,000 / 2,000 digits. Trains `trials` trials one after another in this process
(run it with OMP_NUM_THREADS=1; it sets torch.set_num_threads(1) too). Reads
{"trials", "epochs", "batch_size", "lr", "channels"} on stdin; prints one JSON line per trial
with its training seconds, CPU seconds and final val accuracy."""

import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "pytorch-mnist"))
from mnist_data import load_mnist  # noqa: E402

torch.set_num_threads(1)
job = json.load(sys.stdin)
(x_train, y_train), (x_val, y_val) = load_mnist()
x_train = x_train.reshape(-1, 1, 28, 28)
x_val = x_val.reshape(-1, 1, 28, 28)
batch_size = job["batch_size"]


def cnn(channels):
    layers, c, side = [], 1, 28
    for out in channels:
        layers += [nn.Conv2d(c, out, 3), nn.ReLU(), nn.MaxPool2d(2)]
        c, side = out, (side - 2) // 2
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c * side * side, 10))


for trial in range(job["trials"]):
    began, cpu0 = time.monotonic(), time.process_time()
    torch.manual_seed(trial)
    model = cnn(job["channels"])
    optimizer = torch.optim.Adam(model.parameters(), lr=job["lr"])
    for epoch in range(job["epochs"]):
        model.train()
        order = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(trial * 100_003 + epoch))
        for i in range(0, len(x_train), batch_size):
            idx = order[i : i + batch_size]
            optimizer.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            acc = (model(x_val).argmax(1) == y_val).float().mean().item()
    print(json.dumps({"seconds": time.monotonic() - began, "cpu_seconds": time.process_time() - cpu0, "val_acc": acc}), flush=True)
