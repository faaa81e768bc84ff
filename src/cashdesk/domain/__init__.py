"""Business rules: plain Python, no Qt, no SQL, no I/O."""
