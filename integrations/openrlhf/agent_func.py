"""lmm-arena's games as OpenRLHF multi-turn episodes: one agent file for OpenRLHF 0.8 to 0.11.

Pass this file to OpenRLHF (``--train.agent_func_path`` since 0.10.2, ``--agent_func_path``
before) and point it at one or more running suite servers::

    ENV_SERVER_URL=http://10.0.0.5:8000,http://10.0.0.6:8000   ENV_SERVER_TOKEN=...   (token if set)

What the file offers depends on what the installed OpenRLHF looks for:

* 0.9.1 and later (``MultiTurnAgentExecutor``, built by the loader with no arguments): the class
  ``AgentExecutor`` subclasses it and closes every sample's server instance when the sample ends,
  for whatever reason (done, the token budget, an error).
* 0.8.7 to 0.9.0 (a concrete ``AgentExecutorBase(agent_instance_cls, max_steps, ...)`` that runs
  each instance as its own Ray actor): ``AgentExecutor`` subclasses that and does the same.
* 0.8.6 and earlier: the module-level ``async def step(observation, action, label, **kwargs)``.
  Nothing there says when a sample ends, so instances are made with a short server-side lease
  (``ENV_LEASE_S``) and the server closes the abandoned ones.

Each label names a level: ``{"env_id": "Football-3v1-keeper-v0", "seed": 7, "options": {}}`` (the
object or its JSON text; ``npm run env -- dataset --format openrlhf`` writes such rows). A label
without a seed gets one derived from the prompt and the label, so the n samples of a prompt play
the same level and group baselines (GRPO, RLOO, REINFORCE++-baseline) compare like with like.

Only the standard library is used (no Pillow needed: frames travel as base64 PNG, which OpenRLHF's
image loader reads). Settings, all optional except the URL:

    ENV_SERVER_URL        comma-separated base URLs; each episode sticks to one (by its id)
    ENV_SERVER_TOKEN      bearer token (or put it in the URL: http://rm:TOKEN@host:8000)
    ENV_CHAT_TEMPLATE     chatml | llama3 | plain (default: read from the prompt's markup)
    ENV_IMAGES            1: frames as environment_images each turn; 0: never; default: only
                          for samples that came with images (OpenRLHF 0.10+)
    ENV_IMAGE_PLACEHOLDER text that stands for one image in a turn (default Qwen-VL's)
    ENV_LEASE_S           seconds an unused instance lives on the server (default 120)
    ENV_SERVER_RETRY_S    how long one call keeps retrying a busy or unreachable server (300)
    ENV_SERVER_BACKOFF_MAX  longest single wait between tries, in seconds (5)
    ENV_SERVER_TIMEOUT    seconds one HTTP exchange may take (60)
    ENV_SERVER_THREADS    threads doing blocking HTTP for this process (32)
    ENV_AGENT_NAME, ENV_MODEL_NAME   recorded in the replays the server saves
"""

import asyncio
import base64
import concurrent.futures
import contextvars
import hashlib
import http.client
import json
import os
import random
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

try:  # inside OpenRLHF 0.8.7 and later
    from openrlhf.utils import agent as _openrlhf_agent
except ImportError:  # OpenRLHF 0.8.6 and earlier (module-level step), or no OpenRLHF at all
    _openrlhf_agent = None

if _openrlhf_agent is not None:
    AgentInstanceBase = _openrlhf_agent.AgentInstanceBase
    AgentExecutorBase = _openrlhf_agent.AgentExecutorBase
    _MultiTurnAgentExecutor = getattr(_openrlhf_agent, "MultiTurnAgentExecutor", None)
else:

    class AgentInstanceBase:  # type: ignore[no-redef]
        def __init__(self, *args, **kwargs):
            pass

    class AgentExecutorBase:  # type: ignore[no-redef]
        pass

    _MultiTurnAgentExecutor = None


# --------------------------------------------------------------------------------------------
# Settings


def _env(name, default):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _servers():
    urls = [u.strip().rstrip("/") for u in _env("ENV_SERVER_URL", "http://127.0.0.1:8000").split(",") if u.strip()]
    if not urls:
        raise ValueError("ENV_SERVER_URL names no server; set it to the suite server's base URL(s)")
    return urls


# --------------------------------------------------------------------------------------------
# HTTP: blocking exchanges in a thread pool of our own, every wait between tries on the event loop


class ServerError(RuntimeError):
    """The server answered with an error that retrying does not fix (or the retries ran out)."""

    def __init__(self, status, method, url, message):
        super().__init__(f"{method} {url}: {status} {message}")
        self.status = status


