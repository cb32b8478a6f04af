from __future__ import annotations

from typing import Any

import pytest

from lde.frameworks.services import framework_load
from lde.partnerships.models import Role
from tests.factories import MembershipFactory

FRAMEWORK = """
identifier: cycle-check
version: "1.0"
title: Cycle check
status: current
summary: A small framework for assessment tests.
source: {document: The report, paragraphs: ["89"]}
provenance: Written for tests.
scales:
  - identifier: maturity
    title: Maturity
    descriptors_written_by: platform
    levels:
      - {value: 1, label: Not in place, descriptor: None.}
      - {value: 2, label: Developing, descriptor: Some.}
      - {value: 3, label: Established, descriptor: Routine.}
      - {value: 4, label: Leading, descriptor: Shared.}
themes:
  - identifier: leadership
    title: Leadership
    paragraphs: ["92"]
    criteria:
      - {identifier: ownership, title: Ownership, paragraphs: ["93"]}
      - identifier: board
        title: Board
        paragraphs: ["108"]
        rubric_written_by: platform
        rubric: {1: No board., 2: A board meets., 3: It decides., 4: It leads.}
  - identifier: delivery
    title: Delivery
    paragraphs: ["100"]
    criteria:
      - {identifier: projects, title: Projects, paragraphs: ["44"]}
"""


@pytest.fixture
def framework_version() -> Any:
    return framework_load(actor=None, text=FRAMEWORK, file_name="cycle-check-1.0.yaml").version


@pytest.fixture
def coordinator() -> Any:
    return MembershipFactory(role=Role.COORDINATOR)
