"""Rule-based résumé parsing: section headings, contact lines, role headers, bullets.

Every field is copied from a source line (trimmed of markup), never composed, so the guard
can treat the parsed résumé as ground truth and evidence quotes are verbatim. Text nobody
could parse (an image-only PDF, an empty file) is an error, never an empty profile.
"""

from __future__ import annotations

import re
import unicodedata

from products.resume_assistant.core.dates import find_date_range
from products.resume_assistant.core.models import Contact, Education, Resume, Role
from shared.errors import BadInput

NO_TEXT = ("no text found — export a text PDF or paste the text (an image-only or empty "
           "résumé cannot be read without OCR).")
SECTION_WORDS = {
    "summary": "summary", "profile": "summary", "professional summary": "summary",
    "about": "summary", "about me": "summary", "objective": "summary",
    "experience": "experience", "work experience": "experience", "employment": "experience",
    "professional experience": "experience", "work history": "experience",
    "employment history": "experience", "career history": "experience",
    "education": "education", "education and training": "education",
    "skills": "skills", "technical skills": "skills", "core skills": "skills",
    "key skills": "skills", "core competencies": "skills", "tools": "skills",
    "projects": "projects", "selected projects": "projects", "side projects": "projects",
    "certifications": "certifications", "certificates": "certifications",
    "experiencia": "experience", "experiencia profesional": "experience",
    "experience professionnelle": "experience", "berufserfahrung": "experience",
    "educacion": "education", "formacion": "education", "formation": "education",
    "ausbildung": "education", "habilidades": "skills", "competencias": "skills",
    "competences": "skills", "kenntnisse": "skills", "resumen": "summary", "perfil": "summary",
    "profil": "summary", "certificaciones": "certifications", "proyectos": "projects",
    "licenses and certifications": "certifications", "licences and certifications":
    "certifications", "certifications and licenses": "certifications",
    "skill details": "skills", "education details": "education",
    "company details": "experience", "work details": "experience",
    "employment details": "experience", "academic details": "education",
    "educational qualification": "education", "educational qualifications": "education",
    "academic qualifications": "education", "technical skill": "skills",
}
# A section heading glued to the line before it ("...1 year monthsCompany Details").
GLUED_HEADING = re.compile(r"(?<=[a-z.)])(?=(?:Company|Education|Skill|Employment|Work|"
                           r"Academic) Details\b)")
# "company - Acme Ltd" / "description - ...": the export format of many résumé sites.
COMPANY_LINE = re.compile(r"^\s*(?:company|employer|organi[sz]ation)\s*[-:–]\s*(.*)$",
                          re.IGNORECASE)
DESCRIPTION_LINE = re.compile(r"^\s*(?:description|responsibilities)\s*[-:–]\s*",
                              re.IGNORECASE)
EDUCATION_CUE = re.compile(r"universit|college|school|institut|academy|board|polytechnic|"
                           r"\b(?:hsc|ssc|cbse|icse|gcse|a levels?)\b|(?:19|20)\d\d",
                           re.IGNORECASE)
# Anonymised placeholders stand for a value that is not there.
PLACEHOLDERS = frozenset({"company name", "employer name", "city", "state", "city state",
                          "city, state", "your name", "name", "first last", "address",
                          "company", "na", "xyz", "abc"})
_NOT_NAME = """resume curriculum vitae cv profile summary objective details
skills skill education experience experiences company companies project projects personal
information contact engineer engineering developer manager analyst consultant executive
officer assistant associate specialist administrator designer architect lead senior junior
trainee intern fresher student teacher professor advocate lawyer doctor nurse sales
marketing finance hr human resources data science scientist software hardware network
security civil electrical mechanical technical professional career college university school
institute limited ltd pvt inc llc technologies solutions services private city state address
name email phone mobile date birth gender nationality languages hobbies declaration key core
highlights achievements responsibilities role roles present current expert certified"""
NOT_NAME_WORDS = frozenset(_NOT_NAME.split())
BULLET = re.compile(r"^\s*(?:[-*•▪◦●‣]|\d+[.)])\s+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d ().-]{7,}\d")
LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|[\w-]+\.(?:dev|io|me))"
                  r"/?[\w/.-]*", re.IGNORECASE)
HEADER_SPLIT = re.compile(r"\s+(?:—|–|-|@|at)\s+|\s*\|\s*")
COMMA_SPLIT = re.compile(r",\s+")
MIN_TEXT_CHARS = 40


