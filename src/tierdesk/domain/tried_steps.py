"""Steps tried and their results, read from a thread in en/de/it/fr/es.

Three kinds of step: the numbered or bulleted instructions an agent gave (answered by the
customer's next message), what an internal note says was done ("Checked the IKE log",
"IKE-Log geprüft", "Riavviato il relay"), and what the customer says they already did ("We
already rebooted the phones", "Wir haben die Telefone neu gestartet", "J'ai déjà redémarré").

A step's result is what was said about *that* step. When an answer covers several steps, each
sentence goes to the step it names (words it shares with that step and not with all the others;
"Restarting the relay" names "Restart the media relay", "riavviato" names "Riavviate"); a list
numbered like the steps pairs by number; a sentence that names no step but gives a verdict ("No
change.", "Keine Änderung.", "Sigue igual.") is the result of every step that has none of its
own. A step nobody answered keeps an empty result rather than a neighbour's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_ITEM = re.compile(r"^\s*(?:(?P<number>\d{1,2})[.)]|[-*•])\s+(?P<text>\S.*)$")
_WORD = re.compile(r"[^\W\d_]{3,}|\d+[^\W_]*", re.UNICODE)
# Function words and instruction words that never tell one step from another.
_STOP = frozenset(
    [
        *("the", "and", "for", "with", "that", "this", "then", "also", "your", "our", "you"),
        *("please", "try", "check", "make", "sure", "into", "from", "have", "has", "was", "were"),
        *("are", "not", "but", "all", "any", "can", "could", "would", "should", "will", "just"),
        *("again", "der", "die", "das", "den", "dem", "des", "und", "oder", "mit", "für", "auf"),
        *("aus", "bei", "bitte", "eine", "einen", "einem", "einer", "ist", "sind", "nicht"),
        *("noch", "auch", "dann", "wie", "sie", "ihr", "ihre", "wir", "ich", "prüfen"),
        *("versuchen", "schon", "il", "lo", "la", "le", "gli", "che", "per", "con", "del"),
        *("della", "dei", "delle", "non", "una", "uno", "sono", "anche", "poi", "favore"),
        *("vostro", "vostra", "provate", "verificate", "controllate", "les", "une", "est", "pas"),
        *("pour", "avec", "sur", "dans", "vous", "votre", "nous", "puis", "aussi", "merci"),
        *("vérifiez", "essayez", "los", "las", "por", "para", "que", "sus", "usted", "ustedes"),
        *("también", "luego", "favor", "compruebe", "pruebe", "revise"),
    ]
)
# A sentence that reports an outcome, in five languages.
_VERDICT = re.compile(
    r"\b(?:no change|no difference|no luck|no effect|no improvement|unchanged|nothing changed|"
    r"(?:did ?n[o']t|does ?n[o']t|do ?n[o']t) (?:help|work|change)|didn't help|still|same|"
    r"works?|working|worked|fixed|solved|resolved|helped|fails?|failed|without success|done|"
    r"keine (?:änderung|veränderung|besserung)|unverändert|(?:hat|hilft|half) nicht|"
    r"nicht geholfen|ohne erfolg|erfolglos|immer noch|noch immer|weiterhin|gleich|"
    r"funktioniert|geht (?:wieder|jetzt|nicht)|behoben|gelöst|geholfen|kein unterschied|erledigt|"
    r"nessun (?:cambiamento|effetto|miglioramento)|nessuna differenza|non (?:è )?cambiat[oa]|"
    r"non ha (?:aiutato|funzionato)|senza successo|ancora|sempre uguale|uguale|funziona|"
    r"risolto|ha funzionato|fatto|"
    r"aucun (?:changement|effet)|aucune (?:différence|amélioration)|pas de changement|"
    r"rien n'a changé|n'a (?:pas aidé|rien changé)|sans succès|toujours|pareil|fonctionne|"
    r"marche|résolu|réglé|corrigé|"
    r"ningún cambio|sin cambios?|sin éxito|no (?:ha )?(?:cambiado|cambió|ayudado|ayudó|funcionado|"
    r"funcionó)|sigue|todavía|aún|igual|funciona|resuelto|solucionado|hecho)\b",
    re.IGNORECASE,
)
# What was done: English from the sentence's start ("Checked …", "We already restarted …").
_DONE_EN = (
    r"(?:tried|checked|verified|tested|confirmed|restarted|rebooted|reset|upgraded|downgraded|"
    r"ran|reproduced|replaced|reinstalled|updated|cleared|disabled|enabled|power-cycled|"
    r"swapped|changed|removed|deleted|re-?registered|re-?provisioned|factory-reset)"
)
_SUBJECT_EN = (
    r"(?:i|we|they|the customer|customer)"
    r"(?:'ve|’ve|\s+(?:have|had|also|already|just|then|first|again|both))*\s+"
)
_CUSTOMER_EN = re.compile(rf"^{_SUBJECT_EN}(?:already\s+)?{_DONE_EN}\b", re.IGNORECASE)
_NOTE_EN = re.compile(rf"^(?:{_SUBJECT_EN})?(?:already\s+)?{_DONE_EN}\b", re.IGNORECASE)
_DONE_DE = (
    r"(?:versucht|probiert|ausprobiert|geprüft|überprüft|kontrolliert|getestet|neu gestartet|"
    r"neugestartet|zurückgesetzt|aktualisiert|ausgetauscht|ersetzt|neu installiert|"
    r"deinstalliert|deaktiviert|aktiviert|geändert|gelöscht|umgestellt|nachgesehen|reproduziert)"
)
_DONE_IT = (
    r"(?:provato|verificato|controllato|testato|riavviato|reimpostato|ripristinato|aggiornato|"
    r"sostituito|reinstallato|disattivato|attivato|cambiato|resettato|cancellato|eliminato|"
    r"riprodotto)"
)
_DONE_FR = (
    r"(?:essayé|vérifié|testé|contrôlé|redémarré|réinitialisé|mis à jour|remplacé|réinstallé|"
    r"désactivé|activé|changé|supprimé|relancé|reproduit)"
)
_DONE_ES = (
    r"(?:probado|intentado|comprobado|verificado|revisado|reiniciado|restablecido|actualizado|"
    r"reemplazado|cambiado|reinstalado|desactivado|activado|borrado|eliminado|reseteado|"
    r"reproducido)"
)
_DONE_ES_PAST = (
    r"(?:probé|probamos|intenté|intentamos|comprobé|comprobamos|verifiqué|verificamos|revisé|"
    r"revisamos|reinicié|reiniciamos|actualicé|actualizamos|cambié|cambiamos|reinstalé|"
    r"reinstalamos|desactivé|desactivamos)"
)
_GAP = r"(?:\s+[\w'’-]+){0,6}?\s+"  # a few words between the auxiliary and the participle
# The writer (or, in a note, the agent) did it: a first-person auxiliary before the participle.
_FIRST_PERSON = re.compile(
    rf"\b(?:habe|haben|hab|hatte|hatten){_GAP}{_DONE_DE}\b|\b(?:ho|abbiamo){_GAP}{_DONE_IT}\b|"
    rf"(?:\bj['’]ai|\bnous avons|\bon a){_GAP}{_DONE_FR}\b|\b(?:he|hemos){_GAP}{_DONE_ES}\b|"
    rf"\b{_DONE_ES_PAST}\b",
    re.IGNORECASE,
)
# A note's shorthand: "IKE-Log geprüft.", "Riavviato il relay.", "Redémarré le SBC."
_NOTE_SHORT = re.compile(
    rf"^(?:{_DONE_IT}|{_DONE_FR}|{_DONE_ES})\b|^[^,;]{{0,80}}\b{_DONE_DE}\W*$", re.IGNORECASE
)
_ONSET = re.compile(
    r"^(?:since|after|ever since|seit|seitdem|nachdem|dopo|da quando|depuis|après|desde|después)\b",
    re.IGNORECASE,
)
# "Die Telefone haben sich neu gestartet" is a symptom, not a step.
_REFLEXIVE = re.compile(r"\b(?:sich|von selbst|by itself|on its own)\b", re.IGNORECASE)
_CLAUSE = re.compile(
    r",\s+|;\s+|\s+[-–—]\s+|:\s+|\s+(?:but|aber|doch|ma|però|mais|pero|sin embargo)\s+",
    re.IGNORECASE,
)


def listed_steps(text: str) -> list[str]:
    """The numbered or bulleted items of an agent's reply (a question is not a step)."""
    items = [match["text"].strip() for match in map(_ITEM.match, text.splitlines()) if match]
    return [item for item in items if not item.endswith("?")]


