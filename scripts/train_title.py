"""Train the title ranker (segmenter/rules/title_model.json) from a labelled corpus.

    python scripts/train_title.py ../shared/eval/dev.jsonl.gz [--folds 5] [--write]

The candidates of `segmenter.title.candidates` are labelled 1 when the line equals the gold
title (after the scorer's normalisation), and gradient-boosted trees learn to rate them; the
page's title is its best-rated candidate. Figures come from site-grouped cross-validation, as
in train_lines.py. Needs scikit-learn (`pip install -e '.[train]'`).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold
from train_lines import add_tree_options, boosted, export, write

from segmenter import title
from segmenter.clean import clean
from segmenter.evaluate import norm_title, read_jsonl
from segmenter.features import page_stopwords
from segmenter.normalize import normalize_text, split_lines
from segmenter.options import Options
from segmenter.split import locate
from segmenter.trees import from_json


class Page:
    def __init__(self, record: dict[str, Any], options: Options) -> None:
        cleaned = clean(split_lines(normalize_text(record["text"])))
        _, stops = page_stopwords([line.text for line in cleaned.kept])
        story = locate(cleaned, stops, options)
        found = title.candidates(cleaned.kept, story, stops, record.get("url") or None)
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
    ap.add_argument("data")
    add_tree_options(ap)
    ap.set_defaults(trees=150, depth=5)
    args = ap.parse_args(argv)
    options = Options()
    pages = [
        Page(r, options)
        for r in read_jsonl(args.data)
        if r["gold"].get("title") and r["gold"].get("title_in_text", True) is not False
    ]
    groups = [p.record.get("domain") or p.record["id"] for p in pages]
    hits: dict[str, list[float]] = defaultdict(list)
    for train_idx, test_idx in GroupKFold(n_splits=args.folds).split(pages, groups=groups):
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
    print(f"site-grouped {args.folds}-fold cross-validation, {len(pages)} pages with a title:")
    print(f"{'group':<14}{'n':>6}{'title_em':>10}")
    for group in sorted(hits):
        print(f"{group:<14}{len(hits[group]):>6}{sum(hits[group]) / len(hits[group]):>10.4f}")
    if args.write:
        write(fit(pages, args), title.MODEL)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
