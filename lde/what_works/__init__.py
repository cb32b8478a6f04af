"""The library of what works: interventions, evaluations and research summaries, rated on the
Maryland scale and the EMMIE fields (¶166–170)."""
