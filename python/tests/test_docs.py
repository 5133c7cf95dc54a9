"""The examples in the package's docstrings run and say what they show."""

import doctest

import kiln


def test_package_docstring_examples():
    result = doctest.testmod(kiln, verbose=False)
    assert result.attempted > 0 and result.failed == 0
