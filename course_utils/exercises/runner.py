"""Run a function the learner wrote, safely: a time limit, captured prints, their own traceback.

A Write-it checker calls the learner's function many times. The function may
raise, loop forever, print, sleep or return junk; the checker must survive all
of it and leave the kernel usable. :func:`call_learner_function` runs one call
in a worker thread and waits for it at most ``time_limit`` seconds:

- it works the same in a plain Python, an IPython kernel, on Linux, macOS
  and Windows (no ``SIGALRM``);
- after the deadline the worker is stopped by raising an exception inside it
  (``PyThreadState_SetAsyncExc``): a Python loop stops at its next step; a
  NumPy call that is merely slow finishes first, then stops;
- what the function prints (``print`` debugging, a printed result) is
  captured, counted and summarised instead of flooding the cell;
- an exception is reported with the learner's own line, never the checker's.

Only code the learner wrote runs inside; the course's own code runs outside,
so a bug in a checker is never mistaken for the learner's.
"""

from __future__ import annotations

import builtins
import ctypes
import io
import linecache
import os
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

__all__: list[str] = []  # the checkers' building blocks, not part of course_utils' API

#: Seconds one call of a learner's function may take before it is stopped.
TIME_LIMIT = 5.0
#: Stack size of the worker thread: deep (even endless) recursion ends in
#: RecursionError, never a crash, also on macOS where threads get 512 KiB.
WORKER_STACK = 32 * 1024 * 1024
#: Captured output kept per call; the rest is only counted.
LONGEST_CAPTURE = 2_000

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple({os.path.abspath(p) for p in (sys.prefix, sys.base_prefix,
                                                    sys.exec_prefix, sys.base_exec_prefix)})
_STACK_LOCK = threading.Lock()


class StopLearnerCode(BaseException):
    """Raised inside a learner's function that ran out of time.

    A ``BaseException``, so that ``except Exception`` in the learner's code
    does not swallow it.
    """


class InputCalled(RuntimeError):
    """Raised inside a learner's function that called ``input()`` while it was checked.

    ``input()`` waits for someone to type, which nobody does during a check; in a
    worker thread it would also wait past the time limit, in a call Python cannot
    interrupt. The checker names it instead.
    """


def _refuse_input(prompt: object = "") -> str:
    raise InputCalled("input() was called while the checker ran the function")


@dataclass
class Outcome:
    """What one call of the learner's function did."""

    value: object = None
    #: The learner's exception, if their function raised.
    error: BaseException | None = None
    #: Where it raised, as the learner should read it ("line 7, in f: x[i] = ...").
    where: str = ""
    timed_out: bool = False
    #: True when the call could not be stopped (stuck in C code); it goes on in the background.
    still_running: bool = False
    interrupted: bool = False
    seconds: float = 0.0
    printed: str = ""
    printed_lines: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def returned(self) -> bool:
        """True if the call ended by returning a value."""
        return not (self.error or self.timed_out or self.interrupted)


class _Capture(io.TextIOBase):
    """A stream that keeps the first characters written to it and counts the lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.lines = 0
        self.last = ""

    def writable(self) -> bool:
        return True

    def write(self, text: object) -> int:
        text = text if isinstance(text, str) else str(text)
        self.lines += text.count("\n")
        self.last = text[-1:] or self.last
        if self.kept < LONGEST_CAPTURE:
            piece = text[: LONGEST_CAPTURE - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


def _is_learner_frame(filename: str) -> bool:
    """True for code the learner wrote: not the course's package, not a library."""
    path = os.path.abspath(filename) if filename and not filename.startswith("<") else filename
    if path.startswith(_PACKAGE_DIR + os.sep):
        return False
    return not any(path.startswith(d + os.sep) for d in _LIBRARY_DIRS)


def where_it_raised(error: BaseException) -> str:
    """The learner's line that raised (or called the library that raised), as text.

    Only frames of code the learner wrote are shown; the file name is left out
    (in a notebook it is a temporary file): the function and the line are enough.
    """
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if _is_learner_frame(f.filename)]
    if not own:
        return ""
    last = own[-1]
    line = (last.line or linecache.getline(last.filename, last.lineno)).strip()
    text = f"in {last.name}, line {last.lineno}: {line}" if line else f"in {last.name}"
    if frames[-1] is not last:
        module = _library_name(frames[-1].filename)
        text += f" (the error comes from {module}, called on that line)"
    return text


def _library_name(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return "Python itself"


def _stop(thread: threading.Thread) -> None:
    """Raise StopLearnerCode inside ``thread`` at its next Python step."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                               ctypes.py_object(StopLearnerCode))


def call_learner_function(function: Callable[..., object], args: tuple = (),
                          time_limit: float = TIME_LIMIT) -> Outcome:
    """Call ``function(*args)`` in a worker thread, with a time limit; never raises.

    Parameters
    ----------
    function : callable
        The learner's function.
    args : tuple
        Its arguments (give copies: the learner's code may change them).
    time_limit : float
        Seconds before the call is stopped.

    Returns
    -------
    Outcome
        The value returned, or the learner's exception and line, or a time-out;
        with the seconds taken and what was printed.
    """
    outcome = Outcome()

    def work() -> None:
        start = time.perf_counter()
        try:
            outcome.value = function(*args)
        except StopLearnerCode:
            outcome.timed_out = True
        except BaseException as error:  # noqa: BLE001  the learner's: SystemExit, their own classes
            outcome.error = error
            outcome.where = where_it_raised(error)
        finally:
            outcome.seconds = time.perf_counter() - start

    capture = _Capture()
    old_out, old_err = sys.stdout, sys.stderr
    with _STACK_LOCK:
        old_stack = threading.stack_size()
        try:
            threading.stack_size(WORKER_STACK)
        except (ValueError, RuntimeError):  # a platform that refuses it keeps its default
            pass
        worker = threading.Thread(target=work, name="learner-code", daemon=True)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sys.stdout = sys.stderr = capture
                old_input, builtins.input = builtins.input, _refuse_input
                try:
                    worker.start()
                    threading.stack_size(old_stack)
                    worker.join(time_limit)
                    if worker.is_alive():
                        outcome.timed_out = True
                        _wait_for_stop(worker)
                        outcome.still_running = worker.is_alive()
                        outcome.seconds = time_limit
                except KeyboardInterrupt:  # the learner pressed Interrupt: stop their code too
                    outcome.interrupted = True
                    _wait_for_stop(worker)
                finally:
                    sys.stdout, sys.stderr = old_out, old_err
                    builtins.input = old_input
                outcome.warnings = [str(w.message) for w in caught][:5]
        finally:
            threading.stack_size(old_stack)
    outcome.printed = capture.text()
    outcome.printed_lines = capture.lines + (1 if capture.last not in ("", "\n") else 0)
    if outcome.timed_out and not outcome.still_running:
        outcome.error = None
    return outcome


def _wait_for_stop(worker: threading.Thread, tries: int = 20) -> None:
    """Stop the worker; again if the learner's ``except:`` swallowed the first stop."""
    for _ in range(tries):
        if not worker.is_alive():
            return
        _stop(worker)
        worker.join(0.05)
