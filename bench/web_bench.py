#!/usr/bin/env python3
"""Benchmark of the live page (analyzer web): how long after its packet crossed the wire a flow's row is drawn in
a real browser, at several event rates; whether the page keeps up at a high rate; and the tool's memory with the page
open under load for minutes. Loopback only, every load bounded in time. Run through bench/web.sh.

The page measures the latency itself: each flow summary the server sends carries the capture time stamp of the
oldest of its events the page has not seen yet, and the page, right after drawing the rows of a batch, takes the
difference to its own clock (same machine, same clock). The figures are read from the page over WebDriver.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "target", "analyzer.jar")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--window-size=1280,800"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    """The W3C WebDriver protocol, spoken to Debian's chromedriver: just what the benchmark needs."""

    def __init__(self, profile):
        self.port = free_port()
        self.proc = subprocess.Popen(["chromedriver", "--port=%d" % self.port], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self._call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium", "args": CHROME_ARGS + ["--user-data-dir=" + profile]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read() or b"{}").get("value")

    def open(self, url):
        self._call("POST", "/session/%s/url" % self.session, {"url": url})

    def run(self, script):
        return self._call("POST", "/session/%s/execute/sync" % self.session, {"script": script, "args": []})

    def close(self):
        try:
            self._call("DELETE", "/session/%s" % self.session)
        finally:
            self.proc.terminate()
            self.proc.wait(10)


READ_MEASURE = """
const m = window.analyzerView;
const n = Math.min(m.count, m.latencies.length);
const l = Array.from(m.latencies.slice(0, n));
const sv = Array.from(m.serverMs.slice(0, n));
return {count: m.count, latencies: l, server: sv, batches: m.batches, flowsApplied: m.flowsApplied,
        longestRenderMs: m.longestRenderMs, longTasks: m.longTasks, longestTaskMs: m.longestTaskMs,
        heap: performance.memory ? performance.memory.usedJSHeapSize : null,
        shown: document.getElementById('list').dataset.shown, stats: document.getElementById('stats').textContent,
        link: document.getElementById('link-text').textContent};
"""

RESET_MEASURE = """
const m = window.analyzerView;
m.count = 0; m.longestRenderMs = 0; m.longTasks = 0; m.longestTaskMs = 0; m.batches = 0; m.flowsApplied = 0;
return true;
"""


def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


class Tool:
    """analyzer web capturing the load's port, its page open in the browser."""

    def __init__(self, port, seconds, extra=()):
        cmd = ["java", "-jar", JAR, "web", "--port", str(port), "--duration", "%ds" % seconds,
               "--web-linger", "0"] + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.err = []
        self.url = None
        deadline = time.time() + 30
        while time.time() < deadline and self.url is None:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.err.append(line)
            m = re.search(r"web view: (\S+)", line)
            if m:
                self.url = m.group(1)
        if self.url is None:
            raise SystemExit("analyzer web did not start: " + "".join(self.err))
        threading.Thread(target=self._drain, daemon=True).start()
        self.captured = threading.Event()
        self._wait_capturing(deadline)

    def _drain(self):
        for line in self.proc.stderr:
            self.err.append(line)

    def _wait_capturing(self, deadline):
        while time.time() < deadline and not any("Capturing on" in l for l in self.err):
            time.sleep(0.05)
        time.sleep(0.5)

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def nginx(work, port):
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes 1;
pid %s/nginx.pid;
error_log %s/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:%d;
    location / { default_type text/plain; return 200 "fluffy tail"; }
  }
}
""" % (work, work, port))
    subprocess.run(["nginx", "-p", work, "-c", conf], check=True)
    time.sleep(0.3)


def h2load(port, events_per_second, seconds, clients):
    """Keep-alive HTTP/1.1 load at a fixed rate: each request and its response are two events on the wire."""
    rps_per_client = max(1, round(events_per_second / 2.0 / clients))
    out = subprocess.run(["h2load", "--h1", "-c", str(clients), "--rps", str(rps_per_client), "-D", str(seconds),
                          "http://127.0.0.1:%d/" % port], capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded", out.stdout)
    done = int(m.group(4)) if m else 0
    return done


def churn(port, seconds, stop):
    """New connections all along (a few requests each), so the page has more flows than it keeps."""
    end = time.time() + seconds
    while time.time() < end and not stop.is_set():
        subprocess.run(["h2load", "--h1", "-c", "50", "-n", "100", "http://127.0.0.1:%d/" % port],
                       capture_output=True, timeout=60)
        time.sleep(0.5)


def measure_rate(port, rate, seconds, clients, profile):
    tool = Tool(port, seconds + 300)
    driver = WebDriver(profile)
    try:
        driver.open(tool.url)
        for _ in range(100):
            if driver.run("return document.getElementById('link-text').textContent") == "live":
                break
            time.sleep(0.1)
        # Warm-up: the JIT compiles the dissector and the page's code; then the measured run.
        h2load(port, rate, 3, clients)
        time.sleep(1)
        driver.run(RESET_MEASURE)
        start = time.time()
        done = h2load(port, rate, seconds, clients)
        elapsed = time.time() - start
        rss = tool.rss_kib() / 1024.0
        time.sleep(1)
        m = driver.run(READ_MEASURE)
        lat = m["latencies"]
        server = [x for x in m["server"] if x == x]
        return {"server_p50": percentile(server, 50), "server_p99": percentile(server, 99),"rate": rate, "achieved": 2 * done / max(elapsed, 1e-9), "samples": len(lat),
                "p50": percentile(lat, 50), "p99": percentile(lat, 99), "max": max(lat) if lat else float("nan"),
                "longestRenderMs": m["longestRenderMs"], "longestTaskMs": m["longestTaskMs"],
                "longTasks": m["longTasks"], "batches": m["batches"], "rss_mib": rss}
    finally:
        driver.close()
        tool.stop()


def soak(port, rate, minutes, clients, profile, flows):
    seconds = int(minutes * 60)
    tool = Tool(port, seconds + 300, ["--web-flows", str(flows)])
    driver = WebDriver(profile)
    samples = []
    stop = threading.Event()
    try:
        driver.open(tool.url)
        time.sleep(2)
        load = threading.Thread(target=h2load, args=(port, rate, seconds, clients), daemon=True)
        extra = threading.Thread(target=churn, args=(port, seconds, stop), daemon=True)
        load.start()
        extra.start()
        start = time.time()
        while load.is_alive() and time.time() - start < seconds + 60:
            time.sleep(10)
            m = driver.run(READ_MEASURE)
            samples.append((time.time() - start, tool.rss_kib() / 1024.0, (m["heap"] or 0) / 1048576.0, m["shown"],
                            m["stats"]))
            print("  t=%4.0fs  analyzer RSS %6.1f MiB  page JS heap %6.1f MiB  rows kept %s  | %s" % samples[-1],
                  flush=True)
        stop.set()
        load.join(5)
        extra.join(70)
        return samples
    finally:
        stop.set()
        driver.close()
        tool.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="1000,20000,50000", help="events per second to measure latency at")
    ap.add_argument("--seconds", type=int, default=15, help="load per rate (bounded)")
    ap.add_argument("--clients", type=int, default=10, help="keep-alive connections of the load")
    ap.add_argument("--soak-minutes", type=float, default=5, help="minutes of the memory run, 0 for none")
    ap.add_argument("--soak-rate", type=int, default=20000, help="events per second during the memory run")
    ap.add_argument("--flows", type=int, default=2000, help="--web-flows of the memory run")
    args = ap.parse_args()
    for tool in ("nginx", "h2load", "chromium", "chromedriver", "java"):
        if shutil.which(tool) is None:
            raise SystemExit("bench: %s not found (apt-get install nginx-light nghttp2-client chromium "
                             "chromium-driver)" % tool)
    if not os.path.exists(JAR):
        subprocess.run([os.path.join(ROOT, "analyzer"), "--version"], check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="bench-web-")
    port = free_port()
    nginx(work, port)
    try:
        print("load average before: %s (2 cores)" % open("/proc/loadavg").read().split()[:3])
        print("rate (events/s) | achieved | rows measured | p50 ms | p99 ms | max ms | of which server p50/p99 ms"
              " | longest main-thread task ms | longest render ms | analyzer RSS MiB")
        for rate in [int(r) for r in args.rates.split(",") if r]:
            r = measure_rate(port, rate, args.seconds, args.clients, os.path.join(work, "profile-%d" % rate))
            print("%d | %.0f | %d | %.1f | %.1f | %.1f | %.1f / %.1f | %.0f | %.1f | %.0f" % (
                r["rate"], r["achieved"], r["samples"], r["p50"], r["p99"], r["max"], r["server_p50"],
                r["server_p99"], r["longestTaskMs"], r["longestRenderMs"], r["rss_mib"]), flush=True)
        if args.soak_minutes > 0:
            print("memory: %g min at %d events/s on %d keep-alive connections, plus 50 new connections every"
                  " ~0.6 s (--web-flows %d)" % (args.soak_minutes, args.soak_rate, args.clients, args.flows))
            samples = soak(port, args.soak_rate, args.soak_minutes, args.clients, os.path.join(work, "profile-soak"),
                           args.flows)
            if samples:
                rss = [s[1] for s in samples]
                heap = [s[2] for s in samples]
                print("analyzer RSS: first sample %.0f MiB, max %.0f MiB, last %.0f MiB; page JS heap: first %.1f MiB,"
                      " max %.1f MiB, last %.1f MiB" % (rss[0], max(rss), rss[-1], heap[0], max(heap), heap[-1]))
        print("load average after: %s" % open("/proc/loadavg").read().split()[:3])
    finally:
        try:
            with open(os.path.join(work, "nginx.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except OSError:
            pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
