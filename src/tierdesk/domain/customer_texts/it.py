"""Italiano (forma di cortesia, "Lei"). Dopo "Gentile …," il testo prosegue in minuscolo."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- the mail frame ------------------------------------------------------------------------
    "mail.marker": "##- Scriva la sua risposta sopra questa riga -##",
    "mail.greeting": "Gentile {name},",
    "mail.acknowledgement": "grazie per averci contattato. Abbiamo aperto il ticket {number} "
    "per la sua richiesta \u00ab{subject}\u00bb. Le risponderemo a breve.",
    "mail.footer": "Ticket {number}: {subject}. Per aggiungere informazioni risponda a questa "
    "e-mail mantenendo {number} nell'oggetto.",
    "mail.attachments": "Allegati: {names}",
    # -- clarifying question -------------------------------------------------------------------
    "clarify.intro": "Grazie per la sua richiesta. Per aiutarla rapidamente, ci indichi per "
    "favore:",
    "clarify.version": "il prodotto e la versione software esatti in uso",
    "clarify.error": "il messaggio o il codice di errore esatto",
    "clarify.since": "da quando si verifica il problema (data e ora, e se in quel momento è "
    "cambiato qualcosa)",
    "clarify.logs": "un file di log del periodo in cui si è verificato il problema",
    # -- more information ----------------------------------------------------------------------
    "checklist.intro": "Per andare avanti ci servono ancora alcune informazioni da parte sua:",
    "checklist.closing": "Risponda a questo messaggio con quanto riesce a fornirci; nel "
    "frattempo il ticket resta in attesa della sua risposta.",
    # -- known issue, defect fixed, enhancement shipped ----------------------------------------
    "known_issue.intro": "Si tratta di un problema noto (KI-{id}): {title}.",
    "known_issue.closing": "Se questo non risolve il problema, risponda a questo messaggio e "
    "approfondiremo.",
    # -- risposte ai livelli 0 e 1 (domain/answers.py) -----------------------------------------
    "answer.intro": "Grazie per la sua richiesta. Crediamo che la nostra documentazione vi "
    "risponda:",
    "answer.from_manual": "Dal manuale {document}, sezione \u201c{section}\u201d:",
    "answer.from_article": "Dall'articolo \u201c{title}\u201d ({link}):",
    "answer.from_known_issue": "Si tratta di un problema noto, {title}. La soluzione documentata:",
    "answer.from_solution": "Ecco come è stata risolta la stessa domanda in passato:",
    "answer.language.en": "inglese",
    "answer.language.de": "tedesco",
    "answer.language.it": "italiano",
    "answer.language.fr": "francese",
    "answer.language.es": "spagnolo",
    "answer.quoted": "(Citato nella lingua originale: {source_language}.)",
    "answer.solved_question": "Questo ha risolto il problema? Ce lo dica con un clic su "
    "{link}, oppure risponda a questo messaggio se non è così: un tecnico se ne occuperà.",
    "defect.fixed": "Aggiornamento sul difetto DEF-{id} ({title}): è stato corretto nella "
    "release {fixed_in}.",
    "defect.affected": "Lei utilizza la versione {version}, che è interessata dal difetto. "
    "Per risolverlo basta aggiornare alla {fixed_in} o a una versione successiva.",
    "defect.not_affected": "Lei utilizza la versione {version}, che non è interessata dal "
    "difetto: non deve fare nulla.",
    "defect.unknown": "Non sappiamo quale versione utilizza: sono interessate le versioni "
    "precedenti alla {fixed_in}, che corregge il difetto. Se ha dubbi, ci risponda indicando "
    "la sua versione.",
    "enhancement.shipped": "Buone notizie: il miglioramento che ci aveva chiesto, ENH-{id} "
    "({title}), è disponibile a partire dalla release {version}.",
    # -- hardware replacements (RMA) -------------------------------------------------------
    "rma.requested": "Abbiamo aperto una sostituzione hardware, {reference} ({kind}), per l'unità "
    "con numero di serie {serial}. La informeremo quando sarà approvata.",
    "rma.approved": "La sostituzione hardware {reference} per il numero di serie {serial} è "
    "approvata. Spediremo a: {ship_to}",
    "rma.shipped": "Sostituzione hardware {reference}: l'unità con numero di serie {replacement} "
    "le è stata spedita.",
    "rma.tracking": "Numero di tracciamento: {tracking}",
    # a side conversation's summary drafted as a public reply (issue 21)
    "side.summary_intro": "Un aggiornamento su questo ticket (abbiamo verificato: {subject}):",
    "rma.received": "Sostituzione hardware {reference}: l'unità con numero di serie {replacement} "
    "è stata consegnata.",
    "rma.closed": "La sostituzione hardware {reference} per il numero di serie {serial} è "
    "completata e chiusa.",
    "rma.rejected": "Non possiamo procedere con la sostituzione hardware {reference} per il "
    "numero di serie {serial}: {reason}",
    "rma.cancelled": "La sostituzione hardware {reference} per il numero di serie {serial} è "
    "annullata: {reason}",
    "rma.kind.advance_replacement": "sostituzione anticipata",
    "rma.kind.repair": "riparazione",
    # -- incident updates ----------------------------------------------------------------------
    "incident.update": "Aggiornamento sul disservizio INC-{id} ({title}) \u2013 {status}:",
    "incident.status.investigating": "analisi in corso",
    "incident.status.identified": "causa individuata",
    "incident.status.monitoring": "sotto osservazione",
    "incident.status.resolved": "risolto",
    # -- sign-in mails -------------------------------------------------------------------------
    "sign_in_link.subject": "Il suo link di accesso",
    "sign_in_link.intro": "apra questo link per accedere al portale di assistenza:",
    "sign_in_link.button": "Accedi",
    "sign_in_link.expiry": "Il link funziona una sola volta, per {minutes} minuti. Se non "
    "l'ha richiesto lei, ignori questa e-mail.",
    "lockout.subject": "L'accesso al suo account è stato sospeso temporaneamente",
    "lockout.paused": "qualcuno ha inserito più volte una password errata per il suo account "
    "{place}, perciò l'accesso con password è sospeso per {wait}.",
    "lockout.place.portal": "sul portale di assistenza",
    "lockout.place.workspace": "nell'area di lavoro",
    "lockout.advice": "Se è stato lei, attenda e riprovi. In caso contrario, nessuno è "
    "riuscito ad accedere. Le consigliamo di cambiare la password appena avrà "
    "effettuato l'accesso e di avvisare il suo amministratore.",
    "duration.minute": "{n} minuto",
    "duration.minutes": "{n} minuti",
    # -- ticket status -------------------------------------------------------------------------
    "status.new": "nuovo",
    "status.open": "aperto",
    "status.pending-customer": "in attesa di una sua risposta",
    "status.pending-internal": "in lavorazione",
    "status.on-hold": "in sospeso",
    "status.solved": "risolto",
    "status.closed": "chiuso",
    # -- satisfaction request ------------------------------------------------------------------
    "csat.heading": "Com'è andata?",
    "csat.request": "Il suo ticket è stato risolto. Come valuta il nostro aiuto, da 1 "
    "(scarso) a 5 (eccellente)?",
    "csat.legend": "La sua valutazione",
    "csat.comment": "Commento (facoltativo)",
    "csat.submit": "Invia valutazione",
    "csat.thanks": "Ha dato a questo ticket una valutazione di {score}/5. Grazie!",
    "csat.rated": "valutato {score}/5",
    # -- the portal ----------------------------------------------------------------------------
    "format.when": "%d/%m/%Y %H:%M UTC",
    "format.day": "%d/%m/%Y",
    "portal.brand": "Portale di assistenza Kestrel",
    "portal.name": "Portale di assistenza",
    "portal.nav": "Portale",
    "portal.our_tickets": "I nostri ticket",
    "portal.new_ticket": "Nuovo ticket",
    "portal.change_password": "Cambia password",
    "portal.sign_out": "Esci",
    "portal.open_new": "Apri un nuovo ticket",
    "portal.col.ticket": "Ticket",
    "portal.col.subject": "Oggetto",
    "portal.col.status": "Stato",
    "portal.col.opened_by": "Aperto da",
    "portal.col.updated": "Aggiornato",
    "portal.no_tickets": "Ancora nessun ticket.",
    "portal.back": "\u2190 I nostri ticket",
    "portal.status": "Stato:",
    "portal.incident": "Disservizio in corso",
    "help.title": "Centro assistenza",
    "help.search": "Cerca nel centro assistenza",
    "help.search_button": "Cerca",
    "help.none": "Nessun articolo trovato.",
    "help.sign_in": "Clienti: accedete al portale di assistenza",
    "help.back": "\u2190 Centro assistenza",
    "portal.messages": "Messaggi",
    "portal.answer": "Come è stato risolto",
    "portal.support": "Assistenza",
    "answer.author": "Risposta automatica",
    "portal.merged_from": "da {number}",  # a message of a ticket merged into this one
    # -- who is copied on a ticket (the requester edits it) --------------------------------
    "portal.ccs": "In copia (CC)",
    "portal.ccs_intro": "Questi indirizzi ricevono via e-mail le nostre risposte a questo ticket. "
    "Essere in copia non dà accesso al portale.",
    "portal.ccs_none": "Nessuno è in copia.",
    "portal.cc_remove": "Rimuovi",
    "portal.cc_remove_address": "Rimuovi {address}",
    "portal.cc_add": "Metti in copia altri indirizzi",
    "portal.cc_add_hint": "Indirizzi e-mail separati da virgole o spazi; al massimo {limit} in "
    "tutto.",
    "portal.cc_add_button": "Aggiungi",
    "portal.ccs_requester_only": "Solo chi ha aperto questo ticket può cambiare chi è in copia.",
    "portal.error.cc_address": "\u00ab{address}\u00bb non è un indirizzo e-mail.",
    "portal.error.too_many_ccs": "Si possono mettere in copia al massimo {limit} indirizzi.",
    "portal.error.cc_yourself": "Riceve comunque le nostre risposte: non serve mettersi in copia.",
    "portal.notice.ccs_saved": "Indirizzi in copia aggiornati",
    "portal.reply": "Rispondi",
    "portal.message": "Messaggio",
    "portal.attach": "Allega file",
    "portal.send": "Invia",
    "portal.open_heading": "Apri un ticket",
    "portal.subject": "Oggetto",
    "portal.what_happened": "Che cosa è successo? Ci aiutano soprattutto il prodotto, la "
    "versione e ciò che ha già provato.",
    "portal.attach_logs": "Allega file (log, screenshot)",
    "portal.open_button": "Apri il ticket",
    "portal.suggestions": "Risposte che potrebbero esserle utili",
    "portal.suggestions_start": "Inizi a scrivere: cercheremo nei manuali e nei ticket "
    "risolti della sua organizzazione.",
    "portal.solved_it": "Questo ha risolto il mio problema",
    "portal.no_suggestions": "Ancora nessun suggerimento: continui a scrivere oppure apra il "
    "ticket.",
    "portal.sign_in": "Accedi",
    "portal.sign_in_heading": "Acceda al portale di assistenza",
    "portal.link_sent": "Se a questo indirizzo corrisponde un account, le abbiamo inviato un "
    "link di accesso. Funziona una sola volta, per {minutes} minuti.",
    "portal.email": "E-mail",
    "portal.password": "Password",
    "portal.link_label": "Nessuna password? Ricevi un link di accesso via e-mail",
    "portal.send_link": "Invia link",
    "portal.error": "Errore {status}",
    "portal.not_found": "Pagina non trovata",
    "portal.not_allowed": "Operazione non consentita",
    "portal.failed": "Non è andato a buon fine",
    "portal.error.sign_in": "Indirizzo e-mail o password errati.",
    "portal.error.paused_account": "Troppi accessi non riusciti per questo account: è bloccato "
    "per ora. Riprova tra {wait}.",
    "portal.error.paused_network": "Troppi accessi non riusciti dal tuo indirizzo di rete. "
    "Riprova tra {wait}.",
    "portal.error.fill_in": "Compila: {fields}.",
    "portal.error.no_page": "A questo indirizzo non c'è nessuna pagina.",
    "portal.error.wrong_method": "Questo indirizzo non risponde a questo tipo di richiesta.",
    "portal.error.too_large": "Quanto inviato supera ciò che questo servizio accetta. "
    "Invii file più piccoli o meno file alla volta.",
    "portal.error.rating": "Scegli una valutazione da 1 a 5.",
    "portal.field.body": "Descrizione",
    "portal.go_back": "Torna indietro",
    "portal.article.read": "Leggi l'articolo",
    "portal.article.answer": "Risposta",
    "portal.article.steps": "Cosa fare",
    "portal.article.symptoms": "Potrebbe notare",
    "portal.article.helped": "Le è stato utile?",
    "portal.article.yes": "Sì",
    "portal.article.no": "No",
    "portal.notice.article_feedback": "Grazie per il suo riscontro",
    "portal.notice.opened": "Ticket aperto",
    "portal.answer_question": "La nostra risposta ha risolto il problema?",
    "portal.answer_yes": "Sì, è risolto",
    "portal.answer_no": "No, ho ancora bisogno di aiuto",
    "portal.notice.answer_solved": "Bene, è risolto. Grazie per avercelo detto.",
    "portal.notice.answer_not_solved": "Grazie. Se ne occuperà un tecnico.",
    "portal.notice.sent": "Messaggio inviato",
    "portal.notice.rated": "Grazie per la sua valutazione",
    "portal.notice.deflected": "Bene, il problema è risolto. Non è stato aperto alcun ticket.",
    # -- enhancement requests in the portal ---------------------------------------------------
    "enhancement.status.proposed": "proposto",
    "enhancement.status.planned": "pianificato",
    "enhancement.status.in-progress": "in corso",
    "enhancement.status.shipped": "rilasciato",
    "enhancement.status.declined": "respinto",
    "portal.enhancements": "Richieste di miglioramento",
    "portal.enhancements_intro": "I miglioramenti chiesti dai ticket della sua organizzazione. "
    "Ogni organizzazione ha un voto per richiesta.",
    "portal.col.request": "Richiesta",
    "portal.col.votes": "Voti",
    "portal.col.your_vote": "Il suo voto",
    "portal.vote": "Vota",
    "portal.withdraw_vote": "Ritira il voto",
    "portal.no_enhancements": "Ancora nessuna richiesta di miglioramento.",
    "portal.notice.voted": "Il voto della sua organizzazione è stato registrato",
    "portal.notice.vote_withdrawn": "Il voto della sua organizzazione è stato ritirato",
    # -- upgrade advisories (issue 21): the notice and the portal's page --------------------
    "advisory.subject": "Raccomandazione di aggiornamento: {product} {version}",
    "advisory.intro": "Questa è una raccomandazione di aggiornamento per {organisation}: "
    "utilizzate {product} {version} su {items} elemento/i installato/i.",
    "advisory.known_issue": "Un problema noto riguarda questa versione: KI-{record_id} ({title}).",
    "advisory.defect": "Un difetto riguarda questa versione: DEF-{record_id} ({title}).",
    "advisory.end_of_support": "Il supporto per questa versione termina il {date}.",
    "advisory.target": "Consigliamo di aggiornare alla versione {target}.",
    "advisory.closing": "La preghiamo di confermare la lettura di questa raccomandazione nel "
    "portale di assistenza, alla voce Avvisi. Per qualsiasi domanda risponda a questa e-mail.",
    "portal.advisories": "Avvisi",
    "portal.no_advisories": "Nessuna raccomandazione di aggiornamento per la sua organizzazione.",
    "portal.acknowledge": "Confermo la lettura",
    "portal.advisory.state.notified": "nuovo",
    "portal.advisory.state.acknowledged": "confermato",
    "portal.advisory.state.upgraded": "aggiornato",
    "portal.notice.acknowledged": "Grazie: la raccomandazione è confermata per la sua "
    "organizzazione",
    # -- the portal's password page, and what goes wrong in the portal, in its words ----------
    "password.current": "Password attuale",
    "password.new": "Nuova password",
    "password.hint": "Almeno {n} caratteri.",
    "password.again": "Ripeta la nuova password",
    "password.note": "Cambiandola, le sue altre sessioni vengono chiuse; in questo browser resta "
    "collegato.",
    "password.none": "Il suo account non ha una password, quindi qui non c'è nulla da cambiare. "
    "Accede con i link che le inviamo per e-mail.",
    "password.error.mismatch": "La nuova password e la sua ripetizione non coincidono.",
    "password.error.length": "Una password ha da {min} a {max} caratteri.",
    "password.error.same": "La nuova password è uguale a quella attuale.",
    "password.error.wrong_current": "La password attuale non è corretta.",
    "portal.notice.password_changed": "Password cambiata. Le sue altre sessioni sono state chiuse.",
    "portal.error.not_found": "Non lo troviamo: non esiste oppure non appartiene alla sua "
    "organizzazione.",
    "portal.error.link": "Questo link di accesso è sconosciuto, già usato o scaduto. Ne richieda "
    "uno nuovo dalla pagina di accesso.",
    "portal.error.too_long": "Testo troppo lungo: {fields}.",
    "portal.error.file_too_large": "Un file supera il limite di {megabytes} MB.",
    "portal.error.file_type": "Questo tipo di file non può essere allegato.",
    "portal.error.changed": "Ora non è più possibile: il ticket è cambiato nel frattempo. "
    "Ricarichi la pagina per vedere la situazione attuale.",
    "portal.error.check": "Controlli: {fields}.",
    "portal.error.invalid": "Non è stato possibile farlo così. Controlli i dati inseriti e "
    "riprovi.",
    "portal.error.forbidden": "Il suo account non può farlo.",
    "portal.error.server": "Si è verificato un errore da parte nostra ed è stato registrato. "
    "Riprovi tra un momento.",
    "portal.error.unreachable": "Non è stato possibile raggiungere l'assistenza. Non è stato "
    "inviato nulla; riprovi.",
    "portal.suggestion.solved_ticket": "Ticket risolto {number}",
    "portal.suggestion.page": "pagina {page}",
}
