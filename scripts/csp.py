"""Trunk post-build hook: completes the Content-Security-Policy of the built index.html.

index.html declares the policy in a <meta http-equiv="Content-Security-Policy"> tag before
anything else in <head>. Trunk then adds inline scripts of its own (the module that loads the
wasm; under `trunk serve`, the one that reloads the page after a rebuild); this writes their
SHA-256 into the policy's script-src, so they, and no other inline script, run. The build
fails if the tag is missing or comes after a script.
"""

import base64
import hashlib
import os
import re
import sys

html_path = os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
with open(html_path, encoding="utf-8") as f:
    html = f.read()

meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*/?>', html)
if meta is None:
    sys.exit(f"{html_path}: no Content-Security-Policy meta tag")
if 0 <= html.find("<script") < meta.start():
    sys.exit(f"{html_path}: a script comes before the Content-Security-Policy meta tag")

inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
if not inline:
    sys.exit(f"{html_path}: no inline loader script from Trunk")
hashes = " ".join(
    f"'sha256-{base64.b64encode(hashlib.sha256(script.encode('utf-8')).digest()).decode()}'"
    for script in inline
)

policy = meta.group(1)
if "script-src " not in policy:
    sys.exit(f"{html_path}: the policy has no script-src")
policy = policy.replace("script-src ", f"script-src {hashes} ", 1)
html = html[: meta.start(1)] + policy + html[meta.end(1) :]
with open(html_path, "w", encoding="utf-8") as f:
    f.write(html)
