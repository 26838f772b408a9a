"""The trial runtime that a user's PyTorch script imports.

    import lrsweep
    trial = lrsweep.init()                   # the trial the worker handed over
    optimizer = trial.optimizer(model.parameters())
    sched = trial.scheduler(optimizer, steps_per_epoch=len(loader))
    start = trial.restore(model, optimizer, sched)
    for epoch in range(start, trial.epochs):
        for batch in loader:
            ...; optimizer.step(); trial.step_batch(sched)
        trial.step(sched, val_loss)
        trial.report(epoch, train_loss=..., val_loss=..., val_f1=...)   # any metrics by name
        trial.checkpoint(model, optimizer, sched)
        if trial.should_stop(): break

Standard library only; torch is imported when the script asks for a scheduler, optimizer or
checkpoint. Under a worker the trial arrives on a private channel (file descriptor
LRSWEEP_FD), so the script's own prints never mix with reports. Without a worker,
`lrsweep.init(defaults={...})` describes the trial, so the same script runs by hand.
A worker may run the script many times in one warm process (lrsweep.host);
`lrsweep.cache(key, build)` keeps what is expensive to build for the next trial.
"""

from .cache import cache
from .trial import Trial, init

__all__ = ["Trial", "cache", "init"]
__version__ = "0.1.0"
