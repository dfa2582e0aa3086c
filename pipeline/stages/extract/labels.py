"""Form labels: find "Label: value" segments in a line, and the headings that say whose data follows.

Vietnamese forms print a label, sometimes a qualifier naming the person
("Họ, chữ đệm, tên người mẹ:"), then the value; several labels share a line
("Giới tính: Nam  Dân tộc: Kinh"). Labels are matched on folded text, so OCR
that loses a diacritic or a comma still finds them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from pipeline.catalog import Role
from pipeline.textnorm import edit_distance, fold, nfc

T = TypeVar("T")


class Kind(StrEnum):
    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    IDENTITY = "identity"  # a 12-digit personal ID or a 9-digit CMND, whichever the value holds
    GENDER = "gender"
    ADDRESS = "address"
    ISSUE_DATE = "issue_date"
    DOCUMENT_NUMBER = "document_number"  # numbers printed without "Số:" (land certificate book entry)
    DOSSIER_CODE = "dossier_code"
    TAX_CODE = "tax_code"
    IN_WORDS = "in_words"  # the value before it written again in words ("ghi bằng chữ": a birth date)
    STOP = "stop"  # a label whose value nobody searches by: it only ends the value before it


_LABELS: dict[Kind, tuple[str, ...]] = {
    Kind.NAME: ("ho, chu dem, ten", "ho, chu dem va ten", "ho va ten", "ho ten", "ho, ten", "full name",
                "toi ten la", "toi la", "tiep nhan ho so cua", "ten nguoi lam don", "nguoi su dung dat",
                "chu su dung", "cap cho", "chu dau tu", "chu ho kinh doanh",
                # an honorific used as the label ("Bà: NGUYỄN KIM NHƯ" on a land-use certificate)
                "ong/ba:", "ong:", "ba:"),
    Kind.DATE_OF_BIRTH: ("ngay, thang, nam sinh", "ngay/thang/nam sinh", "ngay sinh", "sinh ngay", "date of birth"),
    Kind.IDENTITY: ("so dinh danh ca nhan", "so dinh danh", "so can cuoc cong dan", "so the can cuoc",
                    "can cuoc cong dan so", "so cccd", "so cmnd/cccd", "so cmnd", "cmnd/cccd", "cccd",
                    "chung minh nhan dan so", "so chung minh nhan dan", "giay to tuy than", "so / no",
                    "so/no", "personal identification number", "so ddcn", "so cccd/ddcn", "so cccd/cmnd",
                    "giay cmnd", "so chung minh thu", "so chung minh nhan dan/the can cuoc", "so ho chieu",
                    "so no",  # "Số / No.:" once clean_line took its slash away
                    "the can cuoc cong dan so", "can cuoc so", "so can cuoc", "so giay to tuy than",
                    "giay to tuy than so"),
    Kind.GENDER: ("gioi tinh", "sex"),
    Kind.ADDRESS: ("noi thuong tru", "noi cu tru cuoi cung", "noi cu tru", "dia chi thuong tru", "dia chi",
                   "noi o hien tai", "place of residence"),
    Kind.ISSUE_DATE: ("ngay, thang, nam dang ky", "ngay dang ky", "date, month, year", "ngay, thang, nam /",
                      "date of issue", "ngay cap giay"),
    Kind.DOCUMENT_NUMBER: ("so vao so cap gcn", "so vao so cap giay chung nhan", "so giay phep"),
    Kind.DOSSIER_CODE: ("ma ho so", "ma so ho so", "so ho so"),
    Kind.TAX_CODE: ("ma so thue", "ma so doanh nghiep", "mst"),
    Kind.IN_WORDS: ("ghi bang chu",),
    Kind.STOP: ("dan toc", "quoc tich", "nationality", "ton giao", "nam sinh", "noi sinh", "que quan",
                "place of origin", "so dien thoai", "dien thoai", "email", "nghe nghiep",
                "quan he", "co gia tri den", "date of expiry", "ma so bhxh", "noi cap", "cap ngay",
                "noi dang ky", "nhom mau", "tinh trang hon nhan", "trinh do"),
}


# A label a narrow table cell wrapped, its value beside its first words ("Họ, chữ đệm, HUỲNH THANH THÀNH"
# / "tên"; "Ngày, tháng, 04/06/1997" / "năm sinh"): labels of three words or more, cut after two or more.
_MIN_WORDS_BEFORE_THE_CUT = 2
_CUT_LABELS: tuple[tuple[str, ...], ...] = tuple(sorted(
    {tuple(label.replace(",", " ").split()) for labels in _LABELS.values() for label in labels
     if len(label.replace(",", " ").split()) > _MIN_WORDS_BEFORE_THE_CUT and "/" not in label},
    key=len, reverse=True))


def label_cut_by_its_cell(folded: str, next_folded: str) -> int:
    """Where the first words of a label end on a line whose next line is the label's other words: a
    table cell too narrow for its label wrapped it, its value beside the first words ("Họ, chữ đệm,
    HUỲNH THANH THÀNH | LƯU XUÂN ÚT" / "tên") or below the last ("Ngày, tháng. năm" / "sinh" /
    "14.04.1983"); 0 when the line is no such label. The line as `aligned_fold` gives it, so the
    position is the line's too; the next one folded."""
    rest = tuple(word.group() for word in _LABEL_WORD.finditer(next_folded))
    if not rest:
        return 0
    words = list(_LABEL_WORD.finditer(folded))
    for label in _CUT_LABELS:
        cut = len(label) - len(rest)
        if (cut >= _MIN_WORDS_BEFORE_THE_CUT and label[cut:] == rest and len(words) >= cut
                and tuple(word.group() for word in words[:cut]) == label[:cut]):
            return words[cut - 1].end()
    return 0


