"""A trainer script with no torch: the protocol, faults and resume, driven by trial.args.

mode: ok | crash | hang | garbage | twice | wrong-lr | nan; epoch_seconds: sleep per epoch.
FAKE_LOG (the trainer's env): a file each run appends "<trial> start <epoch>" to."""

import os
import sys
import time

import lrsweep

trial = lrsweep.init(defaults={"epochs": 3, "args": {"mode": "ok", "epoch_seconds": 0}})
mode = trial.args["mode"]
start = trial.restore()
w = (trial.restored or {}).get("w", 0.0)
if os.environ.get("FAKE_LOG"):
    with open(os.environ["FAKE_LOG"], "a") as f:
        f.write("%s start %d\n" % (trial.id, start))
print("fake trainer: starting at epoch %d" % start, flush=True)

if mode == "crash":
    print("Traceback (most recent call last):\nRuntimeError: boom from the fake trainer", file=sys.stderr, flush=True)
    sys.exit(3)

lr0 = trial.optimizer_spec["lr"]
spec = trial.schedule
for epoch in range(start, trial.epochs):
    if mode == "hang":
        while True:
            time.sleep(0.2)  # ignores should_stop(): only SIGKILL ends it
    time.sleep(trial.args.get("epoch_seconds", 0))
    if mode == "garbage":
        # A report-shaped line and binary noise on stdout must be ignored.
        print('{"type": "report", "epoch": 99, "lr": 1, "train_loss": 1, "val_loss": 1, "val_acc": 1, "seconds": 1}', flush=True)
        sys.stdout.buffer.write(b"\x00\xff\xfe not json {{{\n")
        sys.stdout.flush()
    # StepLR by hand: what PyTorch's scheduler would give at the start of this epoch.
    k = epoch if mode == "wrong-lr" else epoch // spec["step_size"]
    lr = lr0 * spec.get("gamma", 0.1) ** k
    loss = 1.0 / (epoch + 1) + 0.01 * trial.seed
    if mode == "nan" and epoch == 1:
        loss = float("nan")
    trial.report(epoch, train_loss=loss, val_loss=loss * 1.1, val_acc=0.5 + 0.01 * epoch, lr=lr)
    if mode == "twice":
        trial.report(epoch, train_loss=loss, val_loss=loss * 1.1, val_acc=0.5 + 0.01 * epoch, lr=lr)
    w += 1.0
    trial.checkpoint(w=w)
    if trial.should_stop():
        print("fake trainer: stopping after epoch %d" % epoch, flush=True)
        break
print("fake trainer: done", flush=True)