def clean_line(line: str) -> str:
    """A line without Markdown emphasis, heading hashes, bullet marks or edge spaces."""
    line = re.sub(r"^#{1,6}\s*", "", line.strip())
    line = BULLET.sub("", line)
    return line.replace("**", "").replace("__", "").strip()


def section_of(line: str) -> str:
    """The section a heading line opens ('' when the line is not a heading)."""
    plain = unicodedata.normalize("NFKD", clean_line(line).lower()).encode("ascii", "ignore")
    key = re.sub(r"[^a-z ]", "", plain.decode().rstrip(":")).strip()
    return SECTION_WORDS.get(key, "") if len(line) < 60 else ""


def parse_resume(text: str) -> Resume:
    """Split the text into sections by heading, then parse each section by its own rules."""
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise BadInput(f"The résumé has {NO_TEXT}")
    sections = _split_sections(GLUED_HEADING.sub("\n", text).splitlines())
    lines = {name: body for name, body in sections.items()}
    return Resume(
        contact=parse_contact(lines.get("header", [])),
        summary=" ".join(clean_line(line) for line in lines.get("summary", []) if line.strip()),
        experience=parse_roles(lines.get("experience", [])),
        education=parse_education(lines.get("education", [])),
        skills=_list_items(lines.get("skills", [])),
        projects=_paragraph_items(lines.get("projects", [])),
        certifications=_paragraph_items(lines.get("certifications", [])),
        text=text,
    )


def _split_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"header": []}
    current = "header"
    for line in lines:
        name = section_of(line) if line.strip() else ""
        if name:
            current = name
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def parse_contact(lines: list[str]) -> Contact:
    """Name = first non-empty header line without an e-mail or digits; the rest by pattern."""
    cleaned = [clean_line(line) for line in lines if line.strip()]
    joined = " | ".join(cleaned)
    email = EMAIL.search(joined)
    phone = PHONE.search(EMAIL.sub(" ", joined))
    name = next((line for line in cleaned[:3] if looks_like_name(line)), "")
    links = [match.group(0) for match in LINK.finditer(EMAIL.sub(" ", joined))]
    return Contact(name=name, email=email.group(0) if email else "",
                   phone=phone.group(0).strip() if phone else "", links=links,
                   location=_location(cleaned, name))


def looks_like_name(line: str) -> bool:
    """A person's name: 2-4 capitalised words of letters only, none a headline or section
    word ("Data Science Engineer", "Skill Details") nor a placeholder ("Your Name"). Text
    that is not clearly a name gives no name ("name not found"): a wrong name is worse."""
    if EMAIL.search(line) or any(c.isdigit() for c in line) or ":" in line:
        return False
    words = line.replace(",", " ").split()
    if not 2 <= len(words) <= 4:  # placeholders ("Your Name") hold a NOT_NAME word
        return False
    return all(re.fullmatch(r"[A-Z][A-Za-z'’.-]*|[A-Z]\.?", w) for w in words) and not any(
        normalize_plain(w) in NOT_NAME_WORDS for w in words)


def normalize_plain(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z/, ]", "", plain).strip(" ,")


def _location(lines: list[str], name: str) -> str:
    """A 'City, Region' part of a contact line that is not the name, e-mail, phone or link."""
    for line in lines:
        for part in re.split(r"\s*[|·•]\s*", line):
            if part != name and "," in part and not EMAIL.search(part) and \
                    not PHONE.search(part) and not LINK.search(part):
                return part.strip()
    return ""


def parse_roles(lines: list[str]) -> list[Role]:
    """A header is a line with a date range, or one followed by a dates-only line; the lines
    after it are its bullets. Where the section marks bullets ("- ", "•"), an unmarked line
    continues the bullet above (a PDF wraps long lines); where it does not (Word lists lose
    their marks), each line is a bullet."""
    raws = [raw for raw in lines if raw.strip()]
    if any(COMPANY_LINE.match(raw) for raw in raws):
        return _company_blocks(raws)
    marked = any(BULLET.match(raw) for raw in raws)
    roles: list[Role] = []
    for index, raw in enumerate(raws):
        line = clean_line(raw)
        if roles and not roles[-1].dates and _is_dates_line(line):
            _set_dates(roles[-1], line)
        elif _is_header(raw, raws[index + 1:index + 2]) or not roles:
            roles.append(_role_from_header(line))
        elif marked and not BULLET.match(raw) and roles[-1].bullets:
            roles[-1].bullets[-1] = f"{roles[-1].bullets[-1]} {line}"
        else:
            roles[-1].bullets.append(line)
    return roles


