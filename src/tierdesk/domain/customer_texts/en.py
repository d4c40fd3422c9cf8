"""English: the reference catalogue and the fallback for every other language."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- the mail frame (every mail about a ticket) --------------------------------------------
    "mail.marker": "##- Please type your reply above this line -##",
    "mail.greeting": "Hello {name},",
    "mail.acknowledgement": "Thank you for contacting us. We have opened ticket {number} for "
    "your request \u201c{subject}\u201d. An engineer will answer soon.",
    "mail.footer": "Ticket {number}: {subject}. Reply to this e-mail to add to the ticket; "
    "please keep {number} in the subject.",
    "mail.attachments": "Attached: {names}",
    # -- clarifying question (intake) ----------------------------------------------------------
    "clarify.intro": "Thank you for your request. So that we can help you quickly, please tell us:",
    "clarify.version": "the exact product and software version you are running",
    "clarify.error": "the exact error message or code you see",
    "clarify.since": "since when the problem occurs (date and time, and whether anything "
    "changed then)",
    "clarify.logs": "a log file covering the time the problem happened",
    # -- more information (level 3's checklist) ------------------------------------------------
    "checklist.intro": "To get further we need some more information from you:",
    "checklist.closing": "Please reply to this message with what you can; the ticket waits "
    "for you.",
    # -- known issue, defect fixed, enhancement shipped ----------------------------------------
    "known_issue.intro": "This is a known issue (KI-{id}): {title}.",
    "known_issue.closing": "If this does not solve it for you, reply to this message and we "
    "will look further.",
    # -- answers at levels 0 and 1 (domain/answers.py) ---------------------------------------
    "answer.intro": "Thank you for your request. Our documentation answers it, we believe:",
    "answer.from_manual": "From the manual {document}, section \u201c{section}\u201d:",
    "answer.from_article": "From the article \u201c{title}\u201d ({link}):",
    "answer.from_known_issue": "This is a known issue, {title}. The documented fix:",
    "answer.from_solution": "This is how the same question was solved before:",
    "answer.language.en": "English",
    "answer.language.de": "German",
    "answer.language.it": "Italian",
    "answer.language.fr": "French",
    "answer.language.es": "Spanish",
    "answer.quoted": "(Quoted as written, in {source_language}.)",
    "answer.solved_question": "Did this solve it? Tell us with one click at {link}, or reply "
    "to this message if it did not: an engineer will then take it up.",
    "defect.fixed": "Update on defect DEF-{id} ({title}): it is fixed in release {fixed_in}.",
    "defect.affected": "You run version {version}, which is affected. Upgrading to {fixed_in} "
    "or later fixes it.",
    "defect.not_affected": "You run version {version}, which is not affected; no action is needed.",
    "defect.unknown": "We do not know which version you run: versions before {fixed_in} are "
    "affected, and {fixed_in} fixes it. Reply with your version if unsure.",
    "enhancement.shipped": "Good news: the enhancement you asked for, ENH-{id} ({title}), has "
    "shipped in release {version}.",
    # -- hardware replacements (RMA) -------------------------------------------------------
    "rma.requested": "We have opened a hardware replacement, {reference} ({kind}), for the unit "
    "with serial number {serial}. We will tell you when it is approved.",
    "rma.approved": "Hardware replacement {reference} for serial number {serial} is approved. We "
    "will ship to: {ship_to}",
    "rma.shipped": "Hardware replacement {reference}: the unit with serial number {replacement} "
    "has been shipped to you.",
    "rma.tracking": "Tracking reference: {tracking}",
    # a side conversation's summary drafted as a public reply (issue 21)
    "side.summary_intro": "An update on this ticket (we checked: {subject}):",
    "rma.received": "Hardware replacement {reference}: the unit with serial number {replacement} "
    "has been delivered.",
    "rma.closed": "Hardware replacement {reference} for serial number {serial} is complete and "
    "closed.",
    "rma.rejected": "We cannot go ahead with hardware replacement {reference} for serial number "
    "{serial}: {reason}",
    "rma.cancelled": "Hardware replacement {reference} for serial number {serial} is cancelled: "
    "{reason}",
    "rma.kind.advance_replacement": "advance replacement",
    "rma.kind.repair": "repair",
    # -- incident updates ----------------------------------------------------------------------
    "incident.update": "Service update on incident INC-{id} ({title}) - {status}:",
    "incident.status.investigating": "investigating",
    "incident.status.identified": "identified",
    "incident.status.monitoring": "monitoring",
    "incident.status.resolved": "resolved",
    # -- sign-in mails -------------------------------------------------------------------------
    "sign_in_link.subject": "Your sign-in link",
    "sign_in_link.intro": "Open this link to sign in to the support portal:",
    "sign_in_link.button": "Sign in",
    "sign_in_link.expiry": "It works once, for {minutes} minutes. If you did not ask for it, "
    "ignore this e-mail.",
    "lockout.subject": "Sign-in to your account was paused",
    "lockout.paused": "Somebody typed a wrong password for your account {place} several "
    "times, so signing in with a password is paused for {wait}.",
    "lockout.place.portal": "at the support portal",
    "lockout.place.workspace": "at the workspace",
    "lockout.advice": "If that was you, wait and try again. If it was not, nobody got in; "
    "consider changing your password once you are signed in, and tell your administrator.",
    "duration.minute": "{n} minute",
    "duration.minutes": "{n} minutes",
    # -- ticket status, as customers read it ---------------------------------------------------
    "status.new": "new",
    "status.open": "open",
    "status.pending-customer": "waiting for your reply",
    "status.pending-internal": "in progress",
    "status.on-hold": "on hold",
    "status.solved": "solved",
    "status.closed": "closed",
    # -- satisfaction (CSAT) request -----------------------------------------------------------
    "csat.heading": "How did we do?",
    "csat.request": "Your ticket is solved. How satisfied are you with our help, from 1 "
    "(poor) to 5 (excellent)?",
    "csat.legend": "Your rating",
    "csat.comment": "Comment (optional)",
    "csat.submit": "Rate",
    "csat.thanks": "You rated this ticket {score}/5. Thank you.",
    "csat.rated": "rated {score}/5",
    # -- the portal ----------------------------------------------------------------------------
    # a moment on a page (strftime), as the language writes a date; always in UTC
    "format.when": "%Y-%m-%d %H:%M UTC",
    "format.day": "%Y-%m-%d",
    "portal.brand": "Kestrel support portal",
    "portal.name": "Support portal",
    "portal.nav": "Portal",
    "portal.our_tickets": "Our tickets",
    "portal.new_ticket": "New ticket",
    "portal.change_password": "Change password",
    "portal.sign_out": "Sign out",
    "portal.open_new": "Open a new ticket",
    "portal.col.ticket": "Ticket",
    "portal.col.subject": "Subject",
    "portal.col.status": "Status",
    "portal.col.opened_by": "Opened by",
    "portal.col.updated": "Updated",
    "portal.no_tickets": "No tickets yet.",
    "portal.back": "\u2190 Our tickets",
    "portal.status": "Status:",
    "portal.incident": "Service incident",
    "help.title": "Help centre",
    "help.search": "Search the help centre",
    "help.search_button": "Search",
    "help.none": "No articles found.",
    "help.sign_in": "Customers: sign in to the support portal",
    "help.back": "\u2190 Help centre",
    "portal.messages": "Messages",
    "portal.answer": "How it was solved",
    "portal.support": "Support",
    "answer.author": "Automatic reply",
    "portal.merged_from": "from {number}",  # a message of a ticket merged into this one
    # -- who is copied on a ticket (the requester edits it) --------------------------------
    "portal.ccs": "Copied on this ticket",
    "portal.ccs_intro": "These addresses receive our replies to this ticket by e-mail. Being "
    "copied gives no access to the portal.",
    "portal.ccs_none": "Nobody is copied.",
    "portal.cc_remove": "Remove",
    "portal.cc_remove_address": "Remove {address}",
    "portal.cc_add": "Copy more addresses",
    "portal.cc_add_hint": "E-mail addresses separated by commas or spaces; at most {limit} in all.",
    "portal.cc_add_button": "Add",
    "portal.ccs_requester_only": "Only the person who opened this ticket can change who is copied.",
    "portal.error.cc_address": "\u201c{address}\u201d is not an e-mail address.",
    "portal.error.too_many_ccs": "At most {limit} addresses can be copied.",
    "portal.error.cc_yourself": "You receive our replies anyway: there is no need to copy "
    "yourself.",
    "portal.notice.ccs_saved": "Copied addresses updated",
    "portal.reply": "Reply",
    "portal.message": "Message",
    "portal.attach": "Attach files",
    "portal.send": "Send",
    "portal.open_heading": "Open a ticket",
    "portal.subject": "Subject",
    "portal.what_happened": "What happened? Product, version and what you already tried help "
    "us most.",
    "portal.attach_logs": "Attach files (logs, screenshots)",
    "portal.open_button": "Open ticket",
    "portal.suggestions": "Answers that may help",
    "portal.suggestions_start": "Start typing: we look through the manuals and your "
    "organisation's solved tickets.",
    "portal.solved_it": "This solved my problem",
    "portal.no_suggestions": "No suggestions yet: keep typing, or open the ticket.",
    "portal.sign_in": "Sign in",
    "portal.sign_in_heading": "Sign in to the support portal",
    "portal.link_sent": "If that address has an account, a sign-in link is on its way. It "
    "works once, for {minutes} minutes.",
    "portal.email": "E-mail",
    "portal.password": "Password",
    "portal.link_label": "No password? E-mail me a sign-in link",
    "portal.send_link": "Send link",
    "portal.error": "Error {status}",
    "portal.not_found": "Not found",
    "portal.not_allowed": "Not allowed",
    "portal.failed": "That did not work",
    "portal.error.sign_in": "Wrong e-mail address or password.",
    "portal.error.paused_account": "Too many failed sign-ins for this account: it is locked for "
    "now. Try again in {wait}.",
    "portal.error.paused_network": "Too many failed sign-ins from your network address. Try again "
    "in {wait}.",
    "portal.error.fill_in": "Please fill in: {fields}.",
    "portal.error.no_page": "There is no page at this address.",
    "portal.error.wrong_method": "This address does not answer that kind of request.",
    "portal.error.too_large": "What you sent is larger than this desk accepts. "
    "Send smaller files, or fewer at once.",
    "portal.error.rating": "Choose a rating from 1 to 5.",
    "portal.field.body": "Description",
    "portal.go_back": "Go back",
    "portal.article.read": "Read the article",
    "portal.article.answer": "Answer",
    "portal.article.steps": "What to do",
    "portal.article.symptoms": "You may see",
    "portal.article.helped": "Did this help?",
    "portal.article.yes": "Yes",
    "portal.article.no": "No",
    "portal.notice.article_feedback": "Thank you for your feedback",
    "portal.notice.opened": "Ticket opened",
    "portal.answer_question": "Did our answer solve your problem?",
    "portal.answer_yes": "Yes, it is solved",
    "portal.answer_no": "No, I still need help",
    "portal.notice.answer_solved": "Glad it is solved. Thank you for telling us.",
    "portal.notice.answer_not_solved": "Thank you. An engineer will take it up.",
    "portal.notice.sent": "Message sent",
    "portal.notice.rated": "Thank you for your rating",
    "portal.notice.deflected": "Glad that solved it. No ticket was opened.",
    # -- enhancement requests in the portal ---------------------------------------------------
    "enhancement.status.proposed": "proposed",
    "enhancement.status.planned": "planned",
    "enhancement.status.in-progress": "in progress",
    "enhancement.status.shipped": "shipped",
    "enhancement.status.declined": "declined",
    "portal.enhancements": "Enhancement requests",
    "portal.enhancements_intro": "The improvements your organisation's tickets asked for. "
    "Each organisation has one vote per request.",
    "portal.col.request": "Request",
    "portal.col.votes": "Votes",
    "portal.col.your_vote": "Your vote",
    "portal.vote": "Vote",
    "portal.withdraw_vote": "Withdraw vote",
    "portal.no_enhancements": "No enhancement requests yet.",
    "portal.notice.voted": "Your organisation's vote is counted",
    "portal.notice.vote_withdrawn": "Your organisation's vote is withdrawn",
    # -- upgrade advisories (issue 21): the notice and the portal's page --------------------
    "advisory.subject": "Upgrade advisory: {product} {version}",
    "advisory.intro": "This is an upgrade advisory for {organisation}: you run {product} "
    "{version} on {items} installed item(s).",
    "advisory.known_issue": "A known issue affects this version: KI-{record_id} ({title}).",
    "advisory.defect": "A defect affects this version: DEF-{record_id} ({title}).",
    "advisory.end_of_support": "Support for this version ends on {date}.",
    "advisory.target": "We recommend upgrading to {target}.",
    "advisory.closing": "Please confirm that you have read this advisory in the support portal, "
    "under Advisories. If you have a question, reply to this e-mail.",
    "portal.advisories": "Advisories",
    "portal.no_advisories": "No upgrade advisories for your organisation.",
    "portal.acknowledge": "Acknowledge",
    "portal.advisory.state.notified": "new",
    "portal.advisory.state.acknowledged": "acknowledged",
    "portal.advisory.state.upgraded": "upgraded",
    "portal.notice.acknowledged": "Thank you: the advisory is acknowledged for your organisation",
    # -- the portal's password page, and what goes wrong in the portal, in its words ----------
    "password.current": "Current password",
    "password.new": "New password",
    "password.hint": "At least {n} characters.",
    "password.again": "New password again",
    "password.note": "Changing it signs you out everywhere else; this browser stays signed in.",
    "password.none": "Your account has no password, so there is none to change here. You sign "
    "in with links sent by e-mail.",
    "password.error.mismatch": "The new password and its repetition differ.",
    "password.error.length": "A password has {min} to {max} characters.",
    "password.error.same": "The new password is the same as the current one.",
    "password.error.wrong_current": "The current password is not right.",
    "portal.notice.password_changed": "Password changed. Your other sessions were signed out.",
    "portal.error.not_found": "We cannot find this: it does not exist, or it is not your "
    "organisation's.",
    "portal.error.link": "This sign-in link is unknown, used or expired. Ask for a new one on "
    "the sign-in page.",
    "portal.error.too_long": "Too long: {fields}.",
    "portal.error.file_too_large": "A file is larger than the limit of {megabytes} MB.",
    "portal.error.file_type": "This kind of file cannot be attached.",
    "portal.error.changed": "This cannot be done any more: the ticket has changed in the "
    "meantime. Reload the page to see where it stands.",
    "portal.error.check": "Please check: {fields}.",
    "portal.error.invalid": "That could not be done as entered. Please check the form and try "
    "again.",
    "portal.error.forbidden": "Your account may not do this.",
    "portal.error.server": "Something went wrong on our side; it has been logged. Please try "
    "again in a moment.",
    "portal.error.unreachable": "The desk could not be reached. Nothing was sent; try again.",
    "portal.suggestion.solved_ticket": "Solved ticket {number}",
    "portal.suggestion.page": "page {page}",
}
