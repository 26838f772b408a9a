"""A script run by hand (no worker, no LRSWEEP_FD): init(defaults) describes the trial and
report() prints to stderr. Standard library only."""

import contextlib
import io
import os
import random
import re
import unittest
from unittest import mock

import lrsweep


class ByHand(unittest.TestCase):
    def setUp(self):
        env = mock.patch.dict(os.environ)
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("LRSWEEP_FD", None)

    def test_init_without_defaults_gives_the_documented_trial(self):
        trial = lrsweep.init()
        self.assertIsNone(trial.id)
        self.assertEqual(trial.seed, 0)
        self.assertEqual(trial.epochs, 10)
        self.assertEqual(trial.args, {})
        self.assertEqual(trial.optimizer_spec, {"type": "SGD", "lr": 0.1})
        self.assertIsNone(trial.schedule)
        self.assertEqual(trial.objective, {"metric": "val_loss", "mode": "min"})
        self.assertEqual(trial.interval, "epoch")
        self.assertIsNone(trial.restored)
        self.assertFalse(trial.should_stop())

    def test_defaults_describe_the_trial(self):
        schedule = {"type": "StepLR", "step_size": 3, "gamma": 0.5}
        trial = lrsweep.init(defaults={"epochs": 3, "seed": 7, "args": {"hidden": 64}, "schedule": schedule, "optimizer": {"type": "Adam", "lr": 0.001}})
        self.assertEqual(trial.epochs, 3)
        self.assertEqual(trial.seed, 7)
        self.assertEqual(trial.args, {"hidden": 64})
        self.assertEqual(trial.schedule, schedule)
        self.assertEqual(trial.optimizer_spec, {"type": "Adam", "lr": 0.001})
        self.assertEqual(trial.objective, {"metric": "val_loss", "mode": "min"})  # not given: the default

    def test_trials_do_not_share_args(self):
        first = lrsweep.init(defaults={"args": {"width": 8}})
        first.args["width"] = 16
        first.args["added"] = True
        self.assertEqual(lrsweep.init().args, {})
        self.assertEqual(lrsweep.init(defaults={"args": {"width": 8}}).args, {"width": 8})

    def test_init_seeds_python_random_with_the_trial_seed(self):
        lrsweep.init(defaults={"seed": 42})
        drawn = [random.random() for _ in range(3)]
        expected = random.Random(42)
        self.assertEqual(drawn, [expected.random() for _ in range(3)])

    def test_report_prints_the_row_to_stderr(self):
        trial = lrsweep.init()
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            trial.report(0, train_loss=1.5, val_loss=0.5, val_acc=0.75, lr=0.1)
        self.assertRegex(err.getvalue(), r"^lrsweep: epoch=0 lr=0\.1 train_loss=1\.5 val_loss=0\.5 val_acc=0\.75 seconds=[0-9.e-]+\n$")


class ReportValidation(unittest.TestCase):
    """report() turns what it is given into the numbers the worker expects, or raises."""

    def setUp(self):
        env = mock.patch.dict(os.environ)
        env.start()
        self.addCleanup(env.stop)
        os.environ.pop("LRSWEEP_FD", None)
        self.trial = lrsweep.init()

    def report(self, *args, **kwargs):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            self.trial.report(*args, **kwargs)
        return dict(re.findall(r"(\w+)=(\S+)", err.getvalue()))

    def test_without_an_optimizer_the_lr_must_be_given(self):
        with self.assertRaisesRegex(ValueError, r"no optimizer to read the lr from: call trial\.scheduler\(optimizer\) or pass lr="):
            self.trial.report(0, train_loss=1.0, val_loss=1.0, val_acc=0.5)

    def test_a_metric_that_is_not_a_number_is_refused(self):
        with self.assertRaises(ValueError):
            self.report(0, train_loss="high", val_loss=1.0, val_acc=0.5, lr=0.1)
        with self.assertRaises(TypeError):
            self.report(0, train_loss=1.0, val_loss=None, val_acc=0.5, lr=0.1)

    def test_numbers_of_other_types_are_converted(self):
        row = self.report("2", train_loss=1, val_loss="0.25", val_acc=True, lr=1)
        self.assertEqual((row["epoch"], row["lr"], row["train_loss"], row["val_loss"], row["val_acc"]), ("2", "1.0", "1.0", "0.25", "1.0"))

    def test_a_diverged_loss_is_still_reported(self):
        row = self.report(0, train_loss=float("nan"), val_loss=float("inf"), val_acc=0.0, lr=0.1)
        self.assertEqual((row["train_loss"], row["val_loss"]), ("nan", "inf"))

    def test_any_metric_by_name_and_none_required(self):
        row = self.report(0, val_loss=0.5, val_f1=0.75, **{"val/bleu": 12}, lr=0.1)
        self.assertEqual((row["val_loss"], row["val_f1"], row["bleu"]), ("0.5", "0.75", "12.0"))
        self.assertNotIn("val_acc", row)
        self.assertNotIn("train_loss", self.report(1, lr=0.1))

    def test_the_named_three_may_still_come_positionally(self):
        row = self.report(0, 1.5, 0.5, 0.75, lr=0.1)
        self.assertEqual((row["train_loss"], row["val_loss"], row["val_acc"]), ("1.5", "0.5", "0.75"))
        with self.assertRaisesRegex(TypeError, "name any other metric"):
            self.report(0, 1.5, 0.5, 0.75, 0.9, lr=0.1)
        with self.assertRaisesRegex(TypeError, "train_loss both positionally and by name"):
            self.report(0, 1.5, train_loss=1.5, lr=0.1)

    def test_a_bad_metric_name_or_value_names_it(self):
        with self.assertRaisesRegex(ValueError, "'1st' is not a metric name"):
            self.report(0, **{"1st": 1.0}, lr=0.1)
        with self.assertRaisesRegex(ValueError, "'seconds' is not a metric name"):
            self.report(0, seconds=1.0, lr=0.1)
        with self.assertRaisesRegex(ValueError, "is not a metric name"):
            self.report(0, **{"m" * 65: 1.0}, lr=0.1)
        with self.assertRaisesRegex(TypeError, "metric val_f1 must be a number, got None"):
            self.report(0, val_f1=None, lr=0.1)
        with self.assertRaisesRegex(ValueError, "33 metrics in one report; at most 32"):
            self.report(0, **{"m%d" % i: 1.0 for i in range(33)}, lr=0.1)

    def test_a_non_finite_metric_is_reported_for_the_worker_to_judge(self):
        row = self.report(0, val_f1=float("nan"), lr=0.1)
        self.assertEqual(row["val_f1"], "nan")


if __name__ == "__main__":
    unittest.main()
