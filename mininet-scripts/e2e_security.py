"""e2e_security: (being written for issue 8)."""

TESTS = ()