class _Retry(Exception):
    """One exchange failed in a way that may pass: server busy, restarting or unreachable."""

    def __init__(self, reason, wait=None, sent=True):
        super().__init__(reason)
        self.wait = wait
        # False when the request cannot have reached the server (connection refused).
        self.sent = sent


_POOL = None


def _pool():
    # Not asyncio's default executor: OpenRLHF uses that too, and a slow server must not starve it.
    global _POOL
    if _POOL is None:
        _POOL = concurrent.futures.ThreadPoolExecutor(int(_env("ENV_SERVER_THREADS", "32")), thread_name_prefix="lmm-arena-http")
    return _POOL


def _split_credentials(base):
    """(base URL without userinfo, token): a token may ride in the URL as user:TOKEN@host."""
    parts = urllib.parse.urlsplit(base)
    token = _env("ENV_SERVER_TOKEN", "")
    if parts.password:
        token = token or urllib.parse.unquote(parts.password)
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        base = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return base, token


def _exchange(base, method, path, body):
    """One HTTP exchange, no retries and no sleeping (it runs in a pool thread)."""
    base, token = _split_credentials(base)
    url = base + path
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=float(_env("ENV_SERVER_TIMEOUT", "60"))) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            message = json.loads(text).get("message", text)
        except (ValueError, AttributeError):
            message = text
        if error.code in (502, 503, 504):  # busy (instance limit) or a proxy in front of a restart
            after = error.headers.get("retry-after")
            raise _Retry(f"{error.code} {message}", float(after) if after and after.replace(".", "", 1).isdigit() else None) from None
        raise ServerError(error.code, method, url, message) from None
    except urllib.error.URLError as error:
        refused = isinstance(error.reason, ConnectionRefusedError)
        raise _Retry(f"cannot reach {url}: {error.reason}", sent=not refused) from None
    except (http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError) as error:
        raise _Retry(f"{url}: {type(error).__name__} {error}") from None


async def _call(base, method, path, body=None, on_lost=None):
    """A JSON call with exponential backoff on 503 and connection errors, for ENV_SERVER_RETRY_S.

    `on_lost` is for calls that must not run twice (a step): when a try may have reached the
    server but its answer was lost, the next try calls `on_lost()` instead of repeating blindly.
    """
    deadline = time.monotonic() + float(_env("ENV_SERVER_RETRY_S", "300"))
    cap = float(_env("ENV_SERVER_BACKOFF_MAX", "5"))
    loop = asyncio.get_running_loop()
    attempt = 0
    ambiguous = False
    while True:
        try:
            if ambiguous and on_lost is not None:
                return await on_lost()
            return await loop.run_in_executor(_pool(), _exchange, base, method, path, body)
        except _Retry as retry:
            ambiguous = ambiguous or retry.sent
            wait = min(cap, retry.wait if retry.wait is not None else 0.05 * 2**attempt) * random.uniform(0.5, 1.0)
            if time.monotonic() + wait > deadline:
                raise ServerError("gave up", method, base + path, f"after {attempt + 1} tries over ENV_SERVER_RETRY_S: {retry}") from None
            attempt += 1
            await asyncio.sleep(wait)  # on the event loop: no pool thread is held while waiting


# --------------------------------------------------------------------------------------------
# Chat markup


class _Template:
    def __init__(self, name, user, assistant, end, after_end):
        self.name = name
        self.user = user  # a user turn, {content} inside
        self.assistant = assistant  # what opens an assistant turn
        self.end = end  # the token that ends a turn
        self.after_end = after_end  # what the template writes after a turn's end token


_TEMPLATES = {
    "chatml": _Template("chatml", "<|im_start|>user\n{content}<|im_end|>\n", "<|im_start|>assistant\n", "<|im_end|>", "\n"),
    "llama3": _Template(
        "llama3", "<|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>", "<|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>", ""
    ),
    "plain": _Template("plain", "\n\n{content}\n\n", "", "", ""),
}


def _template(prompt):
    name = _env("ENV_CHAT_TEMPLATE", "")
    if name:
        if name not in _TEMPLATES:
            raise ValueError(f"ENV_CHAT_TEMPLATE={name!r}: choose one of {', '.join(_TEMPLATES)}")
        return _TEMPLATES[name]
    if "<|im_start|>" in prompt:
        return _TEMPLATES["chatml"]
    if "<|start_header_id|>" in prompt:
        return _TEMPLATES["llama3"]
    return _TEMPLATES["plain"]


