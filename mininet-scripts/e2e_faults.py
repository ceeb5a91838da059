"""e2e_faults: (being written for issue 8)."""

TESTS = ()
