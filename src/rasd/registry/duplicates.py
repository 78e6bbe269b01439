"""Finding facilities that are probably the same place: a pure scoring core over plain records.

Nothing here touches the database (see `duplicate_services` for that), so the search can be tested and timed on
records made in memory.

**Names.** Each name is reduced to its match keys (`names.match_keys`: spelling variants folded, generic words
such as "مركز صحي" or "PHC" dropped, words sorted, one key per script). Keys are compared within a script: Arabic
with Arabic, Arabic with Kurdish, Kurdish with Kurdish, Latin with Latin. Two keys score rapidfuzz's `ratio`
(normalised Indel similarity, 0–100) — but when each has words the other lacks, no more than the ratio between
those differing words. So words both names share (the kind of facility, "family medicine", a marker) cannot carry
two different places to a high score: "طب الأسرة في حي الحرية ٣" and "طب الأسرة في قرية الرملة ٣" differ in
"حرية" against "رملة", and score as those do; "Health Centre 1" and "Health Centre 2" differ in 1 against 2,
and score 0. The name similarity of two facilities is the best over the compared keys.

**Score.** score = name similarity − distance penalty, where the penalty is
`PENALTY_PER_KM × max(0, distance − FREE_KM)` for two located facilities, and `UNKNOWN_DISTANCE_PENALTY` when
either has no coordinates. So identical names score 100 up to 200 m apart and 85 at 3.2 km.

**Blocking.** Comparing every facility with every other is quadratic. Located facilities are put in cells of
`CELL_DEGREES` (about 5 km) and compared with those in the same and the eight neighbouring cells only, so two
facilities more than one cell apart are never compared (their distance penalty would rule them out anyway).
A facility without coordinates is compared with the facilities of its own directorate that share at least one
word of its match keys.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from rasd.registry.names import match_keys

DEFAULT_MIN_SCORE = 85.0
CELL_DEGREES = 0.05
FREE_KM = 0.2
PENALTY_PER_KM = 5.0
UNKNOWN_DISTANCE_PENALTY = 5.0
ROWS_PER_CHUNK = 512  # bounds the similarity matrices' memory in crowded cells
EARTH_RADIUS_KM = 6371.0

# Match-key slots: Arabic-script words of the Arabic name, of the Kurdish name, and Latin words of any name.
AR, CKB, LATIN = 0, 1, 2
_COMPARED_SLOTS = ((AR, AR), (AR, CKB), (CKB, AR), (CKB, CKB), (LATIN, LATIN))
_FORWARD_NEIGHBOURS = ((0, 1), (1, -1), (1, 0), (1, 1))  # with the cell itself, each pair of cells is seen once


@dataclass(frozen=True)
class Record:
    """A facility as the matcher sees it."""

    id: int
    code: str
    name_ar: str
    name_en: str
    name_ckb: str
    directorate: int
    latitude: float | None = None
    longitude: float | None = None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Candidate:
    """Two records that are probably one facility; `a` has the lower id."""

    a: Record
    b: Record
    score: float
    name_similarity: float
    distance_km: float | None


class _Keys:
    """The match keys of every record by slot, their words, and each record's words of any slot (for blocking)."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.slots: tuple[list[str], list[str], list[str]] = ([], [], [])
        self.slot_words: tuple[list[frozenset[str]], list[frozenset[str]], list[frozenset[str]]] = ([], [], [])
        self.words: list[frozenset[str]] = []
        for record in records:
            ar, ar_latin = match_keys(record.name_ar)
            ckb, ckb_latin = match_keys(record.name_ckb)
            _en_arabic, en = match_keys(record.name_en)
            keys = (ar, ckb, en or ar_latin or ckb_latin)  # Latin words pasted into an Arabic name count too
            for slot, slot_words, key in zip(self.slots, self.slot_words, keys, strict=True):
                slot.append(key)
                slot_words.append(frozenset(key.split()))
            words = {word for key in keys for word in key.split()}
            self.words.append(frozenset(word for word in words if len(word) > 1 and not word.isdigit()))
        self.present = tuple(np.array([bool(key) for key in slot]) for slot in self.slots)

    def similarity(self, i: int, j: int) -> float:
        """The name similarity of records i and j (see the module's description)."""
        best = 0.0
        for slot_i, slot_j in _COMPARED_SLOTS:
            key_i, key_j = self.slots[slot_i][i], self.slots[slot_j][j]
            if not (key_i and key_j):
                continue
            score = fuzz.ratio(key_i, key_j)
            only_i = self.slot_words[slot_i][i] - self.slot_words[slot_j][j]
            only_j = self.slot_words[slot_j][j] - self.slot_words[slot_i][i]
            if only_i and only_j:
                score = min(score, fuzz.ratio(" ".join(sorted(only_i)), " ".join(sorted(only_j))))
            best = max(best, score)
        return best


