"""The verifier's exceptions: one tree, under `VerifierError`.

A failed interaction is never an exception: it is a `Finding`. These are raised when a run, a
comparison or one step of it cannot go on at all; each message is one sentence.

    VerifierError
    ├── SourceError                    a pact could not be read or fetched: the run cannot start
    ├── PactError (ValueError)         a document is not a pact that can be read
    ├── FilterError (ValueError)       an interaction filter is not a regular expression
    ├── OpenAPIDocumentError           the document of an `OpenAPICheck` cannot be read or used
    ├── StateChangeError               a provider state could not be set up or torn down
    ├── ProducerError                  a message producer failed, answered badly or is unreachable
    ├── ReplayError                    the request could not be sent, or no answer came
    ├── GeneratorError (ValueError)    a generator cannot make a value
    ├── ComparisonError                a comparison with an OpenAPI document cannot run
    │   ├── SpecError                  the OpenAPI or AsyncAPI document cannot be read or used
    │   └── ComparisonPactError        the pact cannot be read, or an interaction is malformed
    │                                  (also a PactError)
    │   defined where they are raised, in verifier/:
    ├── DocumentError (ValueError)             comparison/documents.py
    ├── InvalidDocumentError (ValueError)      _openapi_validation.py
    │   └── OutsideReferenceError              _openapi_validation.py
    ├── UnreadableFileError                    _files.py
    ├── RequestPathError (ValueError)          _http.py
    ├── FaultRequestError                      fault_proxy.py
    ├── ProtocolError                          _http1.py
    ├── ProbeError                             probe/plan.py
    ├── ConsumerError                          events/consumers.py
    ├── MessageRejected                        events/consumers.py
    ├── _TooSlow                               events/consumers.py
    ├── _Failed                                events/run.py
    ├── RegexError (ValueError)                _regex_syntax.py
    ├── RegexGenerationError (ValueError)      _generators/regexes.py
    ├── ExpressionError (ValueError)           _generators/dates.py
    ├── PatternError (ValueError)              _matching/formats.py
    ├── PathSyntaxError (ValueError)           _matching/paths.py
    ├── XMLBodyError (ValueError)              _matching/xmlbody.py
    └── InteractionFailedError                 pytest_plugin/items.py

The classes from `VerifierError` to `ComparisonPactError` are defined here. `verifier` exports
those a user may catch: `VerifierError`, `SourceError`, `PactError`, `FilterError`,
`OpenAPIDocumentError`, `StateChangeError` and `ProducerError`; `verifier.comparison` exports
the comparison's (its `PactError` is this one). `ReplayError` and `GeneratorError` are caught
inside the verifier and become an interaction's error. The rest are defined next to the code
that raises them and caught there too, becoming one of the errors above, a finding or a failed
pytest item. Those marked `(ValueError)` are `ValueError`s as well, as they were before they
joined the tree.
"""

from __future__ import annotations


class VerifierError(Exception):
    """The base of every exception the verifier defines."""


class SourceError(VerifierError):
    """A pact could not be read or fetched; the message is one sentence."""


class PactError(VerifierError, ValueError):
    """A document that is not a pact the verifier can read."""


class FilterError(VerifierError, ValueError):
    """A filter is not a valid regular expression; the message is one sentence."""


class OpenAPIDocumentError(VerifierError):
    """The OpenAPI document cannot be read or used; the message is one sentence."""


class StateChangeError(VerifierError):
    """A provider state could not be set up or torn down; its message is one sentence."""


class ProducerError(VerifierError):
    """A producer failed, answered badly or could not be reached; the message is one sentence."""


class ReplayError(VerifierError):
    """The request could not be sent or no answer came; the message is one sentence."""


class GeneratorError(VerifierError, ValueError):
    """A generator that cannot make a value: unknown type, bad regex, unreadable expression."""


class ComparisonError(VerifierError):
    """The comparison cannot run; the message is one sentence saying why."""


class SpecError(ComparisonError):
    """The provider's OpenAPI or AsyncAPI document cannot be used."""


class ComparisonPactError(ComparisonError, PactError):
    """The consumer's pact cannot be used by the comparison."""
