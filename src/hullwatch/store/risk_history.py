"""Risk history: every scored assessment, with the inputs that produced it, in a DuckDB file.

One table, ``risk_assessments``: the score, the headline figures as columns (for
queries), and the full ``hullwatch risk --json`` object as JSON text (the inputs).
The default file is ``$HULLWATCH_STATE_DIR/risk_history.duckdb``, else
``~/.hullwatch/risk_history.duckdb``.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "risk.duckdb"
>>> with RiskHistoryStore(path) as store:
...     _ = store.append_record("PrK", "2024-04-15T00:00:00Z", 5, 4, {"probability": 0.9})
>>> [r.cell for r in RiskHistoryStore(path).trail("PrK")]
['5x4']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from hullwatch.errors import InputError

#: Environment variable naming the state directory.
STATE_DIR_ENV = "HULLWATCH_STATE_DIR"
#: File name of the risk history in the state directory.
RISK_HISTORY_FILE = "risk_history.duckdb"

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS risk_assessment_id;
CREATE TABLE IF NOT EXISTS risk_assessments (
    id BIGINT PRIMARY KEY DEFAULT nextval('risk_assessment_id'),
    module VARCHAR NOT NULL,
    assessed_at TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    likelihood INTEGER NOT NULL,
    consequence INTEGER NOT NULL,
    probability DOUBLE,
    rate_kg_per_day DOUBLE,
    threshold_kg_per_day DOUBLE,
    horizon_days DOUBLE,
    table_name VARCHAR,
    inputs VARCHAR NOT NULL
);
"""


def default_store_path() -> Path:
    """``$HULLWATCH_STATE_DIR/risk_history.duckdb``, else ``~/.hullwatch/risk_history.duckdb``."""
    base = os.environ.get(STATE_DIR_ENV)
    folder = Path(base) if base else Path.home() / ".hullwatch"
    return folder / RISK_HISTORY_FILE