def _bound(keys: _Keys, rows: Sequence[int], cols: Sequence[int], cutoff: float) -> NDArray[np.float32]:
    """An upper bound of the name similarity of every row record with every column record (0 below `cutoff`):
    the plain ratio of whole keys, computed in bulk, so that only promising pairs are scored one by one."""
    best = np.zeros((len(rows), len(cols)), dtype=np.float32)
    row_index, col_index = np.asarray(rows), np.asarray(cols)
    workers = -1 if len(rows) * len(cols) > 50_000 else 1
    for row_slot, col_slot in _COMPARED_SLOTS:
        row_present, col_present = keys.present[row_slot][row_index], keys.present[col_slot][col_index]
        if not row_present.any() or not col_present.any():
            continue
        row_keys, col_keys = keys.slots[row_slot], keys.slots[col_slot]
        scores = process.cdist(
            [row_keys[i] for i in rows],
            [col_keys[j] for j in cols],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            dtype=np.float32,
            workers=workers,
        )
        scores[~row_present, :] = 0  # two empty keys are "identical" to rapidfuzz
        scores[:, ~col_present] = 0
        np.maximum(best, scores, out=best)
    return best


def distance_km(a: Record, b: Record) -> float | None:
    """Great-circle distance (haversine), or None when either has no coordinates."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat_a, lat_b = math.radians(a.latitude), math.radians(b.latitude)
    half_dlat = (lat_b - lat_a) / 2
    half_dlon = math.radians(b.longitude - a.longitude) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def combined_score(name_similarity: float, distance: float | None) -> float:
    """Name similarity less the distance penalty (see the module's description), never below 0."""
    if distance is None:
        return max(0.0, name_similarity - UNKNOWN_DISTANCE_PENALTY)
    return max(0.0, name_similarity - PENALTY_PER_KM * max(0.0, distance - FREE_KM))


def _candidate(keys: _Keys, records: Sequence[Record], i: int, j: int) -> Candidate:
    similarity = keys.similarity(i, j)
    a, b = (records[i], records[j]) if records[i].id < records[j].id else (records[j], records[i])
    distance = distance_km(a, b)
    return Candidate(
        a=a,
        b=b,
        score=round(combined_score(similarity, distance), 1),
        name_similarity=round(similarity, 1),
        distance_km=None if distance is None else round(distance, 3),
    )


# A block is (rows, columns, start, same): row records against column records. The first `same` columns are the
# cell the rows come from, starting at position `start` there; within it only pairs in increasing position count,
# so that each pair is compared once.
_Block = tuple[list[int], list[int], int, int]


def _located_blocks(records: Sequence[Record]) -> Iterator[_Block]:
    """Each cell against itself and its forward neighbours."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.latitude is not None and record.longitude is not None:
            cell = (math.floor(record.latitude / CELL_DEGREES), math.floor(record.longitude / CELL_DEGREES))
            cells[cell].append(index)
    for (row, col), members in cells.items():
        columns = members + [i for dr, dc in _FORWARD_NEIGHBOURS for i in cells.get((row + dr, col + dc), [])]
        for start in range(0, len(members), ROWS_PER_CHUNK):
            yield members[start : start + ROWS_PER_CHUNK], columns, start, len(members)


def _unlocated_blocks(records: Sequence[Record], keys: _Keys) -> Iterator[_Block]:
    """Facilities without coordinates against those of their directorate that share a word."""
    by_word: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for word in keys.words[index]:
            by_word[(record.directorate, word)].append(index)
    for members in by_word.values():
        rows = [i for i in members if not records[i].located]
        for start in range(0, len(rows), ROWS_PER_CHUNK):
            yield rows[start : start + ROWS_PER_CHUNK], members, 0, 0


def find_candidates(records: Sequence[Record], min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
    """Pairs scoring at least `min_score`, best first."""
    keys = _Keys(records)
    found: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    blocks = [*_located_blocks(records), *_unlocated_blocks(records, keys)]
    for rows, columns, start, same in blocks:
        matrix = _bound(keys, rows, columns, cutoff=min_score)
        row_positions, col_positions = np.nonzero(matrix >= min_score)
        for r, c in zip(row_positions.tolist(), col_positions.tolist(), strict=True):
            i, j = rows[r], columns[c]
            if i == j or (c < same and c <= start + r):
                continue
            pair = (min(i, j), max(i, j))
            if pair in seen:  # a facility without coordinates meets another in every word they share
                continue
            seen.add(pair)
            if combined_score(float(matrix[r, c]), distance_km(records[i], records[j])) < min_score:
                continue  # too far apart for even the upper bound of their name similarity
            candidate = _candidate(keys, records, i, j)
            if candidate.score >= min_score:
                found.append(candidate)
    return sorted(found, key=lambda candidate: (-candidate.score, candidate.a.code, candidate.b.code))


def score_pair(a: Record, b: Record) -> Candidate:
    """The score of any two records, however low (for a reviewer who opens a pair)."""
    return _candidate(_Keys([a, b]), [a, b], 0, 1)
