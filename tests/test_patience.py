"""tools/patience.py: deadlines that grow with the work waited for and with a busy machine."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("patience", ROOT / "tools" / "patience.py")
patience = importlib.util.module_from_spec(spec)
spec.loader.exec_module(patience)


def test_a_deadline_grows_with_the_work_and_with_the_load_per_core():
    cores = patience.usable_cores()
    idle = patience.seconds(10, load=0.0)
    assert idle == patience.MARGIN * 10
    assert patience.seconds(10, units=4, load=0.0) == 4 * idle
    # make test's workers and two CPU-bound jobs beside them: a load of 3 per core
    assert patience.seconds(10, load=3.0 * cores) == 3 * idle
    assert patience.seconds(10, load=100.0 * cores) == patience.MOST * idle  # stuck, not slow
    assert patience.milliseconds(10, load=0.0) == 1000 * idle
    assert patience.slowdown(load=1.0, cores=4) == 1.0


#: A fixed timeout this long is a wait for work, which must come from tools/patience.py.
LONG_WAIT_SECONDS = 60


def test_no_wait_of_the_suite_has_a_fixed_deadline_left():
    """Playwright's timeouts and the tests' deadlines come from tools/patience.py."""
    fixed = re.compile(r"timeout=\d[\d_]*\)|timeout=\d[\d_]*,|deadline = time\.monotonic\(\) \+ \d")
    files = [*sorted((ROOT / "tests").glob("*.py")), *sorted((ROOT / "deploy" / "tests").glob(
        "*.py")), ROOT / "tools" / "make_handouts.py", ROOT / "tools" / "measure_slides.py"]
    # subprocess and socket timeouts of seconds (a request to a local server, a command
    # that ends or fails at once) and the class test's own are not waits for work
    allowed = ("urlopen(", "subprocess.run(", "create_connection(", "wait(timeout=",
               "join(timeout=", "execute_interactive(", "settimeout(", "NotebookClient(",
               ".execute(", "run_course(", "capture_output=True")
    found = []
    for path in files:
        if path.name == "test_patience.py":
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            context = " ".join(lines[max(0, number - 3):number])
            match = fixed.search(line)
            if not match:
                continue
            given = float(re.search(r"\d[\d_]*", match.group(0)).group(0).replace("_", ""))
            # a call of seconds may keep a fixed timeout; a wait for work (a minute or more)
            # never does, whatever its call
            if given >= LONG_WAIT_SECONDS or not any(a in context for a in allowed):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
