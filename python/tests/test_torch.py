"""What needs torch: the sweep's optimizer and schedule as real torch objects, stepped the way
the runtime's docstring tells scripts to, and checkpoints of torch objects. Skipped, with the
reason printed, where torch is missing."""

import os
import random
import tempfile
import unittest
import warnings

from .support import HAS_TORCH, NO_TORCH, recorded_trial

if HAS_TORCH:
    import torch
    import torch.optim.lr_scheduler as lr_scheduler


def quiet_warnings(test):
    """Hides torch's notes about its own schedulers for one test, then puts the filters back."""
    catcher = warnings.catch_warnings()
    catcher.__enter__()
    test.addCleanup(catcher.__exit__, None, None, None)
    warnings.simplefilter("ignore")


def train(trial, recorder, epochs, steps_per_epoch=3, report_first=False, losses=None, start=0, model=None, after_epoch=None):
    """The loop of lrsweep's docstring; returns the lrs the trial reported."""
    model = model or torch.nn.Linear(2, 1)
    optimizer = trial.optimizer(model.parameters())
    sched = trial.scheduler(optimizer, steps_per_epoch=steps_per_epoch)
    for epoch in range(start, epochs):
        for _ in range(steps_per_epoch):
            optimizer.step()
            trial.step_batch(sched)
        val_loss = losses[epoch] if losses else 1.0
        if report_first:
            trial.report(epoch, train_loss=1.0, val_loss=val_loss, val_acc=0.5)
            trial.step(sched, val_loss=val_loss)
        else:
            trial.step(sched, val_loss=val_loss)
            trial.report(epoch, train_loss=1.0, val_loss=val_loss, val_acc=0.5)
    return [m["lr"] for m in recorder.of_type("report")]


