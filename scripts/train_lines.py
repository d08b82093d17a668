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
import platform
import re
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

import segmenter
from segmenter import linemodel, ruleset
from segmenter.evaluate import aggregate, read_jsonl, score_record
from segmenter.options import Options
from segmenter.pipeline import prepare
from segmenter.reading import restore
from segmenter.split import score_lines, split
from segmenter.trees import FORMAT, Trees, from_json, rules_digest
from segmenter.types import Cleaned

_TOKEN = re.compile(r"\w+")
_MIN_CONTAINED = 25  # characters: shorter pieces match by accident
# The phrase ablation: how much of every phrase list is switched off, and the seed of the
# evaluation's choice; training pages dropped out use seeds 1..DROPOUT_SEEDS, other choices.
ABLATION_SHARE, ABLATION_SEED = 0.5, 0
DROPOUT, DROPOUT_SEEDS = 0.5, 4


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
        self.prepared = prepare(record["text"])
        self.cleaned, self.stops = self.prepared.cleaned, self.prepared.stops
        self.marks = self.prepared.reading.marks
        scored = score_lines(self.cleaned, self.stops, options, self.marks)
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


def digest(paths: Sequence[str | Path]) -> str:
    """sha256 over the files' bytes, in the order given."""
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def write(
    model: dict[str, Any],
    name: str,
    args: argparse.Namespace,
    cv: dict[str, dict[str, float]],
    extra: dict[str, Any] | None = None,
) -> None:
    """The model's directory: trees.json and a meta.json with its provenance."""
    import sklearn

    folder = Path(linemodel.__file__).parent / "models" / name
    folder.mkdir(parents=True, exist_ok=True)
    weights = (json.dumps(model, separators=(",", ":")) + "\n").encode("utf-8")
    (folder / "trees.json").write_bytes(weights)
    meta = {
        "format": FORMAT,
        "name": name,
        "version": segmenter.__version__,
        "trained": time.strftime("%Y-%m-%d", time.gmtime()),
        "script": f"scripts/{Path(sys.argv[0]).name} {' '.join(sys.argv[1:])}",
        "features": model["features"],
        "hyperparameters": {
            "model": "HistGradientBoostingClassifier",
            "max_iter": args.trees,
            "max_depth": args.depth,
            "learning_rate": args.rate,
            "random_state": 0,
        },
        "training_data": [
            {"file": Path(p).name, "sha256": digest([p]), "records": len(read_jsonl(p))}
            for p in args.data
        ],
        "rules_sha256": rules_digest(),
        "libraries": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "cv": cv,
        **(extra or {}),
        "trees_sha256": hashlib.sha256(weights).hexdigest(),
    }
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", "utf-8")
    print(f"wrote {folder}", file=sys.stderr)


def add_tree_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--trees", type=int, default=250)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rate", type=float, default=0.1, help="learning rate")
    ap.add_argument("--write", action="store_true", help="fit on all and write the model")


def predict(page: Page, options: Options, model: Trees) -> dict[str, Any]:
    url = page.record.get("url") or None
    parts = split(page.cleaned, page.stops, options, url, model, marks=page.marks)
    parts = restore(parts, page.prepared.reading, page.prepared.lines)
    return {
        "title": parts.title.text if parts.title else None,
        "body": "\n".join(p.text for p in parts.body),
        "teasers": [{"title": t.title, "text": t.text} for t in parts.teasers],
    }


KEYS = ("body_p", "body_r", "body_f1", "title_em", "teaser_f1", "boundary_acc")


