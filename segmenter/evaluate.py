"""`segmenter eval`: the pipeline over a labelled JSONL corpus, scored with the same metrics as
the shared scorer (`shared/eval/score.py`): bag-of-words body P/R/F1, title exact match,
teaser count and F1, story-boundary accuracy, WCXB with/without snippets; macro-averaged per
record, per dataset and overall. tests/test_evaluate.py checks that both agree."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import SegmenterError
from .options import Options

_TOKEN = re.compile(r"\w+", re.UNICODE)
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)
KEYS = (
    "body_p",
    "body_r",
    "body_f1",
    "title_em",
    "title_f1",
    "teaser_count_acc",
    "teaser_f1",
    "boundary_acc",
    "boundary_late",
    "boundary_early",
    "with_rate",
    "without_rate",
)
_COUNTED = {
    "title_em": "n_title",
    "teaser_count_acc": "n_teaser",
    "boundary_acc": "n_boundary",
    "with_rate": "n_with",
}
_BOUNDARY_MIN, _BOUNDARY_MAX = 8, 40
# Markdown records (meta.renderer html2text-*): a link or image counts as its text and bold
# marks as nothing, as the shared scorer reads them.
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_STRONG = re.compile(r"(\*\*|__)")


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall((text or "").lower())


def as_text(x: Any) -> str:
    """A string, a {"text": ...} piece, or a list of either, as one string."""
    if x is None:
        return ""
    if isinstance(x, dict):
        return as_text(x.get("text"))
    if isinstance(x, list):
        return "\n".join(as_text(y) for y in x)
    return str(x)


def prf(pred: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    p, g = Counter(pred), Counter(gold)
    np_, ng = sum(p.values()), sum(g.values())
    if np_ == 0 and ng == 0:
        return 1.0, 1.0, 1.0
    if np_ == 0 or ng == 0:
        return 0.0, 0.0, 0.0
    tp = sum((p & g).values())
    precision, recall = tp / np_, tp / ng
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def norm_title(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").translate(_QUOTES)
    return re.sub(r"\s+", " ", s).strip().casefold()


def _snippet(s: str) -> str:
    return " " + " ".join(tokens(s)) + " "


def gold_tail(paragraphs: Sequence[str]) -> list[str]:
    """The gold body's last tokens: its last paragraph, extended back to >= 8, at most 40."""
    ref: list[str] = []
    for p in reversed(paragraphs):
        ref = tokens(p) + ref
        if len(ref) >= _BOUNDARY_MIN:
            break
    return ref[-_BOUNDARY_MAX:]


def _contains(hay: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1)) if n else True


def demarkdown(x: Any) -> Any:
    """A predicted piece of a Markdown record as the shared scorer reads it."""
    if isinstance(x, dict):
        return {**x, "text": demarkdown(x.get("text"))} if "text" in x else x
    if isinstance(x, list):
        return [demarkdown(y) for y in x]
    if isinstance(x, str):
        return _MD_STRONG.sub("", _MD_LINK.sub(r"\1", x))
    return x


def score_record(gold_record: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, float]:
    """The metrics of one record (only those that apply to it)."""
    if str((gold_record.get("meta") or {}).get("renderer", "")).startswith("html2text"):
        pred = {
            k: demarkdown(v) if k in ("body", "title", "teasers") else v for k, v in pred.items()
        }
    gold = gold_record.get("gold") or {}
    paragraphs = gold.get("body") or []
    if isinstance(paragraphs, str):
        paragraphs = [x for x in paragraphs.split("\n") if x.strip()]
    body = as_text(pred.get("body"))
    pt, gt = tokens(body), tokens("\n".join(paragraphs))
    bp, br, bf = prf(pt, gt)
    m = {"body_p": bp, "body_r": br, "body_f1": bf}
    title = gold.get("title")
    if title and gold.get("title_in_text", True) is not False:
        ptitle = as_text(pred.get("title"))
        m["title_em"] = float(norm_title(ptitle) == norm_title(title))
        m["title_f1"] = prf(tokens(ptitle), tokens(title))[2]
    teasers = gold.get("teasers")
    if isinstance(teasers, list):
        pteasers = pred.get("teasers") or []
        pteasers = pteasers if isinstance(pteasers, list) else []
        m["teaser_count_acc"] = float(len(pteasers) == len(teasers))
        gold_teaser_tokens = tokens("\n".join(t.get("text") or "" for t in teasers))
        m["teaser_f1"] = prf(tokens(as_text(pteasers)), gold_teaser_tokens)[2]
        ref = gold_tail(paragraphs)
        ok = len(pt) >= len(ref) and pt[len(pt) - len(ref) :] == ref
        late = not ok and _contains(pt, ref)
        m["boundary_acc"] = float(ok)
        m["boundary_late"] = float(late)
        m["boundary_early"] = float(not ok and not late)
    hay = _snippet(body)
    for key, field in (("with_rate", "with"), ("without_rate", "without")):
        snippets = gold.get(field)
        if snippets:
            m[key] = sum(_snippet(s) in hay for s in snippets) / len(snippets)
    return m


