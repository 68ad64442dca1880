#!/usr/bin/env python3
"""What an operator sees of the real processes, checked from the outside.

Starts the server, a worker and the edge from BIN (target/debug) with JSON logs, on free
ports, a SQLite file and a Redis key prefix of their own, the worker asking a fake
OpenAI-compatible model served here. Submits one job with a W3C `traceparent` and checks
that the edge answers with that trace, that the JSON logs of edge, server and worker all
name the trace for the job (with its id); then a job the model fails (503, retried once);
then that the three `/metrics` count what happened (jobs, outcomes, model calls, tokens,
retries), with no id as a label value. Then checks the alert rules
with `promtool check rules` and `promtool test rules`, and that every metric the Grafana
dashboard and the alerts query is one the processes export. With `--otlp`, the binaries
are built with the `otel` feature: an OTLP/HTTP (JSON) receiver in this script checks that
the job's trace has spans from all three services.

Usage: run.py BIN [--otlp]
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import yaml
from prometheus_client.openmetrics.parser import text_string_to_metric_families
from prometheus_client.parser import text_string_to_metric_families as classic_families

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy/grafana/resume.json"
ALERTS = ROOT / "deploy/prometheus/alerts.yml"
ALERT_TESTS = ROOT / "deploy/prometheus/alerts.test.yml"


def fail(message):
    print(f"observability: {message}", file=sys.stderr)
    sys.exit(1)


PICKED = set()


def free_port():
    """A port on 127.0.0.1, free now, below the kernel's ephemeral range (from which it hands
    out port 0 and the local end of every outgoing connection): the process told to listen
    on it finds it still free."""
    try:
        start = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        start = 32768
    for _ in range(100):
        port = 10000 + secrets.randbelow(start - 10000)
        if port in PICKED:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        PICKED.add(port)
        return port
    fail(f"no free port between 10000 and {start}")


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    fail(f"{url} did not answer within {seconds} s")


def token(secret, subject):
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": subject, "exp": int(time.time()) + 3600}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def call(method, url, token_value=None, body=None, headers=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token_value:
        request.add_header("Authorization", f"Bearer {token_value}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request, timeout=10) as response:
        # The headers as sent, read case-insensitively.
        return response.status, response.headers, json.loads(response.read() or b"null")


# How long to wait for what normally takes well under a second: generous, the tests share
# two noisy cores.
PATIENCE = 60


def ended(edge, user, job_id):
    """The job once it has ended; fails when it has not within PATIENCE seconds."""
    deadline = time.time() + PATIENCE
    while True:
        _, _, job = call("GET", f"{edge}/api/resume-async/job-status/{job_id}", user)
        if job["status"] in ("SUCCESS", "FAILURE", "CANCELLED"):
            return job
        if time.time() > deadline:
            fail(f"job {job_id} did not end within {PATIENCE} s: {job}")
        time.sleep(0.1)


def scrape(url):
    """The samples of `url`'s OpenMetrics, asked for as Prometheus asks; the classic text
    any other reader gets must hold the same families."""
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as response:
        text = response.read().decode()
    with urllib.request.urlopen(url, timeout=10) as response:
        if not response.headers["Content-Type"].startswith("text/plain; version=0.0.4"):
            fail(f"{url} answers a plain scrape with {response.headers['Content-Type']}")
        classic = {(f.name, f.type) for f in classic_families(response.read().decode())}
    openmetrics = {(f.name, f.type) for f in text_string_to_metric_families(text)}
    if classic != openmetrics:
        fail(f"{url}: the classic text's families differ: {sorted(classic ^ openmetrics)}")
    samples = {}
    for family in text_string_to_metric_families(text):
        # An exported family is known by its name even before it has a sample.
        samples.setdefault(family.name, [])
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples, name, **labels):
    matching = [v for (l, v) in samples.get(name, []) if all(l.get(k) == w for k, w in labels.items())]
    return sum(matching) if matching else None


class Receiver(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver (JSON encoding): keeps every span it is sent, by service."""

    spans = []
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.requests.append((self.path, self.headers.get("Content-Type"), len(body)))
        if self.path == "/v1/traces":
            for resource in json.loads(body).get("resourceSpans", []):
                attributes = {a["key"]: a["value"].get("stringValue") for a in resource["resource"]["attributes"]}
                for scope in resource.get("scopeSpans", []):
                    for span in scope.get("spans", []):
                        Receiver.spans.append((attributes.get("service.name"), span))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class FakeModel(http.server.BaseHTTPRequestHandler):
    """An OpenAI-compatible chat completions endpoint: a usable reply for each of the two
    calls (streamed when asked), or 503 for a candidate whose data (a skill) names
    FAIL_MARKER."""

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        data = " ".join(m["content"] for m in request["messages"] if isinstance(m.get("content"), str))
        if FAIL_MARKER in data:
            self.send_response(503)
            self.end_headers()
            return
        call = request["response_format"]["json_schema"]["name"]
        content = ({"headline": "Rust engineer", "summary": "Builds services.", "skills": ["Rust"]}
                   if call == "resume_main" else {"roles": []})
        usage = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
        if request.get("stream"):
            # As the worker asks by default: the reply in one chunk, its finish, the usage
            # (include_usage), then [DONE].
            def chunk(choices, **extra):
                return {"id": "chatcmpl-observe", "object": "chat.completion.chunk", "created": 0,
                        "model": "fake", "choices": choices, **extra}
            events = [
                chunk([{"index": 0, "delta": {"role": "assistant", "content": json.dumps(content)},
                        "finish_reason": None}]),
                chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
                chunk([], usage=usage),
            ]
            body = "".join(f"data: {json.dumps(event)}\n\n" for event in events) + "data: [DONE]\n\n"
            content_type = "text/event-stream"
        else:
            body = json.dumps({
                "id": "chatcmpl-observe", "object": "chat.completion", "created": 0, "model": "fake",
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": json.dumps(content), "refusal": None}}],
                "usage": usage,
            })
            content_type = "application/json"
        body = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


