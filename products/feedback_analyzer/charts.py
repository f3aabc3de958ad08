"""Altair charts for the page: sentiment share, aspects, trend by month, stars vs words (a
heat map of star rating x leaning), and sentiment by the --by column (grouped bars)."""

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


def stars_values(counts: Counts) -> list[dict[str, object]]:
    """One cell per star rating x leaning (the pole the words lean to, `mixed` rows included)."""
    return [{"stars": s, "words lean": p, "rows": n}
            for s, split in counts.stars_leaning.items() for p, n in split.items()]


def stars_chart(counts: Counts) -> alt.Chart:
    """Heat map: the diagonal agrees; 5 stars x negative or 1 star x positive are worth a read."""
    base = alt.Chart(alt.Data(values=stars_values(counts)), title="Stars vs words")
    heat = base.mark_rect().encode(
        x=alt.X("stars:O", title="star rating"),
        y=alt.Y("words lean:N", sort=["positive", "neutral", "negative"]),
        color=alt.Color("rows:Q", scale=alt.Scale(scheme="blues")),
        tooltip=["stars:O", "words lean:N", "rows:Q"])
    return heat + base.mark_text().encode(x="stars:O", y="words lean:N", text="rows:Q")


def group_values(counts: Counts) -> list[dict[str, object]]:
    return [{"group": g, "sentiment": s, "rows": n}
            for g, split in counts.by_group.items() for s, n in split.items()]


def group_chart(counts: Counts) -> alt.Chart:
    """Sentiment per value of the --by column, bars grouped side by side."""
    return alt.Chart(alt.Data(values=group_values(counts)),
                     title=f"Sentiment by {counts.group_column}").mark_bar().encode(
        x=alt.X("sentiment:N", title=None, sort=list(COLOURS.domain)), y="rows:Q",
        color=alt.Color("sentiment:N", scale=COLOURS),
        column=alt.Column("group:N", title=counts.group_column))


__all__ = ["aspect_chart", "group_chart", "group_values", "sentiment_chart", "stars_chart",
           "stars_values", "trend_chart"]
