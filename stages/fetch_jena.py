"""fetch_jena: the Keras Jena climate file (2009-2016) into data/raw/, sha256-verified."""
from rnnlab.fetch import JENA, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(JENA, 'data/raw/jena_climate_2009_2016.csv')}")