def aggregate(rows: Sequence[Mapping[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(rows)}
    for key in KEYS:
        values = [r[key] for r in rows if key in r]
        if values:
            out[key] = round(sum(values) / len(values), 4)
            if key in _COUNTED:
                out[_COUNTED[key]] = len(values)
    return out


def field_of(record: Mapping[str, Any], path: str) -> str:
    cur: Any = record
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if isinstance(cur, list):
        cur = "+".join(map(str, cur)) or "-"
    return str(cur)


def score(
    gold: Iterable[Mapping[str, Any]],
    preds: Mapping[str, Mapping[str, Any]],
    group_by: str | None = None,
) -> dict[str, Any]:
    """Overall and per-group metrics; a record with no prediction counts as empty."""
    rows: list[dict[str, float]] = []
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    missing = 0
    for record in gold:
        pred = preds.get(str(record["id"]))
        if pred is None:
            missing += 1
            pred = {}
        m = score_record(record, pred)
        rows.append(m)
        groups[f"dataset={record.get('dataset')}"].append(m)
        if group_by:
            groups[f"{group_by}={field_of(record, group_by)}"].append(m)
    return {
        "overall": aggregate(rows),
        "groups": {k: aggregate(v) for k, v in sorted(groups.items())},
        "n_missing_pred": missing,
    }


_COLUMNS = (
    ("n", "n"),
    ("body_p", "bodyP"),
    ("body_r", "bodyR"),
    ("body_f1", "bodyF1"),
    ("title_em", "titEM"),
    ("teaser_count_acc", "tCnt"),
    ("teaser_f1", "tF1"),
    ("boundary_acc", "bound"),
    ("boundary_late", "late"),
    ("boundary_early", "early"),
    ("with_rate", "with"),
    ("without_rate", "w/out"),
)


def table(result: Mapping[str, Any]) -> str:
    """The metrics as the shared scorer prints them."""
    lines = [f"{'group':<34}" + "".join(f"{h:>7}" for _, h in _COLUMNS)]
    for name, agg in [("overall", result["overall"]), *result["groups"].items()]:
        cells = []
        for key, _ in _COLUMNS:
            v = agg.get(key)
            if key == "n":
                cells.append(f"{v:>7d}")
            else:
                cells.append(" " + (f"{v:6.3f}" if isinstance(v, float) else f"{'-':>6}"))
        lines.append(f"{name[:34]:<34}" + "".join(cells))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Run:
    predictions: dict[str, dict[str, Any]]
    seconds: float
    chars: int
    failures: int


def predict(records: Sequence[Mapping[str, Any]], options: Options) -> Run:
    """Segment every record's text; a record the pipeline refuses predicts nothing."""
    from .pipeline import segment

    preds: dict[str, dict[str, Any]] = {}
    failures = chars = 0
    started = time.perf_counter()
    for record in records:
        text = record.get("text") or ""
        chars += len(text)
        try:
            result = segment(text, options, id=str(record["id"]), url=record.get("url") or None)
            preds[str(record["id"])] = result.to_dict()
        except SegmenterError:
            failures += 1
    return Run(preds, time.perf_counter() - started, chars, failures)


def write_errors(
    directory: Path,
    records: Sequence[Mapping[str, Any]],
    preds: Mapping[str, Mapping[str, Any]],
    worst: int = 30,
) -> list[str]:
    """The `worst` records by body F1 (then boundary), gold vs predicted lines side by side."""
    directory.mkdir(parents=True, exist_ok=True)
    scored = []
    for record in records:
        pred = preds.get(str(record["id"]), {})
        m = score_record(record, pred)
        scored.append(
            (m["body_f1"] + m.get("boundary_acc", 1.0), str(record["id"]), record, pred, m)
        )
    scored.sort(key=lambda x: (x[0], x[1]))
    written = []
    for _, rid, record, pred, m in scored[:worst]:
        path = directory / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', rid)}.txt"
        with path.open("w", encoding="utf-8") as f:
            _side_by_side(f, record, pred, m)
        written.append(str(path))
    return written


def _side_by_side(
    f: IO[str], record: Mapping[str, Any], pred: Mapping[str, Any], m: Mapping[str, float]
) -> None:
    gold = record.get("gold") or {}
    gold_body = {" ".join(tokens(p)) for p in gold.get("body") or []}
    fate: dict[int, str] = {}
    if pred.get("title"):
        fate[pred["title"]["line"]] = "TITLE"
    for p in pred.get("body", []):
        fate[p["line"]] = "body"
    for t in pred.get("teasers", []):
        for n in range(t["line"], (t.get("end_line") or t["line"]) + 1):
            fate[n] = "teaser"
    for r in pred.get("removed", []):
        fate[r["line"]] = "-" + r["reason"]
    f.write(f"# {record.get('id')} {record.get('dataset')} {record.get('url', '')}\n")
    f.write(f"# metrics {json.dumps({k: round(v, 3) for k, v in m.items()})}\n")
    f.write(f"# gold title: {gold.get('title')!r}\n# pred title: {as_text(pred.get('title'))!r}\n")
    f.write("# columns: line | gold (B = in gold body) | predicted fate | text\n")
    for n, line in enumerate((record.get("text") or "").splitlines(), start=1):
        if not line.strip():
            continue
        in_gold = "B" if " ".join(tokens(line)) in gold_body else "."
        f.write(f"{n:5d} | {in_gold} | {fate.get(n, '?'):<16} | {line[:160]}\n")


def read_jsonl(path: str) -> list[dict[str, Any]]:
    import gzip

    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