def figures(rows: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per group, the mean of each metric (as meta.json records them)."""
    out = {}
    for group in sorted(rows):
        agg = aggregate(rows[group])
        out[group] = {k: round(float(agg[k]), 4) for k in KEYS if k in agg}
        out[group]["pages"] = len(rows[group])
    return out


def report(rows: dict[str, list[dict[str, float]]], arrangements: int = 1) -> None:
    """The metrics table; each page is scored once per arrangement, `n` counts pages."""
    keys = KEYS
    print(f"{'group':<22}{'n':>6}" + "".join(f"{k:>14}" for k in keys))
    for group in sorted(rows):
        agg = aggregate(rows[group])
        cells = "".join(f"{agg.get(k, float('nan')):>14.4f}" for k in keys)
        print(f"{group:<22}{agg['n'] // arrangements:>6}{cells}")


def rendering(record: dict[str, Any]) -> str:
    """The renderer that made a record's text: meta.renderer, else the corpus's own."""
    name = str((record.get("meta") or {}).get("renderer") or "inscriptis")
    return name.split("-")[0]


def _shuffled(site: str, seed: int) -> str:
    """The site's group name in arrangement `seed` (0: the site itself)."""
    return hashlib.md5(f"{seed}:{site}".encode()).hexdigest() if seed else site


@contextmanager
def ablation(share: float, seed: int) -> Iterator[None]:
    """The rules with a seeded `share` of every phrase list switched off, for the block."""
    ruleset.configure(phrase_ablation=share, seed=seed)
    try:
        yield
    finally:
        ruleset.configure()


def pages_of(records: Sequence[dict[str, Any]], options: Options) -> list[Page]:
    return [Page(r, options) for r in records]


def training_pages(
    records: Sequence[dict[str, Any]], full: list[Page], args: argparse.Namespace
) -> list[Page]:
    """The pages the model learns from: with `--dropout` of them (a seeded choice by record id)
    computed with half of every phrase list switched off, each with a seed of its own among
    DROPOUT_SEEDS, so that the model learns to read residue that no rule names."""
    if not args.dropout:
        return full
    out = list(full)
    chosen: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        draw = int(hashlib.md5(f"dropout:{r['id']}".encode()).hexdigest(), 16)
        if draw % 1000 < args.dropout * 1000:
            chosen[1 + draw % DROPOUT_SEEDS].append(i)
    for seed, indexes in sorted(chosen.items()):
        with ablation(ABLATION_SHARE, seed):
            for i in indexes:
                out[i] = Page(records[i], Options())
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="+", help="labelled JSONL files (one per rendering)")
    ap.add_argument(
        "--arrangements",
        type=int,
        default=0,
        help="average this many other site groupings into folds (0: the sites' own order)",
    )
    ap.add_argument(
        "--dropout",
        type=float,
        default=DROPOUT,
        help=f"share of training pages read with half of the phrases off (default {DROPOUT})",
    )
    ap.add_argument(
        "--no-ablation", action="store_true", help="skip the cross-validation under the ablation"
    )
    add_tree_options(ap)
    args = ap.parse_args(argv)
    options = Options()
    records = [r for path in args.data for r in read_jsonl(path) if r.get("gold", {}).get("body")]
    full = pages_of(records, options)
    learn = training_pages(records, full, args)
    ablated: list[Page] = []
    if not args.no_ablation:
        with ablation(ABLATION_SHARE, ABLATION_SEED):
            ablated = pages_of(records, options)
    sites = [r.get("domain") or r["id"] for r in records]
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    rows_ablated: dict[str, list[dict[str, float]]] = defaultdict(list)
    seeds = range(1, args.arrangements + 1) if args.arrangements > 0 else [0]

    def score(into: dict[str, list[dict[str, float]]], page: Page, model: Trees) -> None:
        m = score_record(page.record, predict(page, options, model))
        into["overall"].append(m)
        into[page.record["dataset"]].append(m)
        into[f"renderer={rendering(page.record)}"].append(m)

    for seed in seeds:
        groups = [_shuffled(site, seed) for site in sites]
        folds = []
        for train_idx, test_idx in GroupKFold(n_splits=args.folds).split(records, groups=groups):
            model = linemodel.from_json(fit([learn[i] for i in train_idx], args))
            folds.append((model, test_idx))
            for i in test_idx:
                score(rows, full[i], model)
        if ablated:
            with ablation(ABLATION_SHARE, ABLATION_SEED):
                for model, test_idx in folds:
                    for i in test_idx:
                        score(rows_ablated, ablated[i], model)
    times = f", mean of {len(seeds)} arrangements of the sites" if args.arrangements > 0 else ""
    print(f"site-grouped {args.folds}-fold cross-validation, {len(records)} pages{times}:")
    report(rows, len(seeds))
    if ablated:
        print(f"the same, with {ABLATION_SHARE:.0%} of every phrase list switched off:")
        report(rows_ablated, len(seeds))
    if args.write:
        cv = {"folds": args.folds, "arrangements": len(seeds), "figures": figures(rows)}
        extra = {"dropout": args.dropout}
        if ablated:
            extra["cv_phrase_ablation"] = {
                "share": ABLATION_SHARE,
                "seed": ABLATION_SEED,
                "figures": figures(rows_ablated),
            }
        write(fit(learn, args), linemodel.MODEL, args, cv, extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
