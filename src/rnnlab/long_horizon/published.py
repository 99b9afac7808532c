"""Published test errors on the Weather benchmark (Jena station, 2020), standardised MSE and MAE by horizon,
each with its lookback and where it was read. Several were measured when the published loaders dropped the
test set's last partial batch (fewer than one batch of windows); ours score every window."""

HORIZONS = (96, 192, 336, 720)

# model, lookback, MSE and MAE at HORIZONS, source.
PUBLISHED = [
    (
        "SegRNN",
        720,
        (0.142, 0.186, 0.237, 0.310),
        (0.181, 0.227, 0.269, 0.320),
        "Lin et al. 2023, arXiv 2308.11200 v1, Table 2 (mean of 5 runs)",
    ),
    ("SegRNN", 96, (0.165, 0.211, 0.270, 0.357), (0.227, 0.273, 0.318, 0.376), "SegRNN's README, lookback-96 table"),
    ("PatchTST/64", 512, (0.149, 0.194, 0.245, 0.314), (0.198, 0.241, 0.282, 0.334), "Nie et al. 2023 (ICLR), Table 3"),
    ("DLinear", 336, (0.176, 0.220, 0.265, 0.323), (0.237, 0.282, 0.319, 0.362), "Zeng et al. 2023 (AAAI), Table 2"),
    (
        "iTransformer",
        96,
        (0.174, 0.221, 0.278, 0.358),
        (0.214, 0.254, 0.296, 0.349),
        "Liu et al. 2024 (ICLR), as quoted in SegRNN's README",
    ),
    (
        "TimesNet",
        96,
        (0.172, 0.219, 0.280, 0.365),
        (0.220, 0.261, 0.306, 0.359),
        "Wu et al. 2023 (ICLR), as quoted in SegRNN's README",
    ),
]
