"""Reading gold JSONL files (shared/spec/GOLD.md)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.errors import PipelineError

# The studied gold sets the learned parts train on (`make train`; eval/SPLITS.md says who may read
# which set), as training_set reads them: NAME=ARTICLES_DIR:GOLD.jsonl[@SPLIT], from the project root.
STUDIED_SETS = ("dev=../shared/corpus/dev:../shared/gold/dev.jsonl",
                "train-studied=../shared/corpus/train:../shared/gold/train.jsonl@studied",
                "heldout=eval/heldout/articles:eval/heldout/gold.jsonl",
                "heldout2=eval/heldout2/articles:eval/heldout2/gold.jsonl",
                "heldout5=eval/heldout5/articles:eval/heldout5/gold.jsonl",
                "heldout6=eval/heldout6/articles:eval/heldout6/gold.jsonl",
                "heldout8=eval/heldout8/articles:eval/heldout8/gold.jsonl",
                "heldout9=eval/heldout9/articles:eval/heldout9/gold.jsonl",
                "heldout10=eval/heldout10/articles:eval/heldout10/gold.jsonl",
                "heldout11=eval/heldout11/articles:eval/heldout11/gold.jsonl",
                "heldout12=eval/heldout12/articles:eval/heldout12/gold.jsonl")


def read_jsonl_gold(path: str | Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise PipelineError("E040", str(path), f"cannot read gold file ({e})")


def training_set(spec: str, settings: dict) -> tuple[str, list, dict[str, dict]]:
    """A set a learned part trains on, named NAME=ARTICLES_DIR:GOLD.jsonl[@SPLIT] (paths from the project
    root; "...train.jsonl@studied" is one part of eval/SPLITS.md): its name, its cleaned articles that
    have gold, and the gold records by article id. A sealed split's articles are never read."""
    from evaluation.splits import gold_in_split  # noqa: PLC0415
    from pipeline.config import PROJECT_ROOT  # noqa: PLC0415
    from pipeline.read.clean import clean  # noqa: PLC0415
    from pipeline.read.ingest import read_inputs  # noqa: PLC0415
    name, _, paths = spec.partition("=")
    paths, _, split = paths.partition("@")
    articles_dir, gold_file = (PROJECT_ROOT / p for p in paths.split(":"))
    records = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    if split:
        records = gold_in_split(records, split)     # sealed articles are never read
    gold = {g["article_id"]: g for g in records}
    articles = []
    for item in read_inputs(articles_dir, settings):
        if isinstance(item, PipelineError) or item.article_id not in gold:
            continue
        try:
            articles.append(clean(item, settings))
        except PipelineError:
            continue
    return name, [a for a in articles if a.article_id in gold], gold


def parsed(articles: list, model, settings: dict, stages: tuple[str, ...]):
    """(article, doc, sentences, extraction) of each article, parsed by model and run through the named
    upstream stages (pipeline.extract.<name>.Stage) in order: what a learned part's features read."""
    import importlib  # noqa: PLC0415
    from pipeline.extract import nlp  # noqa: PLC0415
    from pipeline.records import Extraction  # noqa: PLC0415
    built = [importlib.import_module(f"pipeline.extract.{n}").Stage(settings.get(n, {})) for n in stages]
    for art, doc in zip(articles, model.pipe(a.text for a in articles)):
        doc.user_data.setdefault("text", art.text)
        sents = nlp.sentences(doc, art.article_id)
        ex = Extraction(article=art, sentences=sents)
        for stage in built:
            setattr(ex, stage.name, stage(doc, sents, ex))
        yield art, doc, sents, ex
