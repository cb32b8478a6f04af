"""The surveys app's models, one module per part: questionnaires answered through a participant
link, and public survey data sets uploaded with their design."""

from lde.surveys.models.datasets import *  # noqa: F403
from lde.surveys.models.questionnaires import *  # noqa: F403
