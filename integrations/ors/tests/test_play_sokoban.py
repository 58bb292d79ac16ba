"""The ORS example against the real server: `server/main.ts` on 127.0.0.1 (a free port), then the
script's episode, the REST API's rewards for the same seed and moves, and ORS's typed errors.

    python3 -m unittest discover -s integrations/ors/tests
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))

import play_sokoban  # noqa: E402

ENV = "Sokoban-small-v0"
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")


def _drain(stream):
    for _ in stream:
        pass


class Server:
    """`server/main.ts` as a child process in its own process group."""

    def __init__(self):
        cmd = [TSX, "server/main.ts", "--host", "127.0.0.1", "--port", "0", "--no-replays"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.port = 0
        deadline = time.monotonic() + 60
        for line in self.proc.stdout:
            found = re.search(r"listening at http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                break
        if not self.port:
            self.stop()
            raise RuntimeError("server did not start")
        threading.Thread(target=_drain, args=(self.proc.stdout,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc.stdout.close()

    def post(self, path, body):
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())


def optimal_plan(seed):
    out = subprocess.run([TSX, "scripts/env-cli.ts", "solve", ENV, "--seed", str(seed)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True).stdout
    return [m.strip() for m in out.split("optimal plan", 1)[1].split("\n")[1].split(",")]


class PlaySokobanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        cls.base = cls.server.url + "/ors"

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_discovery(self):
        envs = json.loads(play_sokoban._request("GET", self.base + "/list_environments"))
        self.assertIn(ENV, envs)
        splits = json.loads(play_sokoban._request("GET", f"{self.base}/{ENV}/splits"))
        self.assertEqual(splits, [{"name": "train", "type": "train"}, {"name": "test", "type": "test"}])

    def test_optimal_solve_of_a_test_task_with_frames(self):
        task = json.loads(play_sokoban._request("POST", f"{self.base}/{ENV}/task", body={"split": "test", "index": 0}))["task"]
        plan = optimal_plan(task["seed"])
        summary = play_sokoban.play(self.base, ENV, "test", 0, plan=plan, log=lambda *_: None)
        self.assertTrue(summary["finished"])
        self.assertEqual(len(summary["rewards"]), len(plan))
        self.assertEqual(summary["frames"], len(plan) + 1)
        # The REST API's rewards for the same seed and texts.
        made = self.server.post("/v1/instances", {"env_id": ENV, "seed": task["seed"]})
        rest = []
        for turn, move in enumerate(plan):
            step = self.server.post(f"/v1/instances/{made['instance_id']}/step", {"action": {"text": f"<think>turn {turn + 1}</think><answer>{move}</answer>"}})
            rest.append(step["reward"])
        self.assertTrue(step["terminated"])
        self.assertEqual(summary["rewards"], rest)
        urllib.request.urlopen(urllib.request.Request(f"{self.server.url}/v1/instances/{made['instance_id']}", method="DELETE"), timeout=10).close()
        self.assertEqual(self.server.get("/v1/health")["instances"], 0)

    def test_the_script_runs(self):
        out = subprocess.run([sys.executable, os.path.join(ROOT, "integrations", "ors", "play_sokoban.py"), "--url", self.base, "--index", "1"], capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertTrue(summary["finished"])
        self.assertEqual(summary["frames"], len(summary["rewards"]) + 1)

    def test_typed_errors(self):
        with self.assertRaises(play_sokoban.OrsError) as e:
            play_sokoban._request("GET", f"{self.base}/{ENV}/prompt", sid="no-such-session")
        self.assertEqual((e.exception.status, e.exception.detail), (404, "Active environment not found"))
        with self.assertRaises(play_sokoban.OrsError) as e:
            play_sokoban._request("POST", f"{self.base}/{ENV}/tasks", body={"split": "validation"})
        self.assertEqual((e.exception.status, e.exception.detail), (400, "Invalid split"))
        session = play_sokoban.Session(self.base, ENV, {"seed": 5})
        try:
            with self.assertRaises(play_sokoban.OrsError) as e:
                session.call("push", {})
            self.assertIn("not a valid tool", e.exception.detail)
            self.assertIn("reward", session.call("act", {"text": "<answer>Up</answer>"}))
        finally:
            session.close()


if __name__ == "__main__":
    unittest.main()
