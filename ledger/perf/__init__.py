"""The performance kit: the few tricks that make long passes fast, kept out of the logic.

Domain, projection and audit code call these small interfaces and never meet
``gc.disable()``, private encoders or process plumbing themselves. Figures that justify
each trick are in ``BENCHMARKS.md``.
"""
