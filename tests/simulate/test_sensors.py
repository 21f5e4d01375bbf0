"""Sensor models: quantization, report-on-change, periodic sampling, loss of signal."""

from __future__ import annotations

import numpy as np

from hullwatch.simulate.scenario import SensorSpec
from hullwatch.simulate.sensors import Sensor, draw_loss_of_signal, loss_of_signal_mask


def _sensor(**spec) -> Sensor:
    return Sensor(SensorSpec(**spec), scale_si=1.0, dt_s=10.0, rng=np.random.default_rng(0))


def test_on_change_reports_only_changes_of_the_quantized_value() -> None:
    sensor = _sensor(quantum=0.1)
    truth = np.repeat([1.0, 1.02, 1.31, 1.29, 1.0], 10)  # 1.0 and 1.02 quantize alike
    index, values = sensor.read(truth, np.ones(truth.size, dtype=bool))
    assert index.tolist() == [0, 20, 40]
    np.testing.assert_allclose(values, [1.0, 1.3, 1.0])


def test_on_change_state_carries_across_chunks() -> None:
    sensor = _sensor(quantum=0.1)
    visible = np.ones(5, dtype=bool)
    sensor.read(np.full(5, 2.0), visible)
    index, _ = sensor.read(np.full(5, 2.0), visible)
    assert index.size == 0  # nothing changed, nothing sent


def test_first_sample_after_loss_of_signal_is_sent() -> None:
    sensor = _sensor(quantum=0.1)
    visible = np.array([True, True, False, False, True, True])
    index, _ = sensor.read(np.full(6, 5.0), visible)
    assert index.tolist() == [0, 4]


def test_periodic_sampling_and_bias() -> None:
    sensor = Sensor(
        SensorSpec(mode="periodic", period_s=60.0, bias_sigma=1.0),
        1.0,
        10.0,
        np.random.default_rng(3),
    )
    index, values = sensor.read(np.zeros(60), np.ones(60, dtype=bool))
    assert index.tolist() == list(range(0, 60, 6))
    np.testing.assert_allclose(values, sensor.bias_si)
    assert sensor.bias_si != 0.0


def test_noise_has_the_stated_standard_deviation() -> None:
    sensor = Sensor(
        SensorSpec(mode="periodic", period_s=10.0, noise=0.5), 2.0, 10.0, np.random.default_rng(5)
    )
    _, values = sensor.read(np.zeros(20_000), np.ones(20_000, dtype=bool))
    assert abs(values.std() - 1.0) < 0.02  # 0.5 display units at 2 SI per unit


def test_loss_of_signal_gaps() -> None:
    gaps = draw_loss_of_signal(10 * 86400.0, 2.0, 10.0, np.random.default_rng(1))
    assert 5 <= len(gaps) <= 40  # Poisson(20)
    time_s = np.arange(0, 10 * 86400.0, 10.0)
    visible = loss_of_signal_mask(time_s, gaps)
    hidden_s = (~visible).sum() * 10.0
    assert 0 < hidden_s < sum(end - start for start, end in gaps) + 10.0 * len(gaps)
