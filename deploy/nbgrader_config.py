"""nbgrader's settings for the course's graded build (`make graded` copies this file into graded/).

Run nbgrader's commands in that folder, in the instructors' environment (.venv-class,
which has the course and nbgrader): `nbgrader generate_assignment 01_conv_arithmetic`,
`nbgrader collect`, `nbgrader autograde 01_conv_arithmetic`, `nbgrader generate_feedback
01_conv_arithmetic`. docs/running-a-class.md ("Grading with nbgrader") has the steps; the
tests in deploy/tests/test_graded.py autograde canned submissions with this file.
"""

from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearSolutions,
    ComputeChecksums,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    SaveCells,
)

c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

c.CourseDirectory.course_id = "conv-course"

# Each answer cell is the course's own template (tools/make_graded.py): the solution sits
# in a region that the release leaves empty, so what the learner gets is the template.
c.ClearSolutions.code_stub = {"python": ""}

# The release keeps the committed outputs, as the student build does (make student): the
# notebooks open with their figures. nbgrader's default list, without ClearOutput.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, CheckCellMetadata,
    ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme, ComputeChecksums,
    CheckCellMetadata,
]
assert ClearSolutions in c.GenerateAssignment.preprocessors

# Autograding runs every cell of a submission. The slowest cell of the course (a training
# cell of notebook 04 or 05) takes seconds alone and well under a minute on a busy server;
# a learner's endless loop at a cell's top level is interrupted after this and the rest of
# the notebook still graded. An endless loop inside a Write-it function is stopped sooner,
# by the checker itself (5 s a call).
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
