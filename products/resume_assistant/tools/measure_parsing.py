"""Résumé parsing on a labelled pairs set: names, roles against employer blocks, education.

    python -m products.resume_assistant.tools.measure_parsing PAIRS.jsonl [tune|heldout|all]

The pairs' résumés carry no names (their SOURCE.md: PII removed), so every name the parser
outputs there is wrong; name precision is measured on the kit's three sample résumés (true
names known) and the count of names wrongly output is reported for the set. The employer
count is estimated apart from the parser: the number of "company - X" block lines when the
résumé has them, else the number of lines holding a date range outside education. A
résumé passes when its parsed roles are within ±20% of that estimate (both 0 passes).
Numbers only are printed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from products.resume_assistant.core.dates import DATE_RANGE
from products.resume_assistant.core.loading import resume_text
from products.resume_assistant.core.pairs_eval import in_split, load_pairs, split_categories
from products.resume_assistant.core.resume_parser import parse_resume

SAMPLES = {"maya_okafor_product_manager.md": "Maya Okafor",
           "daniel_reyes_data_analyst.docx": "Daniel Reyes",
           "priya_nair_nurse_educator.pdf": "Priya Nair"}
COMPANY = re.compile(r"^\s*company\s*[-:–]", re.IGNORECASE | re.MULTILINE)
TOLERANCE = 0.2


def employer_estimate(text: str) -> int:
    blocks = len(COMPANY.findall(text))
    if blocks:
        return blocks
    return sum(1 for line in text.splitlines() if DATE_RANGE.search(line)
               and not re.search(r"universit|college|school|degree|b\.?sc|bachelor|master",
                                 line, re.IGNORECASE))


def measure(pairs: Path, split: str) -> dict[str, object]:
    everything = load_pairs(pairs)
    chosen = in_split(everything, split, split_categories(everything))
    paths = sorted({p.resume for p in chosen})
    wrong_names = within = 0
    education = []
    for path in paths:
        text = resume_text(path.name, path.read_bytes())
        resume = parse_resume(text)
        wrong_names += bool(resume.contact.name)
        estimate = employer_estimate(text)
        roles = len(resume.experience)
        within += abs(roles - estimate) <= TOLERANCE * estimate if estimate else roles == 0
        education.append(len(resume.education))
    data = Path(__file__).resolve().parent.parent / "data" / "resumes"
    found = {name: parse_resume(resume_text(name, (data / name).read_bytes())).contact.name
             for name in SAMPLES}
    output = [name for name, got in found.items() if got]
    correct = sum(found[name] == SAMPLES[name] for name in output)
    return {"split": split, "resumes": len(paths),
            "names_output_on_nameless_set": wrong_names,
            "sample_name_precision": round(correct / len(output), 3) if output else None,
            "sample_names_found": f"{len(output)}/{len(SAMPLES)}",
            "roles_within_20pct_of_employers": round(within / len(paths), 3),
            "education_entries_mean": round(sum(education) / len(education), 2)}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m products.resume_assistant.tools.measure_parsing PAIRS.jsonl "
                 "[tune|heldout|all]")
    result = measure(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) == 3 else "tune")
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
