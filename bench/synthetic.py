#!/usr/bin/env python3
"""A synthetic archive with the shape and word distribution of the FRUS corpus.

    from synthetic import Model
    model = Model.learn("frus-export.jsonl")        # `chancery export --format jsonl`
    model.write("part-000.jsonl", start=0, count=10_000)

Each synthetic record takes a real record as its template (chosen at random): its type, date
(moved to a random day of the same year), authors, recipients, summary's length and texts' count,
kinds, languages and lengths in words. Its title and its texts' words are drawn from the corpus's
own title and text vocabularies by their frequencies (a long stream drawn once, each text a slice
of it at a random place), so that term statistics, document lengths and the store's rows are those
of FRUS at any scale. Ids are `syn-<n>`; nothing ties a record to a volume, so no edition order or
collection is made. Deterministic for a seed.
"""

import calendar
import collections
import json
import random

# Words drawn once and sliced into texts: long enough that texts rarely share a slice.
STREAM_WORDS = 5_000_000
# Words per paragraph in the synthetic texts (FRUS paragraphs run about this long).
PARAGRAPH_WORDS = 80


class Model:
    def __init__(self, templates, title_words, title_weights, stream, seed):
        self.templates = templates
        self.title_words, self.title_weights = title_words, title_weights
        self.stream = stream
        self.seed = seed

    @staticmethod
    def learn(export_path, seed=1955):
        text_counts, title_counts, templates = collections.Counter(), collections.Counter(), []
        for line in open(export_path, encoding="utf-8"):
            record = json.loads(line)
            if record.get("kind") not in (None, "document"):
                continue
            title_counts.update(record["title"].split())
            shape = []
            for text in record.get("texts", []):
                words = text["body"].split()
                text_counts.update(words)
                shape.append({"kind": text["kind"], "language": text["language"],
                              "label": text.get("label"), "words": len(words)})
            edtf = (record.get("date") or {}).get("edtf") or ""
            templates.append({
                "year": int(edtf[:4]) if edtf[:4].isdigit() else None,
                "type": record.get("type"),
                "authors": record.get("authors", []),
                "recipients": record.get("recipients", []),
                "summary_words": len((record.get("summary") or "").split()),
                "texts": shape,
            })
        rng = random.Random(seed)
        words, weights = zip(*text_counts.items())
        stream = rng.choices(words, weights=weights, k=STREAM_WORDS)
        title_words, title_weights = zip(*title_counts.items())
        return Model(templates, title_words, title_weights, stream, seed)

    def words(self, rng, n):
        at = rng.randrange(0, len(self.stream) - n) if n < len(self.stream) else 0
        return self.stream[at:at + n]

    def body(self, rng, n):
        words = self.words(rng, n)
        return "\n\n".join(" ".join(words[i:i + PARAGRAPH_WORDS])
                           for i in range(0, len(words), PARAGRAPH_WORDS))

    def record(self, n):
        rng = random.Random(self.seed * 1_000_003 + n)
        template = rng.choice(self.templates)
        year = template["year"] or rng.randint(1945, 1980)
        month = rng.randint(1, 12)
        day = rng.randint(1, calendar.monthrange(year, month)[1])
        title = " ".join(rng.choices(self.title_words, weights=self.title_weights,
                                     k=rng.randint(5, 14)))
        record = {
            "id": f"syn-{n}",
            "title": f"{title} ({n})",
            "date": {"edtf": f"{year:04d}-{month:02d}-{day:02d}"},
            "type": template["type"],
            "authors": template["authors"],
            "recipients": template["recipients"],
            "texts": [
                {"kind": t["kind"], "language": t["language"], "label": t["label"],
                 "body": self.body(rng, max(t["words"], 1))}
                for t in template["texts"]
            ],
        }
        if template["summary_words"]:
            record["summary"] = " ".join(self.words(rng, template["summary_words"]))
        return record

    def write(self, path, start, count):
        with open(path, "w", encoding="utf-8") as out:
            for n in range(start, start + count):
                out.write(json.dumps(self.record(n), ensure_ascii=False) + "\n")
