"""Normal quantiles of the 95 % intervals and bounds hullwatch reports (their one home).

Written out rather than computed so that importing them costs nothing;
``tests/test_quantiles.py`` checks them against :func:`scipy.stats.norm.ppf`.
"""

from __future__ import annotations

#: z of a two-sided 95 % normal interval (the 97.5 % point). [-]
Z95 = 1.959963984540054
#: z of a one-sided 95 % normal bound (the 95 % point). [-]
Z95_ONE_SIDED = 1.6448536269514722
