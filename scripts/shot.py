"""Developer helper: log in as a demo user and screenshot pages.

.venv/bin/python scripts/shot.py USER OUT_PREFIX PATH [PATH ...] [--width 375]
"""

import argparse

from playwright.sync_api import sync_playwright

parser = argparse.ArgumentParser()
parser.add_argument("user")
parser.add_argument("out")
parser.add_argument("paths", nargs="+")
parser.add_argument("--width", type=int, default=1280)
parser.add_argument("--base", default="http://127.0.0.1:8000")
parser.add_argument("--password", default="gridgov-demo")
args = parser.parse_args()

with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    page = browser.new_page(viewport={"width": args.width, "height": 800})
    page.goto(args.base + "/login/")
    page.fill("input[name=username]", args.user)
    page.fill("input[name=password]", args.password)
    page.click("button[type=submit]")
    for i, path in enumerate(args.paths):
        page.goto(args.base + path)
        page.screenshot(path=f"{args.out}-{i}.png", full_page=True)
        print(path, page.title())
    browser.close()
