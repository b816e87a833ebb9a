"""Regenerate the committed sample PDF, or render the generated final account:

    .venv/bin/python -m pipelines.sample [out.pdf]
    .venv/bin/python -m pipelines.sample --final out.pdf      (final_2024.yaml: the same unit's 决算)
"""
import sys

from .render import DEFAULT_OUTPUT, FINAL_DESCRIPTION, load_description, render_sample


def main(argv: list[str]) -> None:
    if argv[:1] == ["--final"]:
        if len(argv) < 2:
            sys.exit("usage: python -m pipelines.sample --final out.pdf (the final account is not committed)")
        info = render_sample(argv[1], load_description(FINAL_DESCRIPTION))
    else:
        info = render_sample(argv[0] if argv else DEFAULT_OUTPUT)
    print(info.path)


if __name__ == "__main__":
    main(sys.argv[1:])
