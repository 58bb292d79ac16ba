"""The agent file against the real server, under stand-ins of OpenRLHF 0.11, 0.9.0 and 0.8.5.

    python3 -m unittest discover -s integrations/openrlhf/tests -v

Each test starts `server/main.ts` on 127.0.0.1 (a free port) and drives whole episodes through
the stand-in executors (standins.py). Standard library only.
"""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
AGENT = os.path.join(ROOT, "integrations", "openrlhf", "agent_func.py")
sys.path.insert(0, HERE)

import standins  # noqa: E402

VERSIONS = ("v011", "v090", "v085")
ASSISTANT = "<|im_start|>assistant\n"
SOKOBAN = {"env_id": "Sokoban-small-v0", "seed": 4, "options": {}}
FOOTBALL = {"env_id": "Football-empty-goal-close-v0", "seed": 3, "options": {}}


def _drain(stream):
    try:
        for _ in stream:
            pass
    except (ValueError, OSError):  # closed by stop()
        pass


class Server:
    """`server/main.ts` as a child process; restartable on the same port."""

    def __init__(self, *flags):
        self.flags = list(flags)
        self.port = 0
        self.proc = None
        self.start()

    def start(self):
        tsx = os.path.join(ROOT, "node_modules", ".bin", "tsx")
        cmd = [tsx, "server/main.ts", "--host", "127.0.0.1", "--port", str(self.port), "--no-replays", *self.flags]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        deadline = time.monotonic() + 60
        for line in self.proc.stdout:
            found = re.search(r"listening at http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
                break
            if time.monotonic() > deadline:
                break
        if not self.port or self.proc.poll() is not None:
            raise RuntimeError(f"server did not start: {' '.join(cmd)}")
        # Drain the log so the child never blocks on a full pipe.
        threading.Thread(target=_drain, args=(self.proc.stdout,), daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: tsx and node go together
            self.proc.wait(10)
        if self.proc:
            self.proc.stdout.close()

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read())

    def live_instances(self):
        return self.get("/v1/health")["instances"]


_PLAN = None


def sokoban_plan():
    """The optimal plan of SOKOBAN's level, from the suite's own solver."""
    global _PLAN
    if _PLAN is None:
        out = subprocess.run(
            [os.path.join(ROOT, "node_modules", ".bin", "tsx"), "scripts/env-cli.ts", "solve", SOKOBAN["env_id"], "--seed", str(SOKOBAN["seed"])],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        ).stdout
        line = out.split("optimal plan", 1)[1].split("\n")[1]
        _PLAN = [m.strip() for m in line.split(",")]
    return _PLAN


def board_text(url, level):
    """The level's first observation, as an exported dataset row shows it."""
    req = urllib.request.Request(url + "/v1/instances", data=json.dumps(level).encode(), method="POST")
    req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        made = json.loads(r.read())
    urllib.request.urlopen(urllib.request.Request(url + f"/v1/instances/{made['instance_id']}", method="DELETE"), timeout=30).read()
    return made["observation"]["text"]


def prompt_for(text="Play the level. Answer <think>...</think><answer>...</answer>."):
    return f"<|im_start|>system\nYou are an agent.<|im_end|>\n<|im_start|>user\n{text}<|im_end|>\n{ASSISTANT}"


def turn_of(conversation):
    # The prompt ends in one assistant header; each turn of feedback adds one more.
    return conversation.count(ASSISTANT) - 1


def sokoban_policy(plan):
    async def policy(conversation):
        turn = turn_of(conversation)
        return f"<think>turn {turn}</think><answer>{plan[turn] if turn < len(plan) else 'Up'}</answer>"

    return policy


async def football_policy(conversation):
    # Dribble right a little, then shoot: the drill ends on the goal or on the ball going out.
    turn = turn_of(conversation)
    return "<think>" + "go " * 30 + f"</think><answer>{'right' if turn < 2 else 'shot'}</answer>"


def run(coro):
    return asyncio.run(coro)


class AgentFileTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--max-instances", "64")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.env = dict(os.environ)
        os.environ.update({"ENV_SERVER_URL": self.server.url, "ENV_SERVER_BACKOFF_MAX": "0.2", "ENV_SERVER_RETRY_S": "30"})
        for key in ("ENV_IMAGES", "ENV_CHAT_TEMPLATE", "ENV_LEASE_S"):
            os.environ.pop(key, None)

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.env)

    def wait_no_instances(self, within_s):
        deadline = time.monotonic() + within_s
        while self.server.live_instances() > 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.server.live_instances()

    def check_conversation(self, tokens):
        text = standins.Tokenizer().decode(tokens)
        self.assertNotIn("<|im_end|><|im_end|>", text, "an end token doubled at a turn boundary")
        self.assertNotIn("<|im_end|>\n<|im_end|>", text)
        # Every assistant header follows a user turn's end, never the middle of an assistant turn.
        for at in [m.start() for m in re.finditer(re.escape(ASSISTANT), text)]:
            self.assertTrue(text[:at].endswith("<|im_end|>\n"), text[max(0, at - 80) : at + 30])
        return text

    # -- whole episodes, each version

    def test_sokoban_episode_each_version(self):
        plan = sokoban_plan()
        for version in VERSIONS:
            with self.subTest(version=version):
                module = standins.load_agent(AGENT, version)
                label = json.dumps(SOKOBAN)
                # 0.8.x has no reset: its prompt must already show the board (as exported rows do).
                prompt = prompt_for(self.board_text(SOKOBAN)) if version == "v085" else prompt_for()
                [result] = run(standins.run_samples(module, version, prompt, label, 1, 20000, sokoban_policy(plan)))
                self.assertNotIsInstance(result, BaseException, repr(result))
                self.assertTrue(result["done"])
                self.assertEqual(result["turns"], len(plan))
                self.assertAlmostEqual(float(result["scores"]), 1.0)  # solved optimally: score 100
                text = self.check_conversation(result["observation_tokens"])
                before_first_answer = text.split(ASSISTANT)[0]
                last_user_turn = before_first_answer.rsplit("<|im_start|>user\n", 1)[1]
                self.assertIn("boxes on target: 0/", last_user_turn, "the board must be in a user turn before the first answer")
                self.assertEqual(self.wait_no_instances(1), 0, "instance left open after the episode")

    def test_football_episode_each_version(self):
        for version in VERSIONS:
            with self.subTest(version=version):
                module = standins.load_agent(AGENT, version)
                prompt = prompt_for(self.board_text(FOOTBALL)) if version == "v085" else prompt_for()
                [result] = run(standins.run_samples(module, version, prompt, json.dumps(FOOTBALL), 1, 50000, football_policy))
                self.assertNotIsInstance(result, BaseException, repr(result))
                self.assertTrue(result["done"], "the drill ends on a goal or the ball out of play")
                self.assertGreaterEqual(result["turns"], 3)
                self.check_conversation(result["observation_tokens"])
                self.assertEqual(self.wait_no_instances(1), 0)

    def test_token_budget_cut_closes_the_instance(self):
        # 2,500 tokens hold the prompt and about two Football turns: the executor stops calling.
        for version in ("v011", "v090"):
            with self.subTest(version=version):
                module = standins.load_agent(AGENT, version)
                results = run(standins.run_samples(module, version, prompt_for(), json.dumps(FOOTBALL), 3, 2500, football_policy))
                for r in results:
                    self.assertNotIsInstance(r, BaseException, repr(r))
                    self.assertFalse(r["done"])
                # Closed by the executor when the sample ended, not by the idle timeout.
                self.assertEqual(self.server.live_instances(), 0)
        with self.subTest(version="v085"):
            # 0.8.x says nothing when a sample ends: the instance's lease closes it.
            os.environ["ENV_LEASE_S"] = "1"
            module = standins.load_agent(AGENT, "v085")
            prompt = prompt_for(self.board_text(FOOTBALL))
            results = run(standins.run_samples(module, "v085", prompt, json.dumps(FOOTBALL), 3, 2500, football_policy))
            self.assertTrue(all(not isinstance(r, BaseException) and not r["done"] for r in results), results)
            self.assertEqual(self.server.live_instances(), 3)
            self.assertEqual(self.wait_no_instances(4), 0, "the lease did not close the abandoned instances")

    def test_frames_as_environment_images_when_the_sample_has_images(self):
        module = standins.load_agent(AGENT, "v011")
        [r] = run(standins.run_samples(module, "v011", prompt_for(), json.dumps(FOOTBALL), 1, 50000, football_policy, images=["first.png"]))
        self.assertNotIsInstance(r, BaseException, repr(r))
        self.assertEqual(len(r["images"]), r["turns"] - 1, "one frame per turn of feedback")
        self.assertTrue(all(i.startswith("data:image/png;base64,iVBOR") for i in r["images"]))
        text = standins.Tokenizer().decode(r["observation_tokens"])
        self.assertEqual(text.count("<|image_pad|>"), len(r["images"]), "each frame needs its placeholder in the feedback")
        # Without images in the sample, no frames are sent.
        [r] = run(standins.run_samples(module, "v011", prompt_for(), json.dumps(FOOTBALL), 1, 50000, football_policy))
        self.assertEqual(r["images"], [])

    def test_one_level_per_prompt_group_without_a_seed(self):
        label = json.dumps({"env_id": "Sokoban-small-v0"})
        firsts = []

        async def policy(conversation):
            if turn_of(conversation) == 0:
                firsts.append(conversation)
            return "<answer>Up</answer>"

        for version in ("v011", "v090"):
            module = standins.load_agent(AGENT, version)
            firsts.clear()
            results = run(standins.run_samples(module, version, prompt_for(), label, 4, 1500, policy))
            self.assertTrue(all(not isinstance(r, BaseException) for r in results), results)
            self.assertEqual(len(firsts), 4)
            self.assertEqual(len(set(firsts)), 1, f"{version}: the samples of one prompt saw different levels")
            board = firsts[0].split("<|im_start|>user\n")[-1]
            firsts.clear()
            run(standins.run_samples(module, version, prompt_for("Another prompt."), label, 1, 1500, policy))
            self.assertNotEqual(firsts[0].split("<|im_start|>user\n")[-1], board, "another prompt should get another level")
        self.assertEqual(self.wait_no_instances(1), 0)

    def test_bad_labels_name_the_problem(self):
        module = standins.load_agent(AGENT, "v011")
        for label, words in (("", "label is empty"), ("not json", "not JSON"), ("[1, 2]", "env_id")):
            [r] = run(standins.run_samples(module, "v011", prompt_for(), label, 1, 1500, football_policy))
            self.assertIsInstance(r, ValueError)
            self.assertIn(words, str(r))

    def board_text(self, level):
        return board_text(self.server.url, level)


