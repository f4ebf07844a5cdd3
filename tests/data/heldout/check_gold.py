"""Check heldout gold: every evidence/motive/date text is an exact substring of its article."""
import json, pathlib, sys
D = pathlib.Path(__file__).parent
bad = 0
for line in open(D / 'gold.jsonl', encoding='utf-8'):
    g = json.loads(line)
    text = (D / f"{g['article_id']}.txt").read_text(encoding='utf-8')
    names = {a['name'] for a in g['actors']}
    spans = [('evidence', e) for a in g['agreements'] for e in a['evidence']]
    spans += [('motive', m['text']) for m in g['motives']] + [('date', d['text']) for d in g['dates']]
    for kind, s in spans:
        if s not in text:
            bad += 1; print(g['article_id'], kind, 'NOT FOUND:', s)
    for a in g['agreements']:
        for p in a['parties']:
            if p not in names: bad += 1; print(g['article_id'], 'party not in actors:', p)
    for m in g['motives']:
        if m['actor'] and m['actor'] not in names: bad += 1; print(g['article_id'], 'motive actor not in actors:', m['actor'])
    n = len(text.split())
    print(g['article_id'], f"words={n} agreements={len(g['agreements'])} actors={len(g['actors'])} dates={len(g['dates'])} motives={len(g['motives'])}")
print('OK' if not bad else f'{bad} problems'); sys.exit(1 if bad else 0)
