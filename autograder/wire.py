"""Plain data between the student's sandboxed runner and the trusted grader.

A message is an 8-byte big-endian length followed by that many bytes of UTF-8 JSON.
Values are tagged JSON: numbers, strings, None, lists, tuples, dicts with string keys,
NumPy arrays of numbers or booleans (``.npy`` bytes in base64, read back with
``allow_pickle=False``) and NumPy random generators (their bit-generator state).
Anything else crosses as ``{"t": "opaque"}``: never a pickle, never code.

This file is copied read-only into the sandbox; it imports only the standard library
and NumPy. :func:`decode` is the trusted side's parser and trusts nothing it reads.
"""

import base64
import io
import json
import struct

import numpy as np

MAX_MESSAGE = 64 * 2**20  # bytes; a longer message is refused (a submission error)
MAX_ITEMS = 100_000  # list/tuple/dict entries, string characters
MAX_DEPTH = 20
_HEADER = struct.Struct(">Q")


class WireError(Exception):
    """A message that is not well-formed plain data."""


class Opaque:
    """A value that could not cross as data (a module, an object of the student's class,
    a function returned as a value ...). It equals nothing and converts to nothing."""

    def __init__(self, kind):
        self.kind = str(kind)[:60]

    def __repr__(self):
        return f"<{self.kind} from the submission (not plain data)>"

    def __eq__(self, other):
        return False

    __hash__ = None


def send(fh, message):
    data = json.dumps(message, allow_nan=True).encode()
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


def recv(fh, limit=MAX_MESSAGE):
    """The next message, or None at end of stream."""
    head = _read_exactly(fh, _HEADER.size)
    if head is None:
        return None
    (size,) = _HEADER.unpack(head)
    if size > limit:
        raise WireError(f"message of {size} bytes exceeds the limit of {limit}")
    body = _read_exactly(fh, size)
    if body is None:
        raise WireError("stream ended inside a message")
    try:
        message = json.loads(body)
    except ValueError as err:
        raise WireError(f"not JSON: {err}") from None
    if not isinstance(message, dict):
        raise WireError("a message must be a JSON object")
    return message


def _read_exactly(fh, n):
    chunks, got = [], 0
    while got < n:
        chunk = fh.read(n - got)
        if not chunk:
            if got == 0:
                return None
            raise WireError("stream ended inside a message")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _array_bytes(a):
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def encode(obj, on_callable=None, depth=0):
    """Tagged JSON of ``obj``. ``on_callable(obj)`` gives the tag of a callable (the
    trusted side registers callbacks; the runner reports a function by name)."""
    if depth > MAX_DEPTH:
        return {"t": "opaque", "kind": "too deeply nested"}
    if obj is None:
        return {"t": "none"}
    if isinstance(obj, (bool, np.bool_)):
        return {"t": "bool", "v": bool(obj)}
    if isinstance(obj, (int, np.integer)):
        return {"t": "int", "v": str(int(obj))[:4000]}
    if isinstance(obj, (float, np.floating)):
        return {"t": "float", "v": repr(float(obj))}
    if isinstance(obj, (complex, np.complexfloating)):
        return {"t": "complex", "re": repr(obj.real), "im": repr(obj.imag)}
    if isinstance(obj, str):
        return {"t": "str", "v": obj[:MAX_ITEMS]}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc" or obj.size > 10 * MAX_ITEMS:
            return {"t": "opaque", "kind": f"array of {obj.dtype} with {obj.size} entries"}
        return {"t": "array", "npy": _array_bytes(np.ascontiguousarray(obj))}
    if isinstance(obj, np.random.Generator) and isinstance(obj.bit_generator, np.random.PCG64):
        return {"t": "rng", "state": json.dumps(obj.bit_generator.state)}
    if isinstance(obj, (list, tuple)):
        items = [encode(x, on_callable, depth + 1) for x in list(obj)[:MAX_ITEMS]]
        return {"t": "tuple" if isinstance(obj, tuple) else "list", "v": items}
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj):
        items = list(obj.items())[:MAX_ITEMS]
        return {"t": "dict", "v": {k: encode(v, on_callable, depth + 1) for k, v in items}}
    if callable(obj) and on_callable is not None:
        return on_callable(obj)
    return {"t": "opaque", "kind": type(obj).__name__}


def decode(tag, on_ref=None, depth=0):
    """The value of a tagged JSON value. ``on_ref(tag)`` turns a ``callback`` / ``ref``
    / ``function`` tag into something callable; without it those become Opaque."""
    if depth > MAX_DEPTH or not isinstance(tag, dict):
        raise WireError("malformed value")
    t = tag.get("t")
    try:
        if t == "none":
            return None
        if t == "bool":
            return bool(tag["v"]) if isinstance(tag["v"], bool) else _bad(t)
        if t == "int":
            return int(str(tag["v"])[:4000])
        if t == "float":
            return float(str(tag["v"]))
        if t == "complex":
            return complex(float(str(tag["re"])), float(str(tag["im"])))
        if t == "str":
            return str(tag["v"])[:MAX_ITEMS]
        if t == "array":
            raw = base64.b64decode(str(tag["npy"]), validate=True)
            arr = np.load(io.BytesIO(raw), allow_pickle=False)
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biufc":
                return _bad(t)
            return arr
        if t == "rng":
            gen = np.random.Generator(np.random.PCG64())
            gen.bit_generator.state = json.loads(str(tag["state"]))
            return gen
        if t in ("list", "tuple"):
            items = [decode(x, on_ref, depth + 1) for x in list(tag["v"])[:MAX_ITEMS]]
            return tuple(items) if t == "tuple" else items
        if t == "dict":
            return {str(k): decode(v, on_ref, depth + 1) for k, v in dict(tag["v"]).items()}
        if t in ("callback", "ref", "function") and on_ref is not None:
            return on_ref(tag)
        return Opaque(tag.get("kind", t))
    except WireError:
        raise
    except Exception as err:  # noqa: BLE001 - any malformed field is a wire error
        raise WireError(f"malformed {t!r} value ({type(err).__name__})") from None


def _bad(t):
    raise WireError(f"malformed {t!r} value")
