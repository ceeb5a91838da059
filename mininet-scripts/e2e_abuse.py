"""e2e_abuse: (being written for issue 8)."""

TESTS = ()
