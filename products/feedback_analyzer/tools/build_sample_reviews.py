"""Build the bundled sample exports (`data/reviews.csv`, `data/reviews_cp1252.csv`).

Run `python -m products.feedback_analyzer.tools.build_sample_reviews`. The texts are written for
the kit: phrase pools per product and aspect, combined by a seeded generator into reviews with
the shapes a real export has (praise, complaints, mixed "X but Y", negation such as "no
problems", sarcasm with 1 star, neutral notes, planted PII, duplicates, empty and non-text rows,
a few non-English lines). The same seed always writes the same files.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from shared.csv_out import SafeCsvWriter

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SEED = 20261202
PRODUCTS = {
    "Lumen Notes": {
        "pos": ["the sync between my laptop and phone is instant", "search finds any note in a "
                "second", "the new dark mode is easy on the eyes", "the editor is clean and "
                "intuitive", "support answered my question within an hour",
                "the yearly plan is fair value for what you get"],
        "neg": ["the app crashes every time I attach a PDF", "sync lost two days of notes",
                "the subscription price went up again with nothing new", "support took a week "
                "to reply with a canned answer", "the widget freezes my home screen",
                "login keeps asking for my password", "export to Markdown is still missing"],
    },
    "Parcelo": {
        "pos": ["the parcel arrived a day early", "the courier was friendly and careful",
                "tracking updates were accurate to the hour", "shipping was cheap for the speed",
                "the refund for a lost box came within two days"],
        "neg": ["my package arrived two weeks late", "the courier left the box in the rain",
                "tracking said delivered but nothing came", "customer service hung up on me "
                "twice", "I was charged twice for one delivery", "the box was crushed and the "
                "vase inside broken"],
    },
    "Brewly Mini": {
        "pos": ["the espresso is rich and hot", "it heats up in under a minute",
                "the build feels sturdy and premium", "cleaning takes two minutes",
                "for the price it beats machines twice as expensive"],
        "neg": ["the water tank leaks onto the counter", "it stopped working after three weeks",
                "the milk frother is flimsy and loud", "descaling error shows up every day",
                "it is overpriced for plastic this cheap", "the replacement pods cost a fortune"],
    },
    "FitLoop": {
        "pos": ["the battery lasts a full week", "sleep tracking matches how I feel",
                "the strap is comfortable all day", "pairing with my phone took seconds",
                "the app charts are easy to read"],
        "neg": ["the battery dies by lunchtime", "the heart rate readings are way off",
                "the strap broke after a month", "the app is slow and laggy",
                "step counts reset at random", "premium features sit behind another paywall"],
    },
}
OPENERS = ["", "", "Honestly, ", "Update: ", "After a month, ", "Three weeks in: ", "Well, ",
           "As a long-time user, "]
POS_CLOSERS = ["", " Highly recommend.", " Five stars from me.", " Love it!", " Would buy again.",
               " Very happy."]
NEG_CLOSERS = ["", " Very disappointed.", " Avoid.", " Not happy at all.", " I want a refund.",
               " Will not buy again."]
NEGATION = ["No problems at all so far, {pos}.", "Never had an issue with it and {pos}.",
            "Not bad at all, {pos}.", "Zero complaints: {pos}.", "Can't complain, {pos}."]
SARCASM = ["Oh great, {neg}. Just what I needed.", "Wonderful. {neg}. Thanks a lot.",
           "Love how {neg}. Brilliant work.", "Fantastic, {neg} again. Amazing."]
NEUTRAL = ["Bought it last week, will update after more use.", "It does what the box says.",
           "Ordered the grey one.", "Second unit for my office.", "Used it twice so far.",
           "Gift for my brother, he has not opened it yet."]
FOREIGN = [("Muy buena calidad, llegó rápido y funciona perfecto.", 5),
           ("Das Gerät ist nach zwei Wochen kaputt gegangen. Schade.", 1),
           ("Très pratique au quotidien, je recommande.", 5),
           ("De levering was te laat en niemand reageerde.", 2),
           ("Prodotto ottimo, batteria eccellente.", 5)]
PII = ["My name is {name}, order {order}, please call me on {phone}.",
       "Email me at {email} about the refund, nobody answers.",
       "Card {card} was charged twice, sort it out."]
NAMES = ["Dana Whitfield", "Omar Castellanos", "Priya Raman", "Tomasz Nowak", "Grace Okafor"]


def review(rng: random.Random, product: str) -> tuple[str, int]:
    """One review text and its star rating, by a seeded choice of shape."""
    pool = PRODUCTS[product]
    pos, neg = rng.choice(pool["pos"]), rng.choice(pool["neg"])
    shape = rng.choices(["pos", "neg", "mixed", "negation", "sarcasm", "neutral", "pii"],
                        weights=[30, 30, 14, 8, 5, 8, 5])[0]
    if shape == "pos":
        return f"{_opened(rng, pos)}.{rng.choice(POS_CLOSERS)}", rng.choice([4, 5, 5])
    if shape == "neg":
        return f"{_opened(rng, neg)}.{rng.choice(NEG_CLOSERS)}", rng.choice([1, 1, 2])
    if shape == "mixed":
        first, second = (pos, neg) if rng.random() < 0.5 else (neg, pos)
        return f"{first[0].upper()}{first[1:]}, but {second}.", 3
    if shape == "negation":
        return rng.choice(NEGATION).format(pos=pos), rng.choice([4, 5])
    if shape == "sarcasm":
        return rng.choice(SARCASM).format(neg=neg), 1
    if shape == "neutral":
        return rng.choice(NEUTRAL), 3
    return _with_pii(rng, rng.choice(PII)), rng.choice([1, 2])


def _opened(rng: random.Random, clause: str) -> str:
    opener = rng.choice(OPENERS)
    return opener + clause if opener else clause[0].upper() + clause[1:]


def _with_pii(rng: random.Random, template: str) -> str:
    name = rng.choice(NAMES)
    return template.format(name=name, order=f"#{rng.randint(10000, 99999)}",
                           phone=f"+44 7700 {rng.randint(100000, 999999)}",
                           email=f"{name.split()[0].lower()}.{rng.randint(1, 99)}@example.com",
                           card="4111 1111 1111 1111")


def rows(rng: random.Random, count: int) -> list[list[str]]:
    """`count` rows of id, date, product, stars, review (plus a few special rows)."""
    start = date(2026, 1, 1)
    out = []
    for number in range(1, count + 1):
        product = rng.choice(list(PRODUCTS))
        text, stars = review(rng, product)
        if number % 97 == 0:
            text, stars = FOREIGN[(number // 97) % len(FOREIGN)]
        day = start + timedelta(days=int(330 * number / count) + rng.randint(0, 6))
        out.append([f"R{number:04d}", day.isoformat(), product, str(stars), text])
    out[40][4], out[41][4] = "", "5/5"  # an empty and a non-text row
    out[120][4] = out[60][4]  # an exact duplicate
    return out


def write(path: Path, header: list[str], body: list[list[str]], encoding: str,
          delimiter: str) -> None:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = SafeCsvWriter(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(body)


def main() -> None:
    rng = random.Random(SEED)
    header = ["review_id", "date", "product", "stars", "review"]
    write(DATA_DIR / "reviews.csv", header, rows(rng, 520), "utf-8", ",")
    cafe = [[f"C{n:03d}", f"{(n % 28) + 1:02d}/03/2026", str(stars), text] for n, (text, stars)
            in enumerate([("Café crème setting is perfect, the mousse is silky.", 5),
                          ("Paid 129 € and the frother died in a week. Très déçu.", 1),
                          ("Naïve of me to expect the descaling light to ever turn off.", 2),
                          ("Good machine but the “quick start” guide is useless.", 3),
                          ("No problems at all, my daily café au lait is perfect.", 5),
                          ("Delivery took 3 weeks – not acceptable.", 1)] * 5, start=1)]
    write(DATA_DIR / "reviews_cp1252.csv", ["id", "date", "rating", "comment"], cafe, "cp1252",
          ";")


if __name__ == "__main__":
    main()
