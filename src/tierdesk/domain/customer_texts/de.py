"""Deutsch (Sie-Form). Nach der Anrede mit Komma beginnt der Text klein."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- the mail frame ------------------------------------------------------------------------
    "mail.marker": "##- Bitte geben Sie Ihre Antwort über dieser Zeile ein -##",
    "mail.greeting": "Guten Tag {name},",
    "mail.acknowledgement": "vielen Dank für Ihre Nachricht. Wir haben für Ihr Anliegen "
    "\u201e{subject}\u201c das Ticket {number} eröffnet. Wir melden uns in Kürze.",
    "mail.footer": "Ticket {number}: {subject}. Antworten Sie auf diese E-Mail, um etwas zum "
    "Ticket hinzuzufügen, und lassen Sie {number} im Betreff stehen.",
    "mail.attachments": "Anhänge: {names}",
    # -- clarifying question -------------------------------------------------------------------
    "clarify.intro": "Vielen Dank für Ihre Anfrage. Damit wir Ihnen schnell helfen können, "
    "teilen Sie uns bitte mit:",
    "clarify.version": "das genaue Produkt und die Softwareversion, die Sie einsetzen",
    "clarify.error": "die genaue Fehlermeldung oder den Fehlercode",
    "clarify.since": "seit wann das Problem auftritt (Datum und Uhrzeit, und ob sich damals "
    "etwas geändert hat)",
    "clarify.logs": "eine Logdatei aus dem Zeitraum, in dem das Problem auftrat",
    # -- more information ----------------------------------------------------------------------
    "checklist.intro": "Um weiterzukommen, brauchen wir noch einige Angaben von Ihnen:",
    "checklist.closing": "Bitte antworten Sie auf diese Nachricht mit allem, was Sie davon "
    "beisteuern können; bis dahin wartet das Ticket auf Ihre Antwort.",
    # -- known issue, defect fixed, enhancement shipped ----------------------------------------
    "known_issue.intro": "Es handelt sich um ein bekanntes Problem (KI-{id}): {title}.",
    "known_issue.closing": "Falls das Ihr Problem nicht löst, antworten Sie einfach auf diese "
    "Nachricht, dann gehen wir der Sache weiter nach.",
    # -- Antworten auf Stufe 0 und 1 (domain/answers.py) ---------------------------------------
    "answer.intro": "Vielen Dank für Ihre Anfrage. Unsere Dokumentation beantwortet sie, "
    "glauben wir:",
    "answer.from_manual": "Aus dem Handbuch {document}, Abschnitt \u201e{section}\u201c:",
    "answer.from_article": "Aus dem Artikel \u201e{title}\u201c ({link}):",
    "answer.from_known_issue": "Das ist ein bekanntes Problem, {title}. Die dokumentierte Lösung:",
    "answer.from_solution": "So wurde dieselbe Frage schon einmal gelöst:",
    "answer.language.en": "Englisch",
    "answer.language.de": "Deutsch",
    "answer.language.it": "Italienisch",
    "answer.language.fr": "Französisch",
    "answer.language.es": "Spanisch",
    "answer.quoted": "(Im Original zitiert, auf {source_language}.)",
    "answer.solved_question": "Hat das Ihr Problem gelöst? Sagen Sie es uns mit einem Klick "
    "unter {link}, oder antworten Sie auf diese Nachricht, wenn nicht: Dann übernimmt ein "
    "Techniker.",
    "defect.fixed": "Neuigkeiten zum Fehler DEF-{id} ({title}): Er ist in Release {fixed_in} "
    "behoben.",
    "defect.affected": "Ihre Version {version} ist betroffen. Ein Update auf {fixed_in} oder "
    "neuer behebt den Fehler.",
    "defect.not_affected": "Ihre Version {version} ist nicht betroffen; Sie müssen nichts "
    "unternehmen.",
    "defect.unknown": "Wir wissen nicht, welche Version Sie einsetzen: Betroffen sind die "
    "Versionen vor {fixed_in}, ab {fixed_in} ist der Fehler behoben. Wenn Sie unsicher sind, "
    "nennen Sie uns Ihre Version in einer Antwort.",
    "enhancement.shipped": "Gute Nachrichten: Die von Ihnen gewünschte Erweiterung ENH-{id} "
    "({title}) ist mit Release {version} erschienen.",
    # -- hardware replacements (RMA) -------------------------------------------------------
    "rma.requested": "Wir haben einen Hardware-Austausch, {reference} ({kind}), für das Gerät mit "
    "der Seriennummer {serial} eröffnet. Wir melden uns, sobald er genehmigt ist.",
    "rma.approved": "Der Hardware-Austausch {reference} für die Seriennummer {serial} ist "
    "genehmigt. Wir liefern an: {ship_to}",
    "rma.shipped": "Hardware-Austausch {reference}: Das Gerät mit der Seriennummer {replacement} "
    "wurde an Sie versandt.",
    "rma.tracking": "Sendungsnummer: {tracking}",
    # a side conversation's summary drafted as a public reply (issue 21)
    "side.summary_intro": "Ein Zwischenstand zu diesem Ticket (wir haben nachgefragt: {subject}):",
    "rma.received": "Hardware-Austausch {reference}: Das Gerät mit der Seriennummer {replacement} "
    "wurde zugestellt.",
    "rma.closed": "Der Hardware-Austausch {reference} für die Seriennummer {serial} ist "
    "abgeschlossen.",
    "rma.rejected": "Den Hardware-Austausch {reference} für die Seriennummer {serial} können wir "
    "nicht durchführen: {reason}",
    "rma.cancelled": "Der Hardware-Austausch {reference} für die Seriennummer {serial} wurde "
    "storniert: {reason}",
    "rma.kind.advance_replacement": "Vorabaustausch",
    "rma.kind.repair": "Reparatur",
    # -- incident updates ----------------------------------------------------------------------
    "incident.update": "Statusmeldung zur Störung INC-{id} ({title}) \u2013 {status}:",
    "incident.status.investigating": "wird untersucht",
    "incident.status.identified": "Ursache gefunden",
    "incident.status.monitoring": "unter Beobachtung",
    "incident.status.resolved": "behoben",
    # -- sign-in mails -------------------------------------------------------------------------
    "sign_in_link.subject": "Ihr Anmeldelink",
    "sign_in_link.intro": "mit diesem Link melden Sie sich am Support-Portal an:",
    "sign_in_link.button": "Anmelden",
    "sign_in_link.expiry": "Der Link funktioniert einmal und ist {minutes} Minuten lang "
    "gültig. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail einfach.",
    "lockout.subject": "Die Anmeldung an Ihrem Konto wurde vorübergehend gesperrt",
    "lockout.paused": "jemand hat {place} mehrmals ein falsches Passwort für Ihr Konto "
    "eingegeben. Die Anmeldung mit Passwort ist deshalb für {wait} gesperrt.",
    "lockout.place.portal": "im Support-Portal",
    "lockout.place.workspace": "im Arbeitsbereich",
    "lockout.advice": "Wenn Sie das waren, warten Sie kurz und versuchen Sie es dann erneut. "
    "Wenn nicht: Angemeldet hat sich niemand. Ändern Sie am besten Ihr Passwort, sobald Sie "
    "angemeldet sind, und informieren Sie Ihre IT-Administration.",
    "duration.minute": "{n} Minute",
    "duration.minutes": "{n} Minuten",
    # -- ticket status -------------------------------------------------------------------------
    "status.new": "neu",
    "status.open": "offen",
    "status.pending-customer": "wartet auf Ihre Antwort",
    "status.pending-internal": "in Bearbeitung",
    "status.on-hold": "zurückgestellt",
    "status.solved": "gelöst",
    "status.closed": "geschlossen",
    # -- satisfaction request ------------------------------------------------------------------
    "csat.heading": "Wie zufrieden waren Sie mit uns?",
    "csat.request": "Ihr Ticket ist gelöst. Wie zufrieden sind Sie mit unserer Hilfe, von 1 "
    "(schlecht) bis 5 (hervorragend)?",
    "csat.legend": "Ihre Bewertung",
    "csat.comment": "Kommentar (optional)",
    "csat.submit": "Bewerten",
    "csat.thanks": "Sie haben dieses Ticket mit {score}/5 bewertet. Vielen Dank!",
    "csat.rated": "bewertet mit {score}/5",
    # -- the portal ----------------------------------------------------------------------------
    "format.when": "%d.%m.%Y, %H:%M UTC",
    "format.day": "%d.%m.%Y",
    "portal.brand": "Kestrel Support-Portal",
    "portal.name": "Support-Portal",
    "portal.nav": "Portal",
    "portal.our_tickets": "Unsere Tickets",
    "portal.new_ticket": "Neues Ticket",
    "portal.change_password": "Passwort ändern",
    "portal.sign_out": "Abmelden",
    "portal.open_new": "Neues Ticket eröffnen",
    "portal.col.ticket": "Ticket",
    "portal.col.subject": "Betreff",
    "portal.col.status": "Status",
    "portal.col.opened_by": "Eröffnet von",
    "portal.col.updated": "Aktualisiert",
    "portal.no_tickets": "Noch keine Tickets.",
    "portal.back": "\u2190 Unsere Tickets",
    "portal.status": "Status:",
    "portal.incident": "Störung",
    "help.title": "Hilfe-Center",
    "help.search": "Im Hilfe-Center suchen",
    "help.search_button": "Suchen",
    "help.none": "Keine Artikel gefunden.",
    "help.sign_in": "Kunden: im Support-Portal anmelden",
    "help.back": "\u2190 Hilfe-Center",
    "portal.messages": "Nachrichten",
    "portal.answer": "So wurde es gelöst",
    "portal.support": "Support",
    "answer.author": "Automatische Antwort",
    "portal.merged_from": "aus {number}",  # a message of a ticket merged into this one
    # -- who is copied on a ticket (the requester edits it) --------------------------------
    "portal.ccs": "In Kopie (CC)",
    "portal.ccs_intro": "Diese Adressen erhalten unsere Antworten zu diesem Ticket per E-Mail. "
    "Eine Kopie gibt keinen Zugang zum Portal.",
    "portal.ccs_none": "Niemand ist in Kopie.",
    "portal.cc_remove": "Entfernen",
    "portal.cc_remove_address": "{address} entfernen",
    "portal.cc_add": "Weitere Adressen in Kopie setzen",
    "portal.cc_add_hint": "E-Mail-Adressen, durch Kommas oder Leerzeichen getrennt; insgesamt "
    "höchstens {limit}.",
    "portal.cc_add_button": "Hinzufügen",
    "portal.ccs_requester_only": "Nur die Person, die dieses Ticket eröffnet hat, kann ändern, "
    "wer in Kopie ist.",
    "portal.error.cc_address": "\u201e{address}\u201c ist keine E-Mail-Adresse.",
    "portal.error.too_many_ccs": "Höchstens {limit} Adressen können in Kopie sein.",
    "portal.error.cc_yourself": "Sie erhalten unsere Antworten ohnehin: Sie müssen sich nicht "
    "selbst in Kopie setzen.",
    "portal.notice.ccs_saved": "Adressen in Kopie aktualisiert",
    "portal.reply": "Antworten",
    "portal.message": "Nachricht",
    "portal.attach": "Dateien anhängen",
    "portal.send": "Senden",
    "portal.open_heading": "Ticket eröffnen",
    "portal.subject": "Betreff",
    "portal.what_happened": "Was ist passiert? Am meisten helfen uns Produkt, Version und was "
    "Sie schon versucht haben.",
    "portal.attach_logs": "Dateien anhängen (Logs, Screenshots)",
    "portal.open_button": "Ticket eröffnen",
    "portal.suggestions": "Antworten, die weiterhelfen könnten",
    "portal.suggestions_start": "Schreiben Sie einfach los: Wir durchsuchen dabei die "
    "Handbücher und die gelösten Tickets Ihrer Organisation.",
    "portal.solved_it": "Damit ist mein Problem gelöst",
    "portal.no_suggestions": "Noch keine Vorschläge: Schreiben Sie weiter oder eröffnen Sie "
    "das Ticket.",
    "portal.sign_in": "Anmelden",
    "portal.sign_in_heading": "Am Support-Portal anmelden",
    "portal.link_sent": "Wenn zu dieser Adresse ein Konto gehört, ist ein Anmeldelink "
    "unterwegs. Er funktioniert einmal und ist {minutes} Minuten lang gültig.",
    "portal.email": "E-Mail",
    "portal.password": "Passwort",
    "portal.link_label": "Kein Passwort? Anmeldelink per E-Mail zusenden",
    "portal.send_link": "Link senden",
    "portal.error": "Fehler {status}",
    "portal.not_found": "Nicht gefunden",
    "portal.not_allowed": "Nicht erlaubt",
    "portal.failed": "Das hat nicht geklappt",
    "portal.error.sign_in": "Falsche E-Mail-Adresse oder falsches Passwort.",
    "portal.error.paused_account": "Zu viele fehlgeschlagene Anmeldungen für dieses Konto: Es ist "
    "vorerst gesperrt. Bitte versuchen Sie es in {wait} erneut.",
    "portal.error.paused_network": "Zu viele fehlgeschlagene Anmeldungen von Ihrer "
    "Netzwerkadresse. Bitte versuchen Sie es in {wait} erneut.",
    "portal.error.fill_in": "Bitte ausfüllen: {fields}.",
    "portal.error.no_page": "Unter dieser Adresse gibt es keine Seite.",
    "portal.error.wrong_method": "Diese Adresse beantwortet diese Art von Anfrage nicht.",
    "portal.error.too_large": "Was Sie gesendet haben, ist größer, als dieser Support annimmt. "
    "Senden Sie kleinere Dateien oder weniger auf einmal.",
    "portal.error.rating": "Wählen Sie eine Bewertung von 1 bis 5.",
    "portal.field.body": "Beschreibung",
    "portal.go_back": "Zurück",
    "portal.article.read": "Artikel lesen",
    "portal.article.answer": "Antwort",
    "portal.article.steps": "Was zu tun ist",
    "portal.article.symptoms": "Sie sehen vielleicht",
    "portal.article.helped": "Hat Ihnen das geholfen?",
    "portal.article.yes": "Ja",
    "portal.article.no": "Nein",
    "portal.notice.article_feedback": "Danke für Ihre Rückmeldung",
    "portal.notice.opened": "Ticket eröffnet",
    "portal.answer_question": "Hat unsere Antwort Ihr Problem gelöst?",
    "portal.answer_yes": "Ja, es ist gelöst",
    "portal.answer_no": "Nein, ich brauche noch Hilfe",
    "portal.notice.answer_solved": "Schön, dass es gelöst ist. Danke für Ihre Rückmeldung.",
    "portal.notice.answer_not_solved": "Danke. Ein Techniker übernimmt.",
    "portal.notice.sent": "Nachricht gesendet",
    "portal.notice.rated": "Vielen Dank für Ihre Bewertung",
    "portal.notice.deflected": "Schön, dass das geholfen hat. Es wurde kein Ticket eröffnet.",
    # -- enhancement requests in the portal ---------------------------------------------------
    "enhancement.status.proposed": "vorgeschlagen",
    "enhancement.status.planned": "geplant",
    "enhancement.status.in-progress": "in Arbeit",
    "enhancement.status.shipped": "ausgeliefert",
    "enhancement.status.declined": "abgelehnt",
    "portal.enhancements": "Erweiterungswünsche",
    "portal.enhancements_intro": "Die Verbesserungen, um die die Tickets Ihrer Organisation "
    "gebeten haben. "
    "Jede Organisation hat eine Stimme pro Wunsch.",
    "portal.col.request": "Wunsch",
    "portal.col.votes": "Stimmen",
    "portal.col.your_vote": "Ihre Stimme",
    "portal.vote": "Abstimmen",
    "portal.withdraw_vote": "Stimme zurückziehen",
    "portal.no_enhancements": "Noch keine Erweiterungswünsche.",
    "portal.notice.voted": "Die Stimme Ihrer Organisation wurde gezählt",
    "portal.notice.vote_withdrawn": "Die Stimme Ihrer Organisation wurde zurückgezogen",
    # -- upgrade advisories (issue 21): the notice and the portal's page --------------------
    "advisory.subject": "Upgrade-Empfehlung: {product} {version}",
    "advisory.intro": "Dies ist eine Upgrade-Empfehlung für {organisation}: Sie setzen {product} "
    "{version} auf {items} installierten Einheit(en) ein.",
    "advisory.known_issue": "Ein bekanntes Problem betrifft diese Version: KI-{record_id} "
    "({title}).",
    "advisory.defect": "Ein Fehler betrifft diese Version: DEF-{record_id} ({title}).",
    "advisory.end_of_support": "Der Support für diese Version endet am {date}.",
    "advisory.target": "Wir empfehlen ein Upgrade auf {target}.",
    "advisory.closing": "Bitte bestätigen Sie im Support-Portal unter „Hinweise“, dass Sie diese "
    "Empfehlung gelesen haben. Bei Fragen antworten Sie einfach auf diese E-Mail.",
    "portal.advisories": "Hinweise",
    "portal.no_advisories": "Keine Upgrade-Empfehlungen für Ihre Organisation.",
    "portal.acknowledge": "Gelesen",
    "portal.advisory.state.notified": "neu",
    "portal.advisory.state.acknowledged": "bestätigt",
    "portal.advisory.state.upgraded": "aktualisiert",
    "portal.notice.acknowledged": "Danke: Die Empfehlung ist für Ihre Organisation bestätigt",
    # -- the portal's password page, and what goes wrong in the portal, in its words ----------
    "password.current": "Aktuelles Passwort",
    "password.new": "Neues Passwort",
    "password.hint": "Mindestens {n} Zeichen.",
    "password.again": "Neues Passwort wiederholen",
    "password.note": "Nach der Änderung sind Sie überall sonst abgemeldet; in diesem Browser "
    "bleiben Sie angemeldet.",
    "password.none": "Ihr Konto hat kein Passwort, daher gibt es hier keines zu ändern. Sie "
    "melden sich mit Links an, die wir Ihnen per E-Mail senden.",
    "password.error.mismatch": "Das neue Passwort und seine Wiederholung stimmen nicht überein.",
    "password.error.length": "Ein Passwort hat {min} bis {max} Zeichen.",
    "password.error.same": "Das neue Passwort ist dasselbe wie das aktuelle.",
    "password.error.wrong_current": "Das aktuelle Passwort ist nicht richtig.",
    "portal.notice.password_changed": "Passwort geändert. Ihre anderen Sitzungen wurden "
    "abgemeldet.",
    "portal.error.not_found": "Das finden wir nicht: Es existiert nicht oder gehört nicht zu "
    "Ihrer Organisation.",
    "portal.error.link": "Dieser Anmeldelink ist unbekannt, schon benutzt oder abgelaufen. "
    "Fordern Sie auf der Anmeldeseite einen neuen an.",
    "portal.error.too_long": "Bitte kürzen: {fields}.",
    "portal.error.file_too_large": "Eine Datei ist größer als die Grenze von {megabytes} MB.",
    "portal.error.file_type": "Diese Art von Datei kann nicht angehängt werden.",
    "portal.error.changed": "Das geht jetzt nicht mehr: Das Ticket hat sich inzwischen "
    "geändert. Laden Sie die Seite neu, um den aktuellen Stand zu sehen.",
    "portal.error.check": "Bitte prüfen: {fields}.",
    "portal.error.invalid": "Das ließ sich so nicht ausführen. Bitte prüfen Sie Ihre Eingaben "
    "und versuchen Sie es erneut.",
    "portal.error.forbidden": "Ihr Konto darf das nicht.",
    "portal.error.server": "Bei uns ist etwas schiefgegangen; der Fehler wurde aufgezeichnet. "
    "Bitte versuchen Sie es gleich noch einmal.",
    "portal.error.unreachable": "Der Support ist gerade nicht erreichbar. Es wurde nichts "
    "gesendet; bitte versuchen Sie es erneut.",
    "portal.suggestion.solved_ticket": "Gelöstes Ticket {number}",
    "portal.suggestion.page": "Seite {page}",
}
