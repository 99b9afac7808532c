"""The Jena weather station's record, as every task reads it: one row every ten minutes."""

import pandas as pd

STEP = pd.Timedelta(minutes=10)
