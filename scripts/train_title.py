"""Train the title ranker (segmenter/models/title/) from a labelled corpus.

    python scripts/train_title.py ../shared/eval/dev.jsonl.gz [--folds 5] [--arrangements 3]
                                  [--write]

The candidates of `segmenter.title.candidates` are labelled 1 when the line equals the gold
title (after the scorer's normalisation), and gradient-boosted trees learn to rate them; the
page's title is its best-rated candidate. Figures come from site-grouped cross-validation, as
in train_lines.py, and `--arrangements N` averages N other groupings of the sites into folds
(a steadier figure to compare two commits by: one arrangement moves by about 0.005). Needs
scikit-learn (`pip install -e '.[train]'`).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold
from train_lines import _shuffled, add_tree_options, boosted, export, rendering, write

from segmenter import title
from segmenter.evaluate import norm_title, read_jsonl
from segmenter.options import Options
from segmenter.pipeline import prepare
from segmenter.split import locate
from segmenter.trees import from_json


class Page:
    def __init__(self, record: dict[str, Any], options: Options) -> None:
        page = prepare(record["text"])
        cleaned, stops, marks = page.cleaned, page.stops, page.reading.marks
        story = locate(cleaned, stops, options, marks=marks)
        found = title.candidates(cleaned.kept, story, stops, record.get("url") or None, marks)
        gold = norm_title(record["gold"]["title"])
        self.record = record
        self.x = np.array([v for _, v in found], dtype=float).reshape(-1, len(title.FEATURES))
        # A line is the title when its headline, cut as the output cuts it, is the gold's.
        heads = [title.trim(cleaned.kept[k].text)[1] for k, _ in found]
        self.y = np.array([norm_title(h) == gold for h in heads], int)


def fit(pages: list[Page], args: argparse.Namespace) -> dict[str, Any]:
    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    # Each page weighs the same, whatever its number of candidates.
    w = np.concatenate([np.full(len(p.y), 1.0 / max(1, len(p.y))) for p in pages])
    clf = boosted(args)
    clf.fit(x, y, sample_weight=w * len(pages))
    return export(clf, title.FEATURES, x)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", help="labelled JSONL files (one per rendering)")
    add_tree_options(ap)
    ap.add_argument(
        "--arrangements",
        type=int,
        default=0,
        help="average this many other site groupings into folds (0: the sites' own order)",
    )
    ap.set_defaults(trees=150, depth=5)
    args = ap.parse_args(argv)
    options = Options()
    pages = [
        Page(r, options)
        for path in args.data
        for r in read_jsonl(path)
        if r["gold"].get("title") and r["gold"].get("title_in_text", True) is not False
    ]
    sites = [p.record.get("domain") or p.record["id"] for p in pages]
    hits: dict[str, list[float]] = defaultdict(list)
    seeds = range(1, args.arrangements + 1) if args.arrangements > 0 else [0]
    folds = [
        (train_idx, test_idx)
        for seed in seeds
        for train_idx, test_idx in GroupKFold(n_splits=args.folds).split(
            pages, groups=[_shuffled(site, seed) for site in sites]
        )
    ]
    for train_idx, test_idx in folds:
        model = from_json(fit([pages[i] for i in train_idx], args), title.FEATURES)
        for i in test_idx:
            page = pages[i]
            ratings = model.logits(page.x.tolist())
            hit = 0.0
            if ratings:
                best = max(range(len(ratings)), key=lambda j: (ratings[j], -j))
                hit = float(page.y[best] == 1 and ratings[best] >= title._MIN_LOGIT)
            hits["overall"].append(hit)
            hits[page.record["dataset"]].append(hit)
            hits[f"renderer={rendering(page.record)}"].append(hit)
    times = f", mean of {len(seeds)} arrangements of the sites" if args.arrangements > 0 else ""
    print(
        f"site-grouped {args.folds}-fold cross-validation, {len(pages)} pages with a title{times}:"
    )
    print(f"{'group':<22}{'n':>6}{'title_em':>10}")
    cv: dict[str, dict[str, float]] = {}
    for group in sorted(hits):
        em = sum(hits[group]) / len(hits[group])
        n = len(hits[group]) // len(seeds)
        cv[group] = {"title_em": round(em, 4), "pages": n}
        print(f"{group:<22}{n:>6}{em:>10.4f}")
    if args.write:
        figures = {"folds": args.folds, "arrangements": len(seeds), "figures": cv}
        write(fit(pages, args), title.MODEL, args, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