_LABEL_WORD = re.compile(r"[^\s,.;:]+")  # OCR joins a label's words at a comma ("tháng,năm")


def _pattern(label: str) -> re.Pattern[str]:
    """OCR drops or doubles commas and spaces: "ngay, thang, nam sinh" also matches "ngay thang, nam sinh"."""
    parts = re.split(r"(,?\s+)", label)  # a comma read as a dot too: "Ngày. tháng, năm sinh"
    return re.compile("".join(r"[,.]?\s*" if re.fullmatch(r",?\s+", p) else re.escape(p) for p in parts if p))


LABELS: tuple[tuple[re.Pattern[str], str, Kind], ...] = tuple(
    (_pattern(label), label, kind)
    for label, kind in sorted(((label, kind) for kind, labels in _LABELS.items() for label in labels),
                              key=lambda item: -len(item[0]))  # longest first: "noi cu tru cuoi cung" first
)


# Qualifiers after a label (before its colon) that name whose data it is.
_QUALIFIERS: tuple[tuple[str, Role], ...] = (
    ("nguoi duoc uy quyen", Role.AGENT), ("nguoi nhan uy quyen", Role.AGENT), ("ben duoc uy quyen", Role.AGENT),
    ("nguoi uy quyen", Role.MAIN), ("nguoi yeu cau", Role.REQUESTER), ("nguoi di dang ky", Role.REQUESTER),
    ("nguoi di khai", Role.REQUESTER), ("nguoi me", Role.MOTHER), ("nguoi cha", Role.FATHER),
    ("chu ho", Role.HOUSEHOLD_HEAD), ("nguoi khai", Role.REQUESTER), ("goi khac", Role.OTHER),
    ("nguoi lam chung", Role.OTHER), ("chong", Role.MAIN), ("vo", Role.SPOUSE), ("me", Role.MOTHER),
    ("cha", Role.FATHER),
)

