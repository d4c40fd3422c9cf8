"""What a message says in the writer's own words, for drafts and summaries.

A customer writes "Hello, since this morning … here is an excerpt:", pastes forty log lines or
a stack trace, says what they already tried and signs. A hand-off packet's symptoms and a
thread summary want the sentences, not the log: the log is a diagnostic (its templates and
the trace are facts of the ticket). So a message is read as

- its new text (the quoted history and the ``-- `` signature are cut off, ``inbound``; a
  quoted line inside an inline answer is left out too),
- without pasted log lines (``log_templates.read_log_lines``: lines with the header learned
  from the text, machine text, and a paragraph of machine tokens such as a pasted SIP exchange;
  but a line that reads as a sentence stays, and so does "Nothing happens" typed without a
  full stop) and stack traces (``fact_traces``: frames, the exception line, the "Traceback"
  header),
- without its greeting and sign-off lines (en/de/it/fr/es formulas),

and split into sentences. ``statement`` picks a sentence or two that say something: courtesy
("Thanks for the quick reply.", "Ich hoffe, Sie können helfen.") and lines that only introduce
what follows ("Here is the log:") are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tierdesk.domain.fact_text import Reading
from tierdesk.domain.fact_traces import find_traces
from tierdesk.domain.inbound import split_reply
from tierdesk.domain.log_prose import LineLabel, line_labels
from tierdesk.domain.log_templates import read_log_lines

MAX_STATEMENT_CHARS = 300
LONG_MESSAGE_EDGE = 1000  # lines read at each end of a longer message
MIN_SENTENCE_WORDS = 4  # a line of machine text that opens with three words and ends a sentence

_SENTENCE = re.compile(r"(?<=[.!?])[\"'»”)]*\s+(?=[\"'«“(¿¡]?[A-ZÀ-Ý0-9¿¡])")
# Abbreviations that end in a full stop without ending the sentence, in five languages (a
# single letter: "z. B.", "d. h.", "p. ex.").
_ABBREVIATION = re.compile(
    r"(?:^|\s|\()(?:e\.g|i\.e|[^\W\d_]|bzw|ca|vs|approx|incl|Nr|No|Dr|Mr|Mrs|Ms|St|ad\s?es|"
    r"p\.\s?es|cf|p\.\s?ex|ej|p\.\s?ej|Sig|Mme|Sr|Sra)\.$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
# A word of a sentence: letters, inner apostrophes or hyphens, punctuation around it.
_PLAIN = re.compile(r"[^\w\s]*[^\W\d_]+(?:['’-][^\W\d_]+)*[^\w\s]*")
_SENTENCE_END = re.compile(r"[.!?][\"'»”)]*$")
# A token only a machine writes: digits, paths, addresses, key=value, identifiers.
_MACHINE_TOKEN = re.compile(r"\d|[/@=_\\<>\[\]{}|]|\w:\S")
_TRACEBACK = re.compile(r"^\s*Traceback \(most recent call last\):\s*$")
_GREETING = re.compile(
    r"^(?:hello|hi|hey|dear|good (?:morning|afternoon|evening)|hallo|liebe[rs]?|"
    r"sehr geehrte[rs]?|guten (?:morgen|tag|abend)|moin|servus|bonjour|bonsoir|salut|"
    r"cher|chère|chers|madame|monsieur|ciao|buongiorno|buonasera|salve|gentile|gentili|egregio|"
    r"caro|cara|cari|hola|buenos días|buenas tardes|buenas|estimad[oa]s?)\b",
    re.IGNORECASE,
)
# Words that may stand after a greeting formula on its line: "Hallo zusammen", "Dear team".
_ADDRESSEE = re.compile(
    r"^(?:all|team|everyone|support|zusammen|team|damen|und|herren|a tutti|tutti|à tous|"
    r"tous|a todos|todos|equipo|équipe|madame|monsieur|signori|señores|señoras)$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:thanks|thank you|many thanks|thx|regards|best regards|kind regards|best|cheers|"
    r"sincerely|yours|danke|vielen dank|besten dank|grüße|gruß|viele grüße|beste grüße|"
    r"liebe grüße|mit freundlichen grüßen|mfg|merci|cordialement|bien cordialement|"
    r"bien à vous|salutations|amicalement|grazie|grazie mille|saluti|cordiali saluti|"
    r"distinti saluti|un saluto|gracias|muchas gracias|saludos|un saludo|atentamente|"
    r"cordialmente)\b",
    re.IGNORECASE,
)
# What may follow a closing formula on its line ("Thanks in advance", "Danke und Grüße").
_CLOSING_TAIL = re.compile(
    r"^(?:in|advance|again|and|a|lot|much|so|very|und|im|voraus|schon|mal|e|in anticipo|"
    r"anticipo|mille|ancora|d'avance|par avance|avance|et|de|antemano|y|por|adelantado|"
    r"gruß|grüße|saluti|regards|saludos|salutations)$",
    re.IGNORECASE,
)
# Sentences that are only courtesy: thanks, apologies, hopes, "any news" aside.
_COURTESY = re.compile(
    r"^(?:thanks|thank you|many thanks|thx|sorry|apologies|i am sorry|i'm sorry|we are sorry|"
    r"we're sorry|best|regards|kind regards|cheers|danke|vielen dank|besten dank|"
    r"entschuldigung|entschuldigen sie|es tut mir leid|grazie|scusa|scusate|scusi|ci scusiamo|"
    r"mi scuso|merci|désolé|désolée|pardon|excusez|gracias|perdón|disculpe|disculpen|"
    r"lo siento|sentimos)\b",
    re.IGNORECASE,
)
_HOPE = re.compile(
    r"^(?:i hope|we hope|hope|hoping|ich hoffe|wir hoffen|hoffe|spero|speriamo|j'espère|"
    r"j’espère|nous espérons|espérant|espero|esperamos|esperando)\b",
    re.IGNORECASE,
)

# A sentence that only asks for help ("Can you help?", "Können Sie helfen?").
_HELP = re.compile(
    r"^(?:(?:can|could) (?:you|someone|anyone) (?:please )?help(?: us| me)?|please (?:help|advise)|"
    r"(?:können|könnten) sie (?:uns |mir )?(?:bitte )?helfen|könnt ihr (?:uns |mir )?helfen|"
    r"(?:potete|potreste|può|potrebbe) aiutar(?:mi|ci)|"
    r"(?:pouvez|pourriez)-vous (?:nous |m'|m’)aider|"
    r"(?:pueden|puede|podrían|podría) ayudar(?:me|nos))\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Prose:
    sentences: tuple[str, ...]  # the writer's own sentences, in order
    log_lines: int = 0  # pasted log or trace lines left out


def sentences_of(text: str) -> list[str]:
    """Sentences of running text; a blank line or a list item also ends one, an abbreviation
    ("e.g.", "z. B.") does not."""
    found: list[str] = []
    for paragraph in _paragraphs(text):
        marker = _LIST_ITEM.match(paragraph)  # "2. Restarted it" is one sentence, not "2." and …
        head = paragraph[: marker.end()] if marker else ""
        parts: list[str] = []
        for part in (s.strip() for s in _SENTENCE.split(paragraph[len(head) :])):
            if parts and _ABBREVIATION.search(parts[-1]):
                parts[-1] = f"{parts[-1]} {part}"  # "e.g. "Hélène"" goes on
            elif part:
                parts.append(part)
        if parts:
            parts[0] = head + parts[0]
        found += parts
    return found


def _paragraphs(text: str) -> list[str]:
    """Lines joined into runs of prose: a blank line or a list item starts a new one."""
    runs: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip() or _LIST_ITEM.match(line):
            runs.append([])
        if line.strip():
            runs[-1].append(line.strip())
    return [" ".join(run) for run in runs if run]


def read_prose(text: str) -> Prose:
    """The message's own sentences (see the module's docstring)."""
    lines = split_reply(text).new_text.splitlines()
    diagnostic = _diagnostic_lines(lines)
    # A left-out line leaves a blank, so the sentences around a log never run together; lines
    # quoted inside an inline answer ("> 1. Restart the phone") are the other side's words.
    kept = [
        "" if machine or line.lstrip().startswith(">") else line
        for line, machine in zip(lines, diagnostic, strict=True)
    ]
    body = _without_formulas(kept)
    if not any(line.strip() for line in body):
        body = kept  # "Thanks, no change." alone is what the message says
    return Prose(tuple(sentences_of("\n".join(body))), sum(diagnostic))


def own_text(text: str) -> str:
    """The message's new text laid out as its writer wrote it: without the quoted history,
    lines quoted inside an inline answer, the greeting and the sign-off with the signature,
    and runs of blank lines. Unlike ``read_prose`` it keeps machine text and the lines: in an
    agent's answer a command, a menu path or a pattern is what the customer is told to use,
    and a numbered step or a heading stands on its own line."""
    lines = [
        "" if line.lstrip().startswith(">") else line.rstrip()
        for line in split_reply(text).new_text.splitlines()
    ]
    body = _without_formulas(lines)
    if not any(line.strip() for line in body):
        body = lines  # "Thanks, no change." alone is what the message says
    return re.sub(r"\n{3,}", "\n\n", "\n".join(body)).strip()


def _diagnostic_lines(lines: list[str]) -> list[bool]:
    """Which lines are pasted log or trace lines. A very long message is read at its head and
    tail: what a person writes around a paste of thousands of lines stands there, and learning
    a header costs time by the line."""
    if len(lines) > 2 * LONG_MESSAGE_EDGE:
        head, tail = lines[:LONG_MESSAGE_EDGE], lines[-LONG_MESSAGE_EDGE:]
        middle = [True] * (len(lines) - 2 * LONG_MESSAGE_EDGE)
        return _diagnostic_lines(head) + middle + _diagnostic_lines(tail)
    parsed = read_log_lines(lines) if lines else []
    labels = line_labels(lines)
    machine = any(p is not None and p.header for p in parsed) or LineLabel.LOG in labels
    diagnostic = []
    for index, (line, read) in enumerate(zip(lines, parsed, strict=True)):
        if read is None:
            diagnostic.append(False)
        elif read.header:
            diagnostic.append(True)
        elif _reads_as_sentence(line):
            # "Directory is OpenLDAP 2.6. Template: ldap.base = ou=people." is what they
            # wrote, whatever machine text it holds.
            diagnostic.append(False)
        elif machine:
            diagnostic.append(True)
        else:
            # Without a header or a line of machine text, an unlabelled paragraph is log only
            # when it looks like machine text ("SIP/2.0 401 Unauthorized"), not "Nothing
            # happens" typed without a full stop.
            paragraph = _paragraph_of(lines, index)
            tokens = sum(bool(_MACHINE_TOKEN.search(other)) for other in paragraph)
            diagnostic.append(2 * tokens >= len(paragraph))
    text = "\n".join(lines)
    reading = Reading(text)
    spans = [(f.start, f.end) for f in find_traces(reading)] + reading.frames
    if spans:
        position = 0
        for index, line in enumerate(lines):
            end = position + len(line)
            if any(start < end and stop > position for start, stop in spans):
                diagnostic[index] = True
            position = end + 1
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _TRACEBACK.match(line) and following.startswith((" ", "\t")):
            diagnostic[index] = True
    return diagnostic


def _reads_as_sentence(line: str) -> bool:
    words = line.split()
    return (
        len(words) >= MIN_SENTENCE_WORDS
        and all(_PLAIN.fullmatch(word) for word in words[:3])
        and _SENTENCE_END.search(line.rstrip()) is not None
    )


def _paragraph_of(lines: list[str], index: int) -> list[str]:
    start = index
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = index
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    return lines[start : end + 1]


def _without_formulas(lines: list[str]) -> list[str]:
    """The lines without the greeting at the start and from the sign-off on."""
    kept: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            kept.append(line)
            continue
        if _is_closing(text) and any(k.strip() for k in kept):
            break  # what follows a sign-off is the signature
        if not any(k.strip() for k in kept):
            if _is_greeting(text):
                continue
            line = _after_inline_greeting(line)
        kept.append(line)
    while len([k for k in kept if k.strip()]) > 1 and _is_name(kept[-1].strip()):
        kept.pop()  # a name or company under the text, with no sign-off before it
    return kept


def _after_inline_greeting(line: str) -> str:
    """ "Dear Harry, the relay pointed to the old server" → "The relay pointed to the old
    server": a greeting and its addressee before a comma on the first line with the text. Sent
    on as an answer to someone else, it greeted them by a stranger's name."""
    text = line.strip()
    match = _GREETING.match(text)
    head, comma, rest = text[match.end() :].partition(",") if match else ("", "", "")
    words = head.split()
    addressed = len(words) <= 3 and all(w[:1].isupper() or _ADDRESSEE.match(w) for w in words)
    if not comma or not addressed or not rest.strip():
        return line
    rest = rest.strip()
    return rest[:1].upper() + rest[1:]


