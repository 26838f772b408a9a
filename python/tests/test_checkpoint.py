"""checkpoint() and restore() of a script that keeps its own state (plain JSON values, no torch
objects): what a retried trial resumes from. Standard library only; torch objects are covered
in test_torch.py."""

import os
import random
import tempfile
import unittest

from .support import recorded_trial as trial_with


def report(trial, epoch):
    trial.report(epoch, train_loss=1.0, val_loss=1.0, val_acc=0.5, lr=0.1)


class Checkpoint(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dir = directory.name

    def test_nothing_is_saved_without_a_directory_or_before_the_first_report(self):
        trial, recorder = trial_with()
        report(trial, 0)
        self.assertIsNone(trial.checkpoint(step=1))
        trial, recorder = trial_with(checkpoint_dir=self.dir)
        self.assertIsNone(trial.checkpoint(step=1))
        self.assertEqual(os.listdir(self.dir), [])
        self.assertEqual(recorder.of_type("checkpoint"), [])

    def test_a_retried_trial_resumes_after_the_last_checkpointed_epoch_with_its_state(self):
        trial, recorder = trial_with(seed=5, checkpoint_dir=self.dir)
        for epoch in range(3):
            random.random()  # the script's own draws move the random state on
            report(trial, epoch)
        path = trial.checkpoint(step=300, best={"val_loss": 0.25, "epoch": 1})
        after_checkpoint = [random.random() for _ in range(3)]

        self.assertEqual(path, os.path.join(self.dir, "checkpoint.json"))
        self.assertEqual(os.listdir(self.dir), ["checkpoint.json"])  # written whole, no .tmp left behind
        self.assertEqual(recorder.of_type("checkpoint"), [{"type": "checkpoint", "epoch": 2, "path": path}])

        retried, _ = trial_with(seed=5, checkpoint_dir=self.dir, resume={"path": path})
        self.assertEqual(retried.restore(), 3)
        self.assertEqual(retried.restored, {"step": 300, "best": {"val_loss": 0.25, "epoch": 1}})
        self.assertEqual([random.random() for _ in range(3)], after_checkpoint)

    def test_a_later_checkpoint_replaces_the_earlier_one(self):
        trial, _ = trial_with(checkpoint_dir=self.dir)
        report(trial, 0)
        trial.checkpoint(step=1)
        report(trial, 1)
        path = trial.checkpoint(step=2)
        retried, _ = trial_with(resume={"path": path})
        self.assertEqual((retried.restore(), retried.restored), (2, {"step": 2}))

    def test_a_first_attempt_starts_at_epoch_0(self):
        trial, _ = trial_with(checkpoint_dir=self.dir)
        self.assertEqual(trial.restore(), 0)
        self.assertIsNone(trial.restored)


if __name__ == "__main__":
    unittest.main()
