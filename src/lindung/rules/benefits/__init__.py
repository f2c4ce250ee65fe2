"""Benefits (manfaat) of BPJS Ketenagakerjaan: JKM, JKK, JHT, JP, JKP, scholarships and heirs.

One module per programme (``jkm.py``, ``jkk.py``, ``jht.py``, ``jp.py``, ``jkp.py``), one for the
scholarship that JKM and JKK share (``scholarship.py``) and one for heirs (``heirs.py``);
``base.py`` holds what they share: :class:`BenefitError`, :class:`BenefitResult` and the checks of
inputs. Every function reads the values in force **on the event date** from the parameters it is
given (the packaged ones by default) and returns a frozen, typed result whose ``to_dict()`` is
the JSON of the CLI and the cases. Money is whole rupiah; a ratio or wage multiple meets an
amount only in :func:`lindung.rules.money.rupiah`. A date with no known value (for example the JP
minimum pension for 2017-2018) is refused with :class:`BenefitError` rather than guessed, and an
event before the first date lindung covers (``coverage.first_date``) likewise.
"""

from lindung.rules.benefits.base import BenefitError, BenefitResult, MonthlyBenefit
from lindung.rules.benefits.heirs import (
    ChildPerson,
    Family,
    HeirProgramme,
    HeirsResult,
    Person,
    Recipient,
    Residual,
    heirs,
)
from lindung.rules.benefits.jht import JhtEvent, JhtResult, jht
from lindung.rules.benefits.jkk import (
    CareMaxima,
    DisabilityKind,
    JkkDeathResult,
    PartialDisabilityResult,
    StmbResult,
    TotalDisabilityResult,
    jkk_care_maxima,
    jkk_death,
    jkk_disability,
    stmb,
)
from lindung.rules.benefits.jkm import JkmResult, jkm
from lindung.rules.benefits.jkp import JkpResult, jkp
from lindung.rules.benefits.jp import (
    JpBenefitLimits,
    JpOldAgeResult,
    jp_benefit_limits,
    jp_old_age,
    retirement_age,
)
from lindung.rules.benefits.scholarship import (
    CashAndScholarship,
    Child,
    ChildScholarship,
    Scholarship,
    SchoolLevel,
)
from lindung.rules.params import ParameterNotInForce

__all__ = [
    "BenefitError",
    "BenefitResult",
    "CareMaxima",
    "CashAndScholarship",
    "Child",
    "ChildPerson",
    "ChildScholarship",
    "DisabilityKind",
    "Family",
    "HeirProgramme",
    "HeirsResult",
    "JhtEvent",
    "JhtResult",
    "JkkDeathResult",
    "JkmResult",
    "JkpResult",
    "JpBenefitLimits",
    "JpOldAgeResult",
    "MonthlyBenefit",
    "ParameterNotInForce",
    "PartialDisabilityResult",
    "Person",
    "Recipient",
    "Residual",
    "Scholarship",
    "SchoolLevel",
    "StmbResult",
    "TotalDisabilityResult",
    "heirs",
    "jht",
    "jkk_care_maxima",
    "jkk_death",
    "jkk_disability",
    "jkm",
    "jkp",
    "jp_benefit_limits",
    "jp_old_age",
    "retirement_age",
    "stmb",
]
