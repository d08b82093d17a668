"""Train the line model (segmenter/rules/line_model.json) from a labelled corpus.

    python scripts/train_lines.py ../shared/eval/dev.jsonl.gz [--folds 5] [--arrangements 4]
                                  [--write]

Each kept line of a record is labelled body (1) or not (0) by matching its word tokens against
the gold body paragraphs; gradient-boosted trees are fitted on the line vectors of
`segmenter.linemodel`. The figures printed come from site-grouped cross-validation: every
record is segmented by a model that never saw a page of its web site, which is what the
held-out set of other sites measures. Which sites share a fold moves the figures by a few
pages, about as much as a small rule change does: `--arrangements N` averages N other
groupings of the sites into folds (each shuffled by a seeded hash), a steadier figure to
compare two commits by. `--write` then fits on all records and writes the weights. Needs
scikit-learn (`pip install -e '.[train]'`); the service does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from segmenter import linemodel
from segmenter.clean import clean
from segmenter.evaluate import aggregate, read_jsonl, score_record
from segmenter.features import page_stopwords
from segmenter.normalize import normalize_text, split_lines
from segmenter.options import Options
from segmenter.split import score_lines, split
from segmenter.trees import Trees, from_json
from segmenter.types import Cleaned

_TOKEN = re.compile(r"\w+")
_MIN_CONTAINED = 25  # characters: shorter pieces match by accident


def _key(text: str) -> str:
    return " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", text).lower()))


def labels(record: dict[str, Any], cleaned: Cleaned) -> list[int]:
    """1 for a kept line that is (part of) a gold body paragraph, else 0."""
    gold = [_key(p) for p in record["gold"]["body"] if p.strip()]
    exact, blob = set(gold), "\n".join(gold)
    out = []
    for line in cleaned.kept:
        key = _key(line.text)
        body = key in exact or (len(key) >= _MIN_CONTAINED and key in blob)
        body = body or any(len(g) >= _MIN_CONTAINED and g in key for g in gold)
        out.append(int(body and bool(key)))
    return out


class Page:
    def __init__(self, record: dict[str, Any], options: Options) -> None:
        self.record = record
        self.cleaned = clean(split_lines(normalize_text(record["text"])))
        _, self.stops = page_stopwords([line.text for line in self.cleaned.kept])
        scored = score_lines(self.cleaned, self.stops, options)
        self.x = np.array(scored.vectors, dtype=float).reshape(-1, len(linemodel.FEATURES))
        self.y = np.array(labels(record, self.cleaned), dtype=int)
        words = np.array([f.words for f in scored.feats], dtype=float)
        # Each page weighs the same (the scorer macro-averages), its lines by their tokens.
        self.w = np.log1p(words) / max(1.0, float(np.log1p(words).sum()))


def boosted(args: argparse.Namespace) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=args.trees, max_depth=args.depth, learning_rate=args.rate, random_state=0
    )


def export(
    clf: HistGradientBoostingClassifier, features: Sequence[str], x: np.ndarray[Any, Any]
) -> dict[str, Any]:
    """The fitted trees in the JSON form `segmenter.trees.from_json` reads, checked against
    scikit-learn's own predictions on `x`."""
    trees = []
    for (predictor,) in clf._predictors:  # one tree per round in a binary task
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        index = np.arange(len(nodes))
        trees.append(
            {
                "feature": [int(v) for v in np.where(leaf, 0, nodes["feature_idx"])],
                "threshold": [float(v) for v in np.where(leaf, 0.0, nodes["num_threshold"])],
                "left": [int(v) for v in np.where(leaf, index, nodes["left"])],
                "right": [int(v) for v in np.where(leaf, index, nodes["right"])],
                "value": [float(v) for v in np.where(leaf, nodes["value"], 0.0)],
            }
        )
    model = {
        "about": "written by a script of scripts/; read by segmenter/trees.py",
        "features": list(features),
        "depth": int(max(int(p[0].nodes["depth"].max()) for p in clf._predictors)),
        "base": float(np.ravel(clf._baseline_prediction)[0]),
        "trees": trees,
    }
    check = from_json(model, features).logits(x[:2000].tolist())
    drift = float(np.max(np.abs(np.array(check) - clf.decision_function(x[:2000]))))
    if drift > 1e-6:
        raise SystemExit(f"exported trees disagree with scikit-learn by {drift}")
    return model


def fit(pages: list[Page], args: argparse.Namespace) -> dict[str, Any]:
    """Fit the line model on these pages; return it in its JSON form."""
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages]) * len(pages)
    clf = boosted(args)
    clf.fit(x, y, sample_weight=w)
    return export(clf, linemodel.FEATURES, x)


def write(model: dict[str, Any], name: str) -> None:
    path = Path(linemodel.__file__).parent / "rules" / name
    path.write_text(json.dumps(model, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {path}", file=sys.stderr)


def add_tree_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=250)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0.1, help="learning rate")
    ap.add_argument("--write", action="store_true", help="fit on all and write the model")


def predict(page: Page, options: Options, model: Trees) -> dict[str, Any]:
    url = page.record.get("url") or None
    parts = split(page.cleaned, page.stops, options, url, model)
    return {
        "title": parts.title.text if parts.title else None,
        "body": "\n".join(p.text for p in parts.body),
        "teasers": [{"title": t.title, "text": t.text} for t in parts.teasers],
    }


def report(rows: dict[str, list[dict[str, float]]], arrangements: int = 1) -> None:
    """The metrics table; each page is scored once per arrangement, `n` counts pages."""
    keys = ("body_p", "body_r", "body_f1", "title_em", "teaser_f1", "boundary_acc")
    print(f"{'group':<14}{'n':>6}" + "".join(f"{k:>14}" for k in keys))
    for group in sorted(rows):
        agg = aggregate(rows[group])
        cells = "".join(f"{agg.get(k, float('nan')):>14.4f}" for k in keys)
        print(f"{group:<14}{agg['n'] // arrangements:>6}{cells}")


def _shuffled(site: str, seed: int) -> str:
    """The site's group name in arrangement `seed` (0: the site itself)."""
    return hashlib.md5(f"{seed}:{site}".encode()).hexdigest() if seed else site


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument(
        "--arrangements",
        type=int,
        default=0,
        help="average this many other site groupings into folds (0: the sites' own order)",
    )
    add_tree_options(ap)
    args = ap.parse_args(argv)
    options = Options()
    pages = [Page(r, options) for r in read_jsonl(args.data) if r.get("gold", {}).get("body")]
    sites = [p.record.get("domain") or p.record["id"] for p in pages]
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    seeds = range(1, args.arrangements + 1) if args.arrangements > 0 else [0]
    for seed in seeds:
        groups = [_shuffled(site, seed) for site in sites]
        for train_idx, test_idx in GroupKFold(n_splits=args.folds).split(pages, groups=groups):
            model = linemodel.from_json(fit([pages[i] for i in train_idx], args))
            for i in test_idx:
                m = score_record(pages[i].record, predict(pages[i], options, model))
                rows["overall"].append(m)
                rows[pages[i].record["dataset"]].append(m)
    times = f", mean of {len(seeds)} arrangements of the sites" if args.arrangements > 0 else ""
    print(f"site-grouped {args.folds}-fold cross-validation, {len(pages)} pages{times}:")
    report(rows, len(seeds))
    if args.write:
        write(fit(pages, args), linemodel.MODEL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