def _with_first_observation(prompt, observation, template):
    """The prompt with the level's first observation as a user turn before the assistant header.

    A prompt that already shows the observation (an exported dataset row) is left as it is.
    """
    if observation in prompt:
        return prompt
    turn = template.user.format(content=observation)
    if template.assistant and prompt.endswith(template.assistant):
        return prompt[: -len(template.assistant)] + turn + template.assistant
    return prompt + turn + template.assistant


# --------------------------------------------------------------------------------------------
# Levels and episodes


def _level(label, prompt):
    """The level a label names, with a seed that all samples of one prompt share."""
    if isinstance(label, (bytes, bytearray)):
        label = label.decode()
    if label is None or (isinstance(label, str) and label.strip() == ""):
        raise ValueError(
            "the label is empty: each prompt's label must name a level, {\"env_id\": ..., \"seed\": ..., \"options\": {...}}; "
            "write the dataset with `npm run env -- dataset --format openrlhf` and pass its label column (--data.label_key label)"
        )
    if isinstance(label, str):
        try:
            level = json.loads(label)
        except ValueError:
            raise ValueError(f"the label is not JSON: {label[:80]!r}; it must name a level {{\"env_id\", \"seed\", \"options\"}}") from None
    else:
        level = label
    if not isinstance(level, dict) or not isinstance(level.get("env_id"), str):
        raise ValueError(f"the label must be an object with an env_id (and seed, options), not {json.dumps(level)[:80]}")
    level = dict(level)
    level["options"] = level.get("options") or {}
    if level.get("seed") is None:
        # A server-drawn seed would give each of the n samples its own level and break every group
        # baseline; a seed from the prompt and the label is the same for all of them.
        digest = hashlib.sha256((prompt + "\0" + json.dumps(level, sort_keys=True)).encode()).digest()
        level["seed"] = int.from_bytes(digest[:4], "little") & 0x7FFFFFFF
    return level


def _new_episode_id():
    return "orl-" + uuid.uuid4().hex


def _server_for(episode_id):
    servers = _servers()
    return servers[int(hashlib.sha256(episode_id.encode()).hexdigest(), 16) % len(servers)]


class _Episode:
    """One episode on one server instance; the actions so far let it be rebuilt after a restart."""

    def __init__(self, episode_id, level, images):
        self.id = episode_id
        self.level = level
        self.images = images
        self.server = _server_for(episode_id)
        self.actions = []
        self.total = 0.0
        self.closed = False

    def _query(self):
        return "?image=png" if self.images else ""

    async def _create(self):
        body = {
            "env_id": self.level["env_id"],
            "options": self.level["options"],
            "seed": self.level["seed"],
            "instance_id": self.id,
            "lease_s": int(float(_env("ENV_LEASE_S", "120"))),
            "agent": {"name": _env("ENV_AGENT_NAME", "openrlhf"), "model": os.environ.get("ENV_MODEL_NAME")},
        }
        try:
            return await _call(self.server, "POST", "/v1/instances" + self._query(), body)
        except ServerError as error:
            if error.status != 409:
                raise
            # Our own id is live: an earlier try was made but its answer lost. Start it afresh.
            await self._delete()
            return await _call(self.server, "POST", "/v1/instances" + self._query(), body)

    async def start(self):
        return await self._create()

    async def _rebuild_and_step(self, text):
        """The instance is gone (server restart, expired lease) or a step's answer was lost:
        make it again and replay the episode's actions; the env is deterministic."""
        await self._delete()
        await self._create()
        for previous in self.actions:
            await _call(self.server, "POST", f"/v1/instances/{self.id}/step", {"action": {"text": previous}})
        return await _call(self.server, "POST", f"/v1/instances/{self.id}/step{self._query()}", {"action": {"text": text}})

    async def step(self, text):
        path = f"/v1/instances/{self.id}/step{self._query()}"
        try:
            result = await _call(self.server, "POST", path, {"action": {"text": text}}, on_lost=lambda: self._rebuild_and_step(text))
        except ServerError as error:
            if error.status != 404:
                raise
            result = await self._rebuild_and_step(text)
        self.actions.append(text)
        self.total += float(result["reward"])
        if result["terminated"] or result["truncated"]:
            await self.close()
        return result

    async def _delete(self):
        try:
            await _call(self.server, "DELETE", f"/v1/instances/{self.id}")
        except ServerError as error:
            if error.status != 404:  # 404: closed already (episode end, lease, restart)
                raise

    async def close(self):
        if not self.closed:
            self.closed = True
            await self._delete()


