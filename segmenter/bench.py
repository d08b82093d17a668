"""`segmenter bench`: speed of the pipeline against references measured in the same run on
the same pages (absolute figures vary from machine to machine; ratios travel):

- keep-everything: decode-free read and line split, the ceiling of any line-based tool;
- trafilatura `extract()` on the same text wrapped as one <p> per line;
- the full pipeline, language included, on one core;
- time per stage, and time against input size (1 KB ... 1 MB) to show the cost is linear.
"""

from __future__ import annotations

import gc
import html
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources import as_file, files
from typing import Any

from .clean import clean
from .errors import TooLargeError
from .features import page_stopwords
from .fingerprint import simhash
from .language import detect, sample
from .normalize import normalize_text, split_lines
from .options import Options
from .pipeline import segment, warm_up
from .split import split


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    seconds: float
    docs: int
    chars: int

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.chars / 1e6 / self.seconds if self.seconds else float("inf")


def _time(name: str, pages: Sequence[str], fn: Callable[[str], Any], repeat: int = 1) -> Timing:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for page in pages:
            fn(page)
        best = min(best, time.perf_counter() - started)
    return Timing(name, best, len(pages), sum(len(p) for p in pages))


def _wrap(text: str) -> str:
    paragraphs = "".join(
        f"<p>{html.escape(line)}</p>\n" for line in text.split("\n") if line.strip()
    )
    return f"<html><body>\n{paragraphs}</body></html>"


def _keep_everything(text: str) -> None:
    split_lines(text)


def stage_times(pages: Sequence[str], options: Options) -> dict[str, float]:
    """Seconds spent in each stage over all pages."""
    totals = dict.fromkeys(("normalize", "clean", "split", "language", "fingerprint"), 0.0)
    for page in pages:
        t0 = time.perf_counter()
        lines = split_lines(normalize_text(page))
        t1 = time.perf_counter()
        cleaned = clean(lines)
        t2 = time.perf_counter()
        _, stops = page_stopwords([line.text for line in cleaned.kept])
        parts = split(cleaned, stops, options)
        t3 = time.perf_counter()
        body = [p.text for p in parts.body]
        detect(sample(body, options.language_sample))
        t4 = time.perf_counter()
        simhash("\n".join(body))
        t5 = time.perf_counter()
        for name, dt in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            totals[name] += dt
    return totals


