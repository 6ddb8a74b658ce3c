"""Chart definitions: layouts that leave room for their axes."""

from __future__ import annotations

import pandas as pd

from portfolio.charts import satisfaction_chart


def test_satisfaction_chart_leaves_room_for_the_nps_axis_on_the_right():
    trend = pd.DataFrame(
        {"segment": ["loyal_core"], "period": ["2026-Q1"], "satisfaction": [96.4], "nps": [-17.0], "answers": [5]}
    )
    layout = satisfaction_chart(trend).figure["layout"]
    assert layout["margin"]["r"] >= 60
    assert layout["yaxis2"]["automargin"] is True and layout["yaxis"]["automargin"] is True
    assert layout["yaxis2"]["side"] == "right" and layout["yaxis2"]["range"] == [-100, 100]


def test_top_headroom_axis_is_categorical_with_one_distinct_readable_label_per_account():
    from portfolio.charts import top_headroom_chart

    top = pd.DataFrame(
        {"name": ["Acme <b>", "Acme <b>", "12", "Beta"], "segment": ["small"] * 4, "headroom": [400.0, 300, 200, 100]},
        index=[7, 8, 12, 3],
    )
    figure = top_headroom_chart(top, currency="EUR").figure
    labels = figure["data"][0]["y"]
    assert figure["layout"]["yaxis"]["type"] == "category"
    assert figure["layout"]["yaxis"]["categoryarray"] == labels
    assert len(set(labels)) == len(labels) == 4  # distinct positions, even for twins and number-like names
    assert labels[-1] == "Acme &lt;b&gt; (#7)" and "12" in labels and "Beta" in labels
    assert not any(label.startswith("#") for label in labels)


def test_segment_charts_show_every_segment_and_say_when_all_sit_in_one():
    from portfolio.charts import map_quality_chart

    table = pd.DataFrame({"red": [2], "amber": [1], "green": [0]}, index=["loyal_core"])
    chart = map_quality_chart(table)
    x = chart.figure["data"][0]["x"]
    assert len(x) == 4 and chart.figure["layout"]["xaxis"]["type"] == "category"
    assert "All of them are in one segment: Loyal core" in chart.summary
