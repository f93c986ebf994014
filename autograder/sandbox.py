"""The sandbox a submission's code runs in: bubblewrap, cgroups and rlimits.

:class:`Limits` are the caps (defaults below, overridable in nbgrader_config.py as
``c.Sandbox.<name> = ...``). :class:`Session` starts autograder/runner.py inside
``bwrap`` and talks to it over two pipes with plain data (autograder/wire.py):

* its own user, PID, network, IPC and UTS namespaces (``--unshare-all``): no network
  but its own loopback, no view of any process outside, uid/gid 65534 (nobody);
* a filesystem built from nothing: read-only ``/usr`` and ``/etc``, the Python
  installation, the virtual environment and the ``ffnn`` package, the runner's two
  files, the submission folder read-only; a fresh tmpfs for ``HOME`` (the working
  folder, where the submission's files are copied), ``IPYTHONDIR`` and ``/tmp``. The
  repository, ``source/``, the gradebook and other submissions are simply not there;
* caps: memory and processes per sandbox (cgroup v1 ``memory`` / ``pids``), CPU time,
  open files and file size (rlimits), tmpfs size (disk), and wall time per request;
* ``--die-with-parent`` and a PID namespace: when the runner ends, or the session is
  closed, every process it started is killed; the cgroup is emptied and removed.

Where bubblewrap is missing or cannot start, :func:`problem` says why and grading
refuses to run unless the instructor passes ``--unsafe`` (then the runner is a plain
subprocess: comparisons stay trusted, but nothing is isolated).
"""

import dataclasses
import itertools
import os
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
import uuid
from pathlib import Path

from autograder import wire

HERE = Path(__file__).resolve().parent
CGROUP = Path("/sys/fs/cgroup")
HOME = "/home/student"


@dataclasses.dataclass
class Limits:
    """Caps of one sandbox (one submission). Set any of them in nbgrader_config.py as
    ``c.Sandbox.<field> = value``; the cell time limit is nbgrader's ``Execute.timeout``."""

    memory_mb: int = 1536  # resident memory of all its processes (cgroup memory)
    processes: int = 64  # processes and threads at once (cgroup pids)
    cpu_seconds: int = 120  # CPU time of each process (RLIMIT_CPU)
    open_files: int = 256  # per process (RLIMIT_NOFILE)
    disk_mb: int = 256  # each of HOME and /tmp (tmpfs), and the largest file (RLIMIT_FSIZE)
    cell_timeout: float = 20.0  # seconds of wall time per cell or per test call
    submission_timeout: float = 300.0  # seconds of wall time for the whole notebook
    max_notebook_mb: float = 2.0  # a larger submitted notebook is rejected

    @classmethod
    def from_config(cls, root):
        """The defaults, overridden by ``c.Sandbox.*`` and ``c.Execute.timeout`` of
        ``root``/nbgrader_config.py."""
        from traitlets.config.loader import PyFileConfigLoader

        limits = cls()
        path = Path(root) / "nbgrader_config.py"
        if not path.is_file():
            return limits
        cfg = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        for key, value in cfg.get("Sandbox", {}).items():
            if key not in fields:
                raise ValueError(f"c.Sandbox.{key}: unknown limit (known: {', '.join(fields)})")
            setattr(limits, key, float(value) if fields[key] == "float" else int(value))
        timeout = cfg.get("Execute", {}).get("timeout")
        if isinstance(timeout, (int, float)) and timeout > 0:
            limits.cell_timeout = float(timeout)
        return limits


class SandboxError(Exception):
    """The runner died, hung, or broke the protocol."""

    def __init__(self, kind, detail):
        super().__init__(detail)
        self.kind = kind  # "timeout", "died", "protocol"


