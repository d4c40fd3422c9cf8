"""Español (trato de usted). Tras «Hola, …:» el texto empieza con mayúscula."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # -- the mail frame ------------------------------------------------------------------------
    "mail.marker": "##- Escriba su respuesta encima de esta línea -##",
    "mail.greeting": "Hola, {name}:",
    "mail.acknowledgement": "Gracias por ponerse en contacto con nosotros. Hemos abierto el "
    "ticket {number} para su solicitud \u00ab{subject}\u00bb. Le responderemos en breve.",
    "mail.footer": "Ticket {number}: {subject}. Para añadir información al ticket, responda a "
    "este correo y mantenga {number} en el asunto.",
    "mail.attachments": "Adjuntos: {names}",
    # -- clarifying question -------------------------------------------------------------------
    "clarify.intro": "Gracias por su solicitud. Para poder ayudarle rápidamente, indíquenos "
    "por favor:",
    "clarify.version": "el producto y la versión de software exactos que utiliza",
    "clarify.error": "el mensaje o código de error exacto",
    "clarify.since": "desde cuándo ocurre el problema (fecha y hora, y si algo cambió entonces)",
    "clarify.logs": "un archivo de registro del periodo en que ocurrió el problema",
    # -- more information ----------------------------------------------------------------------
    "checklist.intro": "Para seguir avanzando necesitamos algo más de información:",
    "checklist.closing": "Responda a este mensaje con lo que pueda aportarnos; mientras tanto, "
    "el ticket queda a la espera de su respuesta.",
    # -- known issue, defect fixed, enhancement shipped ----------------------------------------
    "known_issue.intro": "Se trata de un problema conocido (KI-{id}): {title}.",
    "known_issue.closing": "Si esto no lo soluciona, responda a este mensaje y seguiremos "
    "investigando.",
    # -- respuestas en los niveles 0 y 1 (domain/answers.py) -----------------------------------
    "answer.intro": "Gracias por su solicitud. Creemos que nuestra documentación la responde:",
    "answer.from_manual": "Del manual {document}, sección \u201c{section}\u201d:",
    "answer.from_article": "Del artículo \u201c{title}\u201d ({link}):",
    "answer.from_known_issue": "Es un problema conocido, {title}. La solución documentada:",
    "answer.from_solution": "Así se resolvió antes la misma pregunta:",
    "answer.language.en": "inglés",
    "answer.language.de": "alemán",
    "answer.language.it": "italiano",
    "answer.language.fr": "francés",
    "answer.language.es": "español",
    "answer.quoted": "(Citado tal cual, en el idioma original: {source_language}.)",
    "answer.solved_question": "¿Se ha resuelto su problema? Díganoslo con un clic en {link}, "
    "o responda a este mensaje si no es así: un técnico se encargará.",
    "defect.fixed": "Novedades sobre el defecto DEF-{id} ({title}): está corregido en la "
    "versión {fixed_in}.",
    "defect.affected": "Usted utiliza la versión {version}, que está afectada. Se soluciona "
    "actualizando a la {fixed_in} o a una posterior.",
    "defect.not_affected": "Usted utiliza la versión {version}, que no está afectada: no "
    "tiene que hacer nada.",
    "defect.unknown": "No sabemos qué versión utiliza: están afectadas las versiones "
    "anteriores a la {fixed_in}, y la {fixed_in} lo corrige. Si tiene dudas, respóndanos "
    "indicando su versión.",
    "enhancement.shipped": "Buenas noticias: la mejora que nos pidió, ENH-{id} ({title}), ya "
    "está disponible en la versión {version}.",
    # -- hardware replacements (RMA) -------------------------------------------------------
    "rma.requested": "Hemos abierto una sustitución de hardware, {reference} ({kind}), para el "
    "equipo con número de serie {serial}. Le avisaremos cuando esté aprobada.",
    "rma.approved": "La sustitución de hardware {reference} para el número de serie {serial} está "
    "aprobada. Enviaremos a: {ship_to}",
    "rma.shipped": "Sustitución de hardware {reference}: el equipo con número de serie "
    "{replacement} se le ha enviado.",
    "rma.tracking": "Número de seguimiento: {tracking}",
    # a side conversation's summary drafted as a public reply (issue 21)
    "side.summary_intro": "Novedades sobre este ticket (lo hemos consultado: {subject}):",
    "rma.received": "Sustitución de hardware {reference}: el equipo con número de serie "
    "{replacement} ha sido entregado.",
    "rma.closed": "La sustitución de hardware {reference} para el número de serie {serial} está "
    "completada y cerrada.",
    "rma.rejected": "No podemos seguir adelante con la sustitución de hardware {reference} para "
    "el número de serie {serial}: {reason}",
    "rma.cancelled": "La sustitución de hardware {reference} para el número de serie {serial} se "
    "ha cancelado: {reason}",
    "rma.kind.advance_replacement": "sustitución anticipada",
    "rma.kind.repair": "reparación",
    # -- incident updates ----------------------------------------------------------------------
    "incident.update": "Actualización de la incidencia INC-{id} ({title}) \u2013 {status}:",
    "incident.status.investigating": "en investigación",
    "incident.status.identified": "causa identificada",
    "incident.status.monitoring": "en observación",
    "incident.status.resolved": "resuelta",
    # -- sign-in mails -------------------------------------------------------------------------
    "sign_in_link.subject": "Su enlace de acceso",
    "sign_in_link.intro": "Abra este enlace para iniciar sesión en el portal de soporte:",
    "sign_in_link.button": "Iniciar sesión",
    "sign_in_link.expiry": "Funciona una sola vez, durante {minutes} minutos. Si no lo ha "
    "solicitado, ignore este correo.",
    "lockout.subject": "Se ha pausado el inicio de sesión en su cuenta",
    "lockout.paused": "Alguien ha introducido varias veces una contraseña incorrecta para su "
    "cuenta {place}, por lo que el inicio de sesión con contraseña queda en pausa durante "
    "{wait}.",
    "lockout.place.portal": "en el portal de soporte",
    "lockout.place.workspace": "en el espacio de trabajo",
    "lockout.advice": "Si ha sido usted, espere y vuelva a intentarlo. Si no, nadie ha "
    "conseguido entrar; le recomendamos cambiar la contraseña cuando inicie sesión y avisar "
    "a su administrador.",
    "duration.minute": "{n} minuto",
    "duration.minutes": "{n} minutos",
    # -- ticket status -------------------------------------------------------------------------
    "status.new": "nuevo",
    "status.open": "abierto",
    "status.pending-customer": "a la espera de su respuesta",
    "status.pending-internal": "en curso",
    "status.on-hold": "en espera",
    "status.solved": "resuelto",
    "status.closed": "cerrado",
    # -- satisfaction request ------------------------------------------------------------------
    "csat.heading": "¿Qué tal lo hemos hecho?",
    "csat.request": "Su ticket está resuelto. ¿Cómo valora nuestra ayuda, de 1 (mala) a 5 "
    "(excelente)?",
    "csat.legend": "Su valoración",
    "csat.comment": "Comentario (opcional)",
    "csat.submit": "Enviar valoración",
    "csat.thanks": "Ha valorado este ticket con un {score}/5. ¡Gracias!",
    "csat.rated": "valorado con {score}/5",
    # -- the portal ----------------------------------------------------------------------------
    "format.when": "%d/%m/%Y %H:%M UTC",
    "format.day": "%d/%m/%Y",
    "portal.brand": "Portal de soporte de Kestrel",
    "portal.name": "Portal de soporte",
    "portal.nav": "Portal",
    "portal.our_tickets": "Nuestros tickets",
    "portal.new_ticket": "Nuevo ticket",
    "portal.change_password": "Cambiar contraseña",
    "portal.sign_out": "Cerrar sesión",
    "portal.open_new": "Abrir un nuevo ticket",
    "portal.col.ticket": "Ticket",
    "portal.col.subject": "Asunto",
    "portal.col.status": "Estado",
    "portal.col.opened_by": "Abierto por",
    "portal.col.updated": "Actualizado",
    "portal.no_tickets": "Todavía no hay tickets.",
    "portal.back": "\u2190 Nuestros tickets",
    "portal.status": "Estado:",
    "portal.incident": "Incidencia del servicio",
    "help.title": "Centro de ayuda",
    "help.search": "Buscar en el centro de ayuda",
    "help.search_button": "Buscar",
    "help.none": "No se encontraron artículos.",
    "help.sign_in": "Clientes: inicie sesión en el portal de soporte",
    "help.back": "\u2190 Centro de ayuda",
    "portal.messages": "Mensajes",
    "portal.answer": "Cómo se resolvió",
    "portal.support": "Soporte",
    "answer.author": "Respuesta automática",
    "portal.merged_from": "de {number}",  # a message of a ticket merged into this one
    # -- who is copied on a ticket (the requester edits it) --------------------------------
    "portal.ccs": "En copia (CC)",
    "portal.ccs_intro": "Estas direcciones reciben por correo electrónico nuestras respuestas a "
    "este ticket. Estar en copia no da acceso al portal.",
    "portal.ccs_none": "No hay nadie en copia.",
    "portal.cc_remove": "Quitar",
    "portal.cc_remove_address": "Quitar {address}",
    "portal.cc_add": "Poner más direcciones en copia",
    "portal.cc_add_hint": "Direcciones de correo separadas por comas o espacios; como máximo "
    "{limit} en total.",
    "portal.cc_add_button": "Añadir",
    "portal.ccs_requester_only": "Solo la persona que abrió este ticket puede cambiar quién está "
    "en copia.",
    "portal.error.cc_address": "\u00ab{address}\u00bb no es una dirección de correo electrónico.",
    "portal.error.too_many_ccs": "Se pueden poner en copia como máximo {limit} direcciones.",
    "portal.error.cc_yourself": "Ya recibe nuestras respuestas: no hace falta ponerse en copia.",
    "portal.notice.ccs_saved": "Direcciones en copia actualizadas",
    "portal.reply": "Responder",
    "portal.message": "Mensaje",
    "portal.attach": "Adjuntar archivos",
    "portal.send": "Enviar",
    "portal.open_heading": "Abrir un ticket",
    "portal.subject": "Asunto",
    "portal.what_happened": "¿Qué ha ocurrido? Lo que más nos ayuda es saber el producto, la "
    "versión y lo que ya ha probado.",
    "portal.attach_logs": "Adjuntar archivos (registros, capturas de pantalla)",
    "portal.open_button": "Abrir ticket",
    "portal.suggestions": "Respuestas que pueden ayudarle",
    "portal.suggestions_start": "Empiece a escribir: buscaremos en los manuales y en los "
    "tickets resueltos de su organización.",
    "portal.solved_it": "Esto ha resuelto mi problema",
    "portal.no_suggestions": "Aún no hay sugerencias: siga escribiendo o abra el ticket.",
    "portal.sign_in": "Iniciar sesión",
    "portal.sign_in_heading": "Iniciar sesión en el portal de soporte",
    "portal.link_sent": "Si esa dirección tiene una cuenta, le hemos enviado un enlace de "
    "acceso. Funciona una sola vez, durante {minutes} minutos.",
    "portal.email": "Correo electrónico",
    "portal.password": "Contraseña",
    "portal.link_label": "¿No tiene contraseña? Recibir un enlace de acceso por correo",
    "portal.send_link": "Enviar enlace",
    "portal.error": "Error {status}",
    "portal.not_found": "No encontrado",
    "portal.not_allowed": "No permitido",
    "portal.failed": "No ha funcionado",
    "portal.error.sign_in": "Dirección de correo o contraseña incorrectos.",
    "portal.error.paused_account": "Demasiados inicios de sesión fallidos para esta cuenta: está "
    "bloqueada por ahora. Inténtelo de nuevo en {wait}.",
    "portal.error.paused_network": "Demasiados inicios de sesión fallidos desde su dirección de "
    "red. Inténtelo de nuevo en {wait}.",
    "portal.error.fill_in": "Rellene: {fields}.",
    "portal.error.no_page": "No hay ninguna página en esta dirección.",
    "portal.error.wrong_method": "Esta dirección no responde a este tipo de solicitud.",
    "portal.error.too_large": "Lo que ha enviado supera lo que este soporte acepta. "
    "Envíe archivos más pequeños o menos a la vez.",
    "portal.error.rating": "Elija una valoración del 1 al 5.",
    "portal.field.body": "Descripción",
    "portal.go_back": "Volver",
    "portal.article.read": "Leer el artículo",
    "portal.article.answer": "Respuesta",
    "portal.article.steps": "Qué hacer",
    "portal.article.symptoms": "Puede observar",
    "portal.article.helped": "¿Le ha servido de ayuda?",
    "portal.article.yes": "Sí",
    "portal.article.no": "No",
    "portal.notice.article_feedback": "Gracias por su opinión",
    "portal.notice.opened": "Ticket abierto",
    "portal.answer_question": "¿Nuestra respuesta ha resuelto su problema?",
    "portal.answer_yes": "Sí, está resuelto",
    "portal.answer_no": "No, todavía necesito ayuda",
    "portal.notice.answer_solved": "Nos alegra que esté resuelto. Gracias por decírnoslo.",
    "portal.notice.answer_not_solved": "Gracias. Un técnico se encargará.",
    "portal.notice.sent": "Mensaje enviado",
    "portal.notice.rated": "Gracias por su valoración",
    "portal.notice.deflected": "Nos alegra que se haya resuelto. No se ha abierto ningún ticket.",
    # -- enhancement requests in the portal ---------------------------------------------------
    "enhancement.status.proposed": "propuesta",
    "enhancement.status.planned": "planificada",
    "enhancement.status.in-progress": "en curso",
    "enhancement.status.shipped": "publicada",
    "enhancement.status.declined": "rechazada",
    "portal.enhancements": "Solicitudes de mejora",
    "portal.enhancements_intro": "Las mejoras que pidieron los tickets de su organización. "
    "Cada organización tiene un voto por solicitud.",
    "portal.col.request": "Solicitud",
    "portal.col.votes": "Votos",
    "portal.col.your_vote": "Su voto",
    "portal.vote": "Votar",
    "portal.withdraw_vote": "Retirar el voto",
    "portal.no_enhancements": "Todavía no hay solicitudes de mejora.",
    "portal.notice.voted": "El voto de su organización se ha registrado",
    "portal.notice.vote_withdrawn": "El voto de su organización se ha retirado",
    # -- upgrade advisories (issue 21): the notice and the portal's page --------------------
    "advisory.subject": "Recomendación de actualización: {product} {version}",
    "advisory.intro": "Esta es una recomendación de actualización para {organisation}: utilizan "
    "{product} {version} en {items} elemento(s) instalado(s).",
    "advisory.known_issue": "Un problema conocido afecta a esta versión: KI-{record_id} ({title}).",
    "advisory.defect": "Un defecto afecta a esta versión: DEF-{record_id} ({title}).",
    "advisory.end_of_support": "El soporte de esta versión termina el {date}.",
    "advisory.target": "Le recomendamos actualizar a la versión {target}.",
    "advisory.closing": "Confirme que ha leído esta recomendación en el portal de soporte, en "
    "Avisos. Si tiene alguna pregunta, responda a este correo.",
    "portal.advisories": "Avisos",
    "portal.no_advisories": "No hay recomendaciones de actualización para su organización.",
    "portal.acknowledge": "Leído",
    "portal.advisory.state.notified": "nuevo",
    "portal.advisory.state.acknowledged": "confirmado",
    "portal.advisory.state.upgraded": "actualizado",
    "portal.notice.acknowledged": "Gracias: la recomendación queda confirmada para su organización",
    # -- the portal's password page, and what goes wrong in the portal, in its words ----------
    "password.current": "Contraseña actual",
    "password.new": "Nueva contraseña",
    "password.hint": "Al menos {n} caracteres.",
    "password.again": "Repita la nueva contraseña",
    "password.note": "Al cambiarla se cierran sus demás sesiones; en este navegador sigue con la "
    "sesión iniciada.",
    "password.none": "Su cuenta no tiene contraseña, así que aquí no hay nada que cambiar. Inicia "
    "sesión con los enlaces que le enviamos por correo.",
    "password.error.mismatch": "La nueva contraseña y su repetición no coinciden.",
    "password.error.length": "Una contraseña tiene entre {min} y {max} caracteres.",
    "password.error.same": "La nueva contraseña es igual a la actual.",
    "password.error.wrong_current": "La contraseña actual no es correcta.",
    "portal.notice.password_changed": "Contraseña cambiada. Se han cerrado sus demás sesiones.",
    "portal.error.not_found": "No lo encontramos: no existe o no pertenece a su organización.",
    "portal.error.link": "Este enlace de inicio de sesión es desconocido, ya se usó o ha "
    "caducado. Pida uno nuevo en la página de inicio de sesión.",
    "portal.error.too_long": "Texto demasiado largo: {fields}.",
    "portal.error.file_too_large": "Un archivo supera el límite de {megabytes} MB.",
    "portal.error.file_type": "Este tipo de archivo no se puede adjuntar.",
    "portal.error.changed": "Ya no es posible: el ticket ha cambiado mientras tanto. Recargue "
    "la página para ver cómo está.",
    "portal.error.check": "Revise: {fields}.",
    "portal.error.invalid": "No se ha podido hacer así. Revise lo que ha introducido e "
    "inténtelo de nuevo.",
    "portal.error.forbidden": "Su cuenta no puede hacer esto.",
    "portal.error.server": "Algo ha fallado por nuestra parte y ha quedado registrado. "
    "Inténtelo de nuevo en un momento.",
    "portal.error.unreachable": "No se ha podido contactar con el soporte. No se ha enviado "
    "nada; inténtelo de nuevo.",
    "portal.suggestion.solved_ticket": "Ticket resuelto {number}",
    "portal.suggestion.page": "página {page}",
}
