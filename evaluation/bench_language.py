"""The English check, measured: `python -m pipeline bench language --data GOLD`.

GOLD is the gold.jsonl of shared/bench/boilerplate; its pages are read and cleaned as articles
are (HTML settings of [clean]) and judged by read/language.py. Which pages are really not English
is listed in resources/boilerplate_languages.jsonl (every other page is English). Measured:

- pages: the refusal rate against the share that is really not English, and each wrong verdict;
- windows: every gold body cut into runs of N words (5, 10, 20, 40; at most 6 per page, spread
  over the body), each judged alone: English refused / not-English accepted, as short texts;
- snippets: short English and non-English texts written for this project
  (resources/language_snippets.jsonl, 3 to 50 words);
- a sweep of [language] min_english_probability over those sets, for py3langid and, with
  --baseline (when it is installed), lingua-language-detector in its low-accuracy mode (its
  high-accuracy mode loads about 1 GB of models at the first call and is left out);
- cost: milliseconds per article of the detector on the English pages' cleaned texts, with
  the shipped [language] sample_chars.

With --floors FILE, a [language] section (pages_correct, snippets_correct: the share of pages and
of snippets given the right verdict at the shipped threshold) is checked and the exit code is 1
when a figure is below its floor.
"""
from __future__ import annotations

import time
from pathlib import Path

from evaluation.bench_dates import load_scorer
from evaluation.bench_html import boilerplate_gold
from evaluation.floors import report
from pipeline.config import load_settings
from pipeline.errors import PipelineError
from pipeline.read import clean, language
from pipeline.read.ingest import read_inputs
from pipeline.resources import load_jsonl

HERE = Path(__file__).resolve().parent / "resources"
THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
WINDOWS = (5, 10, 20, 40)


def non_english_pages() -> dict[str, str]:
    return {r["id"]: r["lang"] for r in load_jsonl("boilerplate_languages.jsonl", HERE)}


def snippets() -> list[tuple[str, bool, str]]:
    """(id, is English, text) of the written snippets."""
    return [(r["id"], r["lang"] == "en", r["text"]) for r in load_jsonl("language_snippets.jsonl", HERE)]


def windows(body: str, n: int, per_page: int = 6) -> list[str]:
    words = body.split()
    if len(words) <= n:
        return [body] if words else []
    starts = sorted({round(i * (len(words) - n) / max(1, per_page - 1)) for i in range(per_page)})
    return [" ".join(words[s:s + n]) for s in starts]


def cleaned_text(item, settings: dict) -> str:
    """The text the English check sees for this input (clean() without the check itself)."""
    c = settings["clean"]
    body, rules = item.content, "all"
    if item.fmt == "html":
        body, _meta = clean._from_html(item, c)
        rules = c["html_line_rules"]
    return "\n".join(clean.clean_lines(body, c["short_line_words"], rules)) or body


def detectors(settings: dict, baseline: bool = False) -> dict:
    """name -> function(text) giving the probability that the text is English."""
    chars = int(settings["language"]["sample_chars"])
    out = {"py3langid": lambda t: dict(language.probabilities(language.sample(t, chars))).get("en", 0.0)}
    if not baseline:
        return out
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return out
    low = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    out["lingua-low"] = lambda t: low.compute_language_confidence(language.sample(t, chars), Language.ENGLISH)
    return out


def errors(scored: list[tuple[bool, float]], t: float) -> tuple[int, int]:
    """(English refused, not-English accepted) at threshold t."""
    return (sum(1 for en, p in scored if en and p < t), sum(1 for en, p in scored if not en and p >= t))


