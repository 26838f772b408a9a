"""One trial: what to train (epochs, args, optimizer, schedule, seed), and the calls that
report it back to the worker."""

import json
import os
import random
import re
import signal
import sys
import time

from .channel import Channel
from .schedules import build_optimizer, build_scheduler, natural_interval, scheduler_state

_DEFAULTS = {
    "id": None,
    "seed": 0,
    "epochs": 10,
    "args": {},
    "optimizer": {"type": "SGD", "lr": 0.1},
    "schedule": None,
    "objective": {"metric": "val_loss", "mode": "min"},
    "steps_per_epoch": None,
    "checkpoint_dir": None,
    "resume": None,
}


# Set by lrsweep.host while a warm process runs the script: the trial comes from there.
_host = None


def init(defaults=None):
    """The trial the worker handed over; run by hand (no worker), `defaults` describes it."""
    if _host is not None:
        trial = Trial(_from_worker(_host.spec, defaults), _host.channel)
        _host.attach(trial)  # the host routes the worker's stop (channel, SIGTERM) to it
        return trial
    fd = os.environ.get("LRSWEEP_FD")
    if fd is None:
        spec = dict(_DEFAULTS)
        spec.update(defaults or {})
        spec["args"] = dict(_DEFAULTS["args"], **(defaults or {}).get("args", {}))
        return Trial(spec, None)
    trial = Trial.__new__(Trial)
    channel = Channel(int(fd), trial._request_stop)
    Trial.__init__(trial, _from_worker(channel.receive_init(), defaults), channel)
    # The worker stops a trial with SIGTERM (cancel, shutdown): finish the epoch, then stop.
    signal.signal(signal.SIGTERM, lambda *_: trial._request_stop())
    return trial


def _from_worker(received, defaults):
    spec = dict(_DEFAULTS)
    spec.update(received)
    # Defaults fill args the sweep did not set, so a script's own defaults live in one place.
    spec["args"] = dict((defaults or {}).get("args", {}), **spec.get("args") or {})
    return spec


