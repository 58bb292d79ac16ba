"""Stand-ins for OpenRLHF's three agent interfaces, as read from its source (v0.11.0, v0.9.0, v0.8.5).

They keep what the agent file depends on and nothing else:

* ``v011``: ``openrlhf.utils.agent`` with an abstract ``AgentExecutorBase`` and the concrete
  ``MultiTurnAgentExecutor(agent_instance_cls)``: a new instance per sample, the token budget
  (``max_tokens = max_length - len(tokens)``, stop silently at <= 0), the action's end token in
  the token ids but not in ``action_text``, feedback tokenized and appended, environment_images
  collected, one ``sampling_params`` object shared by the n samples of a prompt.
* ``v090``: a concrete ``AgentExecutorBase(agent_instance_cls, max_steps, max_length, llm_engine,
  hf_tokenizer, result_queue)`` that runs each instance as an "actor": its own thread and event
  loop (so nothing of the caller's context reaches it), killed without warning at the end.
* ``v085``: no ``openrlhf.utils.agent`` at all; the executor calls the module-level
  ``step(observation, action, label, sampling_params=...)`` and re-tokenizes the returned text.

The engine is a scripted policy (a function of the conversation text) behind a character-level
tokenizer whose chat markup tokens are single ids.
"""

import abc
import asyncio
import copy
import importlib.util
import re
import sys
import threading
import types

SPECIAL = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|vision_start|>", "<|image_pad|>", "<|vision_end|>"]
_SPECIAL_RE = re.compile("(" + "|".join(re.escape(s) for s in SPECIAL) + ")")


class _Ids(list):
    def tolist(self):
        return list(self)


class Tokenizer:
    """One id per character, one per chat markup token (ids 0..len(SPECIAL)-1)."""

    END_ID = SPECIAL.index("<|im_end|>")

    def encode(self, text):
        ids = []
        for part in _SPECIAL_RE.split(text):
            if part in SPECIAL:
                ids.append(SPECIAL.index(part))
            else:
                ids.extend(len(SPECIAL) + ord(c) for c in part)
        return ids

    def decode(self, ids, skip_special_tokens=False):
        return "".join(("" if skip_special_tokens else SPECIAL[i]) if i < len(SPECIAL) else chr(i - len(SPECIAL)) for i in ids)

    def __call__(self, text=None, add_special_tokens=False, return_tensors=None, **kwargs):
        assert add_special_tokens is False
        return {"input_ids": [_Ids(self.encode(text))]}


class SamplingParams:
    def __init__(self, max_tokens=None):
        self.max_tokens = max_tokens
        self.logprobs = None


class _Output:
    def __init__(self, token_ids, text):
        self.token_ids = token_ids
        self.text = text
        self.logprobs = None


class Engine:
    """`policy(conversation_text) -> response text`; the end token goes into the ids only."""

    def __init__(self, tokenizer, policy):
        self.tokenizer = tokenizer
        self.policy = policy
        self.calls = 0

    async def respond(self, prompt_ids, max_tokens):
        self.calls += 1
        await asyncio.sleep(0)  # let the other samples run, as a real engine does
        text = await self.policy(self.tokenizer.decode(prompt_ids))
        ids = self.tokenizer.encode(text) + [Tokenizer.END_ID]
        if len(ids) > max_tokens:  # cut by the budget: no end token, text cut to match
            ids = ids[:max_tokens]
            text = self.tokenizer.decode(ids)
        return _Output(ids, text)

    # 0.11 calls generate(tokens, params, multi_modal_data=...) and reads .outputs[0]
    async def generate(self, prompt_ids, sampling_params, multi_modal_data=None):
        out = await self.respond(prompt_ids, sampling_params.max_tokens)
        return types.SimpleNamespace(outputs=[out])


# ------------------------------------------------------------------------------------------
# 0.11