async def _close_all(episode_ids):
    """Closes instances by id, whoever made them; one failure does not keep the others open."""
    errors = []
    for episode_id in episode_ids:
        try:
            await _Episode(episode_id, None, False)._delete()
        except (ServerError, OSError) as error:
            errors.append(error)
    if errors:
        print(f"lmm-arena agent_func: {len(errors)} instance(s) not closed (the lease closes them): {errors[0]}", file=sys.stderr)


class _Store:
    """Episodes keyed by the conversation text they have reached.

    The text identifies a sample whatever OpenRLHF does with instances: one per sample (0.9.2+),
    one Ray actor per sample (0.8.7-0.9.0), one shared by all samples (0.9.1), or none at all
    (module-level step). Samples with the same text so far are interchangeable: same level, same
    actions, and so the same state.
    """

    def __init__(self):
        self._by_key = {}

    @staticmethod
    def _key(text):
        return hashlib.sha256(text.encode()).hexdigest()

    def put(self, text, episode):
        self._by_key.setdefault(self._key(text), []).append(episode)

    def take(self, text):
        key = self._key(text)
        episodes = [e for e in self._by_key.pop(key, []) if not e.closed]
        if not episodes:
            return None
        if len(episodes) > 1:
            self._by_key[key] = episodes[1:]
        return episodes[0]

    def only(self):
        """The single open episode, when there is exactly one (a per-sample instance)."""
        live = [e for es in self._by_key.values() for e in es if not e.closed]
        return live[0] if len(live) == 1 else None

    def prune(self):
        for key in [k for k, es in self._by_key.items() if all(e.closed for e in es)]:
            del self._by_key[key]


# --------------------------------------------------------------------------------------------
# What OpenRLHF reads back


class _Scalar(float):
    """A float with `.item()`, which OpenRLHF calls on rewards (and on 0.9's extra_logs)."""

    def item(self):
        return float(self)


def _number(value):
    try:
        import torch

        return torch.tensor(float(value))
    except ImportError:
        return _Scalar(value)


def _frame(result):
    image = result.get("observation", {}).get("image")
    return None if image is None else f"data:{image['mime']};base64,{image['base64']}"


def _step_result(episode, result, feedback, images):
    done = bool(result["terminated"] or result["truncated"])
    info = result.get("info") or {}
    score = info.get("score")
    # Scores (0..1, for dynamic filtering): the game's score out of 100 when the episode ends.
    score = max(0.0, min(1.0, score / 100.0)) if done and isinstance(score, (int, float)) else 0.0
    out = {
        "rewards": _number(result["reward"]),
        "scores": _number(score),
        "environment_feedback": feedback,
        "done": done,
        "extra_logs": {
            "action_is_valid": _number(1.0 if info.get("action_is_valid") else 0.0),
            "episode_return": _number(episode.total),
            "turns": _number(len(episode.actions)),
        },
    }
    if images:
        out["environment_images"] = images
    return out


# Which sample the running task plays: set by AgentExecutor.execute, read where episodes start.
_SAMPLE = contextvars.ContextVar("lmm_arena_sample", default=None)


class _Sample:
    def __init__(self, images):
        self.images = images
        self.episode_ids = []


def _images_wanted(sample):
    forced = _env("ENV_IMAGES", "auto")
    if forced in ("0", "1"):
        return forced == "1"
    return bool(sample is not None and sample.images)


class AgentInstance(AgentInstanceBase):
    """Plays one sample's episode (or, where OpenRLHF shares one instance, every sample's)."""

    def __init__(self, *args, episode_id=None, **kwargs):
        self._preset_id = episode_id  # given by the executor when the instance is a Ray actor
        self._store = _Store()

    async def reset(self, states, **kwargs):
        prompt = states.get("observation") or ""
        level = _level(states.get("label"), prompt)
        sample = _SAMPLE.get()
        episode_id, self._preset_id = self._preset_id or _new_episode_id(), None
        if sample is not None:
            sample.episode_ids.append(episode_id)
        episode = _Episode(episode_id, level, _images_wanted(sample))
        created = await episode.start()
        observation = _with_first_observation(prompt, created["observation"]["text"], _template(prompt))
        self._store.prune()
        self._store.put(observation, episode)
        return {"observation": observation}

    async def step(self, states, **kwargs):
        text = states.get("observation_text") or ""
        episode = self._store.take(text) or self._store.only()
        if episode is None:
            raise RuntimeError("step for a conversation this agent instance never reset or already ended")
        template = _template(text)
        action = states.get("action_text") or ""
        result = await episode.step(action)
        if episode.closed:
            return _step_result(episode, result, "", None)
        frame = _frame(result) if episode.images else None
        content = (_env("ENV_IMAGE_PLACEHOLDER", "<|vision_start|><|image_pad|><|vision_end|>") if frame else "") + result["observation"]["text"]
        # The engine keeps the model's end token in the token ids but not in action_text, so the
        # feedback starts after it: repeating it would double it in what the model is trained on.
        # (An action_text that does show it, with skip_special_tokens off, has it once in the tokens too.)
        feedback = template.after_end + template.user.format(content=content) + template.assistant
        self._store.put(text + action + feedback, episode)
        return _step_result(episode, result, feedback, [frame] if frame else None)


