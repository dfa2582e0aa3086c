"""Render one planned file: build its documents, degrade its pages, write it, return its truth.

A file depends only on (seed, uid): its own RNG streams for drawing, people, degradation and
encoding. So the set is the same whatever the number of worker processes or the order they run in.
"""

from __future__ import annotations

import random
from pathlib import Path

from . import degrade, writers
from .doctypes import BUILDERS, Ctx, citizen_id_card
from .dossiers import TEMPLATES
from .people import PeopleFactory


def render_file(job: dict) -> dict:
    """job: {"key", "uid", "kind" ("single"|"multi"), "what" (type or template), "path", "file", "half"}"""
    key = job["key"]
    plan_rng = random.Random(key + ":plan")
    recipe = degrade.pick_recipe(plan_rng)
    if "fax" in recipe or "phone_photo" in recipe:
        dpi = 200
    else:
        dpi = plan_rng.choices([200, 240, 300], weights=[0.35, 0.15, 0.5], k=1)[0]
    ctx = Ctx(rng=random.Random(key + ":draw"), dpi=dpi,
              people=PeopleFactory(random.Random(key + ":people")), id_issue={})
    if job["kind"] == "multi":
        docs = TEMPLATES[job["what"]](ctx)
    elif job["what"] == "citizen_id_card":
        # the card alone (photographed or scanned by itself) in about a third of single ID files
        docs = [citizen_id_card(ctx, alone=plan_rng.random() < 0.35)]
    else:
        docs = [BUILDERS[job["what"]](ctx)]

    pages, documents = [], []
    for doc in docs:
        start = len(pages) + 1
        pages.extend(doc.images)
        documents.append({"type": doc.type, "pages": [start, len(pages)], "fields": doc.fields,
                          "persons": doc.persons, "unscored": doc.unscored, "layout": doc.meta})

    color = writers.choose_color(plan_rng, recipe)
    deg_rng = random.Random(key + ":degrade")
    out = [degrade.to_color_mode(degrade.apply(p, recipe, deg_rng, dpi), color, deg_rng) for p in pages]
    fmt = writers.choose_format(plan_rng, len(out), recipe)
    file_dpi = dpi
    if "phone_photo" in recipe:
        # a photo carries 72 dpi; a phone-scanner app's PDF says the photo is about A4 wide
        file_dpi = 72 if fmt != "pdf" else max(72, round(out[0].width / 9.5))
    path = Path(job["dir"]) / f"{job['file']}.{fmt}"
    encoding = writers.write(path, out, fmt, file_dpi, random.Random(key + ":encode"))
    return {
        "file": path.name, "half": job["half"], "uid": job["uid"], "format": fmt, "encoding": encoding,
        "pages": len(out), "dpi": file_dpi, "render_dpi": dpi, "color": color if "fax" not in recipe else "bw",
        "degradations": recipe, "dossier": job["what"] if job["kind"] == "multi" else None,
        "documents": documents,
    }