def _module_v011():
    m = types.ModuleType("openrlhf.utils.agent")

    class AgentExecutorBase(abc.ABC):
        @abc.abstractmethod
        async def execute(self, prompt, label, sampling_params, max_length, hf_tokenizer, llm_engine, images=None):
            raise NotImplementedError

    class AgentInstanceBase(abc.ABC):
        @abc.abstractmethod
        def __init__(self, *args, **kwargs):
            pass

        async def reset(self, states, **kwargs):
            return states

        @abc.abstractmethod
        async def step(self, states, **kwargs):
            raise NotImplementedError

    class MultiTurnAgentExecutor(AgentExecutorBase):
        def __init__(self, agent_instance_cls):
            assert issubclass(agent_instance_cls, AgentInstanceBase)
            self.agent_instance_cls = agent_instance_cls

        async def execute(self, prompt, label, sampling_params, max_length, hf_tokenizer, llm_engine, images=None):
            instance = self.agent_instance_cls()
            observation = (await instance.reset({"observation": prompt, "label": label}))["observation"]
            tokens = hf_tokenizer(text=observation, add_special_tokens=False)["input_ids"][0].tolist()
            reward, score, turns, all_images, done, logs = 0.0, 0.0, 0, [], False, {}
            while True:
                sampling_params.max_tokens = max_length - len(tokens)
                if sampling_params.max_tokens <= 0:
                    break  # no word to the instance: the budget is spent
                out = (await llm_engine.generate(tokens, copy.deepcopy(sampling_params))).outputs[0]
                result = await instance.step(
                    {"observation_text": observation, "action_text": out.text, "label": label, "sampling_params": sampling_params}
                )
                turns += 1
                reward += result["rewards"].item()
                score = result.get("scores", reward)
                feedback = result["environment_feedback"]
                all_images.extend(result.get("environment_images") or [])
                logs = result.get("extra_logs", {})
                observation = observation + out.text + feedback
                tokens = tokens + list(out.token_ids) + hf_tokenizer(text=feedback, add_special_tokens=False)["input_ids"][0].tolist()
                if result.get("sampling_params"):
                    sampling_params = result["sampling_params"]
                done = result["done"]
                if done:
                    break
            return {"reward": reward, "scores": score, "observation_tokens": tokens, "turns": turns, "done": done, "images": all_images, "extra_logs": logs}

    m.AgentExecutorBase = AgentExecutorBase
    m.AgentInstanceBase = AgentInstanceBase
    m.MultiTurnAgentExecutor = MultiTurnAgentExecutor
    return m


# ------------------------------------------------------------------------------------------
# 0.9.0


class _Actor:
    """An instance in its own thread and event loop, called through `.method.remote(...)`."""

    def __init__(self, cls, args, kwargs):
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait()
        self._obj = asyncio.run_coroutine_threadsafe(self._make(cls, args, kwargs), self._loop).result()

    def _run(self, ready):
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(ready.set)
        self._loop.run_forever()
        self._loop.close()

    @staticmethod
    async def _make(cls, args, kwargs):
        return cls(*args, **kwargs)

    def __getattr__(self, name):
        actor = self

        class _Method:
            @staticmethod
            def remote(*args, **kwargs):
                # Arguments and results cross a process boundary in Ray: copies, never shared objects.
                args, kwargs = copy.deepcopy((args, kwargs))
                future = asyncio.run_coroutine_threadsafe(getattr(actor._obj, name)(*args, **kwargs), actor._loop)
                return asyncio.wrap_future(future)

        return _Method

    def kill(self):
        self._loop.call_soon_threadsafe(self._loop.stop)


class _RemoteClass:
    def __init__(self, cls):
        self._cls = cls

    def remote(self, *args, **kwargs):
        return _Actor(self._cls, args, kwargs)