def problem():
    """Why no sandbox can be started here, or None when one can."""
    if sys.platform != "linux":
        return "the grading sandbox needs Linux (bubblewrap)"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = subprocess.run(
        ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--uid", "65534", "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
    return None


def sweep_cgroups(min_age=60.0):
    """Remove the empty cgroups that killed grading runs left behind."""
    if not _cgroups_writable():
        return 0
    removed = 0
    for d in list(CGROUP.glob("*/ffnn-grade-*")):
        try:
            if time.time() - d.stat().st_mtime > min_age and not (d / "cgroup.procs").read_text():
                d.rmdir()
                removed += 1
        except OSError:
            pass
    return removed


def _cgroups_writable():
    return all(os.access(CGROUP / c, os.W_OK) for c in ("pids", "memory"))


def _user_tasks():
    """Tasks (processes and threads) this user runs now, from /proc."""
    uid, count = str(os.getuid()), 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("Uid", "").split()[:1] == [uid]:
            count += int(fields.get("Threads", "1").strip() or 1)
    return count


def _python_paths():
    """Folders the runner's interpreter needs, read-only: the installation, the
    environment and the ``ffnn`` package (an editable install points into lib/)."""
    import importlib.util

    paths = {sys.base_prefix, sys.prefix}
    spec = importlib.util.find_spec("ffnn")
    if spec and spec.origin:
        paths.add(str(Path(spec.origin).parent))
    out = []
    for p in sorted(paths, key=len):
        if not any(p.startswith(q + os.sep) for q in out) and not p.startswith("/usr/"):
            out.append(p)
    return out


def bwrap_argv(limits, submission_dir, python=sys.executable, student=None):
    """The bubblewrap command line that runs the runner for one submission
    (``student``: the id whose numbers the notebook draws, see ffnn/exercises.py)."""
    argv = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session"]
    argv += ["--uid", "65534", "--gid", "65534", "--hostname", "grader"]
    argv += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        src = Path("/" + top)
        if src.is_symlink():
            argv += ["--symlink", os.readlink(src), str(src)]
        elif src.is_dir():
            argv += ["--ro-bind", str(src), str(src)]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    size = str(limits.disk_mb * 2**20)
    argv += ["--size", size, "--tmpfs", "/tmp", "--size", size, "--tmpfs", HOME]
    for path in _python_paths():  # after the tmpfs: an environment may live under /tmp
        argv += ["--ro-bind", path, path]
    argv += ["--ro-bind", str(HERE / "runner.py"), "/opt/grader/runner.py"]
    argv += ["--ro-bind", str(HERE / "wire.py"), "/opt/grader/wire.py"]
    if submission_dir is not None:
        argv += ["--ro-bind", str(submission_dir), "/opt/submission"]
    argv += ["--chdir", HOME, "--clearenv"]
    for key, value in _environment(HOME, python).items():
        argv += ["--setenv", key, value]
    if student is not None:
        argv += ["--setenv", "FFNN_STUDENT_ID", student]
    return argv


def _environment(home, python):
    return {
        "HOME": home,
        "USER": "student",
        "PATH": f"{os.path.dirname(python)}:/usr/local/bin:/usr/bin:/bin",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "NUMBA_CACHE_DIR": "/tmp/numba",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }


class _Cgroup:
    """A pids + memory cgroup (v1) for one sandbox; ``kill`` empties it."""

    def __init__(self, limits):
        name = f"ffnn-grade-{uuid.uuid4().hex[:12]}"
        self.dirs = [CGROUP / "pids" / name, CGROUP / "memory" / name]
        for d in self.dirs:
            d.mkdir()
        (self.dirs[0] / "pids.max").write_text(str(limits.processes))
        memory = str(limits.memory_mb * 2**20)
        (self.dirs[1] / "memory.limit_in_bytes").write_text(memory)
        try:  # no swap beyond the limit, where the kernel accounts swap
            (self.dirs[1] / "memory.memsw.limit_in_bytes").write_text(memory)
        except OSError:
            pass

    def enter(self):  # in the child, before exec
        for d in self.dirs:
            (d / "cgroup.procs").write_text(str(os.getpid()))

    def oom_killed(self):
        try:
            return (
                "oom_kill 1" in (self.dirs[1] / "memory.oom_control").read_text()
                or int((self.dirs[1] / "memory.failcnt").read_text()) > 0
            )
        except (OSError, ValueError):
            return False

    def kill(self):
        for _ in range(100):
            pids = [int(p) for p in (self.dirs[0] / "cgroup.procs").read_text().split()]
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)
        for d in self.dirs:
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


