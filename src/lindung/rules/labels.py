"""How a parameter reads on a page: "Tarif JKK 1% - PP 44/2015 Pasal 17 jo. Lampiran II".

The names of parameters (``bpu.jkk.rate``) are for code; people read the label of
``labels.yaml`` (Bahasa Indonesia and English), the value as :func:`describe_value` writes it,
and the legal basis. A value's ``basis`` in ``parameters/*.yaml`` is the researcher's record:
the regulations and, in brackets, where the value was read and what is doubtful about it
(often in English). :func:`legal_citation` keeps what a reader of a page needs: the
regulations and articles, with "probably replaced by X" said in Indonesian; the rest stays in
the parameter files and in ``lindung rules params``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from lindung.rules.trace import TraceEntry

LABELS_FILE = Path(__file__).parent / "labels.yaml"

REGULATION = re.compile(
    r"\b(?:UU|PP|Perpres|Keppres|Inpres|Permenaker(?:trans)?|Permendagri|Permendes|PMK|"
    r"Perdir BPJS|SE BPJS)\s+(?:No\.\s*)?(?=[\w./-]*\d)[\w./-]+"
    r"(?:\s+(?:Pasal\s+\d+[A-Z]?(?:-\d+)?|ayat\s+\(\d+\)|huruf\s+[a-z]\b|angka\s+\d+|"
    r"Lampiran(?:\s+[IVX]+\b)?|jo\.(?=\s+(?:Pasal|Lampiran))))*")
"""A citation of a regulation with its article: "PP 44/2015 Pasal 18 ayat (3) jo. Lampiran II"."""

_REPLACED = re.compile(r"probably replaced by ([^;()]+)", re.IGNORECASE)
_BRACKETS = re.compile(r"\((?!\d+\)|[a-z]\))[^()]*\)")


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return {str(name): {str(k): str(v) for k, v in entry.items()} for name, entry in raw.items()}


def parameter_label(name: str, lang: str = "id") -> str:
    """``bpu.jkk.rate`` -> "Tarif JKK" (English: "JKK rate"); an unlabelled name as it is."""
    entry = _labels().get(name)
    if entry is None:
        return name
    return entry.get(lang) or entry["id"]


def labelled_parameters() -> frozenset[str]:
    return frozenset(_labels())


def legal_citation(basis: str, lang: str = "id") -> str:
    """The regulations a basis cites, without the research notes in brackets:
    "PP 44/2015 Lampiran II; Permenaker 1/2016 (probably replaced by Permenaker 5/2021)" ->
    "PP 44/2015 Lampiran II; Permenaker 1/2016 (kemungkinan sudah diganti Permenaker 5/2021)".
    A basis citing no regulation (a decision of lindung, a circular read in the press) reads
    as such."""
    replaced = [m.group(1).strip() for m in _REPLACED.finditer(basis)]
    text = basis
    while True:  # innermost brackets first; "ayat (1)" and "huruf (a)" stay
        stripped = _BRACKETS.sub("", text)
        if stripped == text:
            break
        text = stripped
    found = list(dict.fromkeys(m.group(0).strip() for m in REGULATION.finditer(text)))
    if not found:
        return ("keputusan lindung, belum ada aturan tertulis" if lang == "id"
                else "a decision of lindung; no written rule found") if "lindung" in basis \
            else ("sumber selain peraturan (lihat berkas parameter)" if lang == "id"
                  else "a source other than a regulation (see the parameter file)")
    cited = "; ".join(found)
    for later in replaced:
        cited += (f" (kemungkinan sudah diganti {later})" if lang == "id"
                  else f" (probably replaced by {later})")
    return cited


def basis_line(entry: TraceEntry, lang: str = "id") -> str:
    """One trace entry as a page shows it: "Tarif JKK 1% - PP 44/2015 Pasal 17 jo. Lampiran II"."""
    return f"{parameter_label(entry.parameter, lang)} {entry.value} - " \
           f"{legal_citation(entry.basis, lang)}"
