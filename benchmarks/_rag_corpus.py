"""A synthetic help-centre corpus and questions for the RAG benchmark, seeded and offline.

Real help-centre text is a few thousand distinct words with a Zipf-like spread (function words
everywhere, most content words rare), plus rare product names and error codes that only a few
chunks mention; those rare terms are what BM25 is for. The shape matters more than the sense:
posting-list lengths drive BM25 query time, and the vocabulary size drives tokenising. So the
text here is drawn word by word from a ranked vocabulary (real words first, then made-up ones),
cut into sentences, grouped into documents with titles and headings like the product's chunks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from shared.vectorstore import Chunk

FUNCTION_WORDS = """the to you a and your of in is for it on can that if this be with or are as
from an by at not when will have use do then all any more which after so they each only also
how what new""".split()  # noqa: SIM905 - word lists read better as prose

HELP_WORDS = """account billing invoice plan payment card refund subscription seat user team
workspace admin owner member role permission access login password reset email address
notification alert report export import file upload download folder project task board
integration calendar slack webhook token key api request limit rate error sync setting
profile language timezone domain sso saml directory group policy audit log data backup restore
delete archive trash share link guest invite mobile app desktop browser cache update version
release feature beta trial upgrade downgrade cancel renew charge tax receipt currency discount
coupon annual monthly usage quota storage attachment image comment mention search filter tag
label status priority deadline reminder template form field column row dashboard chart widget
schedule recurring event meeting device phone tablet offline online connection network proxy
firewall certificate encryption security privacy consent region server outage incident status
page support ticket chat agent reply escalate contact help article guide step click open select
choose enter save confirm check verify enable disable turn switch allow block remove add edit
change move copy rename sort group view list table page menu button tab panel sidebar header
footer icon option default custom manual automatic daily weekly hour minute second week month
year time date number name value type format size total amount price cost free paid business
enterprise starter premium limit maximum minimum older newer previous next first last same
different other every most several few many some without within between before during until
again still already never always often usually sometimes""".split()  # noqa: SIM905

SYLLABLES = """ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ka ke ki ko la le li
lo lu ma me mi mo mu na ne ni no pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve
vi vo za zo bra cre dri flo gra pla pro sta tri vel ton mar lin dex""".split()  # noqa: SIM905

AREAS = ["billing", "accounts", "integrations", "security", "reports", "mobile", "admin", "api",
         "notifications", "data-import", "workspaces", "troubleshooting"]
QUESTION_OPENERS = ["how do I", "why does my", "can I", "what happens to", "where is the",
                    "how to", "", "is there a"]
ZIPF_EXPONENT = 1.05
RARE_SHARE = 0.35  # share of chunks that mention a product term or an error code


@dataclass(frozen=True)
class Corpus:
    """The chunks (text + product-like metadata) and the questions asked of them."""

    chunks: list[Chunk]
    queries: list[str]
    vocabulary: list[str]  # every word the chunks and questions are drawn from, rare terms too
    vocabulary_size: int
    rare_terms: int
    words: int


def build_corpus(size: int, queries: int, vocabulary: int, seed: int) -> Corpus:
    """`size` chunks in documents of 4-12 chunks each, and `queries` questions about them."""
    rng = np.random.default_rng(seed)
    words = _vocabulary(vocabulary, rng)
    rare = _rare_terms(rng)
    lengths = rng.integers(60, 121, size=size)
    drawn = words[_zipf_ranks(len(words), int(lengths.sum()), rng)]
    chunks = _chunks(drawn, lengths, words, rare, rng)
    asked = [_question(chunks[int(i)].text, rare, rng)
             for i in rng.integers(0, size, size=queries)]
    every_word = [*words.tolist(), *(str(term).lower() for term in rare),
                  *" ".join(QUESTION_OPENERS).split()]
    return Corpus(chunks=chunks, queries=asked, vocabulary=every_word, vocabulary_size=len(words),
                  rare_terms=len(rare), words=int(lengths.sum()))


def _vocabulary(size: int, rng: np.random.Generator) -> np.ndarray:
    """Function words, then help-centre words, then made-up words, in Zipf rank order."""
    real = list(dict.fromkeys(FUNCTION_WORDS + HELP_WORDS))
    made_up = _made_up_words(max(0, size - len(real)), set(real), rng, syllables=(2, 4))
    return np.asarray(real + made_up, dtype=object)


def _made_up_words(count: int, taken: set[str], rng: np.random.Generator,
                   syllables: tuple[int, int]) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        parts = rng.choice(SYLLABLES, size=int(rng.integers(*syllables)))
        word = "".join(parts)
        if word not in taken:
            found[word] = None
    return list(found)


def _rare_terms(rng: np.random.Generator) -> np.ndarray:
    """Product names ("Dexlinosync") and error codes ("E4821") that few chunks mention."""
    products = [f"{word.capitalize()}sync" for word in _made_up_words(400, set(), rng, (2, 3))]
    codes = [f"E{code}" for code in rng.choice(np.arange(1000, 10000), 1500, replace=False)]
    return np.asarray(products + codes, dtype=object)


def _zipf_ranks(vocabulary: int, count: int, rng: np.random.Generator) -> np.ndarray:
    weights = 1.0 / np.power(np.arange(1, vocabulary + 1) + 2.7, ZIPF_EXPONENT)
    cumulative = np.cumsum(weights / weights.sum())
    return np.minimum(np.searchsorted(cumulative, rng.random(count)), vocabulary - 1)


def _chunks(drawn: np.ndarray, lengths: np.ndarray, words: np.ndarray, rare: np.ndarray,
            rng: np.random.Generator) -> list[Chunk]:
    chunks: list[Chunk] = []
    ends = np.cumsum(lengths)
    document: dict[str, str | int] = {}
    for position, end in enumerate(ends):
        if not document or document["left"] == 0:
            document = _document(len(chunks), words, rng)
        tokens = drawn[end - lengths[position] : end].tolist()
        if rng.random() < RARE_SHARE:
            tokens.insert(int(rng.integers(0, len(tokens))), str(rng.choice(rare)))
        chunks.append(_chunk(_sentences(tokens, rng), document, words, rng))
    return chunks


def _document(number: int, words: np.ndarray, rng: np.random.Generator) -> dict[str, str | int]:
    content = words[40:800]
    title = " ".join(str(w) for w in rng.choice(content, int(rng.integers(3, 6)))).capitalize()
    area = AREAS[number % len(AREAS)]
    slug = title.lower().replace(" ", "-")
    return {"source": f"{area}/{slug}-{number}.md", "title": title, "index": 0,
            "left": int(rng.integers(4, 13)),
            "file_sha": hashlib.sha256(f"document {number}".encode()).hexdigest()}


def _chunk(text: str, document: dict[str, str | int], words: np.ndarray,
           rng: np.random.Generator) -> Chunk:
    """A chunk with the metadata the product's ingest writes (see `core.ingest._metadata`)."""
    if document["index"] == 0 or rng.random() < 0.3:
        document["heading"] = " > ".join(
            " ".join(str(w) for w in rng.choice(words[40:600], 2)).capitalize() for _ in range(2))
    metadata: dict[str, str | int] = {
        "source": document["source"], "root": "/bench/help-centre", "title": document["title"],
        "heading": document["heading"], "chunk_index": document["index"],
        "file_sha": document["file_sha"], "format": "md",
    }
    document["index"] = int(document["index"]) + 1
    document["left"] = int(document["left"]) - 1
    return Chunk(text=text, metadata=metadata)


def _sentences(tokens: list[str], rng: np.random.Generator) -> str:
    sentences = []
    start = 0
    while start < len(tokens):
        end = start + int(rng.integers(7, 15))
        part = tokens[start:end]
        sentences.append(" ".join([part[0].capitalize(), *part[1:]]) + ".")
        start = end
    return " ".join(sentences)


def _question(text: str, rare: np.ndarray, rng: np.random.Generator) -> str:
    """3-8 words: an opener, 2-5 content words of one chunk, sometimes a rare term."""
    stop = set(FUNCTION_WORDS)
    content = [w for w in dict.fromkeys(text.lower().replace(".", "").split()) if w not in stop]
    picked = [str(w) for w in rng.choice(content, min(len(content), int(rng.integers(2, 6))),
                                         replace=False)]
    rare_lower = {str(term).lower() for term in rare}
    in_chunk = [w for w in content if w in rare_lower]
    if rng.random() < 0.3:
        picked.append(in_chunk[0] if in_chunk else str(rng.choice(rare)).lower())
    opener = QUESTION_OPENERS[int(rng.integers(0, len(QUESTION_OPENERS)))]
    return " ".join([opener, *picked]).strip() + "?"


__all__ = ["Corpus", "build_corpus"]