def torch_lrs(make, lr, epochs, steps_per_epoch, per_step):
    """What torch's own scheduler gives at the start of each epoch, stepped directly."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    sched = make(optimizer)
    lrs = []
    for _ in range(epochs):
        lrs.append(optimizer.param_groups[0]["lr"])
        for _ in range(steps_per_epoch if per_step else 1):
            optimizer.step()
            sched.step()
    return lrs


@unittest.skipUnless(HAS_TORCH, NO_TORCH)
class Schedulers(unittest.TestCase):
    def setUp(self):
        quiet_warnings(self)

    def test_the_optimizer_is_the_sweeps(self):
        trial, _ = recorded_trial(optimizer={"type": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True})
        optimizer = trial.optimizer(torch.nn.Linear(2, 1).parameters())
        self.assertIsInstance(optimizer, torch.optim.SGD)
        group = optimizer.param_groups[0]
        self.assertEqual((group["lr"], group["momentum"], group["nesterov"]), (0.05, 0.9, True))
        trial, _ = recorded_trial(optimizer={"type": "Adam", "lr": 0.001, "betas": [0.8, 0.99]})
        self.assertEqual(trial.optimizer(torch.nn.Linear(2, 1).parameters()).param_groups[0]["betas"], (0.8, 0.99))

    def test_an_epoch_schedule_reports_the_lr_each_epoch_started_with_whatever_the_order(self):
        for report_first in (False, True):
            trial, recorder = recorded_trial(schedule={"type": "StepLR", "step_size": 2, "gamma": 0.5})
            self.assertEqual(train(trial, recorder, 4, report_first=report_first), [0.1, 0.1, 0.05, 0.05])
            self.assertEqual(trial.interval, "epoch")
            self.assertEqual(recorder.of_type("schedule"), [{"type": "schedule", "interval": "epoch", "steps_per_epoch": 3}])

    def test_a_step_schedule_steps_on_every_batch(self):
        spec = {"type": "OneCycleLR", "max_lr": 1.0}
        trial, recorder = recorded_trial(schedule=spec, epochs=3)
        lrs = train(trial, recorder, 3, steps_per_epoch=4)
        self.assertEqual(trial.interval, "step")
        expected = torch_lrs(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, epochs=3, steps_per_epoch=4), 0.1, 3, 4, per_step=True)
        self.assertEqual(lrs, expected)
        self.assertAlmostEqual(lrs[0], 1.0 / 25)  # OneCycleLR starts at max_lr / div_factor
        self.assertEqual(recorder.of_type("schedule"), [{"type": "schedule", "interval": "step", "steps_per_epoch": 4}])

    def test_onecycle_needs_the_run_length(self):
        trial, _ = recorded_trial(schedule={"type": "OneCycleLR", "max_lr": 1.0})
        optimizer = trial.optimizer(torch.nn.Linear(2, 1).parameters())
        with self.assertRaisesRegex(ValueError, r"OneCycleLR without total_steps needs trial\.scheduler\(optimizer, steps_per_epoch=len\(loader\)\)"):
            trial.scheduler(optimizer)
        # The trial's own steps_per_epoch, or total_steps in the spec, are enough.
        trial, _ = recorded_trial(schedule={"type": "OneCycleLR", "max_lr": 1.0}, steps_per_epoch=5, epochs=2)
        self.assertEqual(trial.scheduler(trial.optimizer(torch.nn.Linear(2, 1).parameters())).total_steps, 10)
        trial, _ = recorded_trial(schedule={"type": "OneCycleLR", "max_lr": 1.0, "total_steps": 7})
        self.assertEqual(trial.scheduler(trial.optimizer(torch.nn.Linear(2, 1).parameters())).total_steps, 7)

    def test_reduce_on_plateau_steps_with_the_objective_metric(self):
        trial, recorder = recorded_trial(schedule={"type": "ReduceLROnPlateau", "factor": 0.5, "patience": 0})
        self.assertEqual(train(trial, recorder, 4, losses=[1.0, 1.0, 0.5, 0.5]), [0.1, 0.1, 0.05, 0.05])

        trial, _ = recorded_trial(schedule={"type": "ReduceLROnPlateau", "mode": "max"}, objective={"metric": "val_acc", "mode": "max"})
        sched = trial.scheduler(trial.optimizer(torch.nn.Linear(2, 1).parameters()))
        trial.step(sched, 9.0, val_loss=2.0, val_acc=0.25)  # the objective's value wins over the positional one
        self.assertEqual(sched.best, 0.25)
        with self.assertRaisesRegex(ValueError, r"ReduceLROnPlateau needs the metric"):
            trial.step(sched, val_loss=2.0)

    def test_lambda_schedules_read_the_tables_the_worker_sent(self):
        table = {"table": [1.0, 0.5, 0.25, 0.125, 0.0625]}  # epochs + 2 values, as the worker tabulates
        trial, recorder = recorded_trial(schedule={"type": "LambdaLR", "lr_lambda": table}, epochs=3)
        self.assertEqual(train(trial, recorder, 3), [0.1, 0.05, 0.025])

        trial, _ = recorded_trial(schedule={"type": "LambdaLR", "lr_lambda": [table, {"table": [1.0, 1.0, 1.0]}]})
        optimizer = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))]}, {"params": [torch.nn.Parameter(torch.zeros(1))], "lr": 0.2}], lr=0.1)
        sched = trial.scheduler(optimizer)
        optimizer.step()
        sched.step()
        self.assertEqual([g["lr"] for g in optimizer.param_groups], [0.05, 0.2])

    def test_an_expression_is_never_evaluated_here(self):
        trial, _ = recorded_trial(schedule={"type": "LambdaLR", "lr_lambda": "0.5 ** epoch"})
        with self.assertRaisesRegex(ValueError, r"lr_lambda '0\.5 \*\* epoch' is an expression; the worker turns expressions into tables"):
            trial.scheduler(trial.optimizer(torch.nn.Linear(2, 1).parameters()))

    def test_without_a_schedule_the_lr_stays(self):
        trial, recorder = recorded_trial(schedule=None, epochs=4)
        self.assertEqual(train(trial, recorder, 4), [0.1] * 4)

    def test_composites_are_torchs_own(self):
        spec = {"type": "SequentialLR", "milestones": [2], "schedulers": [{"type": "LinearLR", "start_factor": 0.5, "total_iters": 2}, {"type": "ExponentialLR", "gamma": 0.9}]}
        trial, recorder = recorded_trial(schedule=spec, epochs=5)
        expected = torch_lrs(
            lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)], milestones=[2]),
            0.1, 5, 1, per_step=False,
        )
        self.assertEqual(train(trial, recorder, 5), expected)

    def test_an_unknown_scheduler_is_named(self):
        trial, _ = recorded_trial(schedule={"type": "NotAScheduler"})
        with self.assertRaisesRegex(ValueError, "torch.optim.lr_scheduler has no NotAScheduler"):
            trial.scheduler(trial.optimizer(torch.nn.Linear(2, 1).parameters()))

    def test_torch_is_seeded_with_the_trial_seed(self):
        recorded_trial(seed=11)
        drawn = torch.rand(3)
        torch.manual_seed(11)
        self.assertTrue(torch.equal(drawn, torch.rand(3)))


@unittest.skipUnless(HAS_TORCH, NO_TORCH)
class TorchCheckpoints(unittest.TestCase):
    """A retried trial restored from a checkpoint continues exactly as the uninterrupted run."""

    def setUp(self):
        quiet_warnings(self)
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dir = directory.name

    def run_epochs(self, trial, model, optimizer, sched, start, stop, checkpoint):
        for epoch in range(start, stop):
            for _ in range(3):
                # Data drawn from both RNGs, so a resume must restore them to see the same batches.
                x = torch.randn(8, 2) + random.random()
                optimizer.zero_grad()
                torch.nn.functional.mse_loss(model(x), x.sum(1, keepdim=True)).backward()
                optimizer.step()
                trial.step_batch(sched)
            trial.step(sched, val_loss=1.0)
            trial.report(epoch, train_loss=1.0, val_loss=1.0, val_acc=0.5)
            if checkpoint:
                trial.checkpoint(model, optimizer, sched, epoch_note=epoch)

    def start(self, schedule, **spec):
        trial, recorder = recorded_trial(seed=2, epochs=4, optimizer={"type": "SGD", "lr": 0.1, "momentum": 0.9}, schedule=schedule, **spec)
        torch.manual_seed(2)  # the trial seeds torch only when the script imported it first; make the model the same every time
        model = torch.nn.Linear(2, 1)
        optimizer = trial.optimizer(model.parameters())
        sched = trial.scheduler(optimizer, steps_per_epoch=3)
        return trial, recorder, model, optimizer, sched

    def check_resume(self, schedule):
        trial, recorder, model, optimizer, sched = self.start(schedule)
        self.run_epochs(trial, model, optimizer, sched, 0, 4, checkpoint=False)
        whole = ([m["lr"] for m in recorder.of_type("report")], model.weight.detach().clone())

        trial, recorder, model, optimizer, sched = self.start(schedule, checkpoint_dir=self.dir)
        self.run_epochs(trial, model, optimizer, sched, 0, 2, checkpoint=True)
        first = [m["lr"] for m in recorder.of_type("report")]
        path = recorder.of_type("checkpoint")[-1]["path"]
        self.assertEqual(path, os.path.join(self.dir, "checkpoint-1.pt"))
        torch.manual_seed(99)  # the crash: whatever ran in between moved the RNGs on
        random.seed(99)

        trial, recorder, model, optimizer, sched = self.start(schedule, resume={"path": path})
        start = trial.restore(model, optimizer, sched)
        self.assertEqual((start, trial.restored), (2, {"epoch_note": 1}))
        self.run_epochs(trial, model, optimizer, sched, start, 4, checkpoint=False)
        self.assertEqual(first + [m["lr"] for m in recorder.of_type("report")], whole[0])
        self.assertTrue(torch.equal(model.weight, whole[1]))

    def test_an_epoch_schedule_resumes_exactly(self):
        self.check_resume({"type": "StepLR", "step_size": 1, "gamma": 0.5})

    def test_a_cyclic_schedule_with_a_scale_table_resumes_exactly(self):
        # CyclicLR's state holds a reference torch cannot pickle; the runtime leaves it out.
        self.check_resume({"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, "mode": "exp_range", "scale_fn": {"table": [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4]}})


if __name__ == "__main__":
    unittest.main()
