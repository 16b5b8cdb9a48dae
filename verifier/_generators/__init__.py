"""Pact generators: values made at replay time instead of the pact's examples (V3, V4).

`values` makes one value per generator, `dates` writes dates in Java patterns and reads date
expressions, `regexes` writes strings that a regular expression matches, and `requests` applies
a request's generators to the request before the verifier sends it. Everything here is pure:
the clock and the random source come in as arguments.
"""
