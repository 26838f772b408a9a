"""A warm trainer process: `python -m lrsweep.host train.py [args...]`.

The worker starts it once per slot and hands it one trial after another on the channel
(LRSWEEP_FD). Each trial runs the user's script from the top with runpy, as `__main__`, so the
script stays a plain script; what it imported at module level (torch, numpy, its own modules)
stays in sys.modules, so the next trial's `import torch` costs nothing. Before each trial the
state a fresh process would not have is reset (`reset`); after it, `{"type": "done", "code"}`
tells the worker how the run ended, with the exit code a fresh process would have had.
"""

import os
import queue
import random
import runpy
import signal
import sys
import threading
import traceback

from . import trial as trial_module
from .channel import Channel


class Host:
    def __init__(self, script, args, channel):
        self.script = os.path.abspath(script)
        self.args = args
        self.channel = channel
        self.spec = None  # the running trial's, None between trials
        self._trial = None
        self._handed = False  # a trial arrived and has not ended: a stop is for it
        self._stop_requested = False
        self._lock = threading.Lock()
        self.trials = queue.Queue()
        # What each trial starts from: the process as the worker started it.
        self._cwd = os.getcwd()
        self._environ = dict(os.environ)
        self._path = [os.path.dirname(self.script)] + [p for p in sys.path if p not in ("", os.getcwd())]

    def attach(self, trial):
        """lrsweep.init() inside the script: the worker's stop now reaches this trial."""
        with self._lock:
            self._trial = trial
            if self._stop_requested:
                trial._request_stop()

    def hand_over(self, spec):
        """From the channel's thread, in the order the worker sent it: a stop read after this is
        for this trial, even before the loop starts it. None: the worker is done with us."""
        with self._lock:
            self._handed = spec is not None
            self._stop_requested = False
        self.trials.put(spec)

    def request_stop(self):
        """The worker's stop (from the channel) for the running trial; between trials it is stale."""
        with self._lock:
            if not self._handed:
                return
            self._stop_requested = True
            if self._trial is not None:
                self._trial._request_stop()

    def run(self, spec):
        """One trial: the script from the top; returns the exit code a fresh process would have had."""
        with self._lock:
            self.spec, self._trial = spec, None
        reset(spec.get("seed", 0), self._cwd, self._environ, [self.script] + self.args, self._path)
        try:
            runpy.run_path(self.script, run_name="__main__")
            code = 0
        except SystemExit as exit:
            code = _exit_code(exit.code)
        except BaseException as error:  # noqa: BLE001 - the trial's failure, never the process's
            # From the script's frame down, as a fresh process prints it (no host or runpy frames).
            tb = error.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != self.script:
                tb = tb.tb_next
            traceback.print_exception(type(error), error, tb or error.__traceback__)
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            with self._lock:
                self.spec, self._trial, self._handed = None, None, False
        return code


def reset(seed, cwd, environ, argv, path):
    """What would leak from one trial into the next, set as a fresh process has it. Not reset:
    modules imported stay imported (with their module-level state), lrsweep.cache, threads and
    child processes a trial left running."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environ)
    sys.argv[:] = argv
    sys.path[:] = path
    signal.signal(signal.SIGTERM, _on_sigterm)
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
        torch.set_default_dtype(torch.float32)
        torch.set_grad_enabled(True)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def _exit_code(code):
    # As the interpreter maps sys.exit()'s argument to a process's exit status.
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


_host = None


def _on_sigterm(*_):
    # The worker's SIGTERM always comes with a stop on the channel, which arrives in order with
    # the trials, so it is for the right one. A signal cannot say which trial it was meant for:
    # one that lands just after its trial ended would stop the next. So the process stays, and
    # the channel decides (what the trial started in the process group still gets the signal).
    pass


def main(argv):
    global _host
    if not argv:
        sys.exit("usage: python -m lrsweep.host SCRIPT [ARGS...] (run by an lrsweep worker)")
    channel = Channel(int(os.environ["LRSWEEP_FD"]), lambda: _host.request_stop())
    _host = Host(argv[0], argv[1:], channel)

    def worker_gone():
        # Mid-trial, nobody records this run any more (a retry resumes it elsewhere); between
        # trials, the worker is done with this process.
        if _host.spec is not None:
            os._exit(75)

    trial_module._host = _host
    signal.signal(signal.SIGTERM, _on_sigterm)
    channel.listen(_host.hand_over, worker_gone)
    while True:
        spec = _host.trials.get()
        if spec is None:
            return
        code = _host.run(spec)
        channel.send({"type": "done", "code": code})


if __name__ == "__main__":
    main(sys.argv[1:])
