"""A partnership with a coordinator, a board member, a viewer and a live inspector, another
partnership's coordinator, and the demo's survey file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lde.accounts.models import User
from lde.partnerships.models import AssignmentKind, Partnership, Role
from lde.surveys.datasets import demo, services
from lde.surveys.models import SurveyDataSet
from tests.factories import AssignmentFactory, MembershipFactory, PartnershipFactory, UserFactory


@dataclass
class World:
    partnership: Partnership
    coordinator: User
    board_member: User
    viewer: User
    inspector: User
    stranger: User

    def upload(
        self,
        data: bytes | None = None,
        *,
        name: str = "survey.csv",
        design: services.Design = demo.DESIGN,
        totals: tuple[services.Upload, ...] = (),
        title: str = "Residents' survey",
    ) -> SurveyDataSet:
        return services.data_set_upload(
            actor=self.coordinator,
            partnership=self.partnership,
            title=title,
            source="A fictional household survey",
            period_start=date(2025, 9, 1),
            period_end=date(2025, 11, 30),
            upload=services.Upload(name, data if data is not None else SURVEY),
            design=design,
            totals=totals,
        )


SURVEY = demo.survey_csv()


def member(partnership: Partnership, role: str) -> User:
    user = UserFactory()
    MembershipFactory(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def world(db: None) -> World:
    partnership = PartnershipFactory()
    inspector = UserFactory()
    today = timezone.localdate()
    assignment = AssignmentFactory(
        user=inspector,
        kind=AssignmentKind.INSPECTOR,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
    )
    assignment.partnerships.add(partnership)
    return World(
        partnership=partnership,
        coordinator=member(partnership, Role.COORDINATOR),
        board_member=member(partnership, Role.BOARD_MEMBER),
        viewer=member(partnership, Role.VIEWER),
        inspector=inspector,
        stranger=member(PartnershipFactory(), Role.COORDINATOR),
    )
