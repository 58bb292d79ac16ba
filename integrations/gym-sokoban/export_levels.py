#!/usr/bin/env python3
"""Export levels made by gym-sokoban's generator as a Boxoban level file (our own driver).

gym-sokoban (mpSchrader/gym-sokoban) is not vendored: give the path of its
``gym_sokoban/envs/room_utils.py``, which this script imports from there. It needs only Python's
``random``, ``numpy`` and ``marshal``.

    python3 integrations/gym-sokoban/export_levels.py --room-utils /path/to/room_utils.py \\
        --size 6x6 --boxes 1 --count 200 --seed 0 --out assets/levels/gym-sokoban-6x6-1.txt

``--size RxC`` is the whole board, its wall border included, as our sizes are (SOKOBAN_SIZES'
6x6 is six rows of six cells, border walls among them); gym-sokoban's ``dim`` means the same, so
it is passed through unchanged. The walk's length is the one gym-sokoban's SokobanEnv uses,
``int(1.7 * (rows + cols))``.

gym-sokoban draws from the global ``random`` and ``numpy.random`` streams and ignores its env's
seed, so both are seeded before every try: the tries use seeds ``S, S+1, S+2, ...`` in order, a
level from the first try that succeeds. A try that raises (a room whose best reverse play scores
0, or too little floor) is a retry and moves on to the next seed, as SokobanEnv.reset retries; the
retries are counted and printed. The output is the same for the same arguments.

Output: Boxoban text, each level under a ``; N`` header line (N from 0), ``#`` wall, space floor,
``.`` goal, ``$`` box, ``*`` box on goal, ``@`` player, ``+`` player on goal; what
``npm run leaderboard -- --levels FILE`` and ``npm run env -- play Sokoban-v1 --levels FILE`` read.
"""

import argparse
import importlib.util
import os
import random
import sys

import numpy as np

# gym-sokoban's codes. room_fixed: 0 wall, 1 floor, 2 target. room_state: 0 wall, 1 floor,
# 2 empty target, 3 box on target, 4 box, 5 player. generate_room leaves every box as 4 (it turns
# its 3s into 4s), so whether a box or the player stands on a goal is read from room_fixed.
WALL, TARGET = 0, 2
BOXES = (3, 4)
PLAYER = 5


def load_room_utils(path):
    """gym-sokoban's room_utils module, imported from the file the user gives."""
    if not os.path.isfile(path):
        raise SystemExit(f"--room-utils {path}: no such file")
    spec = importlib.util.spec_from_file_location("gym_sokoban_room_utils", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--room-utils {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, "generate_room"):
        raise SystemExit(f"--room-utils {path}: no generate_room (is it gym_sokoban/envs/room_utils.py?)")
    return module


def to_boxoban(room_fixed, room_state):
    """The level as Boxoban rows; checks that it has one player and as many boxes as goals."""
    rows = []
    players = boxes = goals = 0
    for fixed_row, state_row in zip(room_fixed.astype(int), room_state.astype(int)):
        row = []
        for fixed, state in zip(fixed_row, state_row):
            goal = fixed == TARGET
            goals += goal
            if fixed == WALL:
                row.append("#")
            elif state == PLAYER:
                players += 1
                row.append("+" if goal else "@")
            elif state in BOXES:
                boxes += 1
                row.append("*" if goal else "$")
            else:
                row.append("." if goal else " ")
        rows.append("".join(row))
    if players != 1 or boxes != goals or boxes == 0:
        raise ValueError(f"unexpected room: {players} players, {boxes} boxes, {goals} goals:\n" + "\n".join(rows))
    # gym-sokoban's rooms end every row with border wall, so no row ends in floor (which a reader
    # would trim); check rather than assume.
    if any(r.endswith(" ") for r in rows):
        raise ValueError("a row ends in floor:\n" + "\n".join(rows))
    return rows


def parse_size(text):
    try:
        rows, cols = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--size {text}: expected ROWSxCOLS, e.g. 6x6") from None
    if rows < 4 or cols < 4:
        raise argparse.ArgumentTypeError(f"--size {text}: at least 4x4 (a border and some floor)")
    return rows, cols


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--room-utils", required=True, help="path of gym-sokoban's gym_sokoban/envs/room_utils.py")
    ap.add_argument("--size", type=parse_size, default=(6, 6), help="whole board, border walls included (default 6x6)")
    ap.add_argument("--boxes", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0, help="first seed; tries use S, S+1, ...")
    ap.add_argument("--out", help="output file (default: standard output)")
    args = ap.parse_args(argv)

    room_utils = load_room_utils(args.room_utils)
    rows, cols = args.size
    num_steps = int(1.7 * (rows + cols))
    seed = args.seed
    retries = {"RuntimeWarning": 0, "RuntimeError": 0}
    levels = []
    while len(levels) < args.count:
        random.seed(seed)
        np.random.seed(seed)
        seed += 1
        try:
            room_fixed, room_state, _ = room_utils.generate_room(dim=(rows, cols), num_steps=num_steps, num_boxes=args.boxes)
        except (RuntimeWarning, RuntimeError) as e:
            # RuntimeWarning: every try's best reverse play scored 0; RuntimeError: too little floor.
            retries[type(e).__name__] += 1
            continue
        levels.append(to_boxoban(room_fixed, room_state))

    text = "\n".join(f"; {i}\n" + "\n".join(rows_) + "\n" for i, rows_ in enumerate(levels))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    distinct = len({"\n".join(r) for r in levels})
    print(
        f"{len(levels)} levels ({distinct} distinct), {rows}x{cols}, {args.boxes} box(es), seeds {args.seed}..{seed - 1}; "
        f"retries: {sum(retries.values())} ({retries['RuntimeWarning']} score 0, {retries['RuntimeError']} too little floor)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
