"""The outside world: database set-up, mail, push, webhooks, payments, PDFs, the outbox dispatcher."""