def is_verdict(sentence: str) -> bool:
    return _VERDICT.search(sentence) is not None


def reports_step(sentence: str, *, by_customer: bool) -> bool:
    """Whether the sentence says something was done: by the writer (a customer must say "I"
    or "we"), or, in an internal note, by anyone."""
    if sentence.endswith("?") or _ONSET.match(sentence):
        return False
    if _CUSTOMER_EN.match(sentence) or (not by_customer and _NOTE_EN.match(sentence)):
        return True
    if _FIRST_PERSON.search(sentence) and not _REFLEXIVE.search(sentence):
        return True
    return not by_customer and _NOTE_SHORT.search(sentence) is not None


def split_result(sentence: str) -> tuple[str, str]:
    """ "Restarted the relay, no change." is the step "Restarted the relay" with its result
    "No change."; a sentence without a verdict clause is all step."""
    for match in _CLAUSE.finditer(sentence):
        rest = sentence[match.end() :].strip()
        if rest and is_verdict(rest) and not is_verdict(sentence[: match.start()]):
            return sentence[: match.start()].strip(), rest[:1].upper() + rest[1:]
    return sentence, ""


def pair_results(
    steps: Sequence[str], answer: Sequence[str], own_steps: set[int] | None = None
) -> tuple[list[str], set[int]]:
    """Each step's result from the sentences of the answer that followed it, and which of
    those sentences were used (see the module's docstring). ``own_steps`` are sentences where
    the writer reports a step of their own: they answer a step only when they name it."""
    own_steps = own_steps or set()
    results: list[list[int]] = [[] for _ in steps]
    unnamed: list[int] = []
    stems = [_stems(step) for step in steps]
    weights = _weights(stems)
    for index, sentence in enumerate(answer):
        number, text = _number(sentence)
        if number is not None and 1 <= number <= len(steps) and len(steps) > 1:
            results[number - 1].append(index)
            continue
        chosen = _named_step(_stems(text), stems, weights) if steps else None
        if chosen is not None and (len(steps) > 1 or index in own_steps):
            results[chosen].append(index)
        elif index not in own_steps:
            unnamed.append(index)
    if len(steps) == 1:
        # Whatever the answer says first is about the one step it answers.
        results[0] = sorted(results[0] + unnamed)[:2]
    else:
        general = [i for i in unnamed if is_verdict(_number(answer[i])[1])]
        for chosen_sentences in results:
            if not chosen_sentences:
                chosen_sentences += general
    used = {i for chosen_sentences in results for i in chosen_sentences[:2]}
    return [" ".join(_number(answer[i])[1] for i in r[:2]) for r in results], used


