"""A trainer script with no torch for the warm-process tests, driven by trial.args.mode:
ok | raise | crash (SIGSEGV) | slow (until stopped). WARM_LOG (the trainer's env): a file
each trial appends "<trial> <pid>" to. Its losses come from `random` after init(), so they
depend on the trial's seed alone; it then leaves behind what a careless script leaves (random
state, environment, working directory, argv), which the next trial in a warm process must not see."""

import os
import random
import signal
import sys
import time

import lrsweep

if os.environ.get("WARM_LEAK") or os.getcwd() == "/" or "--leaked" in sys.argv:
    raise RuntimeError("state leaked from the previous trial")

trial = lrsweep.init(defaults={"epochs": 3, "args": {"mode": "ok"}})
mode = trial.args["mode"]
with open(os.environ["WARM_LOG"], "a") as f:
    f.write("%s %d\n" % (trial.id, os.getpid()))

if mode == "raise":
    raise RuntimeError("boom from the warm trainer")
if mode == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)

for epoch in range(trial.epochs):
    if mode == "slow":
        time.sleep(0.3)
    loss = random.random()
    trial.report(epoch, train_loss=loss, val_loss=loss, val_acc=random.random(), lr=trial.optimizer_spec["lr"])
    if trial.should_stop():
        print("warm trainer: stopping after epoch %d" % epoch, flush=True)
        break

random.seed(12345)
os.environ["WARM_LEAK"] = "1"
os.chdir("/")
sys.argv.append("--leaked")
