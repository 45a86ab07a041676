"""How every result of the engine's entry points says the way it ended.

One convention, after scipy's ``OptimizeResult``: a result carries a ``status`` from the
constants below, a ``message`` in words for a person, and a ``success`` property. A bad
argument never comes back as a status: the entry point raises ``ValueError`` naming what is
wrong, before any work is done.
"""

from __future__ import annotations

from typing import Final

#: Placement: the proven optimum.
OPTIMAL: Final = "optimal"
#: Placement: the time limit passed; the answer is feasible but not proven optimal.
TIME_LIMIT: Final = "time_limit"
#: Placement: the solver found the network infeasible.
INFEASIBLE: Final = "infeasible"
#: Forecasts and backtests: computed as asked.
COMPLETE: Final = "complete"
