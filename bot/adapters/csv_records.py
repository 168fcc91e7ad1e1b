"""Reading a CSV file record by record, so that one bad row never holds back the good ones.

Lines are read one at a time (memory does not grow with the file), bytes that are not UTF-8
become lone surrogates the row's parser reports, and a record the csv module cannot read is
a bad row of its own. The file is refused as a whole only by its header.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

from bot.services.directory import BadRow

Parsed = TypeVar("Parsed")

# No valid row comes near it; it bounds what one bad line can cost in memory.
MAX_LINE = 1 << 20
SHOWN = 60  # characters of a bad value repeated in its error line


def read_records(
    stream: IO[bytes],
    check_header: Callable[[list[str] | None], None],
    parse_row: Callable[[int, list[str]], Parsed | BadRow],
) -> Iterator[Parsed | BadRow]:
    """Each non-blank record, parsed, in file order; the header is checked at once, before
    the first item is asked for."""
    # newline="" as the csv module asks: a quoted field may hold a line break.
    reader = csv.reader(_lines(stream))
    try:
        header = next(reader, None)
    except csv.Error:
        header = ["?"]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]  # the byte-order mark spreadsheets put in front
    check_header(header)
    return _rows(reader, parse_row)


def unreadable(text: str) -> bool:
    """Holds bytes that were not UTF-8 (read as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unreadable_why(cells: list[str]) -> str:
    if any(unreadable(cell) for cell in cells):
        return "not UTF-8 text"
    return "contains a NUL character"


def cut(text: str) -> str:
    """A value repeated in an error line: bounded, and without control characters."""
    shown = "".join(c if c.isprintable() else "\ufffd" for c in text[:SHOWN])
    return shown + "…" if len(text) > SHOWN else shown


def _rows(
    reader: Any, parse_row: Callable[[int, list[str]], Parsed | BadRow]
) -> Iterator[Parsed | BadRow]:
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader starts afresh on the next line; this record alone is lost.
            yield BadRow(start, cut(str(error)))
            continue
        if "".join(cells).strip():  # a blank record is skipped
            yield parse_row(start, cells)


def _lines(stream: IO[bytes]) -> Iterator[str]:
    """Physical lines as text; bytes that are not UTF-8 become lone surrogates."""
    while raw := stream.readline(MAX_LINE):
        if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass  # the rest of an over-long line is dropped; its cut-off start is bad
        yield raw.decode("utf-8", "surrogateescape")