# Headings that start a person's block: "II. NGƯỜI ĐƯỢC ỦY QUYỀN:", "Đề nghị ... cho người dưới đây:".
_HEADINGS: tuple[tuple[str, Role | None], ...] = (
    ("nguoi duoc uy quyen", Role.AGENT), ("ben duoc uy quyen", Role.AGENT), ("ben nhan uy quyen", Role.AGENT),
    ("ben b", Role.AGENT), ("nguoi uy quyen", Role.MAIN), ("ben uy quyen", Role.MAIN), ("ben a", Role.MAIN),
    ("de nghi co quan dang ky khai sinh cho", Role.MAIN), ("de nghi co quan dang ky khai tu cho", Role.MAIN),
    ("de nghi dang ky khai sinh cho", Role.MAIN), ("nguoi yeu cau", Role.REQUESTER),
    ("thong tin nguoi chong", Role.MAIN), ("thong tin nguoi vo", Role.SPOUSE), ("ben chong", Role.MAIN),
    ("ben vo", Role.SPOUSE), ("noi dung uy quyen", None), ("pham vi uy quyen", None),
    ("thoi han uy quyen", None),
)
# Signature captions: who signs above "(Ký, ghi rõ họ tên)" (`signatures`). An official's caption
# ("CHỦ TỊCH", "XÁC NHẬN CỦA …") names none of these: its name is nobody's data, except the official a
# receipt names as having received the dossier ("NGƯỜI TIẾP NHẬN HỒ SƠ": FIELDS.md).
_SIGNERS: tuple[tuple[str, Role], ...] = (
    ("nguoi duoc uy quyen", Role.AGENT), ("nguoi nhan uy quyen", Role.AGENT), ("ben duoc uy quyen", Role.AGENT),
    ("ben nhan uy quyen", Role.AGENT), ("ben b", Role.AGENT), ("nguoi uy quyen", Role.MAIN),
    ("ben uy quyen", Role.MAIN), ("ben a", Role.MAIN), ("nguoi lam don", Role.MAIN), ("nguoi viet don", Role.MAIN),
    ("nguoi de nghi", Role.MAIN), ("nguoi nop ho so", Role.MAIN), ("nguoi yeu cau", Role.REQUESTER),
    ("nguoi tiep nhan ho so", Role.RECEIVER), ("can bo tiep nhan", Role.RECEIVER),
    ("nguoi di khai", Role.REQUESTER), ("nguoi khai", Role.REQUESTER), ("chong", Role.MAIN), ("vo", Role.SPOUSE),
)
# The headings long enough to be recognised with `_FUZZY_HEADING_EDITS` letters misread (`_heading_misread`)
_FUZZY_HEADING_MIN_CHARS, _FUZZY_HEADING_EDITS = 25, 2
_NUMBERING = re.compile(r"^[\s\-*•]*(?:(?:[ivx]+|\d+)[.)/:]?|[a-z][.)/:])\s+")  # OCR drops the dot of "II."
_HEADING_MAX_CHARS = 45
# The English halves of bilingual labels, and what stands before one when its Vietnamese half was
# misread ("Hy và tên / Full name:", the slash sometimes lost): a few words, no value
_ENGLISH_HALVES = frozenset({"full name", "date of birth", "place of residence", "personal identification number"})
_DAMAGED_FIRST_HALF = re.compile(r"[^\d:]{2,16}[\s/\-]")
_QUALIFIER_MAX_CHARS = 40


