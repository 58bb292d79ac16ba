"""Multi-turn games of the lmm-arena environment server for OpenRLHF's agent mode.

Pass this file as OpenRLHF's agent function (``--agent_func_path``; newest versions:
``--train.agent_func_path``) and point it at a running server:

    ENV_SERVER_URL=http://127.0.0.1:8000  ENV_SERVER_TOKEN=...  (token only if the server has one)

Each prompt's label is a JSON object naming a level, ``{"env_id": "Football-3v1-keeper-v0",
"seed": 7, "options": {}}``. ``reset`` makes an instance and appends the level's first observation
to the prompt; every ``step`` plays the model's whole response as one turn (the env's online
protocol parses it) and answers with the env reward, the new observation as the next user turn,
and ``done`` when the episode ends. Episodes played this way are saved as replays by the server.

Only the standard library is used, so nothing beyond OpenRLHF itself needs installing. Without
OpenRLHF (tests, a quick try) the base classes fall back to plain objects.
"""

import asyncio
import json
import os
import time
import urllib.error
import urllib.request

try:  # inside OpenRLHF
    from openrlhf.utils.agent import AgentExecutorBase, AgentInstanceBase
except ImportError:  # standalone

    class AgentInstanceBase:  # type: ignore[no-redef]
        pass

    class AgentExecutorBase:  # type: ignore[no-redef]
        def __init__(self, agent_instance_cls, *args, **kwargs):
            self.agent_instance_cls = agent_instance_cls


SERVER = os.environ.get("ENV_SERVER_URL", "http://127.0.0.1:8000").rstrip("/")
TOKEN = os.environ.get("ENV_SERVER_TOKEN", "")
# How the next observation is handed back: a user turn, then the assistant header (ChatML).
USER_TURN = os.environ.get("ENV_USER_TURN", "<|im_end|>\n<|im_start|>user\n{observation}<|im_end|>\n<|im_start|>assistant\n")
AGENT_NAME = os.environ.get("ENV_AGENT_NAME", "openrlhf")
# How long a request waits in all for a full server (503 + Retry-After) before it gives up.
BUSY_WAIT_S = float(os.environ.get("ENV_SERVER_BUSY_WAIT", "300"))


def _call(method, path, body=None):
    """One JSON request; raises RuntimeError with the server's message on an HTTP error.

    A server at its instance limit answers 503 with Retry-After: the request waits and tries
    again (a rollout batch may hold more samples than the server has instances).
    """
    data = None if body is None else json.dumps(body).encode()
    deadline = time.monotonic() + BUSY_WAIT_S
    while True:
        request = urllib.request.Request(SERVER + path, data=data, method=method)
        if data is not None:
            request.add_header("content-type", "application/json")
        if TOKEN:
            request.add_header("authorization", "Bearer " + TOKEN)
        try:
            with urllib.request.urlopen(request, timeout=180) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            message = error.read().decode(errors="replace")
            wait = float(error.headers.get("retry-after") or 1) if error.code == 503 else None
            if wait is None or time.monotonic() + wait > deadline:
                raise RuntimeError(f"{method} {path}: {error.code} {message}") from None
            time.sleep(wait)


async def _acall(method, path, body=None):
    # urllib blocks; a thread keeps OpenRLHF's event loop free for the other samples.
    return await asyncio.to_thread(_call, method, path, body)


def _number(value):
    """A float, or a tensor of one when torch is there (OpenRLHF stacks rewards as tensors)."""
    try:
        import torch

        return torch.tensor(float(value))
    except ImportError:
        return float(value)


class AgentInstance(AgentInstanceBase):
    """One episode of one env instance on the server."""

    def __init__(self, *args, **kwargs):
        self.instance_id = None
        self.total = 0.0

    async def reset(self, states, **kwargs):
        level = json.loads(states["label"]) if isinstance(states.get("label"), str) else states["label"]
        if self.instance_id is not None:  # an episode cut short (turn or length limit): free its instance
            try:
                await _acall("DELETE", f"/v1/instances/{self.instance_id}")
            except RuntimeError:  # already evicted for idling
                pass
            self.instance_id = None
        body = {
            "env_id": level["env_id"],
            "options": level.get("options") or {},
            "agent": {"name": AGENT_NAME, "model": os.environ.get("ENV_MODEL_NAME")},
        }
        if level.get("seed") is not None:  # without one the server draws a seed (and reports it)
            body["seed"] = level["seed"]
        created = await _acall("POST", "/v1/instances", body)
        self.instance_id = created["instance_id"]
        self.total = 0.0
        prompt = states.get("observation") or states.get("prompt") or ""
        return {"observation": prompt + created["observation"]["text"]}

    async def step(self, states, **kwargs):
        result = await _acall("POST", f"/v1/instances/{self.instance_id}/step", {"action": {"text": states["action_text"]}})
        done = bool(result["terminated"] or result["truncated"])
        info = result["info"]
        self.total += result["reward"]
        if done:
            await _acall("DELETE", f"/v1/instances/{self.instance_id}")
            self.instance_id = None
            feedback = ""
        else:
            feedback = USER_TURN.format(observation=result["observation"]["text"])
        # Scores (0..1, for dynamic filtering): the game score out of 100 at the end, else 0.
        score = info.get("score", 0.0) / 100.0 if done and isinstance(info.get("score"), (int, float)) else 0.0
        return {
            "rewards": _number(result["reward"]),
            "scores": _number(max(0.0, min(1.0, score))),
            "environment_feedback": feedback,
            "done": done,
            "sampling_params": states.get("sampling_params"),
            "extra_logs": {
                "action_is_valid": _number(1.0 if info.get("action_is_valid") else 0.0),
                "episode_return": _number(self.total),
            },
        }


class AgentExecutor(AgentExecutorBase):
    """OpenRLHF's executor over `AgentInstance`; its other arguments differ between versions."""

    def __init__(self, *args, **kwargs):
        super().__init__(AgentInstance, *args, **kwargs)