def _is_name(text: str) -> bool:
    words = text.split()
    return not text or (
        len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not re.search(r"[.!?:;,]$", text)
    )


def _is_greeting(text: str) -> bool:
    match = _GREETING.match(text)
    if match is None:
        return False
    rest = text[match.end() :].strip(" ,!:;.")
    words = rest.split()
    if text.rstrip().endswith((",", "!", ":")) and len(words) <= 4:
        return True
    return all(w[:1].isupper() or _ADDRESSEE.match(w) for w in words) and len(words) <= 3


def _is_closing(text: str) -> bool:
    match = _CLOSING.match(text)
    if match is None or text.rstrip().endswith(":"):
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", text[match.end() :])
    return len(words) <= 3 and all(w[:1].isupper() or _CLOSING_TAIL.match(w) for w in words)


def is_courtesy(sentence: str) -> bool:
    """Only thanks, an apology, a hope or a sign-off; nothing about the problem."""
    if _HOPE.match(sentence) is not None or _HELP.match(sentence) is not None:
        return True
    return _COURTESY.match(sentence) is not None and not without_courtesy(sentence)


def without_courtesy(sentence: str) -> str:
    """The sentence from after a leading courtesy clause ("Thanks, no change." is "no
    change."), the whole sentence when it has none, "" when it is nothing else."""
    if _COURTESY.match(sentence) is None:
        return sentence
    _, comma, rest = sentence.partition(", ")
    if comma and len(rest.split()) >= 2 and _COURTESY.match(rest) is None:
        return rest[:1].upper() + rest[1:]
    return ""


def substance(sentences: Iterable[str]) -> list[str]:
    """The sentences that say something: no courtesy (a leading "Thanks, " is dropped), no
    line that only introduces what follows ("Here is the log:")."""
    return [without_courtesy(s) for s in sentences if not s.endswith(":") and not is_courtesy(s)]


def statement(prose: Prose, max_sentences: int = 2, max_chars: int = MAX_STATEMENT_CHARS) -> str:
    """The first sentences that say something: no courtesy, no line that only introduces
    what follows ("Here is the log:"). Falls back to the first sentence."""
    chosen = substance(_LIST_ITEM.sub("", s) for s in prose.sentences)[:max_sentences]
    if not chosen and prose.sentences:
        chosen = [prose.sentences[0]]
    return clip(" ".join(chosen), max_chars)


def gist(prose: Prose) -> str:
    """A message in a sentence or two, with a note of any log it pasted (a message that is
    only a log still says something: that the customer sent one)."""
    said = statement(prose)
    if prose.log_lines:
        pasted = f"(pasted a log of {prose.log_lines} lines)"
        return f"{said} {pasted}" if said else pasted
    return said or "(no text)"


def clip(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
