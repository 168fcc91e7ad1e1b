"""Tracebacks as text, formatted one thread at a time.

Python 3.11 parses each source line of a traceback with `ast` to place its ^ carets, and the
ast constructor's recursion counter is shared by every thread: two threads formatting at once
can fail with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905),
which would turn one logged failure into a second, unlogged one. So the bot never hands an
exception to a log handler to format; it logs this text instead.
"""

from __future__ import annotations

import threading
import traceback

_ONE_AT_A_TIME = threading.Lock()


def traceback_text(error: BaseException) -> str:
    with _ONE_AT_A_TIME:
        try:
            return "".join(traceback.format_exception(error)).rstrip()
        except SystemError:  # another library's thread was parsing at the same moment
            frames = traceback.extract_tb(error.__traceback__)
            where = "; ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in frames)
            return f"{type(error).__name__}: {error} (at {where})"
