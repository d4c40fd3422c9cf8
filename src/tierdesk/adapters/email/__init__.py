"""E-mail adapters: parse (bytes → value), IMAP mailboxes, the SMTP relay, the SMTP listener."""
