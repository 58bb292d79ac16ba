#!/usr/bin/env python3
"""Play one Sokoban episode through the server's Open Reward Standard façade (standard library only).

Every request is the one the ORS Python SDK (``ors`` 0.1.0, openrewardstandard/python-sdk) sends for
the same step, in the same order: ``POST /create_session`` (an event stream whose ``task_id`` event
is the session id), ``POST /create`` with ``{"task_spec", "env_name"}``, ``GET /{env}/task_tools``,
``GET /{env}/prompt``, ``POST /{env}/call`` with ``{"name": "act", "input": {"text": ...}}`` until the
answer says ``finished``, then ``POST /delete`` and ``POST /delete_session``. Bodies are
``json.dumps`` of the same dicts (what aiohttp's ``json=`` sends), with the SDK's headers.

    python3 integrations/ors/play_sokoban.py --url http://127.0.0.1:8000/ors --index 0 \\
        --plan Up,Up,Down,Down,Left,Up --frames-dir /tmp/frames

Without ``--plan`` the moves cycle Up, Right, Down, Left until the episode ends (solved or out of
moves). The last line printed is a JSON summary: the task, each reward, their total, whether it
finished, and how many frames (PNG image blocks) were received.
"""

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.request

USER_AGENT = "ors-sdk/0.1.0"
# The server's --token, sent as the SDK sends its api_key (X-API-Key); None for an open server.
API_KEY = None


class OrsError(Exception):
    """A non-2xx answer: the status and FastAPI's ``detail``."""

    def __init__(self, status, detail):
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


def _request(method, url, body=None, sid=None, stream=False, timeout=60):
    headers = {"User-Agent": USER_AGENT}
    if API_KEY is not None:
        headers["X-API-Key"] = API_KEY
    if stream:
        headers["Accept"] = "text/event-stream"
    if sid:
        headers["X-Session-ID"] = sid
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            detail = json.loads(text).get("detail", text)
        except (ValueError, AttributeError):
            detail = text
        raise OrsError(e.code, detail) from None


def parse_sse(text):
    """The (event, data) pairs of an event stream; multi-line data joined with newlines."""
    events = []
    event, data = None, []
    for line in text.splitlines():
        if line == "":
            if event:
                events.append((event, "\n".join(data)))
            event, data = None, []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
    if event:
        events.append((event, "\n".join(data)))
    return events


class Session:
    """One ORS session: one episode of one task."""

    def __init__(self, base_url, env_name, task_spec):
        self.base = base_url.rstrip("/")
        self.env = env_name
        self.sid = None
        for event, data in parse_sse(_request("POST", self.base + "/create_session", body={}, stream=True)):
            if event == "task_id":
                self.sid = data.strip()
        if not self.sid:
            raise OrsError(0, "no session id from /create_session")
        self._json("POST", "/create", {"task_spec": task_spec, "env_name": env_name})

    def _json(self, method, path, body=None):
        return json.loads(_request(method, self.base + path, body=body, sid=self.sid))

    def tools(self):
        return self._json("GET", f"/{self.env}/task_tools")["tools"]

    def prompt(self):
        return self._json("GET", f"/{self.env}/prompt")

    def call(self, name, tool_input):
        """The tool's answer: the ``output`` dict, or OrsError for ``{"ok": false}`` or an error event."""
        text = _request("POST", f"{self.base}/{self.env}/call", body={"name": name, "input": tool_input}, sid=self.sid, stream=True)
        chunks = []
        for event, data in parse_sse(text):
            if event in ("chunk", "end"):
                chunks.append(data)
            elif event == "error":
                raise OrsError(200, data or "Unknown SSE error")
        result = json.loads("".join(chunks))
        if not result["ok"]:
            raise OrsError(200, result["error"])
        return result["output"]

    def close(self):
        _request("POST", self.base + "/delete", sid=self.sid)
        _request("POST", self.base + "/delete_session", sid=self.sid)


def _save_images(blocks, frames_dir, count):
    for block in blocks:
        if block["type"] == "image":
            if frames_dir:
                with open(os.path.join(frames_dir, f"frame-{count:04d}.png"), "wb") as f:
                    f.write(base64.b64decode(block["data"]))
            count += 1
    return count


def play(base_url, env_name="Sokoban-small-v0", split="test", index=0, plan=None, frames_dir=None, max_turns=400, log=print):
    """One episode; returns the summary dict."""
    task = json.loads(_request("POST", f"{base_url.rstrip('/')}/{env_name}/task", body={"split": split, "index": index}))["task"]
    if frames_dir:
        os.makedirs(frames_dir, exist_ok=True)
    session = Session(base_url, env_name, task)
    try:
        names = [t["name"] for t in session.tools()]
        if "act" not in names:
            raise OrsError(0, f"no act tool among {names}")
        prompt = session.prompt()
        frames = _save_images(prompt, frames_dir, 0)
        log(next(b["text"] for b in prompt if b["type"] == "text"))
        cycle = ["Up", "Right", "Down", "Left"]
        rewards, finished, turn = [], False, 0
        while not finished and turn < max_turns:
            move = plan[turn] if plan and turn < len(plan) else cycle[turn % len(cycle)]
            out = session.call("act", {"text": f"<think>turn {turn + 1}</think><answer>{move}</answer>"})
            rewards.append(out["reward"])
            finished = out["finished"]
            frames = _save_images(out["blocks"], frames_dir, frames)
            log(f"turn {turn + 1}: {move} -> reward {out['reward']}{' (finished)' if finished else ''}")
            turn += 1
    finally:
        session.close()
    return {"env_name": env_name, "task": task, "rewards": rewards, "total": sum(r or 0 for r in rewards), "finished": finished, "frames": frames}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000/ors", help="the ORS base URL (the server's /ors)")
    p.add_argument("--env", default="Sokoban-small-v0")
    p.add_argument("--split", default="test", choices=["train", "test"])
    p.add_argument("--index", type=int, default=0)
    p.add_argument("--plan", help="comma-separated moves to play first (Up, Down, Left, Right)")
    p.add_argument("--frames-dir", help="write every frame received here as PNG")
    p.add_argument("--api-key", help="the server's --token, if it has one")
    a = p.parse_args(argv)
    global API_KEY
    API_KEY = a.api_key
    plan = [m.strip() for m in a.plan.split(",")] if a.plan else None
    try:
        summary = play(a.url, a.env, a.split, a.index, plan, a.frames_dir)
    except OrsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
