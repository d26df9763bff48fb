import pytest

from directus_assets.errors import RangeNotSatisfiable
from directus_assets.http import parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),  # a suffix longer than the file is the whole file
        ("bytes=90-1000", (90, 99)),  # an end past the end is clamped
        ("bytes=99-99", (99, 99)),
        (" BYTES = 1-2 ", (1, 2)),
    ],
)
def test_satisfiable_ranges(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    "header",
    [
        "items=0-9",  # another unit
        "bytes=0-9,20-29",  # several ranges: the whole file instead
        "bytes=abc",
        "bytes=-",
        "bytes=1-x",
        "bytes=\u0661-\u0662",  # Arabic-Indic digits: str.isdigit() says yes
        "bytes",
    ],
)
def test_ranges_that_are_ignored(header):
    assert parse_range(header, 100) is None


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=9-3", "bytes=-0"])
def test_unsatisfiable_ranges(header):
    with pytest.raises(RangeNotSatisfiable) as raised:
        parse_range(header, 100)
    assert raised.value.headers == {"Content-Range": "bytes */100"}


def test_any_range_of_an_empty_file_is_unsatisfiable():
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=-5", 0)
