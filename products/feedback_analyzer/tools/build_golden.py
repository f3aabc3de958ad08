"""Build `evals/golden.jsonl` from the hand-labelled lines in `golden_source.txt`.

Each source line is `label | stars | aspects | tags | text`, written and labelled by hand for
the kit. Every third case (G003, G006, ...) is the held-out part: the
sentiment fixes and the aspect threshold were tuned on the rest only, and the report shows both.
Run `python -m products.feedback_analyzer.tools.build_golden`.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent / "evals" / "golden.jsonl"
HEADER = {"eval_set": "feedback_golden", "version": 1,
          "measures": "per-row sentiment (4 classes) and aspects on hand-labelled reviews, "
                      "weighted to hard cases: negation, contrast, mixed, sarcasm, non-English"}


def cases(source: Path) -> list[dict[str, object]]:
    """One case per non-comment line, ids in file order."""
    lines = [ln for ln in source.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    out = []
    for number, line in enumerate(lines, start=1):
        label, stars, aspects, tag, text = (part.strip() for part in line.split("|", 4))
        out.append({"id": f"G{number:03d}", "text": text, "stars": float(stars) if stars else None,
                    "sentiment": label, "aspects": [a for a in aspects.split(";") if a],
                    "tags": [tag], "split": "heldout" if number % 3 == 0 else "tuned"})
    return out


def main() -> None:
    rows = [HEADER, *cases(HERE / "golden_source.txt")]
    GOLDEN.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")


if __name__ == "__main__":
    main()