FAIL_MARKER = "Always Unavailable"

# Words of PromQL that are not metric names.
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    "group", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "offset", "rate", "irate", "increase", "delta", "idelta", "histogram_quantile", "absent", "absent_over_time",
    "clamp_min", "clamp_max", "clamp", "vector", "scalar", "time", "label_replace", "sum_over_time",
    "max_over_time", "min_over_time", "avg_over_time", "deriv", "changes", "resets", "sort", "sort_desc", "abs",
    "ceil", "floor", "round", "le", "inf", "nan",
}


def metric_names(expression):
    """The metric names a PromQL expression reads."""
    text = re.sub(r'"[^"]*"', "", expression)  # strings (label values)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)  # label lists
    text = re.sub(r"\$\w+", "", text)  # Grafana variables
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text))
    return {n for n in names if n.lower() not in PROMQL_WORDS and not re.fullmatch(r"\d+[smhdwy]?", n)}


def check_queries(exported):
    """Every metric the dashboard and the alerts read is one the processes export."""
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    if len(expressions) < 10:
        fail(f"the dashboard has only {len(expressions)} queries")
    rules = [r for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]]
    expressions += [r["expr"] for r in rules]
    for expression in expressions:
        unknown = {n for n in metric_names(expression) - {"up"}
                   if n not in exported and re.sub(r"_(total|bucket|sum|count)$", "", n) not in exported}
        if unknown:
            fail(f"query reads metrics no process exports: {sorted(unknown)} in {expression}")
    print(f"observability: the dashboard's and alerts' {len(expressions)} queries read only exported metrics")


