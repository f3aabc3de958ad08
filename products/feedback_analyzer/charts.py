"""Altair charts for the page: sentiment share, aspects, trend by month, stars vs words."""

from __future__ import annotations

import altair as alt

from products.feedback_analyzer.core.summary import Counts

COLOURS = alt.Scale(domain=["positive", "neutral", "negative", "mixed"],
                    range=["#2e7d32", "#9e9e9e", "#c62828", "#f9a825"])


def sentiment_chart(counts: Counts) -> alt.Chart:
    data = alt.Data(values=[{"sentiment": k, "rows": v} for k, v in counts.sentiment.items()])
    return alt.Chart(data, title="Sentiment").mark_arc().encode(
        theta="rows:Q", color=alt.Color("sentiment:N", scale=COLOURS), tooltip=["sentiment:N",
                                                                              "rows:Q"])


def aspect_chart(counts: Counts) -> alt.Chart:
    values = [{"aspect": a, "sentiment": s, "rows": n}
              for a, split in counts.aspect_sentiment.items() for s, n in split.items()]
    return alt.Chart(alt.Data(values=values), title="Aspects").mark_bar().encode(
        y=alt.Y("aspect:N", sort="-x"), x="sum(rows):Q",
        color=alt.Color("sentiment:N", scale=COLOURS))


def trend_chart(counts: Counts) -> alt.Chart:
    values = [{"month": m, "sentiment": s, "rows": n}
              for m, split in counts.by_month.items() for s, n in split.items()]
    return alt.Chart(alt.Data(values=values), title="By month").mark_line(point=True).encode(
        x="month:O", y="rows:Q", color=alt.Color("sentiment:N", scale=COLOURS))


def stars_chart(counts: Counts) -> alt.Chart:
    d = counts.disagreement
    values = [{"case": "4-5 stars, negative words", "rows": d.high_stars_negative},
              {"case": "1-2 stars, positive words", "rows": d.low_stars_positive}]
    return alt.Chart(alt.Data(values=values), title="Stars vs words").mark_bar().encode(
        x="rows:Q", y="case:N")


__all__ = ["aspect_chart", "sentiment_chart", "stars_chart", "trend_chart"]
