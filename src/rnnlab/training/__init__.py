"""Training, by concern: ``loop`` (fit and its Task), ``progress`` (what a run keeps and hands over),
``checkpoint`` (saved models; all that evaluation needs), ``optimizer`` and ``ranks`` (data-parallel runs)."""
