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
