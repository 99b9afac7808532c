"""fetch_station_extract: the real June-October 2024 station extract (native format) from $DATA_MIRROR."""
from rnnlab.fetch import STATION_2024_EXTRACT, fetch

if __name__ == "__main__":
    print(f"wrote {fetch(STATION_2024_EXTRACT, 'data/raw/mpi_roof_2024_sample.csv')}")