class Trial:
    def __init__(self, spec, channel):
        self.id = spec["id"]
        self.seed = spec["seed"]
        self.epochs = spec["epochs"]
        self.args = spec["args"]
        self.objective = spec["objective"]
        self._spec = spec
        self._channel = channel
        self._stop = False
        self._optimizer = None
        self._interval = "epoch"
        self._epoch_start_lr = None
        self._stepped = False
        self._capture_on_step = False
        self._last_epoch = None
        self._clock = time.monotonic()
        self.restored = None
        random.seed(self.seed)
        if "torch" in sys.modules:
            sys.modules["torch"].manual_seed(self.seed)
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed(self.seed)

    # -- what to train ----------------------------------------------------------------

    @property
    def schedule(self):
        """The schedule spec (PyTorch class name and arguments; expressions arrive as tables)."""
        return self._spec["schedule"]

    @property
    def optimizer_spec(self):
        """The sweep's optimizer: {"type": "SGD", "lr": 0.1, "momentum": 0.9, ...}."""
        return self._spec["optimizer"]

    @property
    def interval(self):
        """'step' when the schedule steps per optimizer step (OneCycleLR, CyclicLR), else 'epoch'."""
        return self._interval

    def optimizer(self, params):
        """The sweep's optimizer (torch.optim.SGD/Adam/AdamW with its hyperparameters) over params."""
        self._optimizer = build_optimizer(self._spec["optimizer"], params)
        return self._optimizer

    def scheduler(self, optimizer, steps_per_epoch=None):
        """The sweep's schedule as real torch.optim.lr_scheduler objects on `optimizer`."""
        import torch.optim.lr_scheduler as lr_scheduler

        self._optimizer = optimizer
        spec = self._spec["schedule"] or {"type": "LambdaLR", "lr_lambda": {"table": [1.0] * (self.epochs + 1)}}
        self._interval = natural_interval(spec)
        sched = build_scheduler(spec, optimizer, self.epochs, steps_per_epoch or self._spec["steps_per_epoch"])
        self._plateau = isinstance(sched, lr_scheduler.ReduceLROnPlateau)
        self._epoch_start_lr = self._lr()
        self._send({"type": "schedule", "interval": self._interval, "steps_per_epoch": steps_per_epoch})
        return sched

    # -- the loop -----------------------------------------------------------------------

    def step_batch(self, sched):
        """Call after every optimizer.step(): steps a per-step schedule, leaves others alone."""
        if self._interval == "step":
            sched.step()

    def step(self, sched, metric=None, **metrics):
        """Call once per epoch: steps a per-epoch schedule; ReduceLROnPlateau gets `metric`
        (or the objective's value among the keyword metrics, e.g. val_loss=...)."""
        value = metrics.get(self.objective["metric"], metric)
        if self._interval == "epoch":
            if getattr(self, "_plateau", False):
                if value is None:
                    name = self.objective["metric"]
                    raise ValueError("lrsweep: ReduceLROnPlateau needs the metric it monitors, the objective %s: trial.step(sched, %s=...)" % (name, name))
                sched.step(value)
            else:
                sched.step()
        if self._capture_on_step:
            # report() came first this epoch: the lr after stepping is the next epoch's. This
            # step ended the reported epoch, so it does not count as a step before the next report.
            self._epoch_start_lr = self._lr()
            self._capture_on_step = False
        else:
            self._stepped = True

    def report(self, epoch, *named, lr=None, **metrics):
        """Records epoch `epoch` (0-based) with any numeric metrics by name:
        trial.report(epoch, val_loss=..., val_f1=...). None is required; train_loss, val_loss and
        val_acc keep their meaning (and may still be given in that order, positionally). The lr
        is the optimizer's at the start of the epoch (a script without a torch optimizer passes
        `lr` itself)."""
        now = time.monotonic()
        if len(named) > len(_NAMED_METRICS):
            raise TypeError("lrsweep: report() takes the epoch, then train_loss, val_loss, val_acc positionally; name any other metric: report(epoch, val_f1=...)")
        for name, value in zip(_NAMED_METRICS, named):
            if name in metrics:
                raise TypeError("lrsweep: report() got %s both positionally and by name" % name)
            metrics[name] = value
        if lr is None:
            lr = self._epoch_start_lr if self._epoch_start_lr is not None else self._lr()
        if lr is None:
            raise ValueError("lrsweep: no optimizer to read the lr from: call trial.scheduler(optimizer) or pass lr=")
        row = {"type": "report", "epoch": int(epoch), "lr": float(lr)}
        row.update(_checked_metrics(metrics))
        row["seconds"] = now - self._clock
        self._clock = now
        self._last_epoch = int(epoch)
        if self._channel is None:
            print("lrsweep: " + " ".join("%s=%s" % (k, v) for k, v in row.items() if k != "type"), file=sys.stderr)
        else:
            self._send(row)
        # step() before report() (the usual order) left the optimizer at the next epoch's lr.
        if self._stepped:
            self._epoch_start_lr = self._lr()
        else:
            self._capture_on_step = True
        self._stepped = False

    def should_stop(self):
        """True once the trial is cancelled or the worker is stopping: end the loop."""
        return self._stop

    # -- resume -------------------------------------------------------------------------

    def checkpoint(self, model=None, optimizer=None, sched=None, **state):
        """Saves what a retried trial resumes from. torch objects go through torch.save;
        `state` (plain JSON values) is handed back as trial.restored by restore().

        Each epoch gets a file of its own (checkpoint-<epoch>.pt/.json), never overwriting the
        one the worker last recorded: the worker may die between this write and recording the
        epoch, and the retry must then find the older epoch's state where Postgres says it is.
        The worker deletes older files once it has recorded a newer one; this never does."""
        directory = self._spec["checkpoint_dir"]
        if directory is None or self._last_epoch is None:
            return None
        payload = {
            "epoch": self._last_epoch,
            "epoch_start_lr": self._epoch_start_lr,
            "random": random.getstate(),
            "state": state,
        }
        torch_objects = model is not None or optimizer is not None or sched is not None
        path = os.path.join(directory, "checkpoint-%d.%s" % (self._last_epoch, "pt" if torch_objects else "json"))
        tmp = path + ".tmp"
        if torch_objects:
            import torch

            payload.update(
                model=model.state_dict() if model is not None else None,
                optimizer=optimizer.state_dict() if optimizer is not None else None,
                scheduler=scheduler_state(sched) if sched is not None else None,
                torch_rng=torch.get_rng_state(),
            )
            torch.save(payload, tmp)
        else:
            payload["random"] = _jsonable(payload["random"])
            with open(tmp, "w") as f:
                json.dump(payload, f)
        os.replace(tmp, path)  # a crash mid-write leaves no half-written file under this name
        self._send({"type": "checkpoint", "epoch": self._last_epoch, "path": path})
        return path

    def restore(self, model=None, optimizer=None, sched=None):
        """Loads the checkpoint the worker hands back (the last one it recorded, at
        resume["path"]; never a newer file in the directory); returns the epoch to start from."""
        resume = self._spec["resume"]
        if not resume:
            return 0
        path = resume["path"]
        payload = _load_checkpoint(path)
        if resume.get("epoch") is not None and payload["epoch"] != resume["epoch"]:
            # Another epoch's state would skip an epoch the worker never recorded, or repeat one.
            raise RuntimeError("lrsweep: %s holds epoch %d, the worker recorded epoch %d" % (path, payload["epoch"], resume["epoch"]))
        if not path.endswith(".json"):
            import torch

            if model is not None:
                model.load_state_dict(payload["model"])
            if optimizer is not None:
                optimizer.load_state_dict(payload["optimizer"])
            if sched is not None and payload.get("scheduler") is not None:
                sched.load_state_dict(payload["scheduler"])
            torch.set_rng_state(payload["torch_rng"])
        random.setstate(payload["random"])
        self._epoch_start_lr = payload["epoch_start_lr"]
        self._last_epoch = payload["epoch"]
        self.restored = payload["state"]
        self._clock = time.monotonic()
        return payload["epoch"] + 1

    # -- internals ----------------------------------------------------------------------

    def _lr(self):
        return None if self._optimizer is None else float(self._optimizer.param_groups[0]["lr"])

    def _send(self, message):
        if self._channel is not None:
            self._channel.send(message)

    def _request_stop(self):
        self._stop = True