def aligned_fold(line: str) -> str:
    """Fold character by character so positions in the folded line are positions in `line`."""
    out = []
    for ch in line:
        folded = fold(ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


@dataclass(frozen=True)
class Segment:
    kind: Kind
    label: str  # folded label as matched
    qualifier: str  # folded text between the label and its colon ("nguoi me"), or ""
    value: str  # original text after the colon, up to the next label on the line
    start: int  # where the label starts in the line
    # The label's first, Vietnamese half was there but misread ("Hy và tên / Full name:")
    after_damaged_half: bool = False

    @property
    def at_line_start(self) -> bool:
        return self.start <= 6 or self.after_damaged_half  # after a numbering like "12. "

    @property
    def is_empty(self) -> bool:
        """No value after the label: only leaders, colons, slashes or dashes ("Họ và tên /-Full name:")."""
        return not any(ch.isalnum() for ch in self.value)


# A label misread by a letter or two ("Tôi tên à:", "Giấy từ tùy thân số:"): the whole text before a
# line's first colon within this many edits of one label, and of no other as close. Short labels
# need an exact match: one edit turns "sex" or "cccd" into too many other words.
_FUZZY_MIN_CHARS, _FUZZY_TWO_EDITS_CHARS = 8, 16
_FUZZY_HEAD = re.compile(r"^[\s\-*•]*(?:(?:[ivx]+|\d+)[.)/:]?\s+)?([^:]{6,40}?)\s*:")


# One letter the engine read as two narrower ones ("Sinli ngày" for Sinh ngày): each pair counts as one
# misread letter, not two edits
_SPLIT_LETTERS = (("li", "h"), ("rn", "m"), ("cl", "d"))


def _labels_near(text: str) -> list[tuple[int, str, Kind]]:
    """(edits, label, kind) of each label `text` may be, read with an error or two, closest first."""
    variants = {text} | {text.replace(pair, letter) for pair, letter in _SPLIT_LETTERS if pair in text}
    found: list[tuple[int, str, Kind]] = []
    for _, label, kind in LABELS:
        if len(label) < _FUZZY_MIN_CHARS or label.endswith(":"):
            continue
        allowed = 2 if len(label) >= _FUZZY_TWO_EDITS_CHARS else 1
        distance = min((edit_distance(variant, label, allowed) + (variant != text) for variant in variants
                        if abs(len(label) - len(variant)) <= allowed), default=allowed + 1)
        if distance <= allowed:
            found.append((distance, label, kind))
    return sorted(found)


def _closest_unless_tied(found: list[tuple[int, T]], meaning: Callable[[T], object]) -> list[T]:
    """Of (edits, candidate) pairs for a text read with errors, the closest candidates, closest first
    found, when they all mean the same (`meaning`: a label's kind, a heading's role); [] when none is
    found, or when one as close means something else: the misreading could be either, and neither
    is taken."""
    fewest = min((edits for edits, _ in found), default=0)
    closest = [candidate for edits, candidate in found if edits == fewest]
    return closest if len({meaning(candidate) for candidate in closest}) == 1 else []


# "Ngày, tháng, năm sinh" whose middle OCR garbled past the edit allowance ("Ngày, tháếữ, “Thăm Sinh"):
# its first and last words, the ones a birth-date label always has, survive. Not a registration's date
# ("Ngày đăng ký khai sinh", "Ngày cấp giấy khai sinh").
_DAMAGED_BIRTH_DATE_LABEL = re.compile(r"ngay\W(?!.*\b(?:khai|dang|cap)\b).{1,16}\Wsinh")


def _fuzzy_label(match: re.Match[str] | None) -> tuple[int, int, str, Kind] | None:
    """The label the text before the line's first colon (`_FUZZY_HEAD`'s match) is, read with an error
    or two; None if none."""
    if match is None:
        return None
    closest = _closest_unless_tied([(edits, (label, kind)) for edits, label, kind in _labels_near(match.group(1))],
                                   meaning=lambda label_and_kind: label_and_kind[1])
    return (match.start(1), match.end(1), *closest[0]) if closest else None


# A line that is only a label, read with an error or two in each half of a bilingual one ("Hệ và tần /
# Full nam;", "Họ và lên/ Fulí name", "Họ và tin; Fưi name"): its value is on the next line. Names are
# printed in capitals, labels are not: a line in capitals is never taken for one ("HỒ VĂN TẾN").
_LABEL_ONLY_MAX_CHARS = 45


def _label_only(line: str, folded: str) -> tuple[int, int, str, Kind] | None:
    """The label a short line without digits or brackets is, when its start or its end (the halves of
    a bilingual label) is within the fuzzy distance of labels of one kind only; it spans the whole
    line (the value is below)."""
    if (len(folded.strip()) > _LABEL_ONLY_MAX_CHARS or any(ch.isdigit() or ch in "()" for ch in folded)
            or line.upper() == line):
        return None
    words = re.sub(r"[^\w\s,]", " ", folded).split()
    halves = {" ".join(words[:cut]).strip(" ,") for cut in range(1, len(words) + 1)}
    halves |= {" ".join(words[cut:]).strip(" ,") for cut in range(1, len(words))}
    found = sorted((label, kind) for half in halves for _, label, kind in _labels_near(half))
    if len({kind for _, kind in found}) != 1:
        return None
    label, kind = found[0]
    return 0, len(folded), label, kind


def _label_hits(line: str, folded: str) -> list[tuple[int, int, str, Kind]]:
    hits: list[tuple[int, int, str, Kind]] = []
    taken = [False] * len(folded)
    head = _FUZZY_HEAD.match(folded)  # the text before the line's first colon
    if head and _DAMAGED_BIRTH_DATE_LABEL.fullmatch(head.group(1)):  # before "năm sinh" inside it is a label
        hits.append((head.start(1), head.end(1), "ngay, thang, nam sinh", Kind.DATE_OF_BIRTH))
        taken[head.start(1):head.end(1)] = [True] * (head.end(1) - head.start(1))
    for pattern, label, kind in LABELS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            before = folded[start - 1] if start else " "
            after = folded[end] if end < len(folded) else " "
            if before.isalnum() or (label[-1].isalnum() and after.isalnum()) or any(taken[start:end]):
                continue
            if folded.count("(", 0, start) > folded.count(")", 0, start):
                continue  # "(Ký, ghi rõ họ, chữ đệm, tên)": a signature note, not a label
            hits.append((start, end, label, kind))
            for i in range(start, end):
                taken[i] = True
    colon = folded.find(":")
    if colon > 0 and not any(start < colon for start, *_ in hits) and (fuzzy := _fuzzy_label(head)):
        hits.append(fuzzy)
    elif not hits and (whole := _label_only(line, folded)):
        hits.append(whole)
    return sorted(hits)


def scan(line: str) -> list[Segment]:
    """The label segments of one NFC line, left to right."""
    line = nfc(line)
    folded = aligned_fold(line)
    hits = _label_hits(line, folded)
    segments = []
    for index, (start, end, label, kind) in enumerate(hits):
        stop = hits[index + 1][0] if index + 1 < len(hits) else len(line)
        tail, folded_tail = line[end:stop], folded[end:stop]
        colon = folded_tail.find(":") if not label.endswith(":") else -1
        if label.endswith(":"):
            qualifier, value = "", tail
        elif 0 <= colon <= _QUALIFIER_MAX_CHARS:
            qualifier, value = folded_tail[:colon], tail[colon + 1:]
        else:
            # No colon (OCR lost it): the qualifier is the lower-case words before the value.
            words = tail.split()
            lead = 0
            while lead < len(words) and words[lead].islower() and kind is Kind.NAME:
                lead += 1
            qualifier = fold(" ".join(words[:lead]))
            value = " ".join(words[lead:])
        damaged_half = not segments and label in _ENGLISH_HALVES and bool(_DAMAGED_FIRST_HALF.fullmatch(folded[:start]))
        segments.append(Segment(kind, label, " ".join(qualifier.strip(" /-.").split()), value.strip(), start,
                                damaged_half))
    return _merge_bilingual(segments)


def _merge_bilingual(segments: list[Segment]) -> list[Segment]:
    """ "Họ và tên / Full name: X" is one label printed twice: keep the one that has the value. So is
    "Giấy tờ tùy thân: Thẻ căn cước số 079 302": the paper's name is a label of its own kind, and the
    number is the first label's (where that label starts says whose column it is in)."""
    merged: list[Segment] = []
    for segment in segments:
        if (merged and merged[-1].kind is segment.kind and _no_value(merged[-1])
                and merged[-1].label != segment.label):  # the same label twice: two table columns
            merged[-1] = Segment(segment.kind, merged[-1].label, merged[-1].qualifier, segment.value,
                                 merged[-1].start, merged[-1].after_damaged_half)
        else:
            merged.append(segment)
    return merged


def _no_value(segment: Segment) -> bool:
    """Nothing after the label, or, after an identity label, no digit ("Thẻ", "Căn cước công dân")."""
    return segment.is_empty or (segment.kind is Kind.IDENTITY and not any(ch.isdigit() for ch in segment.value))


def role_of_qualifier(qualifier: str) -> Role | None:
    """The person a qualifier names, or None when it names nobody ("(1)", "/CCCD")."""
    return _role_of_words(qualifier.split(), _QUALIFIERS)


def role_of_signer(caption: str) -> Role | None:
    """The person a signature caption names ("NGƯỜI ỦY QUYỀN"), or None (an official, or unread)."""
    return _role_of_words(re.findall(r"[a-z]+", aligned_fold(nfc(caption)).lower()), _SIGNERS)


def _role_of_words(words: list[str], phrases: tuple[tuple[str, Role], ...]) -> Role | None:
    """The role of the first phrase (in the table's order) that stands in `words` as whole words."""
    for phrase, role in phrases:
        phrase_words = phrase.split()
        for i in range(len(words) - len(phrase_words) + 1):
            if words[i:i + len(phrase_words)] == phrase_words:
                return role
    return None


# A request made for a relative, ending its line (stray marks after the colon aside): "Nay tôi làm đơn
# này … giải quyết cho con tôi là:", "… cho người thân của tôi là: - ˆ", "… cho ông/bà:" (the form's
# blank for either); the name and values that follow are theirs. (For a registration, "… khai sinh
# cho người dưới đây:", the person registered is the document's own: `_HEADINGS`.)
_FOR_A_RELATIVE = re.compile(r"\bcho (?:con|chau|em|me|bo|cha|vo|chong|ong ?/ ?ba|ong|ba|nguoi than)(?: (?:ruot|cua))?"
                             r"(?: toi)?(?: la\s*:?|\s*:)[^a-z0-9]*$")


# A second holder on the same line as their label ("và chồng: Ông: NGUYỄN VĂN QUÝ", "và vợ Bà: …"): the
# land user's spouse, printed after the first holder.
_AND_SPOUSE = re.compile(r"(?:^|\W)va (?:chong|vo)\b")


def co_holder_line(folded: str) -> bool:
    """Whether the line (`aligned_fold`ed) introduces a further holder of the document ("… và chồng: Ông: …")."""
    return bool(_AND_SPOUSE.search(folded))


def heading_role(folded: str, next_folded: str = "") -> tuple[bool, Role | None]:
    """(is a heading, the role whose block it starts; None: a block of nobody's data), of a line as
    `aligned_fold` gives it; `next_folded`, the line after it, for a request for a relative whose
    last words the line wrapped ("… giải quyết cho người thân" / "của tôi là:")."""
    folded = folded.strip()
    wrapped = _FOR_A_RELATIVE.search(f"{folded} {next_folded.strip()}") if next_folded else None
    if _FOR_A_RELATIVE.search(folded) or (wrapped and wrapped.start() < len(folded)):  # begun on this line
        return True, Role.BENEFICIARY
    body = _NUMBERING.sub("", folded).strip()
    if len(body) > _HEADING_MAX_CHARS and not body.endswith(":"):
        return False, None
    for phrase, role in _HEADINGS:
        if body.startswith(phrase) and (len(body) == len(phrase) or not body[len(phrase)].isalnum()):
            return True, role
    return _heading_misread(body)


def _heading_misread(body: str) -> tuple[bool, Role | None]:
    """A long heading read with an error or two ("Đề nghị cdquan đăng ký khai sinh cho người dưới đây:"):
    the line's start within `_FUZZY_HEADING_EDITS` of it, cut at a word's end, and of no heading of
    another role as close. Short headings ("Bên A") need an exact match: an edit makes them other words."""
    found: list[tuple[int, Role | None]] = []
    for phrase, role in _HEADINGS:
        if len(phrase) < _FUZZY_HEADING_MIN_CHARS:
            continue
        for end in range(len(phrase) - _FUZZY_HEADING_EDITS, len(phrase) + _FUZZY_HEADING_EDITS + 1):
            if end <= len(body) and (end == len(body) or not body[end].isalnum()) and \
                    (distance := edit_distance(body[:end], phrase, _FUZZY_HEADING_EDITS)) <= _FUZZY_HEADING_EDITS:
                found.append((distance, role))
    closest = _closest_unless_tied(found, meaning=lambda role: role)
    return (True, closest[0]) if closest else (False, None)


def follows_the_requesters_block(folded: str) -> bool:
    """Whether a heading (`aligned_fold`ed) that starts the document's person's block ends the block of
    the person who asks for the registration: "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"
    comes after the requester's name, ID and address on a registration form."""
    return _NUMBERING.sub("", folded).strip().startswith("de nghi ")


def is_two_person_table_header(folded: str) -> bool:
    """ "Thông tin người chồng   Thông tin người vợ" (`aligned_fold`ed): the marriage certificate's two columns."""
    words = folded.replace(":", " ").split()
    return "chong" in words and "vo" in words and len(words) <= 8
