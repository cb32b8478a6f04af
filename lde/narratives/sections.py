"""The sections of a local narrative, in the order the page shows them, each with the report's
guidance beside it (paraphrased, with the paragraph it comes from) and whether a version may be
shared or signed off with it empty.

The first seven follow the steps of ¶30; the rest are what ¶27, ¶75, ¶125, ¶17, ¶146 and ¶174
say a narrative must also tell: the place, the influences on it, the forms of extremism it
addresses and what success will look like.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class SectionKey(models.TextChoices):
    LOCAL_CONTEXT = "local_context", "The local context"
    NEED = "need", "Step 1: the need for a local Prevent strategy"
    VULNERABILITY = "vulnerability", "Step 2: understanding local vulnerability"
    COMMUNITY_KNOWLEDGE = "community_knowledge", "Step 3: drawing on community knowledge"
    NOT_ENFORCEMENT = "not_enforcement", "Step 4: more than enforcement"
    MAINSTREAMING = "mainstreaming", "Step 5: Prevent in mainstream plans"
    JOINT_DELIVERY = "joint_delivery", "Step 6: joint delivery plans"
    WIDER_SHARING = "wider_sharing", "Step 7: learning from elsewhere in the UK"
    INFLUENCES = "influences", "International and national influences"
    FORMS_OF_EXTREMISM = "forms_of_extremism", "Forms of extremism the partnership addresses"
    VISION = "vision", "The vision of success"


@dataclass(frozen=True)
class SectionGuide:
    key: str
    paragraphs: str
    guidance: str
    required: bool

    @property
    def label(self) -> str:
        return str(SectionKey(self.key).label)


GUIDES: tuple[SectionGuide, ...] = (
    SectionGuide(
        SectionKey.LOCAL_CONTEXT,
        "¶27, ¶31",
        "Tell the story of the place: where the partnership started and where it is going, how "
        "vulnerable the area is to violent extremism and how the risks will be addressed, and "
        "what is happening locally and why.",
        True,
    ),
    SectionGuide(
        SectionKey.NEED,
        "¶30",
        "Say why the area needs a local Prevent strategy, and whether it stands apart from the "
        "community cohesion and sustainable community strategies or can be recognised within "
        "them.",
        True,
    ),
    SectionGuide(
        SectionKey.VULNERABILITY,
        "¶30",
        "Use shared information, reassessed regularly, to understand how vulnerable "
        "communities and institutions (colleges, schools, prisons) are, with changes in "
        "population, new arrivals, foreign policy and international terrorism in mind. Describe "
        "places and institutions, never a person.",
        True,
    ),
    SectionGuide(
        SectionKey.COMMUNITY_KNOWLEDGE,
        "¶30",
        "Say how councillors, faith leaders and other respected community representatives help "
        "the partnership see where the area is vulnerable.",
        True,
    ),
    SectionGuide(
        SectionKey.NOT_ENFORCEMENT,
        "¶30",
        "Make clear that Prevent is not only enforcement: set out the broad Prevent "
        "responsibilities of public services, neighbourhood policing and management teams, and "
        "community and voluntary groups.",
        True,
    ),
    SectionGuide(
        SectionKey.MAINSTREAMING,
        "¶30, ¶34, ¶185",
        "Say how existing plans (safer and stronger communities, regeneration, children and "
        "young people) carry the relevant parts of Prevent. List each plan in the register "
        "below; where Prevent stands alone, say why.",
        True,
    ),
    SectionGuide(
        SectionKey.JOINT_DELIVERY,
        "¶30",
        "Describe the joint council and police delivery plans, with what community and "
        "voluntary groups contribute, in proportion to the local risk and jointly resourced.",
        True,
    ),
    SectionGuide(
        SectionKey.WIDER_SHARING,
        "¶30",
        "Say how the partnership shares knowledge and experience with councils and police "
        "forces elsewhere in the UK with similar communities.",
        False,
    ),
    SectionGuide(
        SectionKey.INFLUENCES,
        "¶75, ¶125, ¶174",
        "Take account of national and international events and of links between local "
        "communities and others in the UK and abroad; keep this up to date, since a narrative "
        "should reflect the most recent influences.",
        True,
    ),
    SectionGuide(
        SectionKey.FORMS_OF_EXTREMISM,
        "¶17, ¶146, ¶174",
        "Name the forms of extremism the partnership addresses: all of them, not only those "
        "claiming one faith. Never rate a place by the religion or ethnicity of its people.",
        True,
    ),
    SectionGuide(
        SectionKey.VISION,
        "¶30, ¶32",
        "Set out the long-term approach and what success in preventing violent extremism will "
        "look like, as a common purpose for partners and community groups.",
        True,
    ),
)

GUIDE_BY_KEY: dict[str, SectionGuide] = {g.key: g for g in GUIDES}
REQUIRED_KEYS: tuple[str, ...] = tuple(g.key for g in GUIDES if g.required)
ORDER: dict[str, int] = {g.key: index for index, g in enumerate(GUIDES)}