def _company_blocks(raws: list[str]) -> list[Role]:
    """One role per "company - X" block; its description lines (split at their bullets,
    mojibake ones too) are the bullets. "Company Name" and blanks give no employer."""
    from products.resume_assistant.core.segments import split_glued

    roles: list[Role] = []
    for raw in raws:
        company = COMPANY_LINE.match(raw)
        if company:
            employer = company.group(1).strip()
            if normalize_plain(employer) in PLACEHOLDERS:
                employer = ""
            roles.append(Role(header=clean_line(raw), employer=employer))
            continue
        if not roles:
            continue
        for item in split_glued(DESCRIPTION_LINE.sub("", raw)):
            if find_date_range(item)[0] and not roles[-1].dates:
                _set_dates(roles[-1], item)
            roles[-1].bullets.append(item)
    return [role for role in roles if role.employer or role.bullets]


def _is_dates_line(line: str) -> bool:
    dates, _, _ = find_date_range(line)
    return bool(dates) and len(line) - len(dates) < 40


def _is_header(raw: str, following: list[str]) -> bool:
    if BULLET.match(raw):
        return False
    line = clean_line(raw)
    return bool(find_date_range(line)[0]) or (
        bool(following) and not BULLET.match(following[0])
        and _is_dates_line(clean_line(following[0])))


def _set_dates(role: Role, line: str) -> None:
    role.dates, role.start_year, role.end_year = find_date_range(line)


def _role_from_header(line: str) -> Role:
    """'Title — Employer | dates' (or 'at', '@', or commas when nothing else separates them);
    the title comes first, so 'Senior PM, Growth — Acme' keeps its comma in the title."""
    role = Role(header=line)
    _set_dates(role, line)
    rest = line.replace(role.dates, " ") if role.dates else line
    parts = [part.strip(" ,|()") for part in HEADER_SPLIT.split(rest)]
    parts = [part for part in parts if part]
    if len(parts) < 2:  # "Title, Employer" only when no dash, pipe or "at" separates them
        parts = [part.strip(" ,|()") for part in COMMA_SPLIT.split(rest) if part.strip(" ,|()")]
    role.title = parts[0] if parts else ""
    role.employer = parts[1] if len(parts) > 1 else ""
    return role


def parse_education(lines: list[str]) -> list[Education]:
    """One entry per degree: non-bullet lines, bullets under one are its details, and a
    line repeating a degree already listed (same degree level and three words in common,
    "MBA SNS College of Engineering" after "2017 MBA ... SNS College of Engineering") is a
    detail of it, not a second degree."""
    return _merge_repeated(_education_lines(lines))


def _merge_repeated(entries: list[Education]) -> list[Education]:
    from products.resume_assistant.core.degrees import degree_level

    kept: list[Education] = []
    for entry in entries:
        words = set(normalize_plain(entry.line).replace(",", " ").split())
        level = degree_level(entry.line)
        twin = next((k for k in kept if level and degree_level(k.line) == level and
                     len(words & set(normalize_plain(k.line).replace(",", " ").split())) >= 3),
                    None)
        if twin is None and kept and not (level or entry.dates or EDUCATION_CUE.search(
                entry.line)):
            twin = kept[-1]  # a stray line (a repeated headline) is no degree of its own
        if twin is None:
            kept.append(entry)
        else:
            twin.details.append(entry.line)
    return kept


def _education_lines(lines: list[str]) -> list[Education]:
    entries: list[Education] = []
    for raw in lines:
        if not raw.strip():
            continue
        line = clean_line(raw)
        if BULLET.match(raw) and entries:
            entries[-1].details.append(line)
        elif entries and _is_dates_line(line) and not entries[-1].dates:
            entries[-1].dates = find_date_range(line)[0] or line
        else:
            entries.append(Education(line=line, dates=find_date_range(line)[0]))
    return entries


def _list_items(lines: list[str]) -> list[str]:
    """Skills written as bullets, comma lists or 'Label: a, b' lines, each item as written."""
    items: list[str] = []
    for raw in lines:
        line = clean_line(raw)
        if ":" in line:
            line = line.split(":", 1)[1]
        items.extend(part.strip() for part in re.split(r"[,;•|]", line) if part.strip())
    return items


def _paragraph_items(lines: list[str]) -> list[str]:
    return [clean_line(line) for line in lines if line.strip()]


__all__ = ["NO_TEXT", "clean_line", "looks_like_name", "parse_contact", "parse_resume",
           "parse_roles", "section_of"]
