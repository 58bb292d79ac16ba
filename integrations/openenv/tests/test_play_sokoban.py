"""The OpenEnv example against the real server, standard library only.

    python3 -m unittest discover -s integrations/openenv/tests -v

Starts `server/main.ts` on 127.0.0.1 (a free port), plays a Sokoban level to its optimal solve with
frames over /ws, checks each message against the official client's bytes, and the typed errors.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "integrations", "openenv"))

import play_sokoban  # noqa: E402

ENV_ID = "Sokoban-small-v0"
SEED = 7
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")


def _drain(stream):
    try:
        for _ in stream:
            pass
    except (ValueError, OSError):
        pass


class ServerCase(unittest.TestCase):
    """A real server for the class (started with FLAGS) and the level's optimal plan."""

    FLAGS = []

    @classmethod
    def setUpClass(cls):
        cls.replays = tempfile.mkdtemp(prefix="openenv-replays-")
        cmd = [TSX, "server/main.ts", "--host", "127.0.0.1", "--port", "0", "--replay-dir", cls.replays, *cls.FLAGS]
        cls.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        port = 0
        deadline = time.monotonic() + 60
        for line in cls.proc.stdout:
            found = re.search(r"listening at http://127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                break
        if not port:
            cls.tearDownClass()
            raise RuntimeError(f"server did not start: {' '.join(cmd)}")
        threading.Thread(target=_drain, args=(cls.proc.stdout,), daemon=True).start()
        cls.http = f"http://127.0.0.1:{port}"
        cls.base = f"{cls.http}/openenv/{ENV_ID}"
        out = subprocess.run([TSX, "scripts/env-cli.ts", "solve", ENV_ID, "--seed", str(SEED)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True).stdout
        cls.plan = [m.strip() for m in out.split("optimal plan", 1)[1].split("\n")[1].split(",")]

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            os.killpg(cls.proc.pid, signal.SIGKILL)
            cls.proc.wait(10)
        cls.proc.stdout.close()
        shutil.rmtree(cls.replays, ignore_errors=True)



class OpenEnvExampleTest(ServerCase):
    def get(self, path):
        with urllib.request.urlopen(self.http + path, timeout=10) as r:
            return json.loads(r.read())

    def test_plays_to_the_optimal_solve_with_frames(self):
        frames = tempfile.mkdtemp(prefix="openenv-frames-")
        self.addCleanup(shutil.rmtree, frames, True)
        out = play_sokoban.play(self.base, SEED, lambda obs, t: f"<think>turn {t}</think><answer>{self.plan[t]}</answer>", frames)
        last = out["last"]
        self.assertTrue(last["done"])
        self.assertTrue(last["observation"]["terminated"])
        self.assertFalse(last["observation"]["truncated"])
        self.assertTrue(last["observation"]["action_is_valid"])
        self.assertEqual(out["turns"], len(self.plan))
        self.assertGreater(out["return"], 0)
        self.assertEqual(out["state"]["step_count"], len(self.plan))
        self.assertEqual(out["state"]["seed"], SEED)
        self.assertEqual(len(out["frames"]), len(self.plan) + 1)
        for path in out["frames"]:
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        # The official client's bytes: json.dumps of its dicts, keys in its order.
        self.assertEqual(out["sent"][0], '{"type": "reset", "data": {"seed": 7}}')
        self.assertEqual(out["sent"][1], '{"type": "step", "data": {"text": "<think>turn 0</think><answer>%s</answer>"}}' % self.plan[0])
        self.assertEqual(out["sent"][-2:], ['{"type": "state"}', '{"type": "close"}'])
        # The episode was saved as a replay, as REST episodes are.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.get("/v1/replays?agent=openenv")["replays"]:
                break
            time.sleep(0.1)
        self.assertTrue(self.get("/v1/replays?agent=openenv")["replays"])

    def test_command_line(self):
        frames = tempfile.mkdtemp(prefix="openenv-frames-")
        self.addCleanup(shutil.rmtree, frames, True)
        self.assertEqual(play_sokoban.main(["--url", self.base, "--seed", str(SEED), "--plan", ", ".join(self.plan), "--frames", frames]), 0)
        self.assertEqual(len(os.listdir(frames)), len(self.plan) + 1)

    def test_schema_and_metadata(self):
        schema = self.get(f"/openenv/{ENV_ID}/schema")
        self.assertEqual(set(schema), {"action", "observation", "state"})
        self.assertEqual(schema["action"]["required"], ["text"])
        self.assertEqual(self.get(f"/openenv/{ENV_ID}/health"), {"status": "healthy"})
        self.assertEqual(self.get(f"/openenv/{ENV_ID}/metadata")["name"], ENV_ID)

    def test_typed_errors_keep_the_session(self):
        session = play_sokoban.OpenEnvSession(self.base)
        try:
            with self.assertRaises(play_sokoban.OpenEnvError) as caught:
                session.step("<answer>Up</answer>")
            self.assertEqual(caught.exception.code, "EXECUTION_ERROR")
            with self.assertRaises(play_sokoban.OpenEnvError) as caught:
                session._send_and_receive({"type": "jump"})
            self.assertEqual(caught.exception.code, "UNKNOWN_TYPE")
            session.ws.send_text("{not json")
            self.assertEqual(json.loads(session.ws.recv_text())["data"]["code"], "INVALID_JSON")
            first = session.reset(seed=SEED)
            self.assertFalse(first["done"])
            self.assertIsNone(first["reward"])
            self.assertEqual(session.step("<answer>%s</answer>" % self.plan[0])["observation"]["step_count"], 1)
        finally:
            session.close()


class OpenEnvTokenTest(ServerCase):
    """With --token the upgrade needs it: refused without, a whole session with it."""

    FLAGS = ["--token", "sesame"]

    def test_token(self):
        with self.assertRaises(ConnectionError):
            play_sokoban.OpenEnvSession(self.base)
        out = play_sokoban.play(self.base, SEED, lambda obs, t: self.plan[t], token="sesame")
        self.assertTrue(out["last"]["observation"]["terminated"])


if __name__ == "__main__":
    unittest.main()
