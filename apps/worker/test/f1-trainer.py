"""A trainer script with no torch that reports a metric of its own (val_f1), as a user's
classification script might, and no val_acc or val_loss: trial.report(epoch, **metrics).

mode: ok | no-objective | nan-f1 | bad-name. StepLR by hand; val_f1 grows with gamma, so a
sweep maximising it ranks the largest gamma first."""

import lrsweep

trial = lrsweep.init(defaults={"epochs": 3, "args": {"mode": "ok"}})
mode = trial.args["mode"]
spec = trial.schedule
gamma = spec.get("gamma", 0.1)
for epoch in range(trial.epochs):
    lr = trial.optimizer_spec["lr"] * gamma ** (epoch // spec["step_size"])
    val_f1 = 0.5 * gamma + 0.01 * epoch
    if mode == "no-objective":
        trial.report(epoch, val_loss=1.0 - val_f1, lr=lr)
    elif mode == "nan-f1" and epoch == 1:
        trial.report(epoch, train_loss=1.0, val_f1=float("nan"), lr=lr)
    elif mode == "bad-name":
        # What a script not using lrsweep's report() could send: the worker refuses it.
        trial._send({"type": "report", "epoch": epoch, "lr": lr, "val f1": val_f1})
    else:
        trial.report(epoch, train_loss=1.0 / (epoch + 1), val_f1=val_f1, **{"val/precision": 0.9}, lr=lr)
    if trial.should_stop():
        break
