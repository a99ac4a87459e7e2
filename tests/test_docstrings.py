"""Every example in a course_utils docstring runs and prints what it says.

A learner reads these examples in ``help(...)`` and in the editor's tooltip,
so a stale one teaches the wrong thing. Each module is one test.
"""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import course_utils


def course_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils.")
    )


def modules_with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    return [
        name for name in course_modules()
        if any(test.examples for test in finder.find(importlib.import_module(name)))
    ]


def test_the_docstring_examples_are_found():
    # Guards the parametrisation below: if the finder found nothing, every
    # module test would silently vanish.
    modules = modules_with_examples()
    examples = sum(
        len(test.examples)
        for name in modules
        for test in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert len(modules) >= 7 and examples >= 28, (modules, examples)


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    # Examples print numpy scalars as plain numbers (numpy 2 would say np.int64(3)).
    with np.printoptions(legacy="1.25"):
        result = doctest.testmod(
            module,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            extraglobs={"np": np},
            verbose=False,
            report=False,
        )
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
