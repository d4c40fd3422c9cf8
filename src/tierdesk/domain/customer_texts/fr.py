"""Français (vouvoiement). Espace insécable avant « : ; ? ! » et dans les guillemets."""

from __future__ import annotations

NBSP = "\u00a0"

TEXTS: dict[str, str] = {
    # -- the mail frame ------------------------------------------------------------------------
    "mail.marker": "##- Veuillez écrire votre réponse au-dessus de cette ligne -##",
    "mail.greeting": "Bonjour {name},",
    "mail.acknowledgement": "Merci de nous avoir contactés. Nous avons ouvert le ticket "
    f"{{number}} pour votre demande \u00ab{NBSP}{{subject}}{NBSP}\u00bb. Nous vous répondrons "
    "très prochainement.",
    "mail.footer": f"Ticket {{number}}{NBSP}: {{subject}}. Pour compléter le ticket, répondez "
    "à cet e-mail en gardant {number} dans l'objet.",
    "mail.attachments": f"Pièces jointes{NBSP}: {{names}}",
    # -- clarifying question -------------------------------------------------------------------
    "clarify.intro": "Merci pour votre demande. Afin de vous aider rapidement, merci de nous "
    f"indiquer{NBSP}:",
    "clarify.version": "le produit et la version logicielle exacts que vous utilisez",
    "clarify.error": "le message ou le code d'erreur exact",
    "clarify.since": "depuis quand le problème se produit (date et heure, et si quelque chose "
    "a changé à ce moment-là)",
    "clarify.logs": "un fichier journal couvrant la période du problème",
    # -- more information ----------------------------------------------------------------------
    "checklist.intro": "Pour avancer, nous avons besoin de quelques informations "
    f"complémentaires{NBSP}:",
    "checklist.closing": "Merci de répondre à ce message avec ce que vous pouvez nous "
    f"fournir{NBSP}; le ticket reste en attente de votre réponse.",
    # -- known issue, defect fixed, enhancement shipped ----------------------------------------
    "known_issue.intro": f"Il s'agit d'un problème connu (KI-{{id}}){NBSP}: {{title}}.",
    "known_issue.closing": "Si cela ne résout pas votre problème, répondez à ce message et "
    "nous poursuivrons nos recherches.",
    # -- réponses aux niveaux 0 et 1 (domain/answers.py) ---------------------------------------
    "answer.intro": f"Merci pour votre demande. Notre documentation y répond, nous "
    f"semble-t-il{NBSP}:",
    "answer.from_manual": f"Extrait du manuel {{document}}, section "
    f"«{NBSP}{{section}}{NBSP}»{NBSP}:",
    "answer.from_article": f"Extrait de l'article «{NBSP}{{title}}{NBSP}» ({{link}}){NBSP}:",
    "answer.from_known_issue": f"Il s'agit d'un problème connu, {{title}}. La solution "
    f"documentée{NBSP}:",
    "answer.from_solution": f"Voici comment la même question a déjà été résolue{NBSP}:",
    "answer.language.en": "anglais",
    "answer.language.de": "allemand",
    "answer.language.it": "italien",
    "answer.language.fr": "français",
    "answer.language.es": "espagnol",
    "answer.quoted": f"(Cité tel quel, en langue originale{NBSP}: {{source_language}}.)",
    "answer.solved_question": f"Cela a-t-il résolu votre problème{NBSP}? Dites-le-nous d'un "
    f"clic sur {{link}}, ou répondez à ce message si ce n'est pas le cas{NBSP}: un technicien "
    f"prendra le relais.",
    "defect.fixed": f"Du nouveau sur l'anomalie DEF-{{id}} ({{title}}){NBSP}: elle est "
    "corrigée dans la version {fixed_in}.",
    "defect.affected": "Vous utilisez la version {version}, qui est concernée. Une mise à jour "
    "vers la version {fixed_in} ou ultérieure corrige le problème.",
    "defect.not_affected": "Vous utilisez la version {version}, qui n'est pas "
    f"concernée{NBSP}: vous n'avez rien à faire.",
    "defect.unknown": f"Nous ne savons pas quelle version vous utilisez{NBSP}: les versions "
    "antérieures à la {fixed_in} sont concernées, et la {fixed_in} corrige le problème. En "
    "cas de doute, répondez-nous en indiquant votre version.",
    "enhancement.shipped": f"Bonne nouvelle{NBSP}: l'amélioration que vous aviez demandée, "
    "ENH-{id} ({title}), est disponible depuis la version {version}.",
    # -- hardware replacements (RMA) -------------------------------------------------------
    "rma.requested": "Nous avons ouvert un remplacement de matériel, {reference} ({kind}), pour "
    "l'appareil portant le numéro de série {serial}. Nous vous préviendrons dès qu'il sera "
    "approuvé.",
    "rma.approved": "Le remplacement de matériel {reference} pour le numéro de série {serial} est "
    "approuvé. Nous expédierons à : {ship_to}",
    "rma.shipped": "Remplacement de matériel {reference} : l'appareil portant le numéro de série "
    "{replacement} vous a été expédié.",
    "rma.tracking": "Numéro de suivi : {tracking}",
    # a side conversation's summary drafted as a public reply (issue 21)
    "side.summary_intro": "Du nouveau sur ce ticket (nous avons vérifié : {subject}) :",
    "rma.received": "Remplacement de matériel {reference} : l'appareil portant le numéro de série "
    "{replacement} a été livré.",
    "rma.closed": "Le remplacement de matériel {reference} pour le numéro de série {serial} est "
    "terminé et clos.",
    "rma.rejected": "Nous ne pouvons pas donner suite au remplacement de matériel {reference} "
    "pour le numéro de série {serial} : {reason}",
    "rma.cancelled": "Le remplacement de matériel {reference} pour le numéro de série {serial} "
    "est annulé : {reason}",
    "rma.kind.advance_replacement": "remplacement anticipé",
    "rma.kind.repair": "réparation",
    # -- incident updates ----------------------------------------------------------------------
    "incident.update": f"Point sur l'incident INC-{{id}} ({{title}}) \u2013 {{status}}{NBSP}:",
    "incident.status.investigating": "analyse en cours",
    "incident.status.identified": "cause identifiée",
    "incident.status.monitoring": "sous surveillance",
    "incident.status.resolved": "résolu",
    # -- sign-in mails -------------------------------------------------------------------------
    "sign_in_link.subject": "Votre lien de connexion",
    "sign_in_link.intro": f"Ouvrez ce lien pour vous connecter au portail d'assistance{NBSP}:",
    "sign_in_link.button": "Se connecter",
    "sign_in_link.expiry": "Il ne fonctionne qu'une fois, pendant {minutes} minutes. Si vous "
    "ne l'avez pas demandé, ignorez simplement cet e-mail.",
    "lockout.subject": "La connexion à votre compte a été suspendue",
    "lockout.paused": "Quelqu'un a saisi plusieurs fois un mauvais mot de passe pour votre "
    f"compte {{place}}{NBSP}; la connexion par mot de passe est donc suspendue pendant "
    "{wait}.",
    "lockout.place.portal": "sur le portail d'assistance",
    "lockout.place.workspace": "dans l'espace de travail",
    "lockout.advice": "Si c'était vous, patientez puis réessayez. Sinon, rassurez-vous"
    f"{NBSP}: personne ne s'est connecté. Pensez à changer votre mot de passe lors de votre "
    "prochaine connexion et prévenez votre administrateur.",
    "duration.minute": "{n} minute",
    "duration.minutes": "{n} minutes",
    # -- ticket status -------------------------------------------------------------------------
    "status.new": "nouveau",
    "status.open": "ouvert",
    "status.pending-customer": "en attente de votre réponse",
    "status.pending-internal": "en cours de traitement",
    "status.on-hold": "en suspens",
    "status.solved": "résolu",
    "status.closed": "fermé",
    # -- satisfaction request ------------------------------------------------------------------
    "csat.heading": f"Votre avis nous intéresse{NBSP}!",
    "csat.request": "Votre ticket est résolu. Comment jugez-vous notre aide, de 1 (mauvaise) "
    f"à 5 (excellente){NBSP}?",
    "csat.legend": "Votre note",
    "csat.comment": "Commentaire (facultatif)",
    "csat.submit": "Envoyer ma note",
    "csat.thanks": f"Vous avez donné la note de {{score}}/5 à ce ticket. Merci{NBSP}!",
    "csat.rated": "noté {score}/5",
    # -- the portal ----------------------------------------------------------------------------
    "format.when": "%d/%m/%Y %H:%M UTC",
    "format.day": "%d/%m/%Y",
    "portal.brand": "Portail d'assistance Kestrel",
    "portal.name": "Portail d'assistance",
    "portal.nav": "Portail",
    "portal.our_tickets": "Nos tickets",
    "portal.new_ticket": "Nouveau ticket",
    "portal.change_password": "Changer de mot de passe",
    "portal.sign_out": "Se déconnecter",
    "portal.open_new": "Ouvrir un nouveau ticket",
    "portal.col.ticket": "Ticket",
    "portal.col.subject": "Objet",
    "portal.col.status": "Statut",
    "portal.col.opened_by": "Ouvert par",
    "portal.col.updated": "Mis à jour",
    "portal.no_tickets": "Aucun ticket pour l'instant.",
    "portal.back": "\u2190 Nos tickets",
    "portal.status": f"Statut{NBSP}:",
    "portal.incident": "Incident en cours",
    "help.title": "Centre d'aide",
    "help.search": "Chercher dans le centre d'aide",
    "help.search_button": "Chercher",
    "help.none": "Aucun article trouvé.",
    "help.sign_in": f"Clients{NBSP}: connectez-vous au portail d'assistance",
    "help.back": "\u2190 Centre d'aide",
    "portal.messages": "Messages",
    "portal.answer": "Comment cela a été résolu",
    "portal.support": "Support",
    "answer.author": "Réponse automatique",
    "portal.merged_from": "de {number}",  # a message of a ticket merged into this one
    # -- who is copied on a ticket (the requester edits it) --------------------------------
    "portal.ccs": "En copie (CC)",
    "portal.ccs_intro": "Ces adresses reçoivent par e-mail nos réponses à ce ticket. Être en "
    "copie ne donne pas accès au portail.",
    "portal.ccs_none": "Personne n\u2019est en copie.",
    "portal.cc_remove": "Retirer",
    "portal.cc_remove_address": "Retirer {address}",
    "portal.cc_add": "Mettre d\u2019autres adresses en copie",
    "portal.cc_add_hint": f"Adresses e-mail séparées par des virgules ou des espaces{NBSP}; "
    f"{{limit}} au plus en tout.",
    "portal.cc_add_button": "Ajouter",
    "portal.ccs_requester_only": "Seule la personne qui a ouvert ce ticket peut changer qui est "
    "en copie.",
    "portal.error.cc_address": f"\u00ab{NBSP}{{address}}{NBSP}\u00bb n\u2019est pas une adresse "
    "e-mail.",
    "portal.error.too_many_ccs": "{limit} adresses au plus peuvent être en copie.",
    "portal.error.cc_yourself": f"Vous recevez nos réponses de toute façon{NBSP}: inutile de vous "
    "mettre en copie.",
    "portal.notice.ccs_saved": "Adresses en copie mises à jour",
    "portal.reply": "Répondre",
    "portal.message": "Message",
    "portal.attach": "Joindre des fichiers",
    "portal.send": "Envoyer",
    "portal.open_heading": "Ouvrir un ticket",
    "portal.subject": "Objet",
    "portal.what_happened": f"Que s'est-il passé{NBSP}? Le produit, la version et ce que "
    "vous avez déjà essayé nous aident le plus.",
    "portal.attach_logs": "Joindre des fichiers (journaux, captures d'écran)",
    "portal.open_button": "Ouvrir le ticket",
    "portal.suggestions": "Des réponses qui pourraient vous aider",
    "portal.suggestions_start": f"Commencez à écrire{NBSP}: nous cherchons dans les manuels "
    "et dans les tickets résolus de votre organisation.",
    "portal.solved_it": "Cela a résolu mon problème",
    "portal.no_suggestions": f"Pas encore de suggestion{NBSP}: continuez à écrire ou ouvrez "
    "le ticket.",
    "portal.sign_in": "Se connecter",
    "portal.sign_in_heading": "Connexion au portail d'assistance",
    "portal.link_sent": "Si cette adresse correspond à un compte, un lien de connexion vous a "
    "été envoyé. Il ne fonctionne qu'une fois, pendant {minutes} minutes.",
    "portal.email": "Adresse e-mail",
    "portal.password": "Mot de passe",
    "portal.link_label": f"Pas de mot de passe{NBSP}? Recevoir un lien de connexion par e-mail",
    "portal.send_link": "Envoyer le lien",
    "portal.error": "Erreur {status}",
    "portal.not_found": "Page introuvable",
    "portal.not_allowed": "Action non autorisée",
    "portal.failed": "Cela n'a pas fonctionné",
    "portal.error.sign_in": "Adresse e-mail ou mot de passe incorrect.",
    "portal.error.paused_account": "Trop de connexions échouées pour ce compte : il est "
    "verrouillé pour le moment. Réessayez dans {wait}.",
    "portal.error.paused_network": "Trop de connexions échouées depuis votre adresse réseau. "
    "Réessayez dans {wait}.",
    "portal.error.fill_in": "Veuillez remplir : {fields}.",
    "portal.error.no_page": "Il n'y a pas de page à cette adresse.",
    "portal.error.wrong_method": "Cette adresse ne répond pas à ce type de requête.",
    "portal.error.too_large": "Ce que vous avez envoyé dépasse ce que ce support accepte. "
    "Envoyez des fichiers plus petits, ou moins à la fois.",
    "portal.error.rating": "Choisissez une note de 1 à 5.",
    "portal.field.body": "Description",
    "portal.go_back": "Retour",
    "portal.article.read": "Lire l'article",
    "portal.article.answer": "Réponse",
    "portal.article.steps": "Que faire",
    "portal.article.symptoms": "Vous pouvez constater",
    "portal.article.helped": f"Cela vous a-t-il aidé{NBSP}?",
    "portal.article.yes": "Oui",
    "portal.article.no": "Non",
    "portal.notice.article_feedback": "Merci pour votre retour",
    "portal.notice.opened": "Ticket ouvert",
    "portal.answer_question": f"Notre réponse a-t-elle résolu votre problème{NBSP}?",
    "portal.answer_yes": "Oui, c'est résolu",
    "portal.answer_no": "Non, j'ai encore besoin d'aide",
    "portal.notice.answer_solved": "Tant mieux. Merci de nous l'avoir dit.",
    "portal.notice.answer_not_solved": "Merci. Un technicien prend le relais.",
    "portal.notice.sent": "Message envoyé",
    "portal.notice.rated": "Merci pour votre note",
    "portal.notice.deflected": "Tant mieux, c'est réglé. Aucun ticket n'a été ouvert.",
    # -- enhancement requests in the portal ---------------------------------------------------
    "enhancement.status.proposed": "proposée",
    "enhancement.status.planned": "planifiée",
    "enhancement.status.in-progress": "en cours",
    "enhancement.status.shipped": "livrée",
    "enhancement.status.declined": "refusée",
    "portal.enhancements": "Demandes d'amélioration",
    "portal.enhancements_intro": "Les améliorations demandées par les tickets de votre "
    "organisation. "
    "Chaque organisation dispose d'une voix par demande.",
    "portal.col.request": "Demande",
    "portal.col.votes": "Voix",
    "portal.col.your_vote": "Votre voix",
    "portal.vote": "Voter",
    "portal.withdraw_vote": "Retirer mon vote",
    "portal.no_enhancements": "Aucune demande d'amélioration pour l'instant.",
    "portal.notice.voted": "Le vote de votre organisation est enregistré",
    "portal.notice.vote_withdrawn": "Le vote de votre organisation est retiré",
    # -- upgrade advisories (issue 21): the notice and the portal's page --------------------
    "advisory.subject": f"Recommandation de mise à jour{NBSP}: {{product}} {{version}}",
    "advisory.intro": f"Ceci est une recommandation de mise à jour pour {{organisation}}{NBSP}: "
    "vous utilisez {product} {version} sur {items} élément(s) installé(s).",
    "advisory.known_issue": f"Un problème connu concerne cette version{NBSP}: KI-{{record_id}} "
    "({title}).",
    "advisory.defect": f"Un défaut concerne cette version{NBSP}: DEF-{{record_id}} ({{title}}).",
    "advisory.end_of_support": "Le support de cette version prend fin le {date}.",
    "advisory.target": "Nous vous recommandons de passer à la version {target}.",
    "advisory.closing": "Merci de confirmer la lecture de cette recommandation dans le portail "
    "d'assistance, rubrique Avis. Pour toute question, répondez à cet e-mail.",
    "portal.advisories": "Avis",
    "portal.no_advisories": "Aucune recommandation de mise à jour pour votre organisation.",
    "portal.acknowledge": "J'ai lu",
    "portal.advisory.state.notified": "nouveau",
    "portal.advisory.state.acknowledged": "lu",
    "portal.advisory.state.upgraded": "mis à jour",
    "portal.notice.acknowledged": f"Merci{NBSP}: la recommandation est confirmée pour votre "
    "organisation",
    # -- the portal's password page, and what goes wrong in the portal, in its words ----------
    "password.current": "Mot de passe actuel",
    "password.new": "Nouveau mot de passe",
    "password.hint": "Au moins {n} caractères.",
    "password.again": "Répétez le nouveau mot de passe",
    "password.note": f"Le changer vous déconnecte partout ailleurs{NBSP}; ce navigateur reste "
    "connecté.",
    "password.none": f"Votre compte n'a pas de mot de passe{NBSP}: il n'y a donc rien à changer "
    "ici. Vous vous connectez avec des liens envoyés par e-mail.",
    "password.error.mismatch": "Le nouveau mot de passe et sa répétition diffèrent.",
    "password.error.length": "Un mot de passe compte de {min} à {max} caractères.",
    "password.error.same": "Le nouveau mot de passe est identique à l'actuel.",
    "password.error.wrong_current": "Le mot de passe actuel n'est pas correct.",
    "portal.notice.password_changed": "Mot de passe changé. Vos autres sessions ont été "
    "déconnectées.",
    "portal.error.not_found": f"Introuvable{NBSP}: cela n'existe pas, ou n'appartient pas à "
    "votre organisation.",
    "portal.error.link": "Ce lien de connexion est inconnu, déjà utilisé ou expiré. Demandez-en "
    "un nouveau sur la page de connexion.",
    "portal.error.too_long": f"Texte trop long{NBSP}: {{fields}}.",
    "portal.error.file_too_large": "Un fichier dépasse la limite de {megabytes} Mo.",
    "portal.error.file_type": "Ce type de fichier ne peut pas être joint.",
    "portal.error.changed": f"Ce n'est plus possible{NBSP}: le ticket a changé entre-temps. "
    "Rechargez la page pour voir où il en est.",
    "portal.error.check": f"Veuillez vérifier{NBSP}: {{fields}}.",
    "portal.error.invalid": "Cela n'a pas pu être fait ainsi. Vérifiez votre saisie et réessayez.",
    "portal.error.forbidden": "Votre compte ne peut pas faire cela.",
    "portal.error.server": f"Une erreur s'est produite de notre côté{NBSP}; elle a été "
    "enregistrée. Réessayez dans un instant.",
    "portal.error.unreachable": f"Le support n'a pas pu être joint. Rien n'a été envoyé{NBSP}; "
    "réessayez.",
    "portal.suggestion.solved_ticket": "Ticket résolu {number}",
    "portal.suggestion.page": "page {page}",
}
