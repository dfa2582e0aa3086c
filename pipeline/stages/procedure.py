"""Which procedure a dossier is for, read from its own documents, and what it lacks.

A dossier receipt says it ("Nội dung yêu cầu giải quyết: Cấp thẻ bảo hiểm y tế
cho trẻ em dưới 6 tuổi"), and so does an application's title or request ("Tờ
khai đăng ký khai sinh"). The documents of the types the procedures file names
(`named_by`) are looked at in that order; the first one holding a procedure's
phrase decides, the longest phrase winning within it (accents, case and line
breaks ignored, as OCR leaves them uncertain).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.domain import DossierProcedure
from pipeline.procedures import FROM_DOCUMENTS, FROM_FOLDER, FROM_OPERATOR, Procedure, Procedures
from pipeline.textnorm import fold

# Said by whoever handed the dossier in: kept when the documents are read again (reprocessing).
GIVEN = (FROM_OPERATOR, FROM_FOLDER)


def identify(documents: Sequence[tuple[str, str]], procedures: Procedures) -> Procedure | None:
    """The procedure named by the documents, given as (type, text) in dossier order; None if none names one."""
    for doc_type in procedures.named_by:
        for found_type, text in documents:
            if found_type != doc_type:
                continue
            folded = " ".join(fold(text).split())
            best = max(((len(phrase), procedure) for procedure in procedures
                        for phrase in procedure.folded_phrases if phrase in folded),
                       key=lambda pair: pair[0], default=None)
            if best is not None:
                return best[1]
    return None


def settle(procedures: Procedures, given: str | None, given_source: str | None,
           documents: Sequence[tuple[str, str]]) -> DossierProcedure:
    """A filed dossier's procedure and what it lacks: as given at intake (operator, inbox folder),
    otherwise as its documents (type, text) name it."""
    doc_types = [doc_type for doc_type, _ in documents]
    if given and given_source in GIVEN:
        procedure = procedures.find(given)  # None: an id the file no longer lists; kept, nothing checked
        return DossierProcedure(given, given_source, tuple(procedure.missing(doc_types)) if procedure else ())
    procedure = identify(documents, procedures)
    if procedure is None:
        return DossierProcedure(None)
    return DossierProcedure(procedure.id, FROM_DOCUMENTS, tuple(procedure.missing(doc_types)))


def recheck(procedures: Procedures, found: DossierProcedure | None, doc_types: Sequence[str]) -> DossierProcedure | None:
    """The same dossier after an operator changed a document's type: what it lacks now."""
    procedure = procedures.find(found.procedure) if found else None
    if procedure is None:
        return None
    return DossierProcedure(found.procedure, found.source, tuple(procedure.missing(list(doc_types))))
