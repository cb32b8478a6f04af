"""The two scales every entry is rated on, and what each step means in words.

The Maryland Scientific Methods Scale (Sherman et al. 1997, "Preventing Crime: What Works, What
Doesn't, What's Promising", chapter 2; restated by Farrington, Gottfredson, Sherman and Welsh
2002, "The Maryland Scientific Methods Scale", in "Evidence-Based Crime Prevention") says how
well a design rules out other explanations of an effect. The level is derived from the design,
never typed in, so that two people who agree on the design cannot disagree on the level:

    level 1  a correlation at one point in time
    level 2  before and after with no comparison, or a comparison with a group unlike it
    level 3  before and after in units with and without the work (a comparison group)
    level 4  several units with and without the work, controlling for other factors, or
             comparison units shown to differ little (a matched comparison)
    level 5  random assignment to the work and to a control group

A case study or a review of research measures no effect of its own, so it has no level: it sits
below the scale and is shown as "not on the scale" rather than as a weak level 1.

EMMIE (Johnson, Tilley and Bowers 2015, "Introducing EMMIE: an evidence rating scale to
encourage mixed-method crime prevention synthesis reviews", Journal of Experimental Criminology
11: 459–473) reads the evidence on five dimensions — Effect, Mechanism, Moderators,
Implementation, Economic cost — and rates the quality of the evidence on each from 0 to 4
(EMMIE-Q), as the What Works Centre for Crime Reduction's toolkit at the College of Policing does.
"""

from __future__ import annotations

from lde.what_works.models import Design, Quality

# The derivation table: the design an entry reports, and the Maryland level it reaches.
MARYLAND_LEVEL: dict[str, int | None] = {
    Design.RANDOMISED: 5,
    Design.DIFFERENCE_IN_DIFFERENCES: 4,
    Design.MATCHED_COMPARISON: 4,
    Design.BEFORE_AFTER_WITH_COMPARISON: 3,
    Design.BEFORE_AFTER: 2,
    Design.CROSS_SECTIONAL: 2,
    Design.CORRELATION: 1,
    Design.CASE_STUDY: None,
    Design.RESEARCH_REVIEW: None,
}

LEVEL_WORDS = {
    1: "Level 1: a correlation at one point in time; says nothing of cause.",
    2: (
        "Level 2: measured before and after, or compared at one time, with no comparison group: "
        "other things that changed could explain the result."
    ),
    3: (
        "Level 3: measured before and after where the work happened and where it did not: the "
        "weakest design that can show an effect."
    ),
    4: (
        "Level 4: several places with and without the work, with other causes controlled for or "
        "closely matched: a strong design."
    ),
    5: (
        "Level 5: chosen at random to receive the work or not: the strongest design, ruling out "
        "most other explanations."
    ),
}
NOT_ON_SCALE = (
    "Not on the scale: a description of what was done, which measured no effect of its own."
)

QUALITY_WORDS = {
    Quality.NONE: "No evidence on this.",
    Quality.LIMITED: "Limited evidence: mentioned, but not studied.",
    Quality.MODERATE: "Moderate evidence: studied, with some weaknesses.",
    Quality.STRONG: "Strong evidence: studied with a sound method.",
    Quality.VERY_STRONG: "Very strong evidence: studied systematically, with the method tested.",
}


def maryland_level(design: str) -> int | None:
    """The Maryland Scientific Methods Scale level (1–5) a design reaches; None for a design
    that measures no effect (a case study, a review)."""
    return MARYLAND_LEVEL[Design(design)]


def designs_at(level: int) -> list[str]:
    """Every design that reaches `level`: how the library filters by level without storing it."""
    return [str(d) for d, found in MARYLAND_LEVEL.items() if found == level]


def level_words(level: int | None) -> str:
    return NOT_ON_SCALE if level is None else LEVEL_WORDS[level]


def quality_words(quality: int) -> str:
    return QUALITY_WORDS[Quality(quality)]
