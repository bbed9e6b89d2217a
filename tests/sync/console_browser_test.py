#!/usr/bin/python3
"""The depot's web console in a real browser.

Debian's chromium, driven through chromium-driver by python3-selenium,
against a real `anpr-depot serve` on loopback TLS with a real SQLite
database. Covers: log in; a car going red when its heartbeats stop; a reads
search without and with a reason; a hotlist with a bad line, the line named;
the search on the audit page; an investigator refused the hotlists page.
Writes a screenshot of each page to --screenshots.

Exit 0: passed; 1: failed; 77: skipped (no browser can run here, said why).
Usage: console_browser_test.py --depot build/sync/app/anpr-depot --screenshots DIR
"""
import argparse
import base64
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

SKIP = 77
PASSWORD = "correct horse battery"


def skip(why):
    print("SKIPPED: " + why)
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # pragma: no cover
    skip("python3-selenium is not installed (%s); apt-get install python3-selenium" % e)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Depot:
    """anpr-depot with its database, certificate and users, in a temp folder."""

    def __init__(self, exe, tmp):
        self.exe, self.tmp = exe, tmp
        self.db = "sqlite:" + os.path.join(tmp, "depot.db")
        self.cert, self.key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        self.run("migrate")
        for name, role in (("ada", "admin"), ("ian", "investigator"), ("aud", "auditor")):
            self.run("users", "add", name, "--role", role, stdin=PASSWORD + "\n")
        self.tokens = {car: self.run("enroll", car).strip() for car in ("CAR1", "CAR2")}
        self.port = free_port()
        self.proc = None
        self.ctx = ssl.create_default_context(cafile=self.cert)

    def run(self, *args, stdin=None):
        r = subprocess.run([self.exe, "--db", self.db, *args], input=stdin, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("anpr-depot %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def serve(self, silence_s):
        self.proc = subprocess.Popen([self.exe, "--db", self.db, "serve", "--listen", "127.0.0.1", "--port",
                                      str(self.port), "--cert", self.cert, "--key", self.key, "--silence-s",
                                      str(silence_s)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seen = ""
        while "listening on port" not in seen:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("anpr-depot serve did not start: " + seen)
            seen += line
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()  # keep its pipe drained

    def url(self, path):
        return "https://127.0.0.1:%d%s" % (self.port, path)

    def post(self, car, path, body):
        req = urllib.request.Request(self.url(path), data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": "Bearer " + self.tokens[car],
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as r:
            return json.loads(r.read())

    def heartbeat(self, car):
        self.post(car, "/api/v1/heartbeat", {
            "unit_id": car, "sent_at_utc_ms": int(time.time() * 1000), "software_version": "0.9.0", "running": True,
            "cameras": [{"id": "front", "state": "running"}], "gps_fix": "3d", "gps_fix_age_ms": 300,
            "clock_offset_ms": 4, "disk_used_bytes": 20 * 10**9, "disk_total_bytes": 64 * 10**9,
            "hotlist_version": 0, "unsynced_reads": 0, "unsynced_hits": 0, "unsynced_audit": 0, "last_fault": ""})

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def browser():
    chromium = shutil.which("chromium")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not chromium or not os.path.exists(driver):
        skip("Debian's chromium and chromium-driver are not installed; apt-get install chromium chromium-driver")
    o = webdriver.ChromeOptions()
    o.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
              "--ignore-certificate-errors", "--disable-extensions", "--no-first-run"):
        o.add_argument(a)
    o.accept_insecure_certs = True
    try:
        return webdriver.Chrome(service=Service(driver), options=o)
    except Exception as e:  # a browser that cannot start here at all
        skip("chromium cannot start here: %s" % str(e).splitlines()[0])


def jpeg(d, text, w, h):
    """A JPEG drawn by the browser itself (no image library needed)."""
    data = d.execute_script("""
        const c = document.createElement('canvas'); c.width = arguments[1]; c.height = arguments[2];
        const g = c.getContext('2d'); g.fillStyle = '#f4d03f'; g.fillRect(0, 0, c.width, c.height);
        g.fillStyle = '#000'; g.font = 'bold ' + Math.floor(c.height * 0.6) + 'px sans-serif';
        g.fillText(arguments[0], 8, c.height * 0.75); return c.toDataURL('image/jpeg', 0.8);""", text, w, h)
    return data.split(",", 1)[1]


def read(car, vrm, i, plate, overview):
    return {"uuid": str(uuid.uuid4()), "vrm": vrm, "confidence": 93.0, "syntax": "gb-current",
            "captured_at_utc_ms": int(time.time() * 1000) - 3600_000 + i * 60_000, "clock_source": 2,
            "camera_id": "front", "unit_id": car, "officer_id": "PC1234",
            "position": {"mode": 3, "lat_deg": 51.50 + i * 0.004, "lon_deg": -0.12 + i * 0.006, "speed_mps": 12.0,
                         "heading_deg": 90.0, "fix_age_ms": 200},
            "plate_jpeg": plate, "overview_jpeg": overview}


class Check:
    def __init__(self, d, shots):
        self.d, self.shots, self.failures = d, shots, []

    def shot(self, name):
        path = os.path.join(self.shots, name + ".png")
        self.d.save_screenshot(path)
        print("screenshot " + path)

    def expect(self, cond, what):
        print(("ok    " if cond else "FAIL  ") + what)
        if not cond:
            self.failures.append(what)

    def text(self):
        return self.d.find_element(By.TAG_NAME, "body").text


def submit(d, button_id, confirm=False):
    """Clicks a form's button and waits for the page it brings."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.ID, button_id).click()
    if confirm:
        WebDriverWait(d, 10).until(EC.alert_is_present())
        d.switch_to.alert.accept()  # console.js asks before publishing
    WebDriverWait(d, 20).until(EC.staleness_of(old))
    WebDriverWait(d, 20).until(lambda drv: drv.execute_script("return document.readyState") == "complete")


def log_in(d, depot, name):
    d.get(depot.url("/console/login"))
    d.find_element(By.ID, "name").send_keys(name)
    d.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(d, "login")


def log_out(d):
    submit(d, "logout")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depot", required=True)
    ap.add_argument("--screenshots", required=True)
    ap.add_argument("--silence-s", type=float, default=3.0)
    args = ap.parse_args()
    os.makedirs(args.screenshots, exist_ok=True)
    d = browser()
    tmp = tempfile.mkdtemp(prefix="anpr-console-")
    depot = Depot(os.path.abspath(args.depot), tmp)
    stop_beating = threading.Event()
    try:
        depot.serve(args.silence_s)
        d.get(depot.url("/console/login"))
        plate, overview = jpeg(d, "AB12 CDE", 240, 52), jpeg(d, "AB12 CDE  (overview)", 480, 270)
        depot.post("CAR1", "/api/v1/reads", {"reads": [read("CAR1", "AB12CDE", i, plate, overview) for i in range(3)]})
        depot.post("CAR2", "/api/v1/reads", {"reads": [read("CAR2", "AB17CDE", 5, plate, overview)]})
        depot.heartbeat("CAR1")
        depot.heartbeat("CAR2")

        def beat():  # CAR2 keeps beating; CAR1 has gone silent
            while not stop_beating.wait(0.5):
                depot.heartbeat("CAR2")
        threading.Thread(target=beat, daemon=True).start()

        c = Check(d, args.screenshots)
        # Log in.
        d.get(depot.url("/console/login"))
        c.shot("01-login")
        log_in(d, depot, "ian")
        c.expect(d.current_url.endswith("/console/fleet"), "log in as an investigator lands on the Fleet page")
        c.expect("ian (investigator)" in c.text(), "the page names who is logged in")
        row1 = d.find_element(By.ID, "car-CAR1")
        c.expect("bad" not in (row1.get_attribute("class") or ""), "CAR1 is not red while it beats")
        c.shot("02-fleet-all-well")
        # A car goes red when its heartbeats stop.
        time.sleep(args.silence_s + 1.0)
        d.refresh()
        row1, row2 = d.find_element(By.ID, "car-CAR1"), d.find_element(By.ID, "car-CAR2")
        c.expect("bad" in (row1.get_attribute("class") or ""), "CAR1 is red once silent")
        c.expect("silent" in row1.text, "CAR1's row says it is silent")
        c.expect("bad" not in (row2.get_attribute("class") or ""), "CAR2, still beating, is not red")
        red = d.execute_script("return getComputedStyle(arguments[0].cells[0]).backgroundColor", row1)
        c.expect(red == "rgb(246, 197, 192)", "the silent car's row is drawn red (%s)" % red)
        c.shot("03-fleet-car-silent")
        # Reads search: without a reason nothing is searched.
        d.get(depot.url("/console/reads"))
        d.find_element(By.ID, "vrm").send_keys("AB12CDE")
        submit(d, "search")
        c.expect("Nothing was searched" in c.text() and "Reason" in c.text(), "a search without a reason is refused")
        c.shot("04-reads-no-reason")
        # With a reason and a wildcard.
        d.find_element(By.ID, "vrm").clear()
        d.find_element(By.ID, "vrm").send_keys("AB1?CDE")
        d.find_element(By.ID, "reason").send_keys("Burglary enquiry 2026/4471")
        submit(d, "search")
        rows = d.find_elements(By.CSS_SELECTOR, "#reads tr.read")
        c.expect(len(rows) == 4, "the wildcard search shows 4 reads of two cars (%d)" % len(rows))
        imgs = d.find_elements(By.CSS_SELECTOR, "#reads img")
        c.expect(len(imgs) == 8 and all(d.execute_script("return arguments[0].naturalWidth", i) > 0 for i in imgs),
                 "both images of every read are shown")
        c.expect(len(d.find_elements(By.CSS_SELECTOR, "#map circle")) == 4, "four positions on the grid map")
        c.shot("05-reads-results")
        d.get(depot.url("/console/hits"))
        c.shot("06-hits")
        # An investigator cannot open the hotlists page.
        d.get(depot.url("/console/hotlists"))
        c.expect("may not open this page" in c.text(), "an investigator is refused the Hotlists page")
        c.expect(not d.find_elements(By.ID, "publish-form"), "no upload form for an investigator")
        c.shot("07-hotlists-refused-investigator")
        log_out(d)
        # Publish a list with a bad line: the line is named.
        log_in(d, depot, "ada")
        d.get(depot.url("/console/hotlists"))
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("vrm,priority,reason\nAB12CDE,high,stolen vehicle\nXY99ZZZ,urgent,no such priority\n")
        d.find_element(By.ID, "list").send_keys("LOCAL")
        d.find_element(By.ID, "file").send_keys(bad)
        submit(d, "publish", confirm=True)
        result = d.find_element(By.ID, "publish-result").text
        c.expect("bad.csv:3:" in result and "nothing published" in result, "the bad line is named: " + result)
        c.shot("08-hotlists-bad-line")
        good = os.path.join(tmp, "good.csv")
        with open(good, "w") as f:
            f.write("vrm,priority,reason\nAB12CDE,high,stolen vehicle\n")
        d.find_element(By.ID, "list").send_keys("LOCAL")
        d.find_element(By.ID, "file").send_keys(good)
        submit(d, "publish", confirm=True)
        c.expect("published LOCAL version" in d.find_element(By.ID, "publish-result").text, "a good file is published")
        c.shot("09-hotlists-published")
        log_out(d)
        # The search appears on the audit page, with who and why.
        log_in(d, depot, "aud")
        c.expect(d.current_url.endswith("/console/audit"), "an auditor lands on the Audit page")
        d.find_element(By.ID, "who-filter").send_keys("ian")
        submit(d, "filter")
        audit = d.find_element(By.ID, "audit").text
        c.expect("search AB1?CDE (4 results)" in audit and "Burglary enquiry 2026/4471" in audit,
                 "the search is on the audit page with its reason")
        c.expect("console login as investigator" in audit, "ian's log-in is a security event on the audit page")
        c.shot("10-audit")
        if c.failures:
            print("FAILED: %d checks" % len(c.failures))
            return 1
        print("PASSED")
        return 0
    finally:
        stop_beating.set()
        d.quit()
        depot.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
