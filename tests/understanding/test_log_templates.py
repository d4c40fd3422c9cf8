"""The log template miner: headers split by shape, variables masked, templates grouped."""

from __future__ import annotations

from tierdesk.domain.log_facts import looks_like_log
from tierdesk.domain.log_templates import analyse_log, mask, split_header

LOG = [
    "2026-11-20 10:00:01,123 INFO [main] sip.Registrar: registered 10.0.0.5:5060 for 4711",
    "2026-11-20 10:00:02,456 INFO [main] sip.Registrar: registered 10.0.0.6:5060 for 4712",
    "2026-11-20 10:00:03,789 INFO [worker-2] sip.Registrar: registered 10.0.0.7:5060 for 4713",
    "2026-11-20 10:00:04,000 ERROR [worker-2] tls.Handshake: handshake failed with 10.0.0.9",
    "2026-11-20 10:00:05,000 INFO [main] media.Relay: starting relay",
    "2026-11-20 10:00:06,000 INFO [main] media.Relay: stopping relay",
]


def test_the_header_is_split_off_by_shape_and_the_level_kept() -> None:
    line = split_header(LOG[3])
    assert line.content == "tls.Handshake: handshake failed with 10.0.0.9"
    assert line.level == "error"
    assert line.header.startswith("2026-11-20 10:00:04,000")


def test_syslog_program_and_pid_belong_to_the_header() -> None:
    line = split_header("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown")
    assert line.content == "check pass; user unknown"


def test_generic_masks_replace_addresses_and_numbers_but_keep_words() -> None:
    assert mask("registered 10.0.0.5:5060 for blk_-4711 at 0x1f3a") == [
        "registered", "<*>", "for", "blk_<*>", "at", "<*>",
    ]  # fmt: skip


def test_lines_that_differ_only_in_variables_share_a_template() -> None:
    analysis = analyse_log(LOG)
    assert analysis.assignments[0] == analysis.assignments[1] == analysis.assignments[2]
    registered = analysis.templates[analysis.assignments[0]]
    assert registered.template == "sip.Registrar: registered <*> for <*>"
    assert (registered.count, registered.first_line, registered.last_line) == (3, 1, 3)
    assert registered.first_seen is not None
    assert registered.first_seen.startswith("2026-11-20 10:00:01")


def test_a_few_distinct_words_in_one_position_name_different_events() -> None:
    analysis = analyse_log(LOG)
    assert analysis.assignments[4] != analysis.assignments[5]  # starting vs stopping


def test_error_templates_are_surfaced_first() -> None:
    surfaced = analyse_log(LOG * 5).surfaced()
    assert surfaced[0].template.startswith("tls.Handshake: handshake failed")
    assert surfaced[0].is_error
    assert surfaced[0].level == "error"


def test_pasted_logs_are_recognised_and_prose_is_not() -> None:
    assert looks_like_log("\n".join(LOG))
    assert not looks_like_log("Hello,\nour phones do not ring.\nPlease help.\nThanks\nAnna")
