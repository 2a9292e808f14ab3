"""Runs the profiler benchmark page in headless Chromium on a machine without Node (the GPU machine).

The page is built beforehand with `npm run bench:chromium -- --build DIR` (index.html, bench.js).
This serves DIR from 127.0.0.1 (cross-origin isolated, as the app is, for fine timers), starts
Chromium on it, waits for the page to post its result and saves it as JSON, which
`npm run bench:chromium -- --from FILE` turns into a results file.

    python3 profile_chromium_host.py --dir DIR --chromium PATH --out result.json \
        [--shapes 256x256,4096x2048] [--probe] [--timeout 300] [--log FILE] [-- extra chromium flags]

With --probe the page only reports its WebGPU adapter: a quick check that the flags reach the GPU.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_FLAGS = ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--ignore-gpu-blocklist"]


def serve(directory, posted, done):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            name = "bench.js" if self.path.startswith("/bench.js") else "index.html"
            with open(os.path.join(directory, name), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            self.send_header("Content-Type", "text/javascript" if name.endswith(".js") else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(204)
            self.end_headers()
            if self.path == "/result":
                posted.append(json.loads(body))
                done.set()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def machine():
    try:
        gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        gpu = ""
    cpu = platform.processor() or platform.machine()
    return ", ".join(x for x in [gpu, f"{os.cpu_count()} CPU cores ({cpu})"] if x)


def main():
    own, extra = (sys.argv[1:], [])
    if "--" in own:
        i = own.index("--")
        own, extra = own[:i], own[i + 1 :]
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--shapes", default="256x256,4096x2048")
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--log", help="save everything Chromium printed here")
    opts = parser.parse_args(own)

    posted, done = [], threading.Event()
    server = serve(opts.dir, posted, done)
    query = "probe=1" if opts.probe else f"shapes={opts.shapes}"
    url = f"http://127.0.0.1:{server.server_address[1]}/?{query}"
    flags = BASE_FLAGS + extra
    with tempfile.TemporaryDirectory() as profile_dir, tempfile.TemporaryFile() as log:
        browser = subprocess.Popen([opts.chromium, *flags, f"--user-data-dir={profile_dir}", url], stdout=log, stderr=subprocess.STDOUT)
        finished = done.wait(opts.timeout)
        browser.kill()
        browser.wait()
        server.shutdown()
        log.seek(0)
        browser_log = log.read().decode("utf-8", "replace")
    if opts.log:
        with open(opts.log, "w") as f:
            f.write(browser_log)
    if not finished:
        print(f"no result within {opts.timeout:.0f} s; Chromium said:\n{browser_log[-6000:]}", file=sys.stderr)
        return 1
    version = subprocess.run([opts.chromium, "--version"], capture_output=True, text=True).stdout.strip()
    saved = {"posted": posted[0], "flags": flags, "browser": version, "machine": machine()}
    with open(opts.out, "w") as f:
        json.dump(saved, f, indent=1)
    result = posted[0]
    if not result["ok"]:
        print(f"the page failed: {result['error']}\nChromium said:\n{browser_log[-4000:]}", file=sys.stderr)
        return 1
    print(f"adapter: {result['result']['adapter']}; timestamps: {result['result']['placements']}")
    for row in result["result"]["rows"]:
        print(f"{row['name']}: {row['value']}  {row.get('note', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
