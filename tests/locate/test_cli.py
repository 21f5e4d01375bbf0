"""``hullwatch locate`` from the command line: the formats.md section 3 JSON, text, exit 2."""

from __future__ import annotations

import json

import pytest

from hullwatch.cli.app import main
from hullwatch.telemetry import write_telemetry


@pytest.fixture(scope="module")
def campaign_csv(tmp_path_factory, prk_campaign):
    path = tmp_path_factory.mktemp("campaign") / "t.csv"
    write_telemetry(prk_campaign.telemetry, path)
    return path


def test_locate_json_follows_the_contract(campaign_csv, tmp_path, capsys) -> None:
    plot = tmp_path / "locate.png"
    assert main(["locate", str(campaign_csv), "--json", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    payload = json.loads(out)
    assert sum(payload["posterior"].values()) == pytest.approx(1.0)
    assert payload["most_likely"] == "PrK" and payload["posterior"]["PrK"] >= 0.95
    assert payload["leak_rate_kg_per_day"] > 0
    assert sum(h["probability"] for h in payload["hypotheses"]) == pytest.approx(1.0)
    assert payload["start"].endswith("Z") and payload["evidence"][0]["end"].endswith("Z")
    assert any("one leak at a time" in a for a in payload["assumptions"])
    assert plot.stat().st_size > 10_000 and plot.read_bytes()[:4] == b"\x89PNG"


def test_locate_text_shows_the_evidence_table(campaign_csv, capsys) -> None:
    assert main(["locate", str(campaign_csv)]) == 0
    text = capsys.readouterr().out
    assert "Most likely module: PrK" in text and "one leak assumed" in text
    assert "Evidence" in text and "no leak" in text


def test_no_pressure_data_exits_2(prk_campaign, prk_located, tmp_path, capsys) -> None:
    habitat = prk_located.evidence.habitat
    pressure = [c.id for c in habitat.channels if c.quantity == "pressure"]
    samples = prk_campaign.telemetry
    path = tmp_path / "no_pressure.csv"
    write_telemetry(samples[~samples.channel.isin(pressure)].reset_index(drop=True), path)
    assert main(["locate", str(path)]) == 2  # AnalysisError
    err = capsys.readouterr().err
    assert "no pressure channel" in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys) -> None:
    assert main(["locate", str(tmp_path / "absent.csv")]) == 2
    assert "Traceback" not in capsys.readouterr().err