def scaling(base: str, sizes: Sequence[int], options: Options) -> list[tuple[int, float]]:
    """(size in bytes, seconds) for pages made by repeating `base` up to each size."""
    out = []
    for size in sizes:
        page = (base * (size // max(1, len(base)) + 1))[:size]
        started = time.perf_counter()
        segment(page, options)
        out.append((size, time.perf_counter() - started))
    return out


# Hostile input families: each builder takes a size in characters.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "one long line": lambda n: ("word " * (n // 5 + 1))[:n],
    "short lines": lambda n: "ab\n" * (n // 3),
    "distinct short lines": lambda n: "".join(f"line {i}\n" for i in range(n // 12)),
    "blank lines": lambda n: "x\n" + "\n" * n,
    "kicker repeats ‘A’: ": lambda n: "‘A’: " * (n // 5),
    "colons": lambda n: ":" * n,
    "quotes": lambda n: '"' * n,
    "tags, then text": lambda n: "<a>" * (n // 3) + "x",
    "numbered lines": lambda n: "".join(f"{i % 99 + 1}. Title {i}\n" for i in range(n // 14)),
    "label lines": lambda n: "Related: A title here\n" * (n // 22),
    "cookie words": lambda n: ("cookies accept " * (n // 15 + 1))[:n],
}


@dataclass(frozen=True, slots=True)
class Hostile:
    family: str
    chars: int
    default_s: float  # with the default Options: a result, or a refusal over a limit
    outcome: str  # "result" or "refused"
    unlimited_s: float  # with the size limits lifted: the cost of processing it all
    growth: float  # unlimited time at 2 x the size over the time at the size: ~2 is linear


def _best_of_two(text: str, options: Options) -> tuple[float, str]:
    best, outcome = float("inf"), "result"
    for _ in range(2):
        gc.collect()  # what earlier families left behind must not be billed to this one
        started = time.perf_counter()
        try:
            segment(text, options)
        except TooLargeError:
            outcome = "refused"
        best = min(best, time.perf_counter() - started)
    return best, outcome


def adversarial(size: int) -> list[Hostile]:
    """Each hostile family at 2 x `size` characters, under the defaults and with the limits
    lifted, and the growth of the unlimited time from `size` to 2 x `size`."""
    defaults = Options()
    unlimited = Options(max_chars=10**12, max_lines=10**12)
    warm_up()
    out = []
    for name, build in ADVERSARIAL.items():
        text = build(2 * size)
        default_s, outcome = _best_of_two(text, defaults)
        small, _ = _best_of_two(build(size), unlimited)
        large, _ = _best_of_two(text, unlimited)
        growth = large / small if small else float("inf")
        out.append(Hostile(name, len(text), default_s, outcome, large, growth))
    return out


def adversarial_report(size: int) -> str:
    lines = [
        f"{'hostile input':<24}{'chars':>10}{'defaults s':>12}{'':>9}"
        f"{'no limits s':>13}{'x time for x2 input':>21}"
    ]
    for h in adversarial(size):
        lines.append(
            f"{h.family:<24}{h.chars:>10}{h.default_s:>12.3f}{h.outcome:>9}"
            f"{h.unlimited_s:>13.3f}{h.growth:>21.2f}"
        )
    return "\n".join(lines)


# Shipped with the package, so that `segmenter bench` runs after any install: the two seed
# pages and the test fixtures' pages (18 pages, about 30 KB), a fixed set to compare runs by.
PACKAGED_PAGES = "data/bench.jsonl.gz"


def load_pages(path: str | None, limit: int) -> tuple[list[str], str]:
    """The texts of up to `limit` pages of a JSONL(.gz) file, or the packaged pages."""
    from .evaluate import read_jsonl

    if path is None:
        with as_file(files(__package__) / PACKAGED_PAGES) as packaged:
            records = read_jsonl(str(packaged))
        source = "the packaged pages"
    else:
        records = read_jsonl(path)
        source = path
    return [r["text"] for r in records if isinstance(r, dict) and r.get("text")][:limit], source


def run(pages: Sequence[str], source: str, with_trafilatura: bool = True) -> dict[str, Any]:
    options = Options()
    warm_up()
    ours = _time("segmenter (full pipeline)", pages, lambda p: segment(p, options))
    keep = _time("keep-everything (read + split lines)", pages, _keep_everything, repeat=3)
    rows = [keep, ours]
    if with_trafilatura:
        from trafilatura import extract

        wrapped = [_wrap(p) for p in pages]
        traf = _time("trafilatura extract() on wrapped text", wrapped, extract)
        traf = Timing(traf.name, traf.seconds, traf.docs, ours.chars)  # same text, same MB
        rows.append(traf)
    stages = stage_times(pages, options)
    base = "\n".join(pages[:20])
    sizes = [1_000, 10_000, 100_000, 1_000_000]
    return {
        "source": source,
        "pages": len(pages),
        "rows": rows,
        "ours": ours,
        "stages": stages,
        "scaling": scaling(base, sizes, options),
    }


def report(result: dict[str, Any]) -> str:
    ours: Timing = result["ours"]
    lines = [f"{result['pages']} pages from {result['source']}, one core", ""]
    lines.append(f"{'system':<40}{'docs/s':>10}{'MB/s':>9}{'ours is':>14}")
    for row in result["rows"]:
        ratio = row.seconds / ours.seconds if ours.seconds else float("inf")
        lines.append(f"{row.name:<40}{row.docs_per_s:>10.1f}{row.mb_per_s:>9.2f}{ratio:>13.2f}x")
    lines.append("('ours is' = that system's time / ours: above 1, we are faster)")
    total = sum(result["stages"].values())
    lines += ["", f"{'stage':<14}{'ms/page':>9}{'share':>8}"]
    for name, seconds in result["stages"].items():
        lines.append(f"{name:<14}{seconds * 1000 / result['pages']:>9.3f}{seconds / total:>8.1%}")
    lines += ["", f"{'input size':<14}{'ms':>9}{'us/KB':>9}"]
    for size, seconds in result["scaling"]:
        lines.append(f"{size:<14}{seconds * 1000:>9.2f}{seconds * 1e6 / (size / 1000):>9.1f}")
    return "\n".join(lines)
