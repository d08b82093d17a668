"""The `segmenter` command: a thin layer over the library API.

segmenter segment FILE|-            JSON result on stdout
segmenter batch IN.jsonl[.gz] -o OUT.jsonl
segmenter eval DATA.jsonl[.gz]      metrics table (see segmenter.evaluate)
segmenter serve                     the HTTP service under granian
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from . import __version__
from .errors import SegmenterError
from .options import Options
from .pipeline import segment, segment_html, segment_record


class CliError(Exception):
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
        raise CliError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CliError(f"{path}: is a directory") from exc
    except PermissionError as exc:
        raise CliError(f"{path}: permission denied") from exc


def _options(args: argparse.Namespace, language: str | None = None) -> Options:
    return Options(
        strictness=args.strictness,
        language_hint=language or getattr(args, "language", None),
        detect_language=not args.no_language,
        explain=getattr(args, "explain", False),
        max_lines=args.max_lines,
    )


def _dump(obj: dict[str, Any]) -> str:
    # sort_keys off: the contract's field order reads best; ensure_ascii off: readable text.
    return json.dumps(obj, ensure_ascii=False)


def cmd_segment(args: argparse.Namespace) -> int:
    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(args.file).read_bytes()
        except FileNotFoundError as exc:
            raise CliError(f"{args.file}: no such file") from exc
        except IsADirectoryError as exc:
            raise CliError(f"{args.file}: is a directory") from exc
    opts = _options(args)
    result = segment_html(data, opts) if args.html else segment(data, opts)
    out = result.to_dict()
    print(json.dumps(out, ensure_ascii=False, indent=2 if args.pretty else None))
    return 0


def _segment_line(item: tuple[int, str, Options]) -> tuple[int, str | None, str | None]:
    """One input line to (line number, output JSON line or None, error or None). A top-level
    function so that worker processes can run it."""
    number, raw, opts = item
    try:
        record = json.loads(raw)
        result = segment_record(record, opts)
    except (ValueError, RecursionError, SegmenterError) as exc:
        return number, None, str(exc) or type(exc).__name__
    return number, _dump(result.to_dict()) + "\n", None


def _ignore_sigint() -> None:
    # Workers leave Ctrl-C to the parent, which stops cleanly and closes the output whole.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _done_ids(path: str) -> set[str]:
    """Ids already in an output file (for --resume); an unreadable tail ends the scan."""
    done: set[str] = set()
    if path == "-" or not Path(path).exists():
        return done
    try:
        with open_text(path) as f:
            for line in f:
                try:
                    rid = json.loads(line).get("id")
                except (ValueError, AttributeError):
                    break
                if rid is not None:
                    done.add(str(rid))
    except (OSError, EOFError):
        pass
    return done


def _record_id(raw: str) -> str | None:
    try:
        rid = json.loads(raw).get("id")
    except (ValueError, AttributeError, RecursionError):
        return None
    return None if rid is None else str(rid)


def cmd_batch(args: argparse.Namespace) -> int:
    if args.dask:
        from .dask import batch as dask_batch

        count = dask_batch(args.input, args.output, args.dask, _options(args), args.skip_errors)
        print(f"{count} records written to {args.output}", file=sys.stderr)
        return 0
    import os
    from multiprocessing import get_context

    from tqdm import tqdm

    opts = _options(args)
    jobs = args.jobs or os.cpu_count() or 1
    done = _done_ids(args.output) if args.resume else set()
    errors = written = 0
    with open_text(args.input) as src, open_text(args.output, "a" if done else "w") as dst:
        items = (
            (number, raw, opts)
            for number, raw in enumerate(src, start=1)
            if raw.strip() and not (done and _record_id(raw) in done)
        )
        bar = tqdm(unit=" pages", disable=not sys.stderr.isatty(), file=sys.stderr)
        pool = get_context("spawn").Pool(jobs, initializer=_ignore_sigint) if jobs > 1 else None
        try:
            results = (
                pool.imap(_segment_line, items, chunksize=8) if pool else map(_segment_line, items)
            )
            for number, line, error in results:
                bar.update()
                if error is not None:
                    errors += 1
                    message = f"{args.input}:{number}: {error}"
                    if not args.skip_errors:
                        raise CliError(message + " (use --skip-errors to go on)")
                    print(message, file=sys.stderr)
                    continue
                dst.write(line or "")  # one whole line a write: an interrupt never splits one
                written += 1
        except KeyboardInterrupt:
            print(f"interrupted after {written} records; rerun with --resume", file=sys.stderr)
            return 130
        finally:
            bar.close()
            if pool:
                pool.terminate()
    if errors:
        print(f"{errors} record(s) skipped", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from . import evaluate

    try:
        records = evaluate.read_jsonl(args.data)
    except FileNotFoundError as exc:
        raise CliError(f"{args.data}: no such file") from exc
    except (OSError, ValueError) as exc:
        raise CliError(f"{args.data}: not a JSONL corpus ({exc})") from exc
    run = evaluate.predict(records, _options(args))
    result = evaluate.score(records, run.predictions, args.group_by)
    result["throughput"] = {
        "docs": len(records),
        "seconds": round(run.seconds, 3),
        "docs_per_s": round(len(records) / run.seconds, 1) if run.seconds else None,
        "mb_per_s": round(run.chars / 1e6 / run.seconds, 3) if run.seconds else None,
        "refused": run.failures,
    }
    if args.errors:
        written = evaluate.write_errors(Path(args.errors), records, run.predictions, args.worst)
        print(f"wrote {len(written)} error reports to {args.errors}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(evaluate.table(result))
        t = result["throughput"]
        print(
            f"{t['docs']} docs in {t['seconds']} s: {t['docs_per_s']} docs/s, "
            f"{t['mb_per_s']} MB/s, {t['refused']} refused"
        )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from . import bench

    default = Path(__file__).resolve().parent.parent.parent / "shared/eval/dev.jsonl.gz"
    path = args.data or (str(default) if default.exists() else None)
    if args.data and not Path(args.data).exists():
        raise CliError(f"{args.data}: no such file")
    if args.adversarial:
        print(bench.adversarial_report(args.adversarial))
        return 0
    print(bench.report(bench.run(path, args.limit, not args.no_trafilatura)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Replace this process with the server (granian, `segmenter.server`) running the app."""
    import os

    env = dict(os.environ)
    # glibc gives each thread that allocates an arena of its own, and memory freed in one is
    # not reused by another: under a feed of new pages (scripts/loadtest.py --fresh, 100,000
    # requests) workers grew 3.7-5.2 % to 151 MB; with two arenas 0.1-1.4 %, at the same CPU.
    # It is read when the process starts: hence a new process, not a call.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    for name in ("host", "port", "workers"):
        value = getattr(args, name)
        if value is not None:
            env[f"SEGMENTER_{name.upper()}"] = str(value)
    argv = [sys.executable, "-m", "segmenter.server"]
    os.execvpe(argv[0], argv, env)
    return 0  # not reached


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segmenter",
        description="Strip boilerplate from the plain text of news pages and split the story "
        "from the teasers appended to it.",
    )
    parser.add_argument("--version", action="version", version=f"segmenter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--strictness",
        type=float,
        default=Options().strictness,
        help="0.0 keeps borderline lines in the body, 1.0 drops them (default %(default)s)",
    )
    common.add_argument(
        "--no-language", action="store_true", help="skip language detection (code 'und')"
    )
    common.add_argument(
        "--max-lines",
        type=int,
        default=Options().max_lines,
        help="refuse a page with more lines than this (default %(default)s)",
    )

    p = sub.add_parser("segment", parents=[common], help="segment one page, print JSON")
    p.add_argument("file", help="a text file, or - for standard input")
    p.add_argument("--html", action="store_true", help="the input is HTML markup")
    p.add_argument("--language", help="language hint used when detection cannot decide")
    p.add_argument("--explain", action="store_true", help="add the rule that decided each line")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.set_defaults(func=cmd_segment)

    b = sub.add_parser(
        "batch",
        parents=[common],
        help="segment JSONL records ({'text'|'html', 'id', 'language'}), one result a line",
    )
    b.add_argument("input", help="JSONL file, .gz allowed, or - for standard input")
    b.add_argument("-o", "--output", default="-", help="output JSONL (.gz allowed; default stdout)")
    b.add_argument(
        "--skip-errors",
        action="store_true",
        help="report a bad record on stderr and go on (default: stop at the first)",
    )
    b.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: all cores)"
    )
    b.add_argument(
        "--resume",
        action="store_true",
        help="skip records whose id is already in OUTPUT and append the rest",
    )
    b.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run on Dask: a scheduler address (tcp://host:8786) or 'local'; input may be "
        "JSONL(.gz) or Parquet on any filesystem Dask reads (needs segmenter[dask])",
    )
    b.set_defaults(func=cmd_batch)

    e = sub.add_parser(
        "eval", parents=[common], help="score the pipeline on a labelled JSONL corpus"
    )
    e.add_argument("data", help="JSONL(.gz) records with 'id', 'text' and 'gold'")
    e.add_argument("--group-by", help="extra grouping field, dotted, e.g. meta.construction")
    e.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    e.add_argument("--errors", metavar="DIR", help="write the worst records side by side here")
    e.add_argument("--worst", type=int, default=30, help="how many error reports (default 30)")
    e.set_defaults(func=cmd_eval)

    k = sub.add_parser("bench", help="speed against references measured in the same run")
    k.add_argument(
        "data",
        nargs="?",
        help="JSONL(.gz) pages (default: ../shared/eval/dev.jsonl.gz "
        "when present, else the seeds and fixtures)",
    )
    k.add_argument("--limit", type=int, default=400, help="pages to time (default %(default)s)")
    k.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura reference")
    k.add_argument(
        "--adversarial",
        type=int,
        metavar="CHARS",
        help="time hostile inputs of CHARS and 2 x CHARS characters instead (growth ratios)",
    )
    k.set_defaults(func=cmd_bench)

    s = sub.add_parser("serve", help="run the HTTP service under granian (port 8000)")
    s.add_argument("--host", help="address to bind (default 0.0.0.0, or SEGMENTER_HOST)")
    s.add_argument("--port", type=int, help="port (default 8000, or SEGMENTER_PORT)")
    s.add_argument("--workers", type=int, help="worker processes (default: CPU quota, at least 2)")
    s.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except CliError as exc:
        print(f"segmenter: {exc}", file=sys.stderr)
        return 1
    except SegmenterError as exc:
        print(f"segmenter: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # a bad option value, e.g. strictness out of range
        print(f"segmenter: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
