"""The cross-site learning's policies as the platform finds policies: in a module named
`policies` (tests/core/test_every_policy_is_proved.py looks for `lde/**/policies.py`). The rules
themselves are in `lde/inspections/learning_policies.py`."""
