"""Tables and figures of every model on both tasks, beside the baselines."""

from pathlib import Path

from rnnlab.config import NETWORKS, model_names
from rnnlab.io import read_json
from rnnlab.plotting import plt, save_figure
from rnnlab.text import config as text_config

TEXT_BASELINE = "tfidf_svm"


def text_results(all_params: dict, text_dir: str | Path) -> dict[str, dict]:
    """The test metrics of every text model in params.yaml and of the TF-IDF baseline, by name."""
    return read_results(
        [Path(text_dir) / f"{name}.json" for name in [*model_names(all_params, text_config.MODELS), TEXT_BASELINE]]
    )


def read_results(metrics: list[str | Path]) -> dict[str, dict]:
    """Each metrics JSON by its file's stem (the model's or the baseline's name); a baselines JSON holds several."""
    results = {}
    for path in map(Path, metrics):
        found = read_json(path)
        results.update(found if path.stem == "baselines" else {path.stem: found})
    return results


def collect(text: dict[str, dict], forecast: dict[str, dict]) -> dict:
    """Test macro-F1 and accuracy per text model, test MAE and RMSE (degC) per forecaster, baselines included."""
    rows = {}
    for name, metrics in text.items():
        rows.setdefault(name, {}).update(text_macro_f1=metrics["macro_f1"], text_accuracy=metrics["accuracy"])
    for name, metrics in forecast.items():
        rows.setdefault(name, {}).update(forecast_mae=metrics["mae"], forecast_rmse=metrics["rmse"])
    return rows


def markdown(rows: dict, setup: str) -> str:
    columns = [
        ("text_macro_f1", "text macro-F1"),
        ("text_accuracy", "text accuracy"),
        ("forecast_mae", f"forecast MAE °C ({setup})"),
        ("forecast_rmse", f"forecast RMSE °C ({setup})"),
    ]
    lines = ["| model | " + " | ".join(title for _, title in columns) + " |", "|---|" + "---:|" * len(columns)]
    for name, values in rows.items():
        cells = [f"{values[key]:.3f}" if key in values else "" for key, _ in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figure(rows: dict, path: str | Path, setup: str) -> None:
    fig, (text_axis, forecast_axis) = plt.subplots(1, 2, figsize=(11, 4))
    text = {name: row["text_macro_f1"] for name, row in rows.items() if "text_macro_f1" in row}
    forecast = {name: row["forecast_mae"] for name, row in rows.items() if "forecast_mae" in row}
    text_axis.barh(list(text), list(text.values()), color=["grey" if is_baseline(n) else "C0" for n in text])
    text_axis.set_xlim(min(text.values()) - 0.05, 1.0)
    text_axis.set_title("reviews: test macro-F1 (higher is better)")
    forecast_axis.barh(
        list(forecast), list(forecast.values()), color=["grey" if is_baseline(n) else "C1" for n in forecast]
    )
    forecast_axis.set_title(f"temperature, {setup}: test MAE °C (lower is better)")
    save_figure(fig, path)


def is_baseline(name: str) -> bool:
    """The networks are named by their cell; anything else in a results folder is a baseline."""
    return name not in NETWORKS


def horizon_figure(forecast: dict[str, dict], path: str | Path, setup: str) -> None:
    """Test MAE by horizon hour of every forecaster beside the baselines."""
    fig, axis = plt.subplots(figsize=(8, 4))
    # Grey baselines, each with a dash pattern of its own.
    dashes = iter([(1, 1), (4, 2), (6, 2, 1, 2), (1, 3), (8, 2, 1, 2, 1, 2)] * len(forecast))
    for index, (name, metrics) in enumerate(forecast.items()):
        mae = metrics["mae_by_hour"]
        style = {"color": "grey", "dashes": next(dashes)} if is_baseline(name) else {"color": f"C{index}"}
        axis.plot(range(1, len(mae) + 1), mae, label=name, **style)
    axis.set_xlabel("hours ahead")
    axis.set_ylabel("test MAE °C")
    axis.set_title(f"temperature, {setup}: error by horizon hour (lower is better)")
    axis.legend()
    save_figure(fig, path)


# Glosses for the figure's axis only: matplotlib's bundled font has no Chinese glyphs.
CLASS_GLOSSES = {
    "书籍": "books",
    "平板": "tablets",
    "手机": "phones",
    "水果": "fruit",
    "洗发水": "shampoo",
    "热水器": "water heaters",
    "蒙牛": "Mengniu (milk)",
    "衣服": "clothes",
    "计算机": "computers",
    "酒店": "hotels",
}


def per_class_figure(text: dict[str, dict], path: str | Path) -> None:
    """Test F1 of every review class for each text model and TF-IDF."""
    names = list(text)
    per_class = {name: metrics["per_class"] for name, metrics in text.items()}
    classes = list(per_class[names[0]])
    fig, axis = plt.subplots(figsize=(9, 6))
    height = 0.8 / len(names)
    for index, name in enumerate(names):
        rows = [row + index * height for row in range(len(classes))]
        axis.barh(
            rows,
            [per_class[name][c]["f1"] for c in classes],
            height,
            label=name,
            color="grey" if is_baseline(name) else f"C{index}",
        )
    axis.set_yticks([row + 0.4 - height / 2 for row in range(len(classes))], [CLASS_GLOSSES.get(c, c) for c in classes])
    axis.set_xlim(0.5, 1.0)
    axis.set_xlabel("test F1")
    axis.set_title("reviews: F1 per class (higher is better)")
    axis.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    save_figure(fig, path)
