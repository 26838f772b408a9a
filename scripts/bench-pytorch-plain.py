"""Plain PyTorch's loop, no lrsweep: the trials of a sweep file's expanded schedules x seeds,
trained exactly as examples/pytorch-mnist/train.py trains one (same data, model, batches),
one after another in this process. Reads {"trials": [{"schedule", "seed"}], "task": {...}}
on stdin; prints one JSON line per trial with its training seconds and final val_loss."""

import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim.lr_scheduler as lr_scheduler

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "pytorch-mnist"))
from mnist_data import load_mnist  # noqa: E402

job = json.load(sys.stdin)
task = job["task"]
(x_train, y_train), (x_val, y_val) = load_mnist()
batch_size = task["args"]["batch_size"]
steps_per_epoch = math.ceil(len(x_train) / batch_size)

for trial in job["trials"]:
    began = time.monotonic()
    torch.manual_seed(trial["seed"])
    model = nn.Sequential(nn.Linear(784, task["args"]["hidden"]), nn.ReLU(), nn.Linear(task["args"]["hidden"], 10))
    opt = dict(task["optimizer"])
    optimizer = getattr(torch.optim, opt.pop("type"))(model.parameters(), **opt)
    spec = dict(trial["schedule"])
    per_step = spec.pop("interval", "epoch") == "step"
    sched = getattr(lr_scheduler, spec.pop("type"))(optimizer, **spec)
    plateau = isinstance(sched, lr_scheduler.ReduceLROnPlateau)
    for epoch in range(task["epochs"]):
        model.train()
        order = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(trial["seed"] * 100_003 + epoch))
        for i in range(0, len(x_train), batch_size):
            idx = order[i : i + batch_size]
            optimizer.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            optimizer.step()
            if per_step:
                sched.step()
        model.eval()
        with torch.no_grad():
            val_loss = F.cross_entropy(model(x_val), y_val).item()
        if plateau:
            sched.step(val_loss)
        elif not per_step:
            sched.step()
    print(json.dumps({"seconds": time.monotonic() - began, "val_loss": val_loss}), flush=True)
