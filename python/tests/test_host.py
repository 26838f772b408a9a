"""A warm process (lrsweep.host): one interpreter runs the script once per trial the worker
hands over, resets what would leak between trials, and keeps a trial's failure the trial's.
Each test plays the worker's side as apps/worker/src/external/warm-process.ts does."""

import os
import signal
import unittest

from .support import HAS_TORCH, NO_TORCH, HostUnderWorker, ScriptUnderWorker


def trial(id, seed=0, **args):
    return {"id": id, "seed": seed, "epochs": 1, "args": args, "optimizer": {"type": "SGD", "lr": 0.1}, "schedule": None}


# Reports what it saw of the process: its pid, how many times the cache built, and the state a
# previous trial may have changed (and then changes it, as a careless script would).
SNOOP = """
    import os, random, sys
    import lrsweep
    trial = lrsweep.init()
    builds = []
    lrsweep.cache("data", lambda: builds.append(1) or "data")
    seen = {"pid": os.getpid(), "builds": len(builds), "cwd": os.getcwd(), "env": os.environ.get("SNOOP"),
            "argv": sys.argv[1:], "rand": random.random(), "name": __name__}
    trial.report(0, train_loss=float(seen["pid"]), val_loss=seen["rand"], val_acc=float(seen["builds"]), lr=0.1)
    print("SEEN " + repr(seen))
    os.environ["SNOOP"] = "leaked"
    os.chdir("/")
    sys.argv.append("--leaked")
    mode = trial.args.get("mode")
    if mode == "raise":
        raise RuntimeError("boom in the trial")
    if mode == "exit":
        sys.exit(4)
    if mode == "exit-none":
        sys.exit()
    if mode == "crash":
        os._exit(9)
"""


class WarmProcess(unittest.TestCase):
    def test_runs_trials_one_after_another_in_one_process_with_the_cache_kept(self):
        host = HostUnderWorker(SNOOP, args=["--fast"])
        first, code1 = host.run_trial(trial("a", seed=1))
        second, code2 = host.run_trial(trial("b", seed=1))
        host.close_channel()
        code, out, err = host.finish()
        self.assertEqual((code1, code2, code), (0, 0, 0), err)
        (r1,), (r2,) = [m for m in first if m["type"] == "report"], [m for m in second if m["type"] == "report"]
        self.assertEqual(r1["train_loss"], r2["train_loss"])  # the same pid
        self.assertEqual((r1["val_acc"], r2["val_acc"]), (1.0, 0.0))  # built once, kept for the second
        self.assertEqual(r1["val_loss"], r2["val_loss"])  # random seeded again from the trial's seed
        seen = [line for line in out.splitlines() if line.startswith("SEEN ")]
        self.assertEqual(len(seen), 2)
        same = lambda line, r: line.replace(str(int(r["train_loss"])), "PID").replace("'builds': %d" % r["val_acc"], "")
        self.assertEqual(same(seen[0], r1), same(seen[1], r2))  # all but the pid (the same) and the cache's builds
        self.assertIn("'argv': ['--fast']", seen[1])  # not the first trial's --leaked
        self.assertIn("'env': None", seen[1])
        self.assertIn("'name': '__main__'", seen[1])
        self.assertIn("'cwd': %r" % os.getcwd(), seen[1])

    def test_an_exception_or_sys_exit_ends_the_trial_with_its_exit_code_and_the_next_runs(self):
        host = HostUnderWorker(SNOOP)
        codes = [host.run_trial(trial(m, mode=m))[1] for m in ("raise", "exit", "exit-none", "ok")]
        host.close_channel()
        code, out, err = host.finish()
        self.assertEqual(codes, [1, 4, 0, 0])
        self.assertIn("RuntimeError: boom in the trial", err)
        self.assertNotIn("runpy", err)  # the traceback starts at the script, as a fresh process's
        self.assertEqual(code, 0)

    def test_a_crash_ends_the_process(self):
        host = HostUnderWorker(SNOOP)
        host.send_trial(trial("c", mode="crash"))
        self.assertEqual(host.receive()["type"], "report")
        code, _, _ = host.finish()
        self.assertEqual(code, 9)

    def test_a_stop_reaches_the_running_trial_and_a_stale_one_is_ignored(self):
        host = HostUnderWorker(
            """
            import time
            import lrsweep
            trial = lrsweep.init()
            deadline = time.monotonic() + 20
            while not trial.should_stop() and time.monotonic() < deadline:
                time.sleep(0.01)
            trial.report(0, train_loss=1.0 if trial.should_stop() else 0.0, val_loss=1.0, val_acc=0.5, lr=0.1)
            """
        )
        host.send_trial(trial("stopped"))
        host.send({"type": "stop", "reason": "cancel"})
        (report,), code = host_collect(host)
        self.assertEqual((report["train_loss"], code), (1.0, 0))
        host.proc.send_signal(signal.SIGTERM)  # between trials: stale, the process stays
        host.send({"type": "stop", "reason": "cancel"})
        host.send_trial(trial("after-stale-stops"))
        import time

        # The stale stops came first, and a signal alone never stops a trial (it cannot say
        # which one it was meant for): this one runs until its own stop on the channel.
        time.sleep(0.5)
        host.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        host.send({"type": "stop", "reason": "cancel"})
        (report,), code = host_collect(host)
        self.assertEqual((report["train_loss"], code), (1.0, 0))
        self.assertGreater(report["seconds"], 0.9)  # it was still running after the SIGTERM
        host.close_channel()
        self.assertEqual(host.finish()[0], 0)

    def test_the_worker_gone_mid_trial_ends_the_process(self):
        host = HostUnderWorker("import time, lrsweep\nlrsweep.init()\ntime.sleep(20)\n")
        host.send_trial(trial("x"))
        import time

        time.sleep(0.5)
        host.close_channel()
        self.assertEqual(host.finish()[0], 75)


def host_collect(host):
    messages = []
    while True:
        message = host.receive()
        if message["type"] == "done":
            return [m for m in messages if m["type"] == "report"], message["code"]
        messages.append(message)


# Trains a small model from the trial's seed, after changing what a careless script changes.
TRAIN = """
    import torch
    import lrsweep
    trial = lrsweep.init()
    model = torch.nn.Linear(4, 1)
    optimizer = trial.optimizer(model.parameters())
    x, y = torch.randn(64, 4), torch.randn(64, 1)
    for epoch in range(trial.epochs):
        loss = torch.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad(); loss.backward(); optimizer.step()
        trial.report(epoch, train_loss=loss.item(), val_loss=loss.item(), val_acc=0.0)
    torch.set_default_dtype(torch.float64)
    torch.set_grad_enabled(False)
    torch.randn(3)
"""


@unittest.skipUnless(HAS_TORCH, NO_TORCH)
class SameAsFresh(unittest.TestCase):
    def test_a_trial_after_others_reports_exactly_what_it_reports_in_a_fresh_process(self):
        spec = dict(trial("t", seed=7), epochs=3)
        fresh = ScriptUnderWorker(TRAIN)
        fresh.send_trial(spec)
        fresh_reports = [fresh.receive() for _ in range(3)]
        self.assertEqual(fresh.finish()[0], 0)

        host = HostUnderWorker(TRAIN)
        for seed in (1, 2):
            host.run_trial(dict(trial("other", seed=seed), epochs=2))
        warm, code = host.run_trial(spec)
        host.close_channel()
        host.finish()
        self.assertEqual(code, 0)
        strip = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows if r["type"] == "report"]
        self.assertEqual(strip(warm), strip(fresh_reports))


if __name__ == "__main__":
    unittest.main()