class _Spawner:
    """Stands in for `ray.remote(AgentInstance)` in 0.8.7-0.9.0: each actor gets an episode id
    that this process records, so the executor can close the instance after the actor is killed."""

    def __init__(self, remote_cls):
        self._remote_cls = remote_cls

    def remote(self, *args, **kwargs):
        episode_id = _new_episode_id()
        sample = _SAMPLE.get()
        if sample is not None:
            sample.episode_ids.append(episode_id)
        return self._remote_cls.remote(*args, episode_id=episode_id, **kwargs)

    def __getattr__(self, name):
        return getattr(self._remote_cls, name)


async def _run_sample(images, run):
    sample = _Sample(images)
    token = _SAMPLE.set(sample)
    try:
        return await run()
    finally:
        _SAMPLE.reset(token)
        # Done, cut by the token budget (OpenRLHF just stops calling), or failed: close it now.
        await _close_all(sample.episode_ids)


if _MultiTurnAgentExecutor is not None:  # OpenRLHF 0.9.1 and later

    class AgentExecutor(_MultiTurnAgentExecutor):
        def __init__(self):
            super().__init__(AgentInstance)

        async def execute(self, *args, **kwargs):
            images = kwargs.get("images", args[6] if len(args) > 6 else None)
            return await _run_sample(bool(images), lambda: super(AgentExecutor, self).execute(*args, **kwargs))

elif _openrlhf_agent is not None:  # OpenRLHF 0.8.7 to 0.9.0: a concrete base taking the instance class

    class AgentExecutor(AgentExecutorBase):
        def __init__(self, *args, **kwargs):
            super().__init__(AgentInstance, *args, **kwargs)
            self.agent_instance_cls = _Spawner(self.agent_instance_cls)

        async def execute(self, *args, **kwargs):
            return await _run_sample(False, lambda: super(AgentExecutor, self).execute(*args, **kwargs))

else:  # no OpenRLHF executor classes (0.8.6 and earlier use `step` below)

    class AgentExecutor(AgentExecutorBase):  # type: ignore[no-redef]
        def __init__(self, *args, **kwargs):
            self.agent_instance_cls = AgentInstance


# --------------------------------------------------------------------------------------------
# OpenRLHF 0.8.6 and earlier: one module-level function per turn, the whole text in and out

_STEP_STORE = _Store()


async def step(observation, action, label, **kwargs):
    """One turn: plays `action` and returns the whole next conversation as `next_observation`.

    The first call of a sample gets the dataset prompt, which must already show the level's
    first observation (the model answered it before this function ever ran).
    """
    template = _template(observation)
    episode = _STEP_STORE.take(observation)
    if episode is None:
        # Each sample in 0.8.x is its own Ray actor with its own copy of this module, so nothing
        # here learns that an episode was cut by the token budget: the lease closes those.
        episode = _Episode(_new_episode_id(), _level(label, observation), _env("ENV_IMAGES", "0") == "1")
        created = await episode.start()
        if created["observation"]["text"] not in observation:
            print("lmm-arena agent_func: the prompt does not show the level's first observation; export the dataset with "
                  "`npm run env -- dataset --format openrlhf` so the model sees the board before its first answer", file=sys.stderr)
    result = await episode.step(action)
    # Here the conversation is re-tokenized from text, so the end token must be written out.
    ended = action if not template.end or action.endswith(template.end) else action + template.end
    done = episode.closed
    if done:
        next_observation = ended
    else:
        next_observation = ended + template.after_end + template.user.format(content=result["observation"]["text"]) + template.assistant
    next_observation = observation + next_observation
    if not done:
        _STEP_STORE.prune()
        _STEP_STORE.put(next_observation, episode)
    out = _step_result(episode, result, "", None)
    del out["environment_feedback"]
    out["next_observation"] = next_observation
    return out