def _module_v090():
    m = types.ModuleType("openrlhf.utils.agent")

    class AgentInstanceBase(abc.ABC):
        @abc.abstractmethod
        def __init__(self, *args, **kwargs):
            pass

        async def reset(self, states, **kwargs):
            return states

        @abc.abstractmethod
        async def step(self, states, **kwargs):
            raise NotImplementedError

    class AgentExecutorBase(abc.ABC):
        def __init__(self, agent_instance_cls, max_steps, max_length, llm_engine, hf_tokenizer, result_queue):
            assert issubclass(agent_instance_cls, AgentInstanceBase)
            self.agent_instance_cls = _RemoteClass(agent_instance_cls)
            self.max_steps, self.max_length = max_steps, max_length
            self.llm_engine, self.hf_tokenizer, self.result_queue = llm_engine, hf_tokenizer, result_queue

        async def execute(self, prompt, label, sampling_params):
            actor = self.agent_instance_cls.remote()
            observation = (await actor.reset.remote({"observation": prompt, "label": label}))["observation"]
            tokens = self.hf_tokenizer(observation, add_special_tokens=False)["input_ids"][0].tolist()
            reward, score, turns, done = 0.0, 0.0, 0, False
            for _ in range(self.max_steps):
                sampling_params.max_tokens = self.max_length - len(tokens)
                if sampling_params.max_tokens <= 0:
                    break
                out = await self.llm_engine.respond(tokens, sampling_params.max_tokens)
                result = await actor.step.remote(
                    {"observation_text": observation, "action_text": out.text, "label": label, "sampling_params": sampling_params}
                )
                turns += 1
                reward += result["rewards"].item()
                score = result.get("scores", reward)
                for value in result.get("extra_logs", {}).values():
                    value.item()  # 0.9 calls .item() on every extra_logs value
                feedback = result["environment_feedback"]
                observation = observation + out.text + feedback
                tokens = tokens + list(out.token_ids) + self.hf_tokenizer(feedback, add_special_tokens=False)["input_ids"][0].tolist()
                done = result["done"]
                if done:
                    break
            actor.kill()  # as ray.kill: the instance gets no say
            await self.result_queue.put({"reward": reward, "scores": score, "observation_tokens": tokens, "turns": turns, "done": done})

    m.AgentExecutorBase = AgentExecutorBase
    m.AgentInstanceBase = AgentInstanceBase
    return m


# ------------------------------------------------------------------------------------------
# Loading the agent file under one of them, and running samples


def load_agent(path, version):
    """The agent file as OpenRLHF `version` ("v011", "v090", "v085") would load it."""
    for name in [n for n in sys.modules if n == "openrlhf" or n.startswith("openrlhf.")]:
        del sys.modules[name]
    if version in ("v011", "v090"):
        pkg = types.ModuleType("openrlhf")
        pkg.__path__ = []
        utils = types.ModuleType("openrlhf.utils")
        utils.__path__ = []
        agent = _module_v011() if version == "v011" else _module_v090()
        utils.agent = agent
        pkg.utils = utils
        sys.modules.update({"openrlhf": pkg, "openrlhf.utils": utils, "openrlhf.utils.agent": agent})
    spec = importlib.util.spec_from_file_location(f"agent_module_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in [n for n in sys.modules if n == "openrlhf" or n.startswith("openrlhf.")]:
        del sys.modules[name]
    return module


async def run_samples(module, version, prompt, label, n, max_length, policy, images=None, max_steps=10000):
    """n samples of one prompt, concurrently, as each version's executor runs them."""
    tokenizer = Tokenizer()
    engine = Engine(tokenizer, policy)
    if version == "v011":
        executor = module.AgentExecutor()  # the loader passes no arguments
        shared = SamplingParams()  # one object for all n samples
        tasks = [executor.execute(prompt, label, shared, max_length, tokenizer, engine, images) for _ in range(n)]
        return await asyncio.gather(*tasks, return_exceptions=True)
    if version == "v090":
        queue = asyncio.Queue()
        executor = module.AgentExecutor(max_steps=max_steps, max_length=max_length, llm_engine=engine, hf_tokenizer=tokenizer, result_queue=queue)
        results = await asyncio.gather(*[executor.execute(prompt, label, SamplingParams()) for _ in range(n)], return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        return [queue.get_nowait() for _ in range(queue.qsize())] + errors
    if version == "v085":

        async def one():
            observation, reward, score, turns, done = prompt, 0.0, 0.0, 0, False
            params = SamplingParams()
            for _ in range(max_steps):
                params.max_tokens = max_length - len(tokenizer.encode(observation))
                if params.max_tokens <= 0:
                    break
                out = await engine.respond(tokenizer.encode(observation), params.max_tokens)
                result = await module.step(observation, out.text, label, sampling_params=params)
                turns += 1
                reward += result["rewards"].item()
                score = result.get("scores", reward)
                assert result["next_observation"].startswith(observation + out.text), "the action must stay where the model wrote it"
                observation = result["next_observation"]
                done = result["done"]
                if done:
                    break
            return {"reward": reward, "scores": score, "observation_tokens": tokenizer.encode(observation), "turns": turns, "done": done}

        return await asyncio.gather(*[one() for _ in range(n)], return_exceptions=True)
    raise ValueError(version)
