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

        self.assertEqual(path, os.path.join(self.dir, "checkpoint-2.json"))
        self.assertEqual(os.listdir(self.dir), ["checkpoint-2.json"])  # written whole, no .tmp left behind
        self.assertEqual(recorder.of_type("checkpoint"), [{"type": "checkpoint", "epoch": 2, "path": path}])

        retried, _ = trial_with(seed=5, checkpoint_dir=self.dir, resume={"path": path})
        self.assertEqual(retried.restore(), 3)
        self.assertEqual(retried.restored, {"step": 300, "best": {"val_loss": 0.25, "epoch": 1}})
        self.assertEqual([random.random() for _ in range(3)], after_checkpoint)

    def test_each_epoch_is_a_file_of_its_own_and_a_retry_restores_the_one_it_is_given(self):
        # The window of a worker killed mid-trial: the script has written epoch 2's file, the
        # worker still points at epoch 1's. The retry must restore epoch 1 and train epoch 2 again.
        trial, recorder = trial_with(checkpoint_dir=self.dir)
        paths = []
        for epoch in range(3):
            report(trial, epoch)
            paths.append(trial.checkpoint(step=epoch))
        self.assertEqual(sorted(os.listdir(self.dir)), ["checkpoint-0.json", "checkpoint-1.json", "checkpoint-2.json"])  # the script never deletes
        self.assertEqual([m["path"] for m in recorder.of_type("checkpoint")], paths)

        retried, _ = trial_with(checkpoint_dir=self.dir, resume={"epoch": 1, "path": paths[1]})
        self.assertEqual((retried.restore(), retried.restored), (2, {"step": 1}))
        latest, _ = trial_with(checkpoint_dir=self.dir, resume={"epoch": 2, "path": paths[2]})
        self.assertEqual((latest.restore(), latest.restored), (3, {"step": 2}))

    def test_a_file_holding_another_epoch_than_the_worker_recorded_is_refused(self):
        trial, _ = trial_with(checkpoint_dir=self.dir)
        report(trial, 0)
        report(trial, 1)
        path = trial.checkpoint(step=1)
        retried, _ = trial_with(resume={"epoch": 0, "path": path})
        with self.assertRaisesRegex(RuntimeError, "holds epoch 1, the worker recorded epoch 0"):
            retried.restore()

    def test_a_first_attempt_starts_at_epoch_0(self):
        trial, _ = trial_with(checkpoint_dir=self.dir)
        self.assertEqual(trial.restore(), 0)
        self.assertIsNone(trial.restored)


if __name__ == "__main__":
    unittest.main()
