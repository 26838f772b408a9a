"""The worker's side channel: JSON lines both ways on one socket the worker opened as an
extra file descriptor. stdout and stderr stay the script's own; nothing printed there is read
as a report."""

import json
import math
import os
import socket
import threading


def _finite(value):
    # JSON has no NaN or Infinity; a diverged loss travels as a string the worker understands.
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


class Channel:
    def __init__(self, fd, on_stop):
        self._sock = socket.socket(fileno=fd)
        self._reader = self._sock.makefile("rb")
        self._lock = threading.Lock()
        self._on_stop = on_stop

    def receive_init(self):
        """Blocks for the first message, which is always the trial."""
        line = self._reader.readline()
        if not line:
            raise RuntimeError("lrsweep: the worker closed the channel before sending the trial")
        message = json.loads(line)
        if message.get("type") != "init":
            raise RuntimeError("lrsweep: expected the trial from the worker, got %r" % message.get("type"))
        threading.Thread(target=self._listen, name="lrsweep-channel", daemon=True).start()
        return message["trial"]

    def listen(self, on_trial, worker_gone):
        """A warm process (lrsweep.host): `on_trial(spec)` for every trial the worker hands over,
        in order with its stops; `worker_gone()`, then `on_trial(None)`, once it closes the channel."""
        threading.Thread(target=self._listen, args=(on_trial, worker_gone), name="lrsweep-channel", daemon=True).start()

    def _listen(self, on_trial=None, worker_gone=None):
        for line in self._reader:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("type") == "stop":
                self._on_stop()
            elif message.get("type") == "init" and on_trial is not None:
                on_trial(message["trial"])
        if worker_gone is not None:
            worker_gone()
            on_trial(None)
            return
        # The worker is gone (killed, or its host rebooted): nobody records this run any more,
        # and a retry will resume it elsewhere from the last checkpoint.
        os._exit(75)

    def send(self, message):
        data = json.dumps({k: _finite(v) for k, v in message.items()}, allow_nan=False) + "\n"
        with self._lock:
            self._sock.sendall(data.encode("utf-8"))
