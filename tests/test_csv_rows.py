"""CSV read in stretches (:func:`accountgraph.dataset.bulk_format.csv_rows`) gives the
rows the csv module gives, whatever falls at a stretch's end."""

from __future__ import annotations

import csv
import io

import pytest

from accountgraph.dataset import bulk_format
from accountgraph.dataset.bulk_format import csv_rows

TEXTS = [
    "id,kind\np1,office\np2,body\n",
    "id,kind\n\np1,office\n\n\np2,body",
    "id,kind\r\np1,office\r\np2,body\r\n",
    "id,kind\rp1,office\rp2,body\r",
    'id,name_en\np1,"Office, the first"\np2,"two\nlines"\np3,plain\n',
    'id,name_en\np1,plain\np2,plain\np3,"a ""quoted"" word"\np4,after\n',
    "id,kind\np1,office\np2,body\n" * 20 + 'p9,"late\r\nquote",x\n' + "p10,office\n" * 5,
    "a,b\n,\n,,\nc\n",
    "",
    "id,name_en\np1," + "x" * 40 + "\np2,short\n",
]


@pytest.mark.parametrize("stretch", [3, 8, 13, 1 << 22])
@pytest.mark.parametrize("text", TEXTS)
def test_rows_are_those_of_the_csv_module(
    text: str, stretch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_format, "_STRETCH", stretch)
    expected = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert list(csv_rows(io.StringIO(text, newline=""))) == expected


@pytest.mark.parametrize("stretch", [5, 1 << 22])
@pytest.mark.parametrize(
    "text", ['id,kind\np1,office\np2,"open\n', "id,name_en\np1," + "x" * 200 + "\np2,ok\n"]
)
def test_what_the_csv_module_refuses_is_refused(
    text: str, stretch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk_format, "_STRETCH", stretch)
    limit = csv.field_size_limit(100)  # the longest cell the csv module reads, lowered
    try:
        with pytest.raises(csv.Error):
            list(csv.reader(io.StringIO(text, newline=""), strict=True))
        with pytest.raises(csv.Error):
            list(csv_rows(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(limit)