class Session:
    """One runner for one submission: start it, send requests, answer its callbacks,
    kill it. ``unsafe=True`` runs it without bubblewrap (instructor's explicit choice)."""

    _ids = itertools.count()

    def __init__(
        self, limits, submission_dir=None, unsafe=False, python=sys.executable, student=None
    ):
        self.limits = limits
        self.unsafe = unsafe
        self.cgroup = None
        self._buffer = b""
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        if unsafe:
            argv = [python, "-I", str(HERE / "runner.py")]
            tmp = Path(os.environ.get("TMPDIR", "/tmp"))
            cwd = self._scratch = tmp / f"ffnn-{uuid.uuid4().hex}"
            self._scratch.mkdir()
            env = {**os.environ, "FFNN_STUDENT_ID": student} if student else None
        else:
            argv = bwrap_argv(limits, submission_dir, python, student)
            argv += [python, "-I", "/opt/grader/runner.py"]
            cwd, self._scratch, env = None, None, None
            if _cgroups_writable():
                self.cgroup = _Cgroup(limits)
        if self.cgroup is None:
            self._nproc = _user_tasks() + limits.processes
        fd_args = [str(to_child_r), str(from_child_w)]
        if submission_dir is not None:
            fd_args.append("/opt/submission" if not unsafe else str(submission_dir))
        self.proc = subprocess.Popen(
            argv + fd_args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if not os.environ.get("FFNN_GRADER_DEBUG") else None,
            pass_fds=(to_child_r, from_child_w),
            preexec_fn=self._limit_child,
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        ready = self._recv(time.monotonic() + max(60.0, limits.cell_timeout))
        if ready.get("op") != "ready":
            self.close()
            raise SandboxError("protocol", "the runner did not start")

    def _limit_child(self):
        lim = self.limits
        if self.cgroup is not None:
            self.cgroup.enter()
        caps = {
            resource.RLIMIT_CPU: lim.cpu_seconds,
            resource.RLIMIT_NOFILE: lim.open_files,
            resource.RLIMIT_FSIZE: lim.disk_mb * 2**20,
            resource.RLIMIT_CORE: 0,
        }
        if self.cgroup is None:  # no cgroup: fall back to per-process caps
            caps[resource.RLIMIT_AS] = 4 * lim.memory_mb * 2**20
            # RLIMIT_NPROC counts every task of this user, not only the sandbox's
            caps[resource.RLIMIT_NPROC] = self._nproc
        for key, value in caps.items():
            resource.setrlimit(key, (value, value))

    # ------------------------------------------------------------------ protocol
    def request(self, message, timeout=None, on_callback=None):
        """Send one request and return its reply; callbacks are answered on the way.
        Raises SandboxError when the runner dies, hangs past ``timeout`` or misbehaves."""
        deadline = time.monotonic() + (timeout or self.limits.cell_timeout)
        self._send(message)
        while True:
            reply = self._recv(deadline)
            if reply.get("op") != "callback":
                return reply
            if on_callback is None:
                raise SandboxError("protocol", "unexpected callback request")
            self._send(on_callback(reply))

    def _send(self, message):
        data = wire.json.dumps(message, allow_nan=True).encode()
        try:
            os.write(self._to_child, struct.pack(">Q", len(data)))
            view = memoryview(data)
            while view:
                n = os.write(self._to_child, view)
                view = view[n:]
        except (BrokenPipeError, OSError):
            raise SandboxError("died", self._death()) from None

    def _read(self, n, deadline):
        while len(self._buffer) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                if self.cgroup is not None and self.cgroup.oom_killed():
                    raise SandboxError("died", self._out_of_memory())
                raise SandboxError("timeout", "time limit exceeded")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise SandboxError("died", self._death())
            self._buffer += chunk
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def _recv(self, deadline):
        (size,) = struct.unpack(">Q", self._read(8, deadline))
        if size > wire.MAX_MESSAGE:
            raise SandboxError("protocol", f"a reply of {size} bytes exceeds the limit")
        try:
            message = wire.json.loads(self._read(size, deadline))
        except (ValueError, RecursionError):
            raise SandboxError("protocol", "a reply that is not JSON") from None
        if not isinstance(message, dict):
            raise SandboxError("protocol", "a reply that is not a JSON object")
        return message

    def _death(self):
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the kernel stopped answering"
        if self.cgroup is not None and self.cgroup.oom_killed():
            return self._out_of_memory()
        if code < 0 or code > 128:
            sig = -code if code < 0 else code - 128
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
            return f"the kernel died (signal {name})"
        return f"the kernel exited (status {code})"

    def _out_of_memory(self):
        return f"the kernel ran out of memory (limit {self.limits.memory_mb} MB) and was killed"

    def close(self):
        """Kill the runner and everything it started; remove its cgroup and scratch."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.cgroup is not None:
            self.cgroup.kill()
            self.cgroup = None
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._to_child = self._from_child = -1
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
