"""What schemathesis generates as schema-valid data, shared by every API conformance test.

The API refuses text holding NUL or half a surrogate pair with a 422 before any endpoint sees it
(lde/api/middleware.py, tested in tests/api/test_api.py), because no text field can store them.
A JSON schema cannot say so for every string, so generated "valid" data leaves them out rather
than counting that 422 as a valid request refused.
"""

GENERATION = {"allow-x00": False, "codec": "utf-8"}
