"""Public tips 举报: accept, verify, answer and close, with the reporter's identity kept from all but the handler."""
