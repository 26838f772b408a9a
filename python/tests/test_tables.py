"""The parts of python/lrsweep/schedules.py that need no torch: the lambda tables the worker
sends in place of expressions, and which schedules step per batch."""

import pickle
import unittest

from lrsweep.schedules import Table, natural_interval


class Tables(unittest.TestCase):
    def test_a_table_answers_at_the_integers_it_was_tabulated_for(self):
        table = Table([1.0, 0.5, 0.25], "lr_lambda")
        self.assertEqual([table(0), table(1), table(2)], [1.0, 0.5, 0.25])
        self.assertEqual(table(2.0), 0.25)  # CyclicLR's scale_fn gets floats

    def test_outside_the_table_is_an_error_naming_its_range(self):
        table = Table([1.0, 0.5, 0.25], "lr_lambda")
        for x in (3, -1, 0.5):
            with self.assertRaisesRegex(IndexError, r"lr_lambda was tabulated for 0\.\.2, asked for"):
                table(x)

    def test_a_value_that_raised_in_the_worker_raises_here(self):
        table = Table([1.0, None], "scale_fn")
        with self.assertRaisesRegex(ValueError, "scale_fn raised an error at 1 when the worker evaluated it"):
            table(1)

    def test_a_table_pickles_so_a_scheduler_holding_one_checkpoints(self):
        table = pickle.loads(pickle.dumps(Table([1.0, 0.5], "lr_lambda")))
        self.assertEqual(table(1), 0.5)


class NaturalInterval(unittest.TestCase):
    def test_onecycle_and_cyclic_step_per_batch_the_rest_per_epoch(self):
        self.assertEqual(natural_interval({"type": "OneCycleLR", "max_lr": 1}), "step")
        self.assertEqual(natural_interval({"type": "CyclicLR", "base_lr": 0.1, "max_lr": 1}), "step")
        self.assertEqual(natural_interval({"type": "StepLR", "step_size": 1}), "epoch")

    def test_a_composite_steps_per_batch_when_any_child_does(self):
        cyclic = {"type": "CyclicLR", "base_lr": 0.1, "max_lr": 1}
        step = {"type": "StepLR", "step_size": 1}
        self.assertEqual(natural_interval({"type": "SequentialLR", "schedulers": [step, cyclic], "milestones": [2]}), "step")
        self.assertEqual(natural_interval({"type": "ChainedScheduler", "schedulers": [{"type": "ChainedScheduler", "schedulers": [cyclic]}]}), "step")
        self.assertEqual(natural_interval({"type": "ChainedScheduler", "schedulers": [step, step]}), "epoch")

    def test_the_spec_may_say_its_interval(self):
        self.assertEqual(natural_interval({"type": "OneCycleLR", "max_lr": 1, "interval": "epoch"}), "epoch")
        self.assertEqual(natural_interval({"type": "StepLR", "step_size": 1, "interval": "step"}), "step")


if __name__ == "__main__":
    unittest.main()
