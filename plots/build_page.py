"""Writes the page template that `dvc plots show` and `dvc plots diff` fill, with vega, vega-lite and
vega-embed inlined from plots/node_modules (`npm ci` in plots/), so that the page draws without a network.

    python plots/build_page.py OUTPUT

DVC's own template loads these libraries from a CDN through its ``{scripts}`` placeholder; this one has
no such placeholder, only ``{plot_divs}``, and each library's license above its code.
"""

import json
import sys
from pathlib import Path

MODULES = Path(__file__).parent / "node_modules"
LIBRARIES = {"vega": "vega.min.js", "vega-lite": "vega-lite.min.js", "vega-embed": "vega-embed.min.js"}
# What DVC replaces in a template; a library's code must not contain them, nor end its own script tag.
FORBIDDEN = ("{plot_divs}", "{scripts}", "{refresh_tag}", "</script")

PAGE = """<!DOCTYPE html>
<html>
<head>
    <meta charset="utf-8">
    {{refresh_tag}}
    <title>rnnlab plots</title>
{libraries}
    <style>
        body {{ font-family: sans-serif; }}
        table {{ border-spacing: 15px; }}
    </style>
</head>
<body>
    {{plot_divs}}
</body>
</html>
"""


def inlined(name: str, build_file: str) -> str:
    package = MODULES / name
    if not package.is_dir():
        raise SystemExit(f"{package}: not installed; run `npm ci` in {MODULES.parent} first")
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    code = (package / "build" / build_file).read_text(encoding="utf-8")
    for text in FORBIDDEN:
        if text in code.lower():
            raise SystemExit(f"{package / 'build' / build_file}: contains {text!r}, which would break the page")
    license_text = (package / "LICENSE").read_text(encoding="utf-8").replace("--", "- -")
    return f"    <!-- {name} {version}\n{license_text}\n    -->\n    <script>\n{code}\n    </script>"


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    output = Path(sys.argv[1])
    page = PAGE.format(libraries="\n".join(inlined(name, build) for name, build in LIBRARIES.items()))
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.part")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(output)
    print(f"{output}: {len(page) // 1024} KB, " + ", ".join(LIBRARIES))


if __name__ == "__main__":
    main()
