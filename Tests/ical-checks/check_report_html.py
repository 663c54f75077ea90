"""Opens a Kring HTML report in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright over the DevTools
protocol; `playwright install` is never needed) at A4 size and prints, as JSON, every request other than the file
itself, every console message of level error or warning, every page error, each chart's SVG box, and the number of
A4 pages the print rendering has.

usage: check_report_html.py REPORT.html
"""

import json
import os
import sys

from playwright.sync_api import sync_playwright

# A4 at 96 CSS pixels per inch: 210 mm x 297 mm.
A4 = {"width": 794, "height": 1123}


def main(path: str) -> None:
    url = "file://" + os.path.abspath(path)
    requests, console, errors = [], [], []
    executable = os.environ.get("KRING_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport=A4)
        page.on("request", lambda request: request.url != url and requests.append(request.url))
        page.on(
            "console",
            lambda message: message.type in ("error", "warning") and console.append(f"{message.type}: {message.text}"),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url, wait_until="load")
        page.emulate_media(media="print")
        charts = []
        for svg in page.query_selector_all("svg.chart"):
            box = svg.bounding_box()
            inner = svg.evaluate("element => element.getBBox ? [element.getBBox().width, element.getBBox().height] : [0, 0]")
            charts.append(
                {
                    "section": svg.evaluate("element => element.closest('section').id"),
                    "width": box["width"] if box else 0,
                    "height": box["height"] if box else 0,
                    "drawn_width": inner[0],
                    "drawn_height": inner[1],
                }
            )
        pdf = page.pdf(format="A4", print_background=True)
        browser.close()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    print(json.dumps({"requests": requests, "console": console, "errors": errors, "charts": charts, "pdf_pages": pages}))


if __name__ == "__main__":
    main(sys.argv[1])
