"""What the tests share: where lrsweep lives, whether torch is here, and the worker's side of
the channel a script reads its trial from."""

import copy
import importlib.util
import json
import os
import socket
import subprocess
import sys
import textwrap

from lrsweep.trial import _DEFAULTS

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# find_spec, not import: importing torch takes seconds, and most tests do not need it.
HAS_TORCH = importlib.util.find_spec("torch") is not None
NO_TORCH = "needs torch, which %s cannot import (Debian: apt-get install python3-torch)" % sys.executable

# Under CI (CI=true, where .ci/run installs torch) a skip would hide a broken install: fail instead,
# as the vitest suites do for their optional system parts (apps/api/test/system-parts.ts).
if not HAS_TORCH and os.environ.get("CI") == "true":
    raise RuntimeError("CI=true but " + NO_TORCH)


class ScriptUnderWorker:
    """Runs `code` as the worker runs a trainer's script (apps/worker/src/external/script-process.ts):
    JSON lines both ways on a socket handed over as an extra file descriptor named by LRSWEEP_FD,
    stdout and stderr left to the script."""

    def __init__(self, code, argv=None):
        self._sock, theirs = socket.socketpair()
        self._sock.settimeout(30)  # a script that never answers fails the test instead of hanging it
        env = dict(os.environ, LRSWEEP_FD=str(theirs.fileno()), PYTHONPATH=PYTHON_DIR, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            argv or [sys.executable, "-c", textwrap.dedent(code)],
            env=env,
            pass_fds=[theirs.fileno()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
        )
        theirs.close()
        self._lines = self._sock.makefile("r", encoding="utf-8")

    def send(self, message):
        self._sock.sendall((json.dumps(message) + "\n").encode("utf-8"))

    def send_trial(self, trial):
        self.send({"type": "init", "trial": trial})

    def receive(self):
        line = self._lines.readline()
        if not line:
            raise AssertionError("the script closed its channel; stderr:\n" + self.proc.stderr.read())
        return json.loads(line)

    def close_channel(self):
        """What the script sees when its worker dies."""
        self._sock.shutdown(socket.SHUT_RDWR)

    def finish(self, timeout=60):
        """Waits for the script; returns (exit code, stdout, stderr) and closes the channel."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._lines.close()
            self._sock.close()
        return self.proc.returncode, out, err


class HostUnderWorker(ScriptUnderWorker):
    """`code` saved as a script and run by a warm process (`python -m lrsweep.host script`), as
    the worker's pool runs it: one trial after another, each answered by a done message."""

    def __init__(self, code, args=()):
        import tempfile

        self.dir = tempfile.mkdtemp(prefix="lrsweep-host-")
        self.script = os.path.join(self.dir, "train.py")
        with open(self.script, "w") as f:
            f.write(textwrap.dedent(code))
        super().__init__(code, [sys.executable, "-m", "lrsweep.host", self.script] + list(args))

    def run_trial(self, trial):
        """Hands over a trial; returns (the messages it sent, its exit code)."""
        self.send_trial(trial)
        messages = []
        while True:
            message = self.receive()
            if message["type"] == "done":
                return messages, message["code"]
            messages.append(message)


class Recorder:
    """Stands in for the channel in in-process tests: keeps what the trial sends. The real
    channel is exercised by the ScriptUnderWorker tests."""

    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)

    def of_type(self, kind):
        return [m for m in self.messages if m["type"] == kind]


def trial_spec(**spec):
    """A whole trial as Trial() takes it (init() fills what the worker leaves out), with `spec` on top."""
    # The runtime's own defaults for what a worker leaves out, so the two cannot drift apart.
    base = dict(copy.deepcopy(_DEFAULTS), id="trial-1", epochs=4)
    base.update(spec)
    return base


def recorded_trial(**spec):
    """A Trial whose messages a Recorder keeps: (trial, recorder)."""
    from lrsweep import Trial

    recorder = Recorder()
    return Trial(trial_spec(**spec), recorder), recorder
