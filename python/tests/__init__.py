"""Unit tests of python/lrsweep, run with the standard library's unittest from the repository root:

    /usr/bin/python3 -m unittest discover -s python/tests -t python -v     (npm run test:python)

Tests that need torch say so and are skipped, with the reason printed, where it is missing."""
