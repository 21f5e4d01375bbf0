"""The simulator's compiled time-stepping kernel.

State: gas mass of each species in each module, ``m[module, species]`` [kg].
Flows between modules are antisymmetric and every source is booked, so the
explicit Heun (RK2) scheme conserves mass to rounding: linear invariants are
preserved exactly by any Runge-Kutta method.

Leak flows are sums of the basis laws of :mod:`hullwatch.physics.flowlaws`,
weighted by each registry model's ``kernel_coefficients()``; the same Python
functions are compiled here by numba, so the physics exists once.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from hullwatch.physics import flowlaws
from hullwatch.physics.gas import AIR

_orifice = numba.njit(cache=True)(flowlaws.orifice_mass_flow)
_viscous = numba.njit(cache=True)(flowlaws.viscous_mass_flow)
_molecular = numba.njit(cache=True)(flowlaws.molecular_mass_flow)
_power = numba.njit(cache=True)(flowlaws.power_law_mass_flow)
_linear = numba.njit(cache=True)(flowlaws.linear_mass_flow)

_GAMMA = AIR.heat_capacity_ratio
_MU0 = AIR.sutherland_mu0_pa_s
_T0 = AIR.sutherland_t0_k
_S = AIR.sutherland_s_k

#: Transfer kinds: a fixed mass rate (repress) or a volumetric pump drawing on its source.
TRANSFER_MASS_RATE = 0
TRANSFER_VOLUMETRIC = 1


@numba.njit(cache=True)
def _leak_flow(coef: Any, p_up: float, p_dn: float, t_k: float, r_mix: float) -> float:
    mu = _MU0 * (t_k / _T0) ** 1.5 * (_T0 + _S) / (t_k + _S)
    q = 0.0
    if coef[0] > 0.0:
        q += _orifice(p_up, p_dn, t_k, coef[0], r_mix, _GAMMA)
    if coef[1] > 0.0:
        q += _viscous(p_up, p_dn, t_k, coef[1], r_mix, mu)
    if coef[2] > 0.0:
        q += _molecular(p_up, p_dn, t_k, coef[2], r_mix)
    if coef[3] > 0.0:
        q += _power(p_up, p_dn, coef[3], coef[4])
    return q


@numba.njit(cache=True)
def _rates(
    m,
    t_row,
    volume,
    r_sp,
    hatch_a,
    hatch_b,
    hatch_g,
    hatch_vent,
    leak_src,
    leak_dst,
    leak_coef,
    leak_scale_row,
    src_rate,
    co2_k,
    co2_index,
    tr_src,
    tr_dst,
    tr_kind,
    tr_rate,
    tr_comp,
    tr_on,
    dm,
    leak_q,
    tr_q,
):
    n_mod, n_sp = m.shape
    pressure = np.empty(n_mod)
    total = np.empty(n_mod)
    r_mix = np.empty(n_mod)
    for i in range(n_mod):
        p = 0.0
        tot = 0.0
        rm = 0.0
        for s in range(n_sp):
            p += m[i, s] * r_sp[s]
            tot += m[i, s]
            rm += m[i, s] * r_sp[s]
        pressure[i] = p * t_row[i] / volume[i]
        total[i] = tot
        r_mix[i] = rm / tot if tot > 0.0 else r_sp[0]
        for s in range(n_sp):
            dm[i, s] = src_rate[i, s]
        dm[i, co2_index] -= co2_k[i] * m[i, co2_index]
    for h in range(hatch_a.shape[0]):
        a = hatch_a[h]
        b = hatch_b[h]
        # Ventilation swaps equal volumes both ways, which mixes species and carries
        # gas down a pressure difference.  The volumes are taken at the two modules'
        # mean temperature: a real open hatch cancels the net flow from a colder,
        # denser module at a microscopic pressure difference, but this one (sized by
        # its equalization time) would need mmHg, a spread real telemetry never shows.
        if hatch_vent[h] > 0.0:
            mean_t = 0.5 * (t_row[a] + t_row[b])
            for s in range(n_sp):
                f = (
                    hatch_vent[h]
                    * (m[a, s] * t_row[a] / volume[a] - m[b, s] * t_row[b] / volume[b])
                    / mean_t
                )
                dm[a, s] -= f
                dm[b, s] += f
        if hatch_g[h] == 0.0:
            continue
        q = _linear(pressure[a], pressure[b], hatch_g[h])
        up = a if q > 0.0 else b
        if total[up] <= 0.0:
            continue
        for s in range(n_sp):
            f = q * m[up, s] / total[up]
            dm[a, s] -= f
            dm[b, s] += f
    for k in range(leak_src.shape[0]):
        scale = leak_scale_row[k]
        i = leak_src[k]
        j = leak_dst[k]
        if scale <= 0.0 or total[i] <= 0.0:
            leak_q[k] = 0.0
            continue
        p_dn = pressure[j] if j >= 0 else 0.0
        q = scale * _leak_flow(leak_coef[k], pressure[i], p_dn, t_row[i], r_mix[i])
        up = i if q > 0.0 else j
        leak_q[k] = q
        for s in range(n_sp):
            f = q * m[up, s] / total[up]
            dm[i, s] -= f
            if j >= 0:
                dm[j, s] += f
    for k in range(tr_src.shape[0]):
        if not tr_on[k]:
            tr_q[k] = 0.0
            continue
        i = tr_src[k]
        j = tr_dst[k]
        # A pump draws a volume flow from its source; a repress adds a fixed mass rate.
        q = tr_rate[k] * total[i] / volume[i] if tr_kind[k] == TRANSFER_VOLUMETRIC else tr_rate[k]
        tr_q[k] = q
        for s in range(n_sp):
            frac = m[i, s] / total[i] if i >= 0 else tr_comp[k, s]
            if i >= 0:
                dm[i, s] -= q * frac
            if j >= 0:
                dm[j, s] += q * frac
    return pressure


@numba.njit(cache=True)
def _pressure_of(m, t_row, volume, r_sp, i):
    p = 0.0
    for s in range(m.shape[1]):
        p += m[i, s] * r_sp[s]
    return p * t_row[i] / volume[i]


@numba.njit(cache=True)
def integrate_chunk(
    m,
    temperature,
    dt,
    n_sub,
    volume,
    r_sp,
    hatch_a,
    hatch_b,
    hatch_open,
    g_open,
    g_seal,
    ventilation,
    leak_src,
    leak_dst,
    leak_coef,
    leak_scale,
    src_rate,
    co2_k,
    co2_index,
    tr_src,
    tr_dst,
    tr_kind,
    tr_rate,
    tr_comp,
    tr_window,
    tr_low,
    tr_high,
    tr_state,
    pressure_out,
    species_out,
    leak_cum,
    tr_cum,
    leak_cum_out,
    tr_cum_out,
    tr_on_out,
):
    """Advance ``m`` over ``temperature.shape[0]`` output steps of ``dt`` seconds, in place.

    Each output step is split into ``n_sub`` Heun substeps.  Transfers with a band
    (``tr_low >= 0``) are hysteresis controllers on their destination pressure
    (repress) or, for pumps, stop once the source falls to ``tr_high``.
    Outputs (pressure, species masses, cumulative leak and transfer masses, and
    transfer on-flags) describe the state at the start of each step.
    """
    n_steps = temperature.shape[0]
    n_mod, n_sp = m.shape
    h = dt / n_sub
    dm1 = np.empty_like(m)
    dm2 = np.empty_like(m)
    m_mid = np.empty_like(m)
    n_leak = leak_src.shape[0]
    n_tr = tr_src.shape[0]
    leak_q1 = np.zeros(n_leak)
    leak_q2 = np.zeros(n_leak)
    tr_q1 = np.zeros(n_tr)
    tr_q2 = np.zeros(n_tr)
    tr_on = np.zeros(n_tr, dtype=np.bool_)
    hatch_g = np.empty(hatch_a.shape[0])
    hatch_vent = np.empty(hatch_a.shape[0])
    for step in range(n_steps):
        t_row = temperature[step]
        # Outputs describe the state at the start of the step, i.e. at its time stamp.
        for i in range(n_mod):
            pressure_out[step, i] = _pressure_of(m, t_row, volume, r_sp, i)
            for s in range(n_sp):
                species_out[step, i, s] = m[i, s]
        for k in range(n_leak):
            leak_cum_out[step, k] = leak_cum[k]
        for k in range(n_tr):
            tr_cum_out[step, k] = tr_cum[k]
        for hh in range(hatch_a.shape[0]):
            hatch_g[hh] = g_open[hh] if hatch_open[step, hh] else g_seal[hh]
            hatch_vent[hh] = ventilation if hatch_open[step, hh] else 0.0
        for k in range(n_tr):
            if not tr_window[step, k]:
                tr_state[k] = False
                tr_on[k] = False
                continue
            if tr_low[k] < 0.0:
                tr_on[k] = True
            elif tr_kind[k] == TRANSFER_VOLUMETRIC:
                tr_on[k] = _pressure_of(m, t_row, volume, r_sp, tr_src[k]) > tr_high[k]
            else:
                p = _pressure_of(m, t_row, volume, r_sp, tr_dst[k])
                if p < tr_low[k]:
                    tr_state[k] = True
                elif p >= tr_high[k]:
                    tr_state[k] = False
                tr_on[k] = tr_state[k]
            tr_on_out[step, k] = tr_on[k]
        for _ in range(n_sub):
            _rates(
                m,
                t_row,
                volume,
                r_sp,
                hatch_a,
                hatch_b,
                hatch_g,
                hatch_vent,
                leak_src,
                leak_dst,
                leak_coef,
                leak_scale[step],
                src_rate,
                co2_k,
                co2_index,
                tr_src,
                tr_dst,
                tr_kind,
                tr_rate,
                tr_comp,
                tr_on,
                dm1,
                leak_q1,
                tr_q1,
            )
            for i in range(n_mod):
                for s in range(n_sp):
                    m_mid[i, s] = m[i, s] + h * dm1[i, s]
            _rates(
                m_mid,
                t_row,
                volume,
                r_sp,
                hatch_a,
                hatch_b,
                hatch_g,
                hatch_vent,
                leak_src,
                leak_dst,
                leak_coef,
                leak_scale[step],
                src_rate,
                co2_k,
                co2_index,
                tr_src,
                tr_dst,
                tr_kind,
                tr_rate,
                tr_comp,
                tr_on,
                dm2,
                leak_q2,
                tr_q2,
            )
            for i in range(n_mod):
                for s in range(n_sp):
                    m[i, s] += 0.5 * h * (dm1[i, s] + dm2[i, s])
            for k in range(n_leak):
                leak_cum[k] += 0.5 * h * (leak_q1[k] + leak_q2[k])
            for k in range(n_tr):
                tr_cum[k] += 0.5 * h * (tr_q1[k] + tr_q2[k])
