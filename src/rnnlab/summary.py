"""Tables and figures of every model on both tasks, beside the baselines."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnnlab.io import atomic_path, read_json  # noqa: E402

MODELS = ["rnn", "gru", "lstm", "bilstm"]
FORECAST_BASELINES = ["hold_last", "repeat_last_24h"]


def collect(text_dir: str | Path, forecast_dir: str | Path) -> dict:
    """Test macro-F1 and accuracy per text model, test MAE and RMSE (degC) per forecaster, baselines included."""
    text_dir, forecast_dir = Path(text_dir), Path(forecast_dir)
    baselines = read_json(forecast_dir / "baselines.json")
    rows = {}
    for name in [*MODELS, "tfidf_svm"]:
        metrics = read_json(text_dir / f"{name}.json")
        rows.setdefault(name, {}).update(text_macro_f1=metrics["macro_f1"], text_accuracy=metrics["accuracy"])
    for name in MODELS:
        metrics = read_json(forecast_dir / f"{name}.json")
        rows[name].update(forecast_mae=metrics["mae"], forecast_rmse=metrics["rmse"])
    for name in FORECAST_BASELINES:
        rows[name] = {"forecast_mae": baselines[name]["mae"], "forecast_rmse": baselines[name]["rmse"]}
    return rows


def markdown(rows: dict, setup: str) -> str:
    columns = [("text_macro_f1", "text macro-F1"), ("text_accuracy", "text accuracy"),
               ("forecast_mae", f"forecast MAE °C ({setup})"), ("forecast_rmse", f"forecast RMSE °C ({setup})")]
    lines = ["| model | " + " | ".join(title for _, title in columns) + " |", "|---|" + "---:|" * len(columns)]
    for name, values in rows.items():
        cells = [f"{values[key]:.3f}" if key in values else "" for key, _ in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figure(rows: dict, path: str | Path, setup: str) -> None:
    fig, (text_axis, forecast_axis) = plt.subplots(1, 2, figsize=(11, 4))
    text = {name: row["text_macro_f1"] for name, row in rows.items() if "text_macro_f1" in row}
    forecast = {name: row["forecast_mae"] for name, row in rows.items() if "forecast_mae" in row}
    text_axis.barh(list(text), list(text.values()), color=["C0"] * len(MODELS) + ["grey"])
    text_axis.set_xlim(min(text.values()) - 0.05, 1.0)
    text_axis.set_title("reviews: test macro-F1 (higher is better)")
    forecast_axis.barh(list(forecast), list(forecast.values()), color=["C1"] * len(MODELS) + ["grey"] * 2)
    forecast_axis.set_title(f"temperature, {setup}: test MAE °C (lower is better)")
    save_figure(fig, path)


def horizon_figure(forecast_dir: str | Path, path: str | Path, setup: str) -> None:
    """Test MAE by horizon hour of every forecaster beside the baselines."""
    forecast_dir = Path(forecast_dir)
    baselines = read_json(forecast_dir / "baselines.json")
    curves = {name: read_json(forecast_dir / f"{name}.json")["mae_by_hour"] for name in MODELS}
    curves.update({name: baselines[name]["mae_by_hour"] for name in FORECAST_BASELINES})
    fig, axis = plt.subplots(figsize=(8, 4))
    for name, mae in curves.items():
        baseline = name in FORECAST_BASELINES
        axis.plot(range(1, len(mae) + 1), mae, label=name, color="grey" if baseline else None,
                  linestyle=(":" if name == "hold_last" else "--") if baseline else "-")
    axis.set_xlabel("hours ahead")
    axis.set_ylabel("test MAE °C")
    axis.set_title(f"temperature, {setup}: error by horizon hour (lower is better)")
    axis.legend()
    save_figure(fig, path)


# Glosses for the figure's axis only: matplotlib's bundled font has no Chinese glyphs.
CLASS_GLOSSES = {"书籍": "books", "平板": "tablets", "手机": "phones", "水果": "fruit", "洗发水": "shampoo",
                 "热水器": "water heaters", "蒙牛": "Mengniu (milk)", "衣服": "clothes", "计算机": "computers",
                 "酒店": "hotels"}


def per_class_figure(text_dir: str | Path, path: str | Path) -> None:
    """Test F1 of every review class for each text model and TF-IDF."""
    names = [*MODELS, "tfidf_svm"]
    per_class = {name: read_json(Path(text_dir) / f"{name}.json")["per_class"] for name in names}
    classes = list(per_class[names[0]])
    fig, axis = plt.subplots(figsize=(9, 6))
    height = 0.8 / len(names)
    for index, name in enumerate(names):
        rows = [row + index * height for row in range(len(classes))]
        axis.barh(rows, [per_class[name][c]["f1"] for c in classes], height, label=name,
                  color="grey" if name == "tfidf_svm" else f"C{index}")
    axis.set_yticks([row + 0.4 - height / 2 for row in range(len(classes))],
                    [CLASS_GLOSSES.get(c, c) for c in classes])
    axis.set_xlim(0.5, 1.0)
    axis.set_xlabel("test F1")
    axis.set_title("reviews: F1 per class (higher is better)")
    axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    save_figure(fig, path)


def save_figure(fig, path: str | Path) -> None:
    fig.tight_layout()
    with atomic_path(path) as temporary:
        fig.savefig(temporary, format="png", dpi=90)
    plt.close(fig)