def run_bench(gold_path: Path, settings: dict, baseline: bool = False) -> dict:
    scorer = load_scorer(gold_path)
    gold = {g["id"]: g for g in scorer.load_jsonl(gold_path)}
    foreign = non_english_pages()
    texts = {}
    for item in read_inputs(gold_path.parent / "pages", settings):
        if isinstance(item, PipelineError):
            continue
        try:
            texts[Path(item.source_path).stem] = cleaned_text(item, settings)
        except PipelineError:
            continue
    pages = sorted(p for p in texts if p in gold)
    threshold = float(settings["language"]["min_english_probability"])
    verdicts = {p: language.detect_language(texts[p], settings) for p in pages}
    refused = sorted(p for p in pages if verdicts[p] != "en")
    wrong = sorted([f"{p[:12]} ({foreign.get(p, 'en')} judged {verdicts[p]})" for p in pages
                    if (verdicts[p] == "en") != (p not in foreign)])
    res = {"pages": len(pages), "not_english": sum(1 for p in pages if p in foreign),
           "refused": len(refused), "refused_pages": refused, "wrong_pages": wrong,
           "refusal_rate": round(len(refused) / len(pages), 4) if pages else 0.0,
           "not_english_share": round(sum(1 for p in pages if p in foreign) / len(pages), 4) if pages else 0.0,
           "threshold": threshold, "sweep": {}}
    sets = {"pages": [(p not in foreign, texts[p]) for p in pages],
            "snippets": [(en, t) for _i, en, t in snippets()]}
    for n in WINDOWS:
        sets[f"windows{n}"] = [(p not in foreign, w) for p in pages for w in windows(gold[p]["body"], n)]
    english_texts = [texts[p] for p in pages if p not in foreign]
    for name, p_en in detectors(settings, baseline).items():
        p_en(english_texts[0] if english_texts else "warm up")  # loads the model outside the timing
        t0 = time.perf_counter()
        for t in english_texts:
            p_en(t)
        ms = 1000 * (time.perf_counter() - t0) / max(1, len(english_texts))
        scored = {key: [(en, p_en(t)) for en, t in items] for key, items in sets.items()}
        res["sweep"][name] = {"ms_per_article": round(ms, 2), "sizes": {k: (sum(en for en, _ in v), sum(not en for en, _ in v))
                                                                      for k, v in scored.items()},
                              "errors": {str(t): {k: errors(v, t) for k, v in scored.items()} for t in THRESHOLDS}}
    res["ms_per_article"] = res["sweep"]["py3langid"]["ms_per_article"]
    res["snippet_errors"] = sum(errors(
        [(en, dict(language.probabilities(t)).get("en", 0.0)) for en, t in sets["snippets"]], threshold))
    res["pages_correct"] = round(1 - len(wrong) / len(pages), 4) if pages else 0.0
    res["snippets_correct"] = round(1 - res["snippet_errors"] / len(sets["snippets"]), 4)
    return res


def format_text(res: dict) -> str:
    lines = [f"English check on the article-body benchmark ({res['pages']} pages, {res['not_english']} not English):",
             f"  refused {res['refused']} ({res['refusal_rate']:.3f}) against a not-English share of "
             f"{res['not_english_share']:.3f}; wrong verdicts: {', '.join(res['wrong_pages']) or 'none'}",
             f"  threshold: English when p(en) >= {res['threshold']:g}; snippet errors at it: {res['snippet_errors']}"]
    for name, s in res["sweep"].items():
        sizes = "  ".join(f"{k} {en}/{x}" for k, (en, x) in s["sizes"].items())
        lines.append(f"  {name}: {s['ms_per_article']:.2f} ms/article; sets (English/not): {sizes}")
        lines.append("    p(en) < t refused:  " + "  ".join(f"{k:>10}" for k in s["sizes"]) + "   (English refused/not accepted)")
        for t, errs in s["errors"].items():
            lines.append(f"    t = {float(t):<5g}          " + "  ".join(f"{a:>4}/{b:<5}" for a, b in errs.values()))
    return "\n".join(lines) + "\n"


def main(args) -> int:
    path = boilerplate_gold(args)
    res = run_bench(path, load_settings(getattr(args, "config", None)), getattr(args, "baseline", False))
    return report(res, args, "language", format_text)
