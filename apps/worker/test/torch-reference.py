"""Reads reference cases (schedules already tabulated by the worker) on stdin, builds each with
lrsweep's trial.scheduler on a real torch optimizer, steps it, and prints the trajectories."""

import json
import sys
import warnings

import torch

import lrsweep

warnings.filterwarnings("ignore")


def optimizer_for(spec):
    spec = dict(spec)
    kind = spec.pop("type")
    groups = spec.pop("param_groups", None) or [{}]
    if "betas" in spec:
        spec["betas"] = tuple(spec["betas"])
    params = [{"params": [torch.nn.Parameter(torch.zeros(1))], **g} for g in groups]
    return getattr(torch.optim, kind)(params, **spec)


def momentum_of(optimizer):
    g = optimizer.param_groups
    if "betas" in g[0]:
        return [x["betas"][0] for x in g]
    return [x["momentum"] for x in g]


out = []
for case in json.load(sys.stdin):
    trial = lrsweep.init(defaults={"schedule": case["scheduler"], "epochs": case["steps"]})
    optimizer = optimizer_for(case["optimizer"])
    sched = trial.scheduler(optimizer)
    lr = [[g["lr"] for g in optimizer.param_groups]]
    momentum = [momentum_of(optimizer)]
    for k in range(case["steps"]):
        optimizer.step()
        if "metrics" in case:
            sched.step(case["metrics"][k])
        else:
            sched.step()
        lr.append([g["lr"] for g in optimizer.param_groups])
        momentum.append(momentum_of(optimizer))
    out.append({"id": case["id"], "lr": lr, "momentum": momentum})
json.dump(out, sys.stdout)
