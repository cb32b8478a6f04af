"""A survey design as R's ``svydesign`` builds it, and its Taylor-linearised variance.

The variance is R's ``svyrecvar`` (survey package 4.1): post-stratification and raking
residuals first, then the between-PSU variance within each first-stage stratum (``onestage``),
then, when a population size is known for the second stage, the within-PSU variance of each
PSU scaled by its first-stage sampling fraction (``multistage``). Sums run over strata and PSUs
with ``np.bincount``: no loop touches a row.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from lde.surveys.statistics.errors import DesignError
from lde.surveys.statistics.tables import Table

LONELY_PSU_OPTIONS = ("fail", "adjust", "certainty", "average", "remove")


def _compact(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 in the values' sorted order, and the first row holding each code."""
    n = values.size
    if values.dtype.kind == "f" and n and bool(np.all(values == np.round(values))):
        low = float(values.min())
        span = float(values.max()) - low
        if span < 4 * n + 1024:
            # Whole-number ids in a modest range: a lookup table, without sorting.
            offsets = (values - low).astype(np.int64)
            present = np.zeros(int(span) + 1, dtype=bool)
            present[offsets] = True
            codes = (np.cumsum(present) - 1)[offsets]
            first = np.full(int(present.sum()), n, dtype=np.int64)
            np.minimum.at(first, codes, np.arange(n))
            return codes, first
    _, first, codes = np.unique(values, return_index=True, return_inverse=True)
    return codes.astype(np.int64).reshape(-1), first


def _column_codes(table: Table, column: str, what: str) -> tuple[np.ndarray, list[str]]:
    """Codes for a column of ids (numbers compared as numbers, as R reads a numeric column),
    refusing a missing one, and each code's label as written."""
    if table.is_numeric(column):
        values, missing = table.numbers(column)
    else:
        values = table.text(column)
        missing = table.missing_text(column)
    if missing.any():
        raise DesignError(f"the {what} is missing", row=int(np.argmax(missing)) + 2, column=column)
    codes, first = _compact(values)
    cells = table.column(column)
    return codes, [cells[i].strip() for i in first]