@dataclass(frozen=True)
class RiskRecord:
    """One stored assessment.

    Attributes
    ----------
    id : int
        Row id (insertion order).
    module : str
        The module.
    assessed_at : str
        Time of the data assessed, ISO 8601 UTC ending in ``Z``.
    recorded_at : str
        Wall-clock time it was stored, ISO 8601 UTC ending in ``Z``.
    likelihood, consequence : int
        The score.
    probability : float or None
        Probability of exceedance. [-]
    rate_kg_per_day, threshold_kg_per_day : float or None
        Today's rate and the threshold. [kg/day]
    horizon_days : float or None
        Horizon. [days]
    table_name : str or None
        The risk table used.
    inputs : dict
        The full assessment JSON.
    """

    id: int
    module: str
    assessed_at: str
    recorded_at: str
    likelihood: int
    consequence: int
    probability: float | None
    rate_kg_per_day: float | None
    threshold_kg_per_day: float | None
    horizon_days: float | None
    table_name: str | None
    inputs: dict[str, Any]

    @property
    def cell(self) -> str:
        """``"LxC"``."""
        return f"{self.likelihood}x{self.consequence}"

    def to_dict(self, with_inputs: bool = False) -> dict[str, Any]:
        """JSON-ready form; the stored inputs only when asked."""
        out = {
            "id": self.id,
            "module": self.module,
            "assessed_at": self.assessed_at,
            "recorded_at": self.recorded_at,
            "likelihood": self.likelihood,
            "consequence": self.consequence,
            "cell": self.cell,
            "probability": self.probability,
            "rate_kg_per_day": self.rate_kg_per_day,
            "threshold_kg_per_day": self.threshold_kg_per_day,
            "horizon_days": self.horizon_days,
            "table_name": self.table_name,
        }
        if with_inputs:
            out["inputs"] = self.inputs
        return out


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _naive_utc(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


class RiskHistoryStore:
    """The risk-history DuckDB file; open, append, read the trail, close.

    Parameters
    ----------
    path : str or Path, optional
        The file; :func:`default_store_path` by default. Its folder is created.

    Raises
    ------
    InputError
        When the file cannot be opened as a DuckDB database.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        import duckdb

        self.path = Path(path) if path is not None else default_store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path))
            self._con.execute(_SCHEMA)
        except (OSError, duckdb.Error) as exc:
            raise InputError(
                f"cannot open the risk history: {exc}", source=str(self.path)
            ) from None

    def __enter__(self) -> RiskHistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._con.close()

    def append_record(
        self,
        module: str,
        assessed_at: str,
        likelihood: int,
        consequence: int,
        inputs: dict[str, Any],
        *,
        probability: float | None = None,
        rate_kg_per_day: float | None = None,
        threshold_kg_per_day: float | None = None,
        horizon_days: float | None = None,
        table_name: str | None = None,
    ) -> int:
        """Store one assessment; return its id.

        Parameters
        ----------
        module : str
            The module.
        assessed_at : str
            Time of the data, ISO 8601.
        likelihood, consequence : int
            The score, 1-5 each.
        inputs : dict
            The assessment JSON.
        probability, rate_kg_per_day, threshold_kg_per_day, horizon_days, table_name
            Headline figures. [-], [kg/day], [kg/day], [days]

        Returns
        -------
        int
        """
        row = self._con.execute(
            "INSERT INTO risk_assessments (module, assessed_at, recorded_at, likelihood, "
            "consequence, probability, rate_kg_per_day, threshold_kg_per_day, horizon_days, "
            "table_name, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [
                module,
                _naive_utc(assessed_at),
                datetime.now(UTC).replace(tzinfo=None),
                int(likelihood),
                int(consequence),
                probability,
                rate_kg_per_day,
                threshold_kg_per_day,
                horizon_days,
                table_name,
                json.dumps(inputs, allow_nan=False),
            ],
        ).fetchone()
        assert row is not None
        return int(row[0])

    def append(self, assessment: Any) -> int:
        """Store a :class:`~hullwatch.risk.assess.RiskAssessment`; return its id."""
        payload = assessment.to_dict()
        return self.append_record(
            assessment.module,
            payload["time"],
            assessment.likelihood,
            assessment.consequence_level,
            payload,
            probability=assessment.exceedance.probability,
            rate_kg_per_day=assessment.current.rate_kg_per_day,
            threshold_kg_per_day=assessment.threshold_kg_per_day,
            horizon_days=assessment.horizon_days,
            table_name=assessment.table.name,
        )

    def trail(self, module: str | None = None, limit: int | None = None) -> list[RiskRecord]:
        """Stored assessments, oldest first by the time assessed (then by insertion).

        Parameters
        ----------
        module : str, optional
            Only this module's.
        limit : int, optional
            Only the latest ``limit``.

        Returns
        -------
        list of RiskRecord
        """
        where = "WHERE module = ?" if module is not None else ""
        params: list[Any] = [module] if module is not None else []
        rows = self._con.execute(
            f"SELECT id, module, assessed_at, recorded_at, likelihood, consequence, probability, "
            f"rate_kg_per_day, threshold_kg_per_day, horizon_days, table_name, inputs "
            f"FROM risk_assessments {where} ORDER BY assessed_at DESC, id DESC"
            + (" LIMIT ?" if limit is not None else ""),
            params + ([int(limit)] if limit is not None else []),
        ).fetchall()
        records = [
            RiskRecord(
                id=int(r[0]),
                module=str(r[1]),
                assessed_at=_iso(r[2]),
                recorded_at=_iso(r[3]),
                likelihood=int(r[4]),
                consequence=int(r[5]),
                probability=r[6],
                rate_kg_per_day=r[7],
                threshold_kg_per_day=r[8],
                horizon_days=r[9],
                table_name=r[10],
                inputs=json.loads(r[11]),
            )
            for r in rows
        ]
        return records[::-1]
