"""The law as code: contributions and benefits of JKK, JKM, JHT, JP and JKP, exact to the rupiah.

Pure and vectorised: no database and no I/O except reading the parameter files. Contributions
are in ``contributions/`` (one object per segment), benefits in ``benefits/`` (one module per
programme). See README.md in this folder for the conventions (contribution months, rounding,
trace, confidence) and where a new segment or programme goes.
"""

from lindung.rules.benefits import BenefitError, BenefitResult
from lindung.rules.contributions import (
    AMOUNT_COLUMNS,
    ROW_ERRORS,
    ContributionAssessment,
    ContributionInputError,
    ContributionResult,
    InvalidContribution,
    assess_contributions,
    contribution,
    contributions,
)
from lindung.rules.params import (
    ParameterFileError,
    ParameterNotInForce,
    ParameterSet,
    ParameterValue,
    load_parameters,
)
from lindung.rules.trace import TraceEntry

__all__ = [
    "AMOUNT_COLUMNS",
    "ROW_ERRORS",
    "BenefitError",
    "BenefitResult",
    "ContributionAssessment",
    "ContributionInputError",
    "ContributionResult",
    "InvalidContribution",
    "ParameterFileError",
    "ParameterNotInForce",
    "ParameterSet",
    "ParameterValue",
    "TraceEntry",
    "assess_contributions",
    "contribution",
    "contributions",
    "load_parameters",
]
