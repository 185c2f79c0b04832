"""nn's package docstring runs as written."""

import doctest

import nn


def test_the_package_docstring_runs():
    failures, tried = doctest.testmod(nn)
    assert tried > 0 and failures == 0