# The three metrics with their own meaning and columns, in report()'s positional order.
_NAMED_METRICS = ("train_loss", "val_loss", "val_acc")
# As the worker checks them (@lrsweep/contracts metrics.schema.ts): a bad report fails here,
# in the script, with the line that made it.
_METRIC_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")
_MAX_METRIC_NAME_LENGTH = 64
_MAX_METRICS_PER_EPOCH = 32
_RESERVED = ("type", "epoch", "lr", "seconds", "metrics")


def _checked_metrics(metrics):
    """The metrics as floats, or an error naming the one that is not a metric. Non-finite
    values pass: the worker decides (a NaN loss or objective means the trial diverged)."""
    if len(metrics) > _MAX_METRICS_PER_EPOCH:
        raise ValueError("lrsweep: %d metrics in one report; at most %d" % (len(metrics), _MAX_METRICS_PER_EPOCH))
    checked = {}
    for name, value in metrics.items():
        if len(name) > _MAX_METRIC_NAME_LENGTH or not _METRIC_NAME.match(name) or name in _RESERVED:
            raise ValueError(
                "lrsweep: %r is not a metric name (letters, digits, _ . / -, at most %d characters, not %s)"
                % (name, _MAX_METRIC_NAME_LENGTH, ", ".join(_RESERVED))
            )
        try:
            checked[name] = float(value)
        except (TypeError, ValueError) as err:
            raise type(err)("lrsweep: metric %s must be a number, got %r" % (name, value)) from None
    return checked


def _load_checkpoint(path):
    """A file checkpoint() wrote: JSON, or torch.save's format."""
    if path.endswith(".json"):
        with open(path) as f:
            payload = json.load(f)
        payload["random"] = _tupled(payload["random"])
        return payload
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:  # torch before weights_only
        return torch.load(path, map_location="cpu")


def _jsonable(value):
    return [_jsonable(v) for v in value] if isinstance(value, (list, tuple)) else value


def _tupled(value):
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value
