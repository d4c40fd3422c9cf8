"""The log template miner: headers learned from the log itself, prose told from log lines,
variables masked, templates grouped. Every log and mail here is written for these tests."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import environment, invoker
from tierdesk.config import Settings
from tierdesk.domain.log_facts import looks_like_log, template_facts
from tierdesk.domain.log_headers import learn_header, split_header, split_line
from tierdesk.domain.log_templates import NOT_LOG, MinerSettings, analyse_log, mask

LOG = [
    "2026-11-20 10:00:01,123 INFO [main] sip.Registrar: registered 10.0.0.5:5060 for 4711",
    "2026-11-20 10:00:02,456 INFO [main] sip.Registrar: registered 10.0.0.6:5060 for 4712",
    "2026-11-20 10:00:03,789 INFO [worker-2] sip.Registrar: registered 10.0.0.7:5060 for 4713",
    "2026-11-20 10:00:04,000 ERROR [worker-2] tls.Handshake: handshake failed with 10.0.0.9",
    "2026-11-20 10:00:05,000 INFO [main] media.Relay: starting relay",
    "2026-11-20 10:00:06,000 INFO [main] media.Relay: stopping relay",
]

# What the programs said, with the variables filled in per line; the header shapes below are
# put in front of them. Which program or component wrote a line is drawn independently of
# the event, so a miner that kept the program in the message would split every event.
EVENTS: list[Callable[[random.Random], str]] = [
    lambda r: f"registered {r.randint(100, 999)} from 192.0.2.{r.randint(1, 254)}:5060",
    lambda r: f"relay started on port {r.randint(30000, 40000)}",
    lambda r: f"relay stopped on port {r.randint(30000, 40000)}",
    lambda r: f"call {r.randint(1, 9999)} dropped after {r.randint(1, 90)} seconds",
    lambda r: f"Reloading dial plan from /etc/pbx/plan-{r.randint(1, 9)}.conf",
    lambda r: f"trunk {r.randint(1, 9)} is up",
]
PROGRAMS = ["kamailio", "rtpengine", "asterisk", "pbxd"]
HEADERS: dict[str, Callable[[random.Random, int], str]] = {
    "syslog with program[pid], and kernel: without one": lambda r, i: (
        f"Mar {r.randint(1, 28):>2} 08:{i // 60:02}:{i % 60:02} gw01 "
        + (f"{r.choice(PROGRAMS)}[{r.randint(100, 9999)}]:" if i % 5 else "kernel:")
    ),
    "ISO timestamp, level and logger": lambda r, i: (
        f"2026-03-03T08:{i // 60:02}:{i % 60:02}.{r.randint(100, 999)}Z "
        f"{r.choice(['INFO', 'WARN', 'DEBUG']):<5} com.example.{r.choice(PROGRAMS)}.Service -"
    ),
    "bracketed thread": lambda r, i: (
        f"2026-03-03 08:{i // 60:02}:{i % 60:02},{r.randint(100, 999)} "
        f"[pool-{r.randint(1, 4)}-thread-{r.randint(1, 30)}] {r.choice(['INFO', 'ERROR'])} "
        f"{r.choice(PROGRAMS)}.Main:"
    ),
    "program without pid, then a dash": lambda r, i: (
        f"[03.03 08:{i // 60:02}:{i % 60:02}] {r.choice(PROGRAMS)}.exe -"
    ),
    "component name without a colon": lambda r, i: (
        f"2026-03-03 08:{i // 60:02}:{i % 60:02}, {r.choice(['Info', 'Warning'])}"
        f"{' ' * r.randint(4, 12)}{r.choice(['PBX', 'SIP', 'RTP'])}{' ' * r.randint(2, 5)}"
    ),
    "pipes": lambda r, i: (
        f"20260303-08:{i // 60:02}:{i % 60:02}:{r.randint(100, 999)}|{r.choice(PROGRAMS)}|"
        f"{r.randint(10000, 99999)}|"
    ),
    "a label column that is a dash on most lines": lambda r, i: (
        f"{'-' if i % 7 else 'ALERT'} {1772526900 + i} 2026.03.03 node-{r.randint(1, 40)} "
        f"RAS {r.choice(['KERNEL', 'APP'])} {r.choice(['INFO', 'FATAL'])}"
    ),
    "no header at all": lambda r, i: "",
}


def synthetic_log(
    shape: str, count: int = 60, seed: int = 5
) -> tuple[list[str], list[int], list[str]]:
    """``count`` lines of random events under the header ``shape``: lines, events, messages."""
    chance = random.Random(seed)
    lines, events, messages = [], [], []
    for index in range(count):
        event = chance.randrange(len(EVENTS))
        header = HEADERS[shape](chance, index)
        messages.append(EVENTS[event](chance))
        lines.append(f"{header} {messages[-1]}" if header else messages[-1])
        events.append(event)
    return lines, events, messages


@pytest.mark.parametrize("shape", list(HEADERS))
def test_the_header_is_learned_from_the_log_and_the_message_is_what_follows(shape: str) -> None:
    lines, _, messages = synthetic_log(shape)
    layout = learn_header(lines)
    assert [split_line(line, layout).content for line in lines] == messages
    assert (len(layout) == 0) == (shape == "no header at all")


@pytest.mark.parametrize("shape", list(HEADERS))
def test_each_event_is_one_template_whichever_program_wrote_it(shape: str) -> None:
    lines, events, _ = synthetic_log(shape)
    analysis = analyse_log(lines)
    template_of_event: dict[int, set[int]] = {}
    for event, template in zip(events, analysis.assignments, strict=True):
        template_of_event.setdefault(event, set()).add(template)
    assert all(len(templates) == 1 for templates in template_of_event.values())
    assert len(analysis.templates) == len(EVENTS)


def test_the_header_is_split_off_by_shape_and_the_level_and_program_kept() -> None:
    line = split_header(LOG[3])
    assert line.content == "handshake failed with 10.0.0.9"
    assert line.level == "error"
    assert line.program == "tls.Handshake"
    assert line.time == "2026-11-20 10:00:04,000"


def test_syslog_program_and_pid_belong_to_the_header() -> None:
    line = split_header("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown")
    assert line.content == "check pass; user unknown"
    assert line.program == "sshd(pam_unix)"
    assert line.time == "Jun 14 15:16:01"


def test_generic_masks_replace_addresses_and_numbers_but_keep_words() -> None:
    assert mask("registered 10.0.0.5:5060 for blk_-4711 at 0x1f3a") == [
        "registered", "<*>", "for", "blk_<*>", "at", "<*>",
    ]  # fmt: skip


def test_lines_that_differ_only_in_variables_share_a_template() -> None:
    analysis = analyse_log(LOG)
    assert analysis.assignments[0] == analysis.assignments[1] == analysis.assignments[2]
    registered = analysis.templates[analysis.assignments[0]]
    assert registered.template == "registered <*> for <*>"
    assert registered.text == "sip.Registrar: registered <*> for <*>"
    assert (registered.count, registered.first_line, registered.last_line) == (3, 1, 3)
    assert registered.first_seen == "2026-11-20 10:00:01,123"


def test_a_few_distinct_words_in_one_position_name_different_events() -> None:
    analysis = analyse_log(LOG)
    assert analysis.assignments[4] != analysis.assignments[5]  # starting vs stopping


def test_a_line_with_more_variables_than_words_still_joins_its_template() -> None:
    hosts = ["gw-a.example.net", "sbc-b.example.org", "pbx.example.com", "edge.example.io"]
    lines = [
        f"2026-03-03 08:15:0{i} INFO [main] peers: peer 10.0.0.{i} ({host}) up at 08:15:0{i}"
        for i, host in enumerate(hosts)
    ]
    # Of the six positions only three agree ("peer", "up", "at"): Drain's share of positions
    # would split these lines; masked variables count neither for nor against.
    assert len(analyse_log(lines, settings=MinerSettings(of_words=False)).templates) == 4
    assert [t.text for t in analyse_log(lines).templates] == ["peers: peer <*> <*> up at <*>"]


def test_error_templates_are_surfaced_first() -> None:
    surfaced = analyse_log(LOG * 5).surfaced()
    assert surfaced[0].text.startswith("tls.Handshake: handshake failed")
    assert surfaced[0].is_error
    assert surfaced[0].level == "error"


PASTED = [
    "Mar  3 08:15:01 gw01 kamailio[2101]: registered 4711 from 192.0.2.10:5060",
    "Mar  3 08:15:02 gw01 kamailio[2101]: registered 4712 from 192.0.2.11:5060",
    "Mar  3 08:15:04 gw01 rtpengine[877]: relay started on port 30000",
    "Mar  3 08:15:09 gw01 kamailio[2104]: registered 4713 from 192.0.2.12:5060",
    "Mar  3 08:16:00 gw01 kernel: eth1 link down",
    "Mar  3 08:16:02 gw01 rtpengine[877]: relay failed on port 30002",
]
PASTED_TEMPLATES = {
    "kamailio: registered <*> from <*>",
    "rtpengine: relay started on port <*>",
    "kernel: eth1 link down",
    "rtpengine: relay failed on port <*>",
}
MAILS = {
    "en": (
        "Hi team,\n\nsince this morning our SBC drops every call after 30 seconds. We "
        "restarted it twice, it failed again.\nHere is an excerpt from the log:\n\n{log}\n\n"
        "Thanks in advance,\nAnna Rossi\n--\nAnna Rossi | Network Operations\n"
        "Tel. +39 02 1234 5678"
    ),
    "de": (
        "Hallo zusammen,\nseit dem Update auf 4.2.1 schlägt die Registrierung fehl.\n"
        "Hier ein Auszug aus dem Log:\n{log}\nMit freundlichen Grüßen\nJonas Weber"
    ),
    "fr": (
        "Bonjour,\nDepuis hier soir, les appels échouent sur la passerelle 192.0.2.1. Voici un "
        "extrait du journal :\n{log}\nCordialement,\nClaire Martin\nService informatique"
    ),
    "it": (
        "Buongiorno,\ndopo il riavvio il gateway non registra più i telefoni.\n"
        "Ecco un estratto del log:\n{log}\nCordiali saluti\nMarco Bianchi"
    ),
    "es": (
        "Hola:\nDesde la actualización las llamadas fallan con el error 503.\n"
        "Aquí tienen un extracto del registro:\n\n{log}\n\nSaludos,\nLucía García\n"
        "Enviado desde mi iPhone"
    ),
}
PROSE = {
    "en": "Hello,\nour phones do not ring since Monday.\nPlease help.\nThanks\nAnna",
    "de": "Guten Tag,\nunsere Telefone klingeln nicht mehr.\nKönnen Sie helfen?\nGrüße\nJonas",
    "fr": "Bonjour,\nnos téléphones ne sonnent plus depuis lundi.\nMerci d'avance,\nClaire",
    "it": "Ciao,\nda lunedì i telefoni non squillano più.\nPotete aiutarci?\nGrazie\nMarco",
    "es": "Buenos días:\nlos teléfonos no suenan desde el lunes.\n¿Pueden ayudarnos?\nLucía",
}


@pytest.mark.parametrize("language", list(MAILS))
def test_a_mail_with_a_pasted_log_gives_only_the_logs_templates(language: str) -> None:
    text = MAILS[language].format(log="\n".join(PASTED))
    lines = text.splitlines()
    analysis = analyse_log(lines)
    assert {t.text for t in analysis.templates} == PASTED_TEMPLATES
    assert [t.text for t in analysis.templates if t.is_error] == [
        "rtpengine: relay failed on port <*>"
    ]
    read = [lines[i] for i, t in enumerate(analysis.assignments) if t != NOT_LOG]
    assert read == PASTED
    assert looks_like_log(text)
    facts = template_facts(text)
    assert {fact.value for fact in facts} == PASTED_TEMPLATES
    assert all(text[fact.start : fact.end] in PASTED for fact in facts)


@pytest.mark.parametrize("language", list(PROSE))
def test_prose_is_never_a_template(language: str) -> None:
    analysis = analyse_log(PROSE[language].splitlines())
    assert analysis.templates == ()
    assert set(analysis.assignments) == {NOT_LOG}
    assert not looks_like_log(PROSE[language])


def test_a_list_of_steps_is_prose_not_a_log() -> None:
    text = (
        "Hi,\n\nwe did the following:\n- restarted the SBC\n- checked the cables\n"
        "- replaced the power supply\n\nStill the same. Steps:\n1. call 4711\n"
        "2. wait 30 seconds\n3. the call drops\n\nThanks\nAnna"
    )
    assert analyse_log(text.splitlines()).templates == ()
    assert not looks_like_log(text)


def test_a_stack_trace_inside_a_log_stays_with_the_log_and_the_prose_around_does_not() -> None:
    lines = [
        "Hello support,",
        "the service crashes every night. Log:",
        "2026-03-03 02:00:01,123 ERROR [main] com.example.Scheduler: job nightly failed",
        "java.lang.IllegalStateException: pool closed",
        "\tat com.example.Pool.get(Pool.java:42)",
        "2026-03-03 02:00:02,001 INFO [main] com.example.Scheduler: retrying job nightly",
        "2026-03-03 02:00:05,001 ERROR [main] com.example.Scheduler: job nightly failed",
        "Please advise.",
        "Regards, Tom",
    ]
    analysis = analyse_log(lines)
    read = [i for i, template in enumerate(analysis.assignments) if template != NOT_LOG]
    assert read == [2, 3, 4, 5, 6]
    assert analysis.assignments[2] == analysis.assignments[6]


def test_a_level_written_after_the_channel_is_the_lines_level() -> None:
    lines = [
        f"[2026-03-03 08:15:0{i}] sbc.{level}: {message}"
        for i, (level, message) in enumerate(
            [("INFO", "registered 4711"), ("INFO", "registered 4712"), ("ERROR", "peer gone")]
        )
    ]
    analysis = analyse_log(lines)
    gone = analysis.templates[analysis.assignments[2]]
    assert (gone.text, gone.level, gone.is_error) == ("sbc.ERROR: peer gone", "error", True)


def test_a_log_whose_messages_are_sentences_is_still_a_log() -> None:
    lines = [
        f"Mar  3 08:15:0{i} gw01 su: Session opened for user {user} by admin."
        for i, user in enumerate(["root", "anna", "bert", "carla", "root", "dieter"])
    ]
    analysis = analyse_log(lines)
    assert [t.text for t in analysis.templates] == ["su: Session opened for user <*> by admin."]
    assert looks_like_log("\n".join(lines))


def test_quoted_mail_text_is_not_read_again() -> None:
    reply = "Thanks, that fixed it.\n\nOn Tue, 3 Mar 2026, Anna wrote:\n" + "\n".join(
        f"> {line}" for line in PASTED
    )
    assert analyse_log(reply.splitlines()).templates == ()
    assert not looks_like_log(reply)


def test_eval_logs_writes_one_template_id_per_line_and_json_last(
    settings: Settings, tmp_path: Path
) -> None:
    run = invoker(environment(str(settings.data_dir), settings.database))
    text = MAILS["en"].format(log="\n".join(PASTED))
    log = tmp_path / "pasted.log"
    log.write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "assignments.txt"
    result = run("eval", "logs", "--log", str(log), "--assignments", str(out))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert set(summary) == {"lines", "templates", "errors", "rare", "seconds"}
    assert (summary["lines"], summary["templates"], summary["errors"]) == (
        len(text.splitlines()), 4, 1,
    )  # fmt: skip
    ids = [int(value) for value in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(text.splitlines())
    assert sum(template != NOT_LOG for template in ids) == len(PASTED)