def _number(sentence: str) -> tuple[int | None, str]:
    match = _ITEM.match(sentence)
    if match is None:
        return None, sentence
    number = match["number"]
    return (int(number) if number else None), match["text"]


def _stems(text: str) -> set[str]:
    return {w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP}


def _alike(a: str, b: str) -> bool:
    """The same word, or one's inflection of the other ("restart"/"restarting",
    "riavviate"/"riavviato", German "gestartet"/"starten")."""
    if a == b:
        return True
    for x, y in ((a, b), (a.removeprefix("ge"), b), (a, b.removeprefix("ge"))):
        shortest = min(len(x), len(y))
        if shortest >= 5:
            common = len(_common_prefix(x, y))
            if common >= max(5, shortest - 3):
                return True
    return False


def _common_prefix(a: str, b: str) -> str:
    end = 0
    while end < min(len(a), len(b)) and a[end] == b[end]:
        end += 1
    return a[:end]


def _weights(stems: list[set[str]]) -> list[dict[str, float]]:
    """A word counts for a step as much as it tells that step from the others."""
    count = len(stems)
    if count == 1:
        return [dict.fromkeys(stems[0], 1.0)]
    return [
        {
            word: math.log(count / sum(any(_alike(word, o) for o in other) for other in stems))
            for word in own
        }
        for own in stems
    ]


def _named_step(
    words: set[str], stems: list[set[str]], weights: list[dict[str, float]]
) -> int | None:
    scores = [
        sum(weight for word, weight in weights[i].items() if any(_alike(word, w) for w in words))
        for i in range(len(stems))
    ]
    best = max(scores)
    if best <= 0 or scores.count(best) > 1:
        return None
    return scores.index(best)
