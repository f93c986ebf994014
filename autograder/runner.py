"""The untrusted half of grading: runs inside the sandbox, as the student's kernel.

It executes the submission's own cells in an IPython shell and answers the trusted
grader's requests with plain data (autograder/wire.py). It never sees a test, an
expected value or the instructor's notebook: the grader asks for values and calls,
and compares in its own process. Nothing here is trusted: a submission may replace
any of it, and can only change what it sends back, which is its own answer anyway.

Requests (one JSON message each) and replies:
* ``{"op": "run", "code": ...}``  -> ``{"ok": bool, "error": type name, "message": ...}``
* ``{"op": "get", "names": [...]}`` -> ``{"values": {name: tagged value}}``
* ``{"op": "call", "name", "args", "kwargs", "guard"}`` -> ``{"ok", "value", "args",
  "ffnn"}`` (``args``: the array arguments after the call, to see in-place changes;
  ``ffnn``: whether code of the course library ran during the call). While a call
  runs, the runner may ask the grader ``{"op": "callback", "id", "args"}`` for the value
  of a function the test passed in (a trusted lambda), and waits for its answer.
* ``{"op": "own", "name"}`` -> ``{"uses_ffnn": bool}``

Usage (by autograder/sandbox.py): ``python runner.py READ_FD WRITE_FD [SUBMISSION_DIR]``.
"""

import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402 (this folder holds only runner.py and wire.py)


class Runner:
    def __init__(self, rfd, wfd):
        self.rx = os.fdopen(rfd, "rb", buffering=0)
        self.tx = os.fdopen(wfd, "wb", buffering=0)
        from IPython.core.interactiveshell import InteractiveShell

        self.shell = InteractiveShell.instance(
            colors="NoColor", xmode="Minimal", history_length=0, cache_size=0
        )
        self.ns = self.shell.user_ns
        self._ffnn_dir = None

    # ------------------------------------------------------------------ requests
    def serve(self):
        while True:
            msg = wire.recv(self.rx)
            if msg is None:
                return
            handler = getattr(self, "op_" + str(msg.get("op")), None)
            reply = handler(msg) if handler else {"ok": False, "error": "UnknownRequest"}
            wire.send(self.tx, reply)

    def op_run(self, msg):
        result = self.shell.run_cell(str(msg["code"]), store_history=False, silent=False)
        err = result.error_before_exec or result.error_in_exec
        if err is None:
            return {"ok": True}
        return {"ok": False, "error": type(err).__name__, "message": str(err)[:300]}

    def op_get(self, msg):
        return {"values": {n: self._value(n) for n in msg["names"] if isinstance(n, str)}}

    def _value(self, name):
        if name not in self.ns:
            return {"t": "missing"}
        return wire.encode(self.ns[name], on_callable=lambda f: {"t": "function"})

    def op_own(self, msg):
        fn = self.ns.get(str(msg["name"]))
        return {"uses_ffnn": bool(fn is not None and self._grading().uses_ffnn(fn))}

    def op_call(self, msg):
        fn = self.ns.get(str(msg["name"]))
        if not callable(fn):
            return {"ok": False, "error": "NameError", "message": f"{msg['name']} is not defined"}
        args = [wire.decode(a, self._ref) for a in msg.get("args", [])]
        kwargs = {str(k): wire.decode(v, self._ref) for k, v in msg.get("kwargs", {}).items()}
        ran_ffnn = [False]
        if msg.get("guard"):
            sys.setprofile(self._watch(ran_ffnn))
        try:
            value = fn(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - the student's error is the answer
            return {"ok": False, "error": type(err).__name__, "message": str(err)[:300]}
        finally:
            sys.setprofile(None)
        arrays = [wire.encode(a) if isinstance(a, np.ndarray) else None for a in args]
        return {
            "ok": True,
            "value": wire.encode(value, on_callable=lambda f: {"t": "opaque", "kind": "function"}),
            "args": arrays,
            "ffnn": ran_ffnn[0],
        }

    # ------------------------------------------------------------------ helpers
    def _ref(self, tag):
        if tag["t"] == "ref":  # one of the student's own functions, passed back
            return self.ns.get(str(tag.get("name")))
        callback_id = tag.get("id")

        def callback(*args, **kwargs):
            wire.send(
                self.tx,
                {
                    "op": "callback",
                    "id": callback_id,
                    "args": [wire.encode(a) for a in args],
                    "kwargs": {k: wire.encode(v) for k, v in kwargs.items()},
                },
            )
            reply = wire.recv(self.rx)
            if not reply or not reply.get("ok"):
                raise RuntimeError("the test's function failed on these arguments")
            return wire.decode(reply["value"])

        return callback

    def _grading(self):
        """ffnn/grading.py loaded by path: it needs none of the rest of the library."""
        import importlib.util

        spec = importlib.util.find_spec("ffnn")
        path = os.path.join(os.path.dirname(spec.origin), "grading.py")
        self._ffnn_dir = os.path.dirname(path)
        gspec = importlib.util.spec_from_file_location("_ffnn_grading", path)
        module = importlib.util.module_from_spec(gspec)
        gspec.loader.exec_module(module)
        return module

    def _watch(self, flag):
        if self._ffnn_dir is None:
            self._grading()
        prefix = self._ffnn_dir + os.sep

        def profile(frame, event, arg):
            if frame.f_code.co_filename.startswith(prefix):
                flag[0] = True

        return profile


def main():
    rfd, wfd = int(sys.argv[1]), int(sys.argv[2])
    if len(sys.argv) > 3 and os.path.isdir(sys.argv[3]):  # the submission's own files
        shutil.copytree(sys.argv[3], os.getcwd(), dirs_exist_ok=True)
    runner = Runner(rfd, wfd)
    wire.send(runner.tx, {"op": "ready", "pid": os.getpid()})
    runner.serve()


if __name__ == "__main__":
    main()