def _pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Codes for the interaction of two code vectors (R's ``interaction``), compact."""
    joint = a * (int(b.max()) + 1) + b
    _, inverse = np.unique(joint, return_inverse=True)
    return inverse.astype(np.int64)


@dataclass(frozen=True)
class _PostStratum:
    """One call of R's postStratify: the cells, the weights before and after."""

    cells: np.ndarray
    old_weights: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class _Raking:
    """R's rake: the margins of its last sweep, each with the weights after it."""

    margins: tuple[tuple[np.ndarray, np.ndarray], ...]


@dataclass
class _Stage:
    """One stage of sampling: strata, clusters, and their counts, all per row."""

    strata: np.ndarray  # code per row
    stratum_labels: list[str]
    clusters: np.ndarray  # code per row, unique across strata
    n_clusters: int
    sample_size: np.ndarray  # PSUs sampled in the row's stratum (R's fpc$sampsize)
    population_size: np.ndarray | None  # R's fpc$popsize, per row
    cluster_stratum: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def n_strata(self) -> int:
        return int(self.cluster_stratum.max()) + 1


@dataclass
class Design:
    """Weights, strata, one- or two-stage clusters and finite-population corrections.

    Build one with :meth:`from_table`; :meth:`poststratify` and :meth:`rake` return a new,
    calibrated design. ``lonely_psu`` is R's ``options(survey.lonely.psu=)``.
    """

    table: Table
    weights: np.ndarray
    stages: list[_Stage]
    lonely_psu: str = "fail"
    has_strata: bool = False
    calibrations: list[_PostStratum | _Raking] = field(default_factory=list)
    description: dict[str, object] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return int(self.weights.shape[0])

    @property
    def calibrated(self) -> bool:
        return bool(self.calibrations)

    # ----------------------------------------------------------------- building
    @classmethod
    def from_table(
        cls,
        table: Table,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: Sequence[str] = (),
        fpc: Sequence[str] = (),
        lonely_psu: str = "fail",
    ) -> Design:
        """R's ``svydesign(ids=~clusters, strata=~strata, weights=~weights, fpc=~fpc)``.

        ``clusters`` names one column (one-stage) or two (two-stage); none means each response
        is its own PSU. ``fpc`` names one column per stage, holding either population sizes
        (all >= 1) or sampling fractions (all <= 1), as R accepts. With no ``weights`` the
        weights are derived from the fpc (population over sample size at each stage), or are 1
        when there is no fpc either. Refuses (DesignError naming the row and column) zero or
        negative weights, missing strata or cluster ids, an fpc smaller than the sample, and
        clusters that cross strata.
        """
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise DesignError(
                f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}, not {lonely_psu!r}"
            )
        clusters = tuple(clusters)
        fpc = tuple(fpc)
        if len(clusters) > 2:
            raise DesignError("at most two stages of clusters can be given", column=clusters[2])
        if fpc and len(fpc) != max(len(clusters), 1):
            raise DesignError(
                f"give one fpc column for each stage of sampling ({max(len(clusters), 1)}), "
                f"not {len(fpc)}",
                column=fpc[-1],
            )
        n = table.n_rows

        if strata is not None:
            stratum_codes, stratum_labels = _column_codes(table, strata, "stratum")
        else:
            stratum_codes, stratum_labels = np.zeros(n, dtype=np.int64), ["1"]
        if clusters:
            psu_codes, _ = _column_codes(table, clusters[0], "cluster id")
            if strata is not None:
                # Cluster ids are read within their stratum, as R's nest=TRUE does: where ids
                # are unique across strata this changes nothing (R's default then gives the
                # same answer), and where they restart in each stratum R's default refuses.
                psu_codes = _pair_codes(stratum_codes, psu_codes)
        else:
            psu_codes = np.arange(n, dtype=np.int64)
        n_psu = int(psu_codes.max()) + 1
        if n_psu == 1:
            raise DesignError(
                "the design has only one primary sampling unit",
                column=clusters[0] if clusters else None,
            )
        psu_stratum = np.zeros(n_psu, dtype=np.int64)
        psu_stratum[psu_codes] = stratum_codes
        stages = [
            _Stage(
                strata=stratum_codes,
                stratum_labels=stratum_labels,
                clusters=psu_codes,
                n_clusters=n_psu,
                sample_size=np.zeros(n),
                population_size=None,
                cluster_stratum=psu_stratum,
            )
        ]
        if len(clusters) == 2:
            ssu_raw, _ = _column_codes(table, clusters[1], "second-stage cluster id")
            ssu_codes = _pair_codes(psu_codes, ssu_raw)
            n_ssu = int(ssu_codes.max()) + 1
            ssu_stratum = np.empty(n_ssu, dtype=np.int64)
            ssu_stratum[ssu_codes] = psu_codes
            stages.append(
                _Stage(
                    strata=psu_codes,
                    stratum_labels=[],
                    clusters=ssu_codes,
                    n_clusters=n_ssu,
                    sample_size=np.zeros(n),
                    population_size=None,
                    cluster_stratum=ssu_stratum,
                )
            )
        for stage in stages:
            counts = np.bincount(stage.cluster_stratum, minlength=int(stage.strata.max()) + 1)
            stage.sample_size = counts[stage.strata].astype(float)

        if fpc:
            values = []
            for column in fpc:
                numbers, missing = table.numbers(column)
                if missing.any():
                    raise DesignError(
                        "the fpc is missing", row=int(np.argmax(missing)) + 2, column=column
                    )
                values.append(numbers)
            every = np.concatenate(values)
            as_sizes = bool((every > 1).any())
            if as_sizes != bool((every >= 1).all()):
                big = [(j, int(np.argmax(v >= 1))) for j, v in enumerate(values) if (v >= 1).any()]
                small = [(j, int(np.argmax(v < 1))) for j, v in enumerate(values) if (v < 1).any()]
                j, row = small[0] if as_sizes else big[0]
                raise DesignError(
                    "an fpc must be all population sizes (>= 1) or all sampling fractions "
                    f"(<= 1); this one is {values[j][row]:g}"
                    + (
                        f" while row {big[0][1] + 2} has {values[big[0][0]][big[0][1]]:g}"
                        if big and not as_sizes
                        else ""
                    ),
                    row=row + 2,
                    column=fpc[j],
                )
            for j, (stage, numbers) in enumerate(zip(stages, values, strict=True)):
                if not as_sizes and (numbers <= 0).any():
                    row = int(np.argmax(numbers <= 0))
                    raise DesignError(
                        "a sampling fraction must be above 0", row=row + 2, column=fpc[j]
                    )
                popsize = numbers if as_sizes else stage.sample_size / numbers
                small_rows = np.nonzero(popsize < stage.sample_size)[0]
                if small_rows.size:
                    row = int(small_rows[0])
                    raise DesignError(
                        f"the fpc gives a population of {popsize[row]:g} but "
                        f"{int(stage.sample_size[row])} units were sampled in its stratum",
                        row=row + 2,
                        column=fpc[j],
                    )
                # R only warns when the fpc varies within a stratum and then uses each PSU's;
                # the population of a stratum is one number, so a varying one is refused.
                given = np.full(int(stage.strata.max()) + 1, np.nan)
                given[stage.strata[::-1]] = popsize[::-1]
                varies = np.nonzero(given[stage.strata] != popsize)[0]
                if varies.size:
                    row = int(varies[0])
                    raise DesignError(
                        "the fpc differs from the one given earlier for the same stratum",
                        row=row + 2,
                        column=fpc[j],
                    )
                stage.population_size = popsize

        if weights is not None:
            w, missing = table.numbers(weights)
            if missing.any():
                raise DesignError(
                    "the weight is missing", row=int(np.argmax(missing)) + 2, column=weights
                )
            bad = np.nonzero(w <= 0)[0]
            if bad.size:
                row = int(bad[0])
                raise DesignError(
                    f"the weight is {table.columns[weights][row].strip()}: weights must be above 0",
                    row=row + 2,
                    column=weights,
                )
            w = w.astype(float, copy=True)
        elif fpc:
            # R: probs <- 1/weights(fpc, final=FALSE); prob is their product over stages.
            probs = np.ones(n)
            for stage in stages:
                assert stage.population_size is not None
                probs = probs * (1.0 / (stage.population_size / stage.sample_size))
            w = 1.0 / probs
        else:
            w = np.ones(n)

        return cls(
            table=table,
            weights=w,
            stages=stages,
            lonely_psu=lonely_psu,
            has_strata=strata is not None,
            description={
                "weights": weights,
                "strata": strata,
                "clusters": list(clusters),
                "fpc": list(fpc),
                "lonely_psu": lonely_psu,
                "calibration": [],
            },
        )

    def _derive(
        self, weights: np.ndarray, calibration: _PostStratum | _Raking, note: str
    ) -> Design:
        description = dict(self.description)
        description["calibration"] = [*self.description.get("calibration", []), note]  # type: ignore[misc]
        return Design(
            table=self.table,
            weights=weights,
            stages=self.stages,
            lonely_psu=self.lonely_psu,
            has_strata=self.has_strata,
            calibrations=[*self.calibrations, calibration],
            description=description,
        )

    # ------------------------------------------------------------- calibration
    def _cells(self, column: str, totals: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Each row's cell index in ``totals`` order, and the population totals."""
        cells = self.table.column(column)
        keys = list(totals)
        lookup = {str(k).strip(): i for i, k in enumerate(keys)}
        numeric_keys = {}
        for k, position in lookup.items():
            with contextlib.suppress(ValueError):
                numeric_keys[float(k)] = position
        # Each distinct value is looked up once; the rows take their value's cell.
        distinct, inverse = np.unique(self.table.text(column), return_inverse=True)
        mapped = np.empty(distinct.size, dtype=np.int64)
        for d, text in enumerate(distinct.tolist()):
            i: int | None = lookup.get(text)
            if i is None and numeric_keys:
                try:
                    i = numeric_keys.get(float(text))
                except ValueError:
                    i = None
            if i is None:
                r = int(np.argmax(inverse == d))
                raise DesignError(
                    f"{cells[r].strip()!r} has no population total (the totals give "
                    f"{', '.join(map(str, keys))})",
                    row=r + 2,
                    column=column,
                )
            mapped[d] = i
        index = mapped[inverse.reshape(-1)]
        population = np.array([float(totals[k]) for k in keys])
        for k, value in zip(keys, population, strict=True):
            if not math.isfinite(value) or value < 0:
                raise DesignError(
                    f"the population total for {k!r} must be a number >= 0", column=column
                )
        return index, population

    @staticmethod
    def _poststratified(
        weights: np.ndarray, index: np.ndarray, population: np.ndarray, column: str, keys: list[str]
    ) -> np.ndarray:
        sample = np.bincount(index, weights=weights, minlength=population.size)
        present = np.bincount(index, minlength=population.size) > 0
        for k, value, here in zip(keys, population, present, strict=True):
            if not here and value > 0:
                raise DesignError(
                    f"no response falls in {k!r}, which has a population total of {value:g}",
                    column=column,
                )
            if here and value == 0:
                raise DesignError(
                    f"responses fall in {k!r} but its population total is 0", column=column
                )
        reweight = np.where(present, population / np.where(present, sample, 1.0), 1.0)
        return weights * reweight[index]

    def poststratify(self, column: str, totals: dict[str, float]) -> Design:
        """R's ``postStratify(design, ~column, population)``: the weights in each of the
        column's cells are scaled to sum to its population total (``totals`` maps each value of
        the column to its total, R's ``Freq``). The variance then uses the residuals from the
        cell means, as R does."""
        index, population = self._cells(column, totals)
        new = self._poststratified(
            self.weights, index, population, column, [str(k) for k in totals]
        )
        return self._derive(
            new,
            _PostStratum(cells=index, old_weights=self.weights, weights=new),
            f"poststratify {column}",
        )

    def rake(
        self,
        margins: Sequence[tuple[str, dict[str, float]]],
        *,
        max_iterations: int = 10,
        epsilon: float = 1.0,
    ) -> Design:
        """R's ``rake(design, sample.margins, population.margins)`` with its defaults
        (``maxit = 10``, ``epsilon = 1``): post-stratify to each margin in turn until no cell of
        the margins' joint weighted table moves by ``epsilon`` or more."""
        if not margins:
            raise DesignError("raking needs at least one margin")
        cells = [self._cells(column, totals) for column, totals in margins]
        names = [column for column, _ in margins]
        keys = [[str(k) for k in totals] for _, totals in margins]
        if epsilon < 1:
            epsilon = epsilon * float(self.weights.sum())
        # The joint table over all margin columns (R's svytable(~a+b+...)).
        joint = cells[0][0].copy()
        for index, population in cells[1:]:
            joint = joint * population.size + index
        _, joint = np.unique(joint, return_inverse=True)

        def table(w: np.ndarray) -> np.ndarray:
            return np.bincount(joint, weights=w)

        weights = self.weights
        old = table(weights)
        last: list[tuple[np.ndarray, np.ndarray]] = []
        converged = False
        for _ in range(max_iterations):
            last = []
            for (index, population), column, k in zip(cells, names, keys, strict=True):
                weights = self._poststratified(weights, index, population, column, k)
                last.append((index, weights))
            new = table(weights)
            if float(np.max(np.abs(old - new))) < epsilon:
                converged = True
                break
            old = new
        note = "rake " + ", ".join(names) + ("" if converged else " (did not converge)")
        return self._derive(weights, _Raking(margins=tuple(last)), note)

    # ----------------------------------------------------------------- variance
    def degrees_of_freedom(self, domain: np.ndarray | None = None) -> int:
        """R's ``degf``: PSUs less strata, counting those with a response in the domain."""
        stage = self.stages[0]
        inset = self.weights > 0 if domain is None else domain
        psus = np.bincount(stage.clusters[inset], minlength=stage.n_clusters) > 0
        strata = np.bincount(stage.strata[inset], minlength=int(stage.strata.max()) + 1) > 0
        return int(psus.sum() - strata.sum())

    def _calibrated_residuals(self, x: np.ndarray) -> np.ndarray:
        for calibration in self.calibrations:
            if isinstance(calibration, _PostStratum):
                psw = calibration.weights
                oldw = calibration.old_weights
                k = int(calibration.cells.max()) + 1
                sums = np.bincount(calibration.cells, weights=x * oldw / psw, minlength=k)
                means = sums / np.bincount(calibration.cells, weights=oldw, minlength=k)
                x = x - means[calibration.cells] * psw
            else:
                # R repeats the margins' sweeps ten times, with the unweighted cell mean of x/w.
                for _ in range(10):
                    for cells, psw in calibration.margins:
                        k = int(cells.max()) + 1
                        sums = np.bincount(cells, weights=x / psw, minlength=k)
                        counts = np.bincount(cells, minlength=k)
                        x = x - psw * (sums / np.maximum(counts, 1))[cells]
        return x

    def _onestage(
        self, x: np.ndarray, stage_number: int, present_rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each stratum's between-cluster variance (R's onestrat) and which strata are present.

        Only the rows in ``present_rows`` count, as in R's subset designs: a cluster of the
        stratum with none of them is a zero total, as R pads it.
        """
        stage = self.stages[stage_number]
        n_strata = stage.n_strata
        rows = present_rows
        totals = np.bincount(stage.clusters[rows], weights=x[rows], minlength=stage.n_clusters)
        in_subset = np.bincount(stage.clusters[rows], minlength=stage.n_clusters) > 0
        present = np.bincount(stage.strata[rows], minlength=n_strata) > 0
        # Per stratum: its sample size, population size and the PSUs present.
        first_row = np.zeros(n_strata, dtype=np.int64)
        first_row[stage.strata[::-1]] = np.arange(self.n_rows)[::-1]
        n_psu = stage.sample_size[first_row]
        if stage.population_size is None:
            f = np.ones(n_strata)
        else:
            popsize = stage.population_size[first_row]
            f = np.where(np.isinf(popsize), 1.0, (popsize - n_psu) / popsize)
        psu_stratum = stage.cluster_stratum
        sums = np.bincount(
            psu_stratum, weights=np.where(in_subset, totals, 0.0), minlength=n_strata
        )
        mean = sums / n_psu
        # A second pass, as R's colMeans gets from its long double sum: identical cluster
        # totals (a stratum fixed by design) then centre to exactly zero.
        n_sub = np.bincount(psu_stratum, weights=in_subset.astype(float), minlength=n_strata)
        residue = np.where(in_subset, totals - mean[psu_stratum], 0.0)
        residue_sum = np.bincount(psu_stratum, weights=residue, minlength=n_strata)
        mean = mean + (residue_sum - (n_psu - n_sub) * mean) / n_psu
        deviation = np.where(in_subset, totals - mean[psu_stratum], 0.0)
        squares = np.bincount(psu_stratum, weights=deviation * deviation, minlength=n_strata)
        squares = squares + (n_psu - n_sub) * mean * mean
        lonely = n_psu == 1
        scale = np.where(lonely, f, f * n_psu / np.where(lonely, 2.0, n_psu - 1.0))
        variance = scale * squares
        certain = f < 1e-7
        variance[certain] = 0.0
        troubled = present & lonely & ~certain
        if troubled.any():
            option = self.lonely_psu
            if option == "fail":
                h = int(np.argmax(troubled))
                label = self._stratum_label(stage_number, h)
                row = int(np.argmax(stage.strata == h)) + 2
                raise DesignError(
                    f"stratum {label!r} has only one PSU at stage {stage_number + 1}: choose "
                    "how to treat a lonely PSU (adjust, certainty or average)",
                    row=row,
                    column=(self.description.get("strata") if stage_number == 0 else None),  # type: ignore[arg-type]
                )
            if option in ("certainty", "remove"):
                variance[troubled] = 0.0
            elif option == "adjust":
                # Not centred: the lonely PSU's total is compared with the grand mean, which is 0
                # for an influence function.
                variance[troubled] = (
                    f
                    * np.bincount(
                        psu_stratum,
                        weights=np.where(in_subset, totals, 0.0) ** 2,
                        minlength=n_strata,
                    )
                )[troubled]
            else:  # average
                variance[troubled] = np.nan
        variance[~present] = 0.0
        return variance, present

    def _stratum_label(self, stage_number: int, h: int) -> str:
        stage = self.stages[stage_number]
        if stage_number == 0:
            return stage.stratum_labels[h]
        # A second-stage stratum is a first-stage PSU within its stratum, as R labels it.
        row = int(np.argmax(stage.strata == h))
        first = self.stages[0]
        cluster = self.description["clusters"][0]  # type: ignore[index]
        return (
            f"{first.stratum_labels[first.strata[row]]}.{self.table.columns[cluster][row].strip()}"
        )

    def variance(self, x: np.ndarray, domain: np.ndarray | None = None) -> float:
        """R's ``svyrecvar`` for one influence vector ``x`` (zero outside ``domain``).

        For a calibrated design R keeps every row (their weights are 0 outside the domain, but
        the calibration residuals are not); otherwise only the domain's rows, as R's subset
        design does, which matters for lonely PSUs and for ``average``.
        """
        x = np.asarray(x, dtype=float)
        if self.calibrations:
            x = self._calibrated_residuals(x)
            present_rows = np.ones(self.n_rows, dtype=bool)
        else:
            present_rows = np.ones(self.n_rows, dtype=bool) if domain is None else domain
        per_stratum, present = self._onestage(x, 0, present_rows)
        ok = present & ~np.isnan(per_stratum)
        n_present = int(present.sum())
        n_ok = int(ok.sum())
        total = float(np.sum(per_stratum[ok])) * (n_present / n_ok if n_ok else math.nan)
        first = self.stages[0]
        if len(self.stages) > 1 and first.population_size is not None:
            within, present2 = self._onestage(x, 1, present_rows)
            # Each PSU's within-cluster variance, scaled by its stratum's sampling fraction.
            psu_first_row = np.zeros(first.n_clusters, dtype=np.int64)
            psu_first_row[first.clusters[::-1]] = np.arange(self.n_rows)[::-1]
            fraction = first.sample_size[psu_first_row] / first.population_size[psu_first_row]
            total += float(np.sum((within * fraction)[present2]))
        return total
