#!/usr/bin/env python3
"""Play a Sokoban episode with frames over the server's OpenEnv WebSocket session.

    python3 integrations/openenv/play_sokoban.py --url http://127.0.0.1:8000/openenv/Sokoban-small-v0 \
        --seed 7 --plan "Down, Down, Up" --frames frames/

The messages are the official OpenEnv client's (`EnvClient` in `openenv.core.env_client`), byte for
byte: each is `json.dumps` of `{"type": "reset", "data": {...}}`, `{"type": "step", "data":
{"text": ...}}`, `{"type": "state"}` or `{"type": "close"}`, sent as one text frame; each answer is
one text frame, `{"type": "observation" | "state" | "error", "data": ...}`. With `openenv` installed
the same session is `GenericEnvClient(base_url=URL)` with `reset(seed=7)` and `step({"text": ...})`.

Standard library only: a minimal WebSocket client (RFC 6455) is included below.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import socket
import struct
import sys
import urllib.parse

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class OpenEnvError(RuntimeError):
    """An `{"type": "error"}` answer; `code` is OpenEnv's WSErrorCode (VALIDATION_ERROR, ...)."""

    def __init__(self, data):
        self.code = data.get("code", "UNKNOWN")
        self.data = data
        # The official client raises RuntimeError with this text.
        super().__init__(f"Server error: {data.get('message', 'Unknown error')} (code: {self.code})")


class WebSocket:
    """Just enough of RFC 6455 for a JSON session: text frames out (masked), text frames in."""

    def __init__(self, url, timeout=60.0, token=None):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("ws", "http"):
            raise ValueError(f"only ws:// and http:// URLs, not {url}")
        port = parts.port or 80
        self.sock = socket.create_connection((parts.hostname, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "")
            + "\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("connection closed during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if " 101 " not in lines[0] + " ":
            raise ConnectionError(f"handshake refused: {lines[0]}")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != accept:
            raise ConnectionError("bad Sec-WebSocket-Accept")
        self.closed = None

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, mask)
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def recv_text(self):
        """The next text message; None once the server closed the connection."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = _mask_fast(payload, mask)
            if opcode == 0x8:  # close: answer it and report the end
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.closed = (code, payload[2:].decode("utf-8", "replace"))
                try:
                    self._send_frame(0x8, payload[:2])
                except OSError:
                    pass
                return None
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            parts.append(payload)
            if b0 & 0x80:
                return b"".join(parts).decode("utf-8")

    def close(self):
        if self.closed is None:
            try:
                self._send_frame(0x8, struct.pack("!H", 1000))
            except OSError:
                pass
        self.sock.close()


def _mask_fast(payload, mask):
    n = len(payload)
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big") if n else b""


class OpenEnvSession:
    """The official client's session: one env per socket, `reset` / `step` / `state` / `close`."""

    def __init__(self, base_url, timeout=60.0, token=None):
        # As `convert_to_ws_url` then `f"{ws_url}/ws"`: http -> ws, the base URL plus /ws.
        ws_url = base_url.rstrip("/")
        if ws_url.startswith("http://"):
            ws_url = "ws://" + ws_url[len("http://"):]
        self.ws = WebSocket(ws_url + "/ws", timeout=timeout, token=token)
        self.sent = []  # every message as sent, for tests

    def _send_and_receive(self, message):
        text = json.dumps(message)
        self.sent.append(text)
        self.ws.send_text(text)
        raw = self.ws.recv_text()
        if raw is None:
            raise ConnectionError(f"server closed the session: {self.ws.closed}")
        response = json.loads(raw)
        if response.get("type") == "error":
            raise OpenEnvError(response.get("data", {}))
        return response

    def reset(self, **kwargs):
        return self._send_and_receive({"type": "reset", "data": kwargs}).get("data", {})

    def step(self, text):
        return self._send_and_receive({"type": "step", "data": {"text": text}}).get("data", {})

    def state(self):
        return self._send_and_receive({"type": "state"}).get("data", {})

    def close(self):
        try:
            text = json.dumps({"type": "close"})
            self.sent.append(text)
            self.ws.send_text(text)
            self.ws.recv_text()  # the server's close frame
        except OSError:
            pass
        self.ws.close()


def save_frame(observation, directory, index):
    frame = observation["frame"]
    assert frame["media_type"] == "image/png"
    path = os.path.join(directory, f"frame-{index:03d}.png")
    with open(path, "wb") as f:
        f.write(base64.b64decode(frame["data"]))
    return path


def play(base_url, seed, answer, frames_dir=None, max_turns=500, token=None):
    """Plays one episode; `answer(observation, turn)` returns the model's raw text for the turn."""
    session = OpenEnvSession(base_url, token=token)
    try:
        result = session.reset(seed=seed)
        frames = []
        if frames_dir:
            os.makedirs(frames_dir, exist_ok=True)
            frames.append(save_frame(result["observation"], frames_dir, 0))
        total = 0.0
        turn = 0
        while not result["done"] and turn < max_turns:
            result = session.step(answer(result["observation"], turn))
            turn += 1
            total += result["reward"] or 0.0
            if frames_dir:
                frames.append(save_frame(result["observation"], frames_dir, turn))
        state = session.state()
        return {"turns": turn, "return": total, "last": result, "state": state, "frames": frames, "sent": session.sent}
    finally:
        session.close()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000/openenv/Sokoban-small-v0", help="the env's OpenEnv base URL")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--plan", help='moves, e.g. "Down, Down, Up"; one a turn (default: random moves)')
    p.add_argument("--frames", help="a directory to write each turn's frame to (PNG)")
    p.add_argument("--token", help="the server's --token, if it has one (sent as Authorization: Bearer)")
    args = p.parse_args(argv)
    moves = [m.strip() for m in args.plan.split(",")] if args.plan else None
    rng = random.Random(args.seed)

    def answer(observation, turn):
        move = moves[turn] if moves and turn < len(moves) else rng.choice(["Up", "Down", "Left", "Right"])
        return f"<think>turn {turn}</think><answer>{move}</answer>"

    out = play(args.url, args.seed, answer, args.frames, token=args.token)
    obs = out["last"]["observation"]
    print(f"{out['turns']} turns, return {out['return']:.3f}, terminated {obs['terminated']}, truncated {obs['truncated']}")
    if args.frames:
        print(f"{len(out['frames'])} frames in {args.frames}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
