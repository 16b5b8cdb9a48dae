"""The placeholder rewriting the two adapters share."""

from __future__ import annotations

from broker.storage.driver import numbered
from broker.storage.selection import chunks, in_list, padded


def test_numbered_counts_past_a_thousand_placeholders() -> None:
    sql = "SELECT 1 WHERE id IN " + in_list(1500)
    rewritten = numbered(sql)
    assert rewritten.endswith("$1499, $1500)")
    assert "?" not in rewritten


def test_an_empty_id_list_still_has_one_placeholder_and_one_id_matching_nothing() -> None:
    assert in_list(0) == "(?)"
    assert padded([]) == (0,)
    assert padded([3, 4]) == [3, 4]


def test_chunks_cover_every_id_once_in_order() -> None:
    ids = list(range(12_001))
    parts = chunks(ids)
    assert [len(p) for p in parts] == [5000, 5000, 2001]
    assert [i for part in parts for i in part] == ids
    assert chunks([]) == [[]]