class BusyAndRestartTest(unittest.TestCase):
    def setUp(self):
        self.env = dict(os.environ)
        os.environ.update({"ENV_SERVER_BACKOFF_MAX": "0.2", "ENV_SERVER_RETRY_S": "60", "ENV_SERVER_THREADS": "2"})
        os.environ.pop("ENV_IMAGES", None)

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.env)

    def test_more_samples_than_instances_completes(self):
        server = Server("--max-instances", "2")
        try:
            os.environ["ENV_SERVER_URL"] = server.url
            plan = sokoban_plan()
            for version in ("v011", "v090"):
                with self.subTest(version=version):
                    module = standins.load_agent(AGENT, version)
                    # 8 samples, 2 instances, 2 HTTP threads: the waits must not hold the threads.
                    results = run(asyncio.wait_for(standins.run_samples(module, version, prompt_for(), json.dumps(SOKOBAN), 8, 20000, sokoban_policy(plan)), 120))
                    self.assertEqual(len(results), 8)
                    for r in results:
                        self.assertNotIsInstance(r, BaseException, repr(r))
                        self.assertAlmostEqual(float(r["scores"]), 1.0)
                    self.assertEqual(server.live_instances(), 0)
        finally:
            server.stop()

    def test_server_restart_mid_episode_is_retried(self):
        server = Server("--max-instances", "8")
        try:
            os.environ["ENV_SERVER_URL"] = server.url
            plan = sokoban_plan()
            inner = sokoban_policy(plan)

            async def policy(conversation):
                if turn_of(conversation) == 3 and not restarted:
                    restarted.append(True)
                    server.stop()  # every instance is lost with the process
                    asyncio.get_running_loop().call_later(1.5, server.start)
                return await inner(conversation)

            for version in VERSIONS:
                with self.subTest(version=version):
                    restarted = []
                    module = standins.load_agent(AGENT, version)
                    prompt = prompt_for(board_text(server.url, SOKOBAN)) if version == "v085" else prompt_for()
                    [r] = run(asyncio.wait_for(standins.run_samples(module, version, prompt, json.dumps(SOKOBAN), 1, 20000, policy), 120))
                    self.assertEqual(restarted, [True])
                    self.assertNotIsInstance(r, BaseException, repr(r))
                    # Rebuilt from the seed and the moves so far: the same episode, solved.
                    self.assertTrue(r["done"])
                    self.assertAlmostEqual(float(r["scores"]), 1.0)
                    self.assertEqual(server.live_instances(), 0)
        finally:
            server.stop()

    def test_server_gone_fails_cleanly(self):
        server = Server("--max-instances", "8")
        os.environ.update({"ENV_SERVER_URL": server.url, "ENV_SERVER_RETRY_S": "2"})

        async def policy(conversation):
            server.stop()
            return "<answer>Up</answer>"

        module = standins.load_agent(AGENT, "v011")
        started = time.monotonic()
        [r] = run(asyncio.wait_for(standins.run_samples(module, "v011", prompt_for(), json.dumps(SOKOBAN), 1, 20000, policy), 60))
        self.assertIsInstance(r, RuntimeError)
        self.assertIn("gave up", str(r))
        self.assertIn(server.url, str(r))
        self.assertLess(time.monotonic() - started, 20)


if __name__ == "__main__":
    unittest.main()
