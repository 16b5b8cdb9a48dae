"""The placeholder rewriting the two adapters share."""

from __future__ import annotations

from broker.storage.driver import numbered
from broker.storage.selection import bucketed, chunks, in_list, padded


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


def test_a_bucketed_list_has_one_of_a_dozen_lengths_padded_with_its_last_value() -> None:
    assert bucketed([]) == ("(?)", [0])
    assert bucketed([7]) == ("(?)", [7])
    assert bucketed([7, 8, 9]) == ("(?, ?, ?, ?)", [7, 8, 9, 9])
    assert bucketed(["a", "b", "c", "d", "e"])[1] == ["a", "b", "c", "d", "e", "e", "e", "e"]
    lengths = {bucketed(list(range(n)))[0].count("?") for n in range(1, 5001)}
    # Powers of two up to 4096, then a full chunk: 14 statement texts for 5,000 lengths.
    assert lengths == {2**k for k in range(13)} | {5000}
    for n in (1, 2, 3, 1000, 4097, 5000):
        marks, values = bucketed(list(range(n)))
        assert marks.count("?") == len(values) >= n
        assert set(values) == set(range(n))
