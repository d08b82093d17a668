"""Files and JSON lines for the batch engines (`segmenter batch`, locally or on Dask): opening
paths, one output line a result, and where a record came from. No segmentation here, and
nothing that imports the CLI, so that both engines use it without importing each other."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class UserError(Exception):
    """A message for the user and a non-zero exit, never a traceback."""


@contextmanager
def open_text(path: str, mode: str = "r") -> Iterator[IO[str]]:
    """A text file, gzip when the name ends in .gz, stdin / stdout for "-"."""
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    try:
        if path.endswith(".gz"):
            with gzip.open(path, mode + "t", encoding="utf-8") as gz:
                yield gz  # type: ignore[misc]  # gzip's text mode is a TextIOWrapper
        else:
            with open(path, mode, encoding="utf-8") as f:
                yield f
    except FileNotFoundError as exc:
        raise UserError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path}: is a directory") from exc
    except PermissionError as exc:
        raise UserError(f"{path}: permission denied") from exc


def load_record(raw: str) -> Any:
    """One input line's JSON; ValueError("malformed JSON: ...") when it is not JSON."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"malformed JSON: {exc}") from exc


def dump(obj: dict[str, Any]) -> str:
    # sort_keys off: the contract's field order reads best; ensure_ascii off: readable text.
    return json.dumps(obj, ensure_ascii=False)


def output_line(result: dict[str, Any], index: int) -> str:
    """One line of batch output: the result with its `index`, as the service's batch gives it.
    The index is the record's 0-based line in the input (blank lines count), so a record
    without an id is still found again, and `--resume` knows what is done."""
    return dump(dict(result, index=index)) + "\n"


def done_indices(path: str) -> set[int]:
    """The input indices already in an output file (for --resume). Reading stops at the first
    line that is not a result with an index, or at a gzip stream cut short: an interrupted
    run leaves whole lines only. A file whose first line is not such a result is refused,
    since resuming would overwrite it."""
    done: set[int] = set()
    if path == "-" or not Path(path).exists():
        return done
    foreign = False
    try:
        with open_text(path) as f:
            for line in f:
                try:
                    index = json.loads(line).get("index")
                except (ValueError, AttributeError, RecursionError):
                    index = None
                if not isinstance(index, int) or isinstance(index, bool):
                    foreign = not done
                    break
                done.add(index)
    except (OSError, EOFError):
        pass
    if foreign:
        raise UserError(f"{path}: its first line is not a batch result with an 'index'")
    return done


def bad_record(path: str, line: int, error: str) -> str:
    """The message for a record that cannot be segmented, the same from either engine:
    `path:line: what is wrong`, as compilers print it, so an editor jumps to the line."""
    return f"{path}:{line}: {error}"
