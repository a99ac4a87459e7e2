"""The layout of course_utils: subpackages by kind, one list of public names, fast import.

Each module declares its public names in its own ``__all__``; the
subpackages and the package only join them. These tests keep that true, so
that a maintainer finds any function's home from its module's ``__all__``.
"""

import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import course_utils
from course_utils import viz

PACKAGE = Path(course_utils.__file__).parent
SUBPACKAGES = ("conv", "nn", "data", "stats", "viz", "exercises")
#: What each numpy-only subpackage may import besides the standard library.
ALLOWED_THIRD_PARTY = {
    "conv": {"numpy"},
    "nn": {"numpy", "IPython", "ipywidgets"},  # the progress bar, imported when training starts
    "data": {"numpy", "skimage"},  # scikit-image only inside the loaders
    "stats": {"numpy", "scipy"},  # scipy.stats only inside McNemar's test
    "exercises": {"numpy"},
}


def course_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(course_utils.__path__, prefix="course_utils.")
        if not info.ispkg
    )


def top_level_imports(path: Path) -> set[str]:
    """Third-party and standard modules imported at module level (not inside functions)."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def all_imports(path: Path) -> set[str]:
    """Every absolute import in the file, at any depth."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_package_is_six_subpackages_and_three_shared_modules():
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert entries == sorted([*SUBPACKAGES, "__init__.py", "course.py", "threads.py",
                              "validation.py"])
    for sub in SUBPACKAGES:
        assert (PACKAGE / sub / "__init__.py").is_file()


def test_public_names_are_unique_and_all_resolve():
    names = course_utils.__all__
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    assert len(names) >= 154  # the API before the reorganisation had 154 names
    for name in names:
        assert getattr(course_utils, name) is not None, name


def test_every_module_lists_its_own_definitions_and_the_package_exports_them():
    exported = set(course_utils.__all__)
    seen = []
    for name in course_modules():
        module = importlib.import_module(name)
        if name.endswith(".validation"):
            assert not hasattr(module, "__all__")  # shared checks, not part of the API
            continue
        assert hasattr(module, "__all__"), f"{name} has no __all__"
        for public in module.__all__:
            value = getattr(module, public)
            home = getattr(value, "__module__", name)
            # Classes and functions must be defined where they are listed;
            # constants (dicts, strings, tuples) have no __module__ of their own.
            if callable(value):
                assert home == name, f"{public} is listed in {name} but defined in {home}"
            assert public in exported, f"{name}.{public} is not exported by course_utils"
            seen.append(public)
    assert sorted(seen) == sorted(exported), set(exported) ^ set(seen)


def test_each_subpackage_exports_exactly_its_modules_names():
    for sub in SUBPACKAGES:
        package = importlib.import_module(f"course_utils.{sub}")
        from_modules = [
            public
            for name in course_modules() if name.startswith(f"course_utils.{sub}.")
            for public in importlib.import_module(name).__all__
        ]
        assert sorted(package.__all__) == sorted(from_modules), sub


def test_the_lazy_table_of_figures_matches_the_viz_modules():
    from_modules = {
        public: name.rsplit(".", 1)[1]
        for name in course_modules() if name.startswith("course_utils.viz.")
        for public in importlib.import_module(name).__all__
    }
    assert viz.HOMES == from_modules


def test_dir_and_help_show_the_figures_before_they_are_imported():
    code = (
        "import json, pydoc, sys, course_utils\n"
        "from course_utils import viz\n"
        "names = [n in dir(course_utils) for n in ('plot_grid', 'conv2d', 'sliding_window_explorer')]\n"
        "names.append('plot_grid' in dir(viz))\n"
        "print(json.dumps([names, 'matplotlib' in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [[True, True, True, True], False]


def test_docstrings_name_modules_and_objects_that_exist():
    # "see course_utils.counting" must still lead somewhere after code moves.
    reference = re.compile(r"course_utils(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for dotted in set(reference.findall(path.read_text())):
            if not resolves(dotted):
                missing.append(f"{path.relative_to(PACKAGE)}: {dotted}")
    assert not missing, missing


def resolves(dotted: str) -> bool:
    """True when ``a.b.c`` is a module, or an attribute reached from the longest module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def test_an_unknown_name_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="plot_gird"):
        course_utils.plot_gird  # noqa: B018
    with pytest.raises(AttributeError, match="nothing_here"):
        viz.nothing_here  # noqa: B018


@pytest.mark.parametrize("sub", sorted(ALLOWED_THIRD_PARTY))
def test_subpackages_import_only_what_their_kind_needs(sub):
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    for path in sorted((PACKAGE / sub).glob("*.py")):
        outside = all_imports(path) - stdlib
        assert outside <= ALLOWED_THIRD_PARTY[sub], (path.name, outside)
        # Nothing heavy at import time: scikit-image, scipy and the widgets load when used.
        assert top_level_imports(path) - stdlib <= {"numpy"}, path.name


def test_no_module_imports_another_modules_private_names():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                private = [
                    a.name for a in node.names if a.name.startswith("_") and a.name != "__all__"
                ]
                assert not private, f"{path.relative_to(PACKAGE)} imports {private}"


def test_import_course_utils_loads_no_plotting_widgets_or_scipy():
    code = (
        "import json, sys, course_utils\n"
        "heavy = ['matplotlib', 'ipywidgets', 'IPython', 'scipy', 'skimage']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_a_figure_name_imports_its_module_on_first_use():
    code = (
        "import json, sys, course_utils\n"
        "before = 'matplotlib.pyplot' in sys.modules\n"
        "figure = course_utils.plot_grid\n"
        "after = 'matplotlib.pyplot' in sys.modules\n"
        "print(json.dumps([before, after, figure.__module__]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [False, True, "course_utils.viz.grids"]
