"""nn's package docstring runs as written (the README itself is run by tests/test_readme.py)."""

import doctest

import nn


def test_the_package_docstring_runs():
    failures, tried = doctest.testmod(nn)
    assert tried > 0 and failures == 0
