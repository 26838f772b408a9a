"""A script under a worker: the trial arrives on the channel (LRSWEEP_FD), reports, checkpoints
and stops travel on it, and nothing the script prints is read as a report. Each test runs a
real script process and plays the worker's side as apps/worker/src/external/script-process.ts
does. Standard library only."""

import json
import os
import signal
import tempfile
import unittest

from .support import ScriptUnderWorker

TRIAL = {
    "id": "trial-1",
    "seed": 3,
    "epochs": 4,
    "args": {"hidden": 32},
    "optimizer": {"type": "SGD", "lr": 0.05, "momentum": 0.9},
    "schedule": {"type": "StepLR", "step_size": 2, "gamma": 0.5},
    "objective": {"metric": "val_acc", "mode": "max"},
}

# Reports epoch 0, then waits until told to stop (or for the test to give up).
WAIT_FOR_STOP = """
    import sys, time
    import lrsweep
    trial = lrsweep.init()
    trial.report(0, train_loss=1.0, val_loss=1.0, val_acc=0.5, lr=0.1)
    deadline = time.monotonic() + 20
    while not trial.should_stop() and time.monotonic() < deadline:
        time.sleep(0.01)
    print("stopped" if trial.should_stop() else "not stopped")
"""


class Channel(unittest.TestCase):
    def test_the_trial_comes_from_the_worker_and_defaults_fill_only_missing_args(self):
        script = ScriptUnderWorker(
            """
            import json
            import lrsweep
            t = lrsweep.init(defaults={"epochs": 99, "seed": 1, "args": {"hidden": 8, "batch_size": 64}})
            print(json.dumps({"id": t.id, "seed": t.seed, "epochs": t.epochs, "args": t.args, "optimizer": t.optimizer_spec,
                              "schedule": t.schedule, "objective": t.objective}))
            """
        )
        script.send_trial(TRIAL)
        code, out, err = script.finish()
        self.assertEqual(code, 0, err)
        got = json.loads(out)
        self.assertEqual(got["args"], {"hidden": 32, "batch_size": 64})  # the sweep's value wins; defaults fill the rest
        self.assertEqual((got["id"], got["seed"], got["epochs"]), ("trial-1", 3, 4))  # defaults do not override the trial
        self.assertEqual(got["optimizer"], TRIAL["optimizer"])
        self.assertEqual(got["schedule"], TRIAL["schedule"])
        self.assertEqual(got["objective"], TRIAL["objective"])

    def test_reports_travel_on_the_channel_and_prints_do_not(self):
        script = ScriptUnderWorker(
            """
            import lrsweep
            trial = lrsweep.init()
            print('{"type": "report", "epoch": 7, "lr": 1, "train_loss": 1, "val_loss": 1, "val_acc": 1}')
            trial.report(0, train_loss=0.75, val_loss=float("nan"), val_acc=0.5, lr=0.1)
            trial.report(1, train_loss=0.5, val_loss=float("-inf"), val_acc=0.625, lr=0.05)
            """
        )
        script.send_trial(TRIAL)
        first, second = script.receive(), script.receive()
        code, out, err = script.finish()
        self.assertEqual(code, 0, err)
        self.assertIn('"epoch": 7', out)
        self.assertGreaterEqual(first.pop("seconds"), 0)
        second.pop("seconds")
        # JSON has no NaN: a diverged loss travels as a string the worker turns back into a number.
        self.assertEqual(first, {"type": "report", "epoch": 0, "lr": 0.1, "train_loss": 0.75, "val_loss": "nan", "val_acc": 0.5})
        self.assertEqual(second, {"type": "report", "epoch": 1, "lr": 0.05, "train_loss": 0.5, "val_loss": "-inf", "val_acc": 0.625})
        self.assertEqual(err, "")  # under a worker nothing is printed for a report

    def test_a_scripts_own_metrics_travel_as_fields_of_the_report(self):
        script = ScriptUnderWorker(
            """
            import lrsweep
            trial = lrsweep.init()
            trial.report(0, val_f1=0.5, val_loss=float("nan"), lr=0.1)
            """
        )
        script.send_trial(TRIAL)
        report = script.receive()
        code, _, err = script.finish()
        self.assertEqual(code, 0, err)
        report.pop("seconds")
        self.assertEqual(report, {"type": "report", "epoch": 0, "lr": 0.1, "val_f1": 0.5, "val_loss": "nan"})

    def test_a_stop_message_makes_should_stop_true(self):
        script = ScriptUnderWorker(WAIT_FOR_STOP)
        script.send_trial(TRIAL)
        self.assertEqual(script.receive()["type"], "report")
        script.send({"type": "stop", "reason": "cancel"})
        code, out, err = script.finish()
        self.assertEqual((code, out.strip()), (0, "stopped"), err)

    def test_sigterm_makes_should_stop_true_instead_of_killing_the_script(self):
        script = ScriptUnderWorker(WAIT_FOR_STOP)
        script.send_trial(TRIAL)
        self.assertEqual(script.receive()["type"], "report")  # init() has installed its handler by now
        script.proc.send_signal(signal.SIGTERM)
        code, out, err = script.finish()
        self.assertEqual((code, out.strip()), (0, "stopped"), err)

    def test_the_script_exits_75_when_its_worker_goes_away(self):
        script = ScriptUnderWorker(WAIT_FOR_STOP)
        script.send_trial(TRIAL)
        self.assertEqual(script.receive()["type"], "report")
        script.close_channel()
        code, out, err = script.finish()
        self.assertEqual((code, out), (75, ""), err)

    def test_the_first_message_must_be_the_trial(self):
        script = ScriptUnderWorker("import lrsweep; lrsweep.init()")
        script.send({"type": "stop", "reason": "cancel"})
        code, _, err = script.finish()
        self.assertEqual(code, 1)
        self.assertIn("RuntimeError: lrsweep: expected the trial from the worker, got 'stop'", err)

    def test_a_channel_closed_before_the_trial_is_an_error(self):
        script = ScriptUnderWorker("import lrsweep; lrsweep.init()")
        script.close_channel()
        code, _, err = script.finish()
        self.assertEqual(code, 1)
        self.assertIn("the worker closed the channel before sending the trial", err)

    def test_a_checkpoint_is_announced_with_its_epoch_and_path(self):
        with tempfile.TemporaryDirectory() as directory:
            script = ScriptUnderWorker(
                """
                import lrsweep
                trial = lrsweep.init()
                trial.report(0, train_loss=1.0, val_loss=1.0, val_acc=0.5, lr=0.1)
                trial.checkpoint(step=10)
                """
            )
            script.send_trial(dict(TRIAL, checkpoint_dir=directory))
            self.assertEqual(script.receive()["type"], "report")
            message = script.receive()
            code, _, err = script.finish()
            self.assertEqual(code, 0, err)
            self.assertEqual(message, {"type": "checkpoint", "epoch": 0, "path": os.path.join(directory, "checkpoint-0.json")})
            self.assertTrue(os.path.exists(message["path"]))


if __name__ == "__main__":
    unittest.main()
