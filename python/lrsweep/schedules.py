"""Real torch.optim.lr_scheduler objects from lrsweep's JSON schedule specs.

lr_lambda and scale_fn expressions are never evaluated here: the worker evaluates them with
its own safe parser and sends a table of values per epoch ({"table": [...]}), which becomes
a picklable callable, so LambdaLR and CyclicLR checkpoint as usual."""

import copy

PER_STEP = ("OneCycleLR", "CyclicLR")


class Table:
    """lr_lambda(epoch) / scale_fn(x) as the worker tabulated it."""

    def __init__(self, values, name):
        self.values = list(values)
        self.name = name

    def __call__(self, x):
        i = int(x)
        if i != x or not 0 <= i < len(self.values):
            raise IndexError("lrsweep: %s was tabulated for 0..%d, asked for %r" % (self.name, len(self.values) - 1, x))
        value = self.values[i]
        if value is None:
            raise ValueError("lrsweep: %s raised an error at %d when the worker evaluated it" % (self.name, i))
        return value


def natural_interval(spec):
    """'step' for schedules PyTorch steps per batch (and composites holding one), else 'epoch'."""
    if spec.get("interval") in ("epoch", "step"):
        return spec["interval"]
    if spec.get("type") in PER_STEP:
        return "step"
    if any(natural_interval(child) == "step" for child in spec.get("schedulers", [])):
        return "step"
    return "epoch"


def _callables(source, name):
    if isinstance(source, list):
        return [_callables(s, name) for s in source]
    if isinstance(source, dict) and "table" in source:
        return Table(source["table"], name)
    raise ValueError(
        "lrsweep: %s %r is an expression; the worker turns expressions into tables (a script run "
        "by hand can give {'table': [...]} instead)" % (name, source)
    )


def build_scheduler(spec, optimizer, epochs=None, steps_per_epoch=None):
    import torch.optim.lr_scheduler as lr_scheduler

    spec = copy.deepcopy(spec)
    interval = spec.pop("interval", None)
    kind = spec.pop("type")
    if kind == "SequentialLR":
        children = [build_scheduler(c, optimizer, epochs, steps_per_epoch) for c in spec.pop("schedulers")]
        return lr_scheduler.SequentialLR(optimizer, children, **spec)
    if kind == "ChainedScheduler":
        children = [build_scheduler(c, optimizer, epochs, steps_per_epoch) for c in spec.pop("schedulers")]
        return lr_scheduler.ChainedScheduler(children)
    if kind in ("LambdaLR", "MultiplicativeLR"):
        spec["lr_lambda"] = _callables(spec["lr_lambda"], "lr_lambda")
    if kind == "CyclicLR" and spec.get("scale_fn") is not None:
        spec["scale_fn"] = _callables(spec["scale_fn"], "scale_fn")
    if kind == "OneCycleLR" and spec.get("total_steps") is None and spec.get("steps_per_epoch") is None:
        # As the built-in trainer does: the run's length, as scripts pass epochs=..., steps_per_epoch=len(loader).
        per_step = (interval or "step") == "step"
        if per_step and steps_per_epoch is None:
            raise ValueError("lrsweep: OneCycleLR without total_steps needs trial.scheduler(optimizer, steps_per_epoch=len(loader))")
        spec["epochs"] = spec.get("epochs") or epochs
        spec["steps_per_epoch"] = steps_per_epoch if per_step else 1
    cls = getattr(lr_scheduler, kind, None)
    if cls is None:
        raise ValueError("lrsweep: torch.optim.lr_scheduler has no %s" % kind)
    return cls(optimizer, **spec)


def build_optimizer(spec, params):
    import torch.optim

    spec = dict(spec)
    kind = spec.pop("type")
    cls = getattr(torch.optim, kind)
    if "betas" in spec:
        spec["betas"] = tuple(spec["betas"])
    return cls(params, **spec)


def scheduler_state(sched):
    """state_dict without what torch 1.13 cannot pickle (CyclicLR's weak method reference)."""
    state = sched.state_dict()

    def clean(s):
        if isinstance(s, dict):
            s.pop("_scale_fn_ref", None)
            for child in s.get("_schedulers") or []:
                clean(child)
        return s

    return clean(state)