def main():
    if len(sys.argv) < 2:
        fail("usage: run.py BIN [--otlp]")
    bin_dir, otlp = Path(sys.argv[1]), "--otlp" in sys.argv[2:]
    for tool in (["promtool", "check", "rules", str(ALERTS)], ["promtool", "test", "rules", str(ALERT_TESTS)]):
        checked = subprocess.run(tool, capture_output=True, text=True)
        if checked.returncode != 0:
            fail(f"{' '.join(tool)}:\n{checked.stdout}{checked.stderr}")
    print("observability: promtool checked and tested the alert rules")

    work = Path(tempfile.mkdtemp())
    secret = secrets.token_hex(32)
    ports = {name: free_port() for name in ("server", "server_metrics", "edge", "worker_metrics")}
    environment = {
        **os.environ,
        "LOG_FORMAT": "json",
        "RUST_LOG": "info",
        "JWT_SECRET": secret,
        "DATABASE_URL": f"sqlite://{work}/resume.db?mode=rwc",
        "REDIS_KEY_PREFIX": f"observe{secrets.token_hex(4)}",
        "SERVER_ADDR": f"127.0.0.1:{ports['server']}",
        "SERVER_METRICS_ADDR": f"127.0.0.1:{ports['server_metrics']}",
        "SERVER_URL": f"http://127.0.0.1:{ports['server']}",
        "EDGE_ADDR": f"127.0.0.1:{ports['edge']}",
        "WORKER_METRICS_ADDR": f"127.0.0.1:{ports['worker_metrics']}",
        "WEB_DIR": str(work / "no-web-app"),
        "API_RATE_LIMIT_PER_MIN": "0",
    }
    # The workers ask a model: this script's, which answers one candidate and fails another.
    model = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    environment.update({
        "OPENAI_API_KEY": "sk-observe", "OPENAI_BASE_URL": f"http://127.0.0.1:{model.server_address[1]}/v1",
        "TASK_RATE_LIMIT_PER_MIN": "0", "RETRY_BASE_DELAY_MS": "50", "MAX_ATTEMPTS": "2",
    })
    receiver = None
    if otlp:
        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{receiver.server_address[1]}"
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json"
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "200"
    processes = {}

    def start(name):
        env = {**environment, "OTEL_SERVICE_NAME": f"resume-{name}", "WORKER_ID": "observed-1"}
        log = open(work / f"{name}.log", "w")
        processes[name] = subprocess.Popen([str(bin_dir / name)], env=env, stdout=log, stderr=subprocess.STDOUT)

    try:
        start("server")
        wait_for(f"http://127.0.0.1:{ports['server_metrics']}/metrics")
        start("worker")
        wait_for(f"http://127.0.0.1:{ports['worker_metrics']}/healthz")
        start("edge")
        edge = f"http://127.0.0.1:{ports['edge']}"
        wait_for(f"{edge}/api/healthz")

        # The image's healthcheck answers as the endpoints do.
        for url, wanted in ((f"{edge}/api/readyz", 0), (f"http://127.0.0.1:{ports['server_metrics']}/metrics", 0),
                            (f"http://127.0.0.1:{ports['worker_metrics']}/healthz", 0),
                            (f"{edge}/api/no-such-route", 1), (f"http://127.0.0.1:{free_port()}/", 1)):
            code = subprocess.run([str(bin_dir / "probe"), url], capture_output=True).returncode
            if code != wanted:
                fail(f"probe {url} exited {code}, not {wanted}")

        user = token(secret, f"observer-{secrets.token_hex(4)}")
        _, _, candidate = call("POST", f"{edge}/api/candidates", user,
                               {"full_name": "Ada Lovelace", "email": "ada@example.com", "skills": ["Rust"]})
        trace_id, parent_span = secrets.token_hex(16), secrets.token_hex(8)
        sent = f"00-{trace_id}-{parent_span}-01"
        status, headers, job = call("POST", f"{edge}/api/resume-async/generate-async", user,
                                    {"candidate_id": candidate["id"], "file_type": "pdf"}, {"traceparent": sent})
        job_id = job["job_id"]
        answered = headers.get("traceparent", "")
        if status != 202 or not re.fullmatch(f"00-{trace_id}-[0-9a-f]{{16}}-01", answered) or parent_span in answered:
            fail(f"the edge answered {status} with traceparent {answered!r} to {sent!r}")
        # A request without one starts a trace of its own.
        _, headers, _ = call("GET", f"{edge}/api/resume-async/job-status/{job_id}", user)
        own = headers.get("traceparent", "")
        if not re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", own) or trace_id in own:
            fail(f"a request without traceparent was answered with {own!r}")
        job = ended(edge, user, job_id)
        if job["status"] != "SUCCESS":
            fail(f"job {job_id} ended {job['status']}")

        # Every process's JSON log names the trace for the job: wait for the worker's last
        # line of it ("task done", written after the outcome the job's status shows).
        def log_lines(name):
            text = (work / f"{name}.log").read_text()
            return [json.loads(line) for line in text.splitlines() if line.startswith("{") and line.endswith("}")]

        deadline = time.time() + PATIENCE
        while not any(job_id in json.dumps(l) and "task done" in json.dumps(l) for l in log_lines("worker")):
            if time.time() > deadline:
                fail(f"the worker did not log 'task done' for job {job_id} within {PATIENCE} s")
            time.sleep(0.1)
        for name in ("edge", "server", "worker"):
            lines = log_lines(name)
            traced = [line for line in lines if trace_id in json.dumps(line)]
            of_job = [line for line in traced if job_id in json.dumps(line)]
            if not of_job:
                fail(f"no {name} log line names trace {trace_id} with job {job_id}; lines naming the job: "
                     f"{[l for l in lines if job_id in json.dumps(l)][:3]}")
            # Every line a process logs of the job names its trace too.
            untraced = [l for l in lines if job_id in json.dumps(l) and trace_id not in json.dumps(l)]
            if untraced:
                fail(f"{name} log lines of the job without its trace: {untraced[:3]}")
            print(f"observability: {name}: {len(of_job)} log lines name trace {trace_id[:8]}… and the job")

        # A job the model fails: retried once, then FAILURE.
        _, _, failing = call("POST", f"{edge}/api/candidates", user,
                             {"full_name": "Grace Hopper", "email": "x@example.com", "skills": [FAIL_MARKER]})
        _, _, failed = call("POST", f"{edge}/api/resume-async/generate-async", user,
                            {"candidate_id": failing["id"], "file_type": "word"})
        failed = ended(edge, user, failed["job_id"])
        if failed["status"] != "FAILURE":
            fail(f"the job the model fails ended {failed['status']}")

        # The metrics count what happened, once the processes have counted it (a worker
        # counts a task after it has reported the outcome the job's status shows).
        def counted():
            server = scrape(f"http://127.0.0.1:{ports['server_metrics']}/metrics")
            worker = scrape(f"http://127.0.0.1:{ports['worker_metrics']}/metrics")
            edge_metrics = scrape(f"{edge}/metrics")
            expected = [
                (server, "resume_jobs_submitted_total", {"queue": "resume_generation"}, 2),
                (server, "resume_jobs_finished_total", {"queue": "resume_generation", "outcome": "success"}, 1),
                (server, "resume_jobs_finished_total", {"queue": "resume_generation", "outcome": "failure"}, 1),
                (server, "resume_job_queue_wait_seconds_count", {"queue": "resume_generation"}, 2),
                (server, "resume_job_run_seconds_count", {"queue": "resume_generation"}, 2),
                (server, "resume_cache_lookups_total", {"cache": "result", "result": "miss"}, 2),
                (server, "resume_workers_live", {}, 1),
                (server, "resume_dependency_up", {"dependency": "database"}, 1),
                (server, "resume_dependency_up", {"dependency": "redis"}, 1),
                (server, "resume_queue_depth", {"queue": "priority_high"}, 0),
                (server, "server_grpc_requests_total", {"route": "/resume.v1.ResumeService/GenerateResume", "status": "Ok"}, 2),
                (worker, "worker_slots", {}, 2),
                (worker, "worker_tasks_processed_total", {}, 1),
                (worker, "worker_tasks_failed_total", {}, 1),
                (worker, "worker_task_retries_total", {"class": "model_unavailable"}, 1),
                (worker, "worker_model_calls_total", {"call": "resume_main", "outcome": "ok"}, 1),
                (worker, "worker_model_calls_total", {"call": "resume_experience", "outcome": "ok"}, 1),
                (worker, "worker_model_call_duration_seconds_count", {"call": "resume_main"}, None),
                (worker, "worker_model_tokens_total", {"kind": "prompt"}, 240),
                (worker, "worker_model_tokens_total", {"kind": "completion"}, 60),
                (edge_metrics, "edge_http_requests_total", {"route": "POST /api/resume-async/generate-async", "status": "202"}, 2),
            ]
            wrong = []
            for samples, name, labels, wanted in expected:
                seen = value(samples, name, **labels)
                if seen != wanted and not (wanted is None and seen):
                    wrong.append(f"{name}{labels} is {seen}, not {wanted or 'above 0'}")
            # Each of the two attempts of the failing job made two calls, and both ran to
            # their end (a sibling is never cancelled): four unavailable, none cancelled.
            unavailable = value(worker, "worker_model_calls_total", outcome="model_unavailable") or 0
            cancelled = value(worker, "worker_model_calls_total", outcome="cancelled") or 0
            if unavailable != 4 or cancelled != 0:
                wrong.append(f"the failing job's calls: {unavailable} unavailable and {cancelled} cancelled, not 4 in all")
            return server, worker, edge_metrics, len(expected), wrong

        deadline = time.time() + PATIENCE
        server, worker, edge_metrics, checked, wrong = counted()
        while wrong and time.time() < deadline:
            time.sleep(0.2)
            server, worker, edge_metrics, checked, wrong = counted()
        if wrong:
            fail(f"after {PATIENCE} s: {'; '.join(wrong)}")
        for samples in (server, worker, edge_metrics):
            for name, series in samples.items():
                for labels, _ in series:
                    for label_value in labels.values():
                        if job_id in label_value or "observer-" in label_value or re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", label_value):
                            fail(f"{name} has an id as a label value: {labels}")
        print(f"observability: the three /metrics count the job ({checked} series checked, no id as a label)")
        exported = {name for samples in (server, worker, edge_metrics) for name in samples}
        # A family is exported under its sample names (_total, _bucket, …) and its own.
        exported |= {re.sub(r"_(total|bucket|sum|count|created)$", "", name) for name in exported}
        check_queries(exported)

        if receiver:
            deadline = time.time() + 20
            services = set()
            while time.time() < deadline:
                services = {service for service, span in Receiver.spans if span["traceId"] == trace_id}
                if services >= {"resume-edge", "resume-server", "resume-worker"}:
                    break
                time.sleep(0.2)
            if services < {"resume-edge", "resume-server", "resume-worker"}:
                fail(f"OTLP spans of trace {trace_id} came from {sorted(services)} only "
                     f"({len(Receiver.spans)} spans in all; requests {Receiver.requests[:5]})")
            # Each hop's span is the child of its caller's: the edge's of the span the request
            # named, the server's of the edge's, the worker's task of the server's.
            of_trace = [(service, span) for service, span in Receiver.spans if span["traceId"] == trace_id]
            ids = {service: {span["spanId"] for s, span in of_trace if s == service} for service in services}
            edge_span = [span for service, span in of_trace if service == "resume-edge" and span["parentSpanId"] == parent_span]
            if not edge_span or edge_span[0]["spanId"] != answered.split("-")[2]:
                fail(f"no edge span is the child of {parent_span} and the answer's {answered}: {of_trace}")
            if not any(span.get("parentSpanId") in ids["resume-edge"] for s, span in of_trace if s == "resume-server"):
                fail(f"no server span is the child of an edge span: {of_trace}")
            if not any(span["name"] == "task" and span.get("parentSpanId") in ids["resume-server"]
                       for s, span in of_trace if s == "resume-worker"):
                fail(f"the worker's task span is not the child of a server span: {of_trace}")
            print(f"observability: OTLP spans of the trace from {sorted(services)}, each the child of its caller's")
    finally:
        model.shutdown()
        for name in ("edge", "worker", "server"):
            process = processes.get(name)
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    code = process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    fail(f"{name} did not stop on SIGTERM")
                if code != 0 and sys.exc_info()[0] is None:
                    print((work / f"{name}.log").read_text()[-3000:], file=sys.stderr)
                    fail(f"{name} exited {code} on SIGTERM")
        if receiver:
            receiver.shutdown()
    print("observability: traces, logs, metrics, dashboard and alerts check out")


if __name__ == "__main__":
    main()
