"""The crash campaign: kills the importer, the reindexer and the server with SIGKILL at random
moments, and after each kill checks that nothing was lost or half-written.

After every kill: SQLite's `PRAGMA integrity_check` is `ok`; `chancery check` passes (the search
index and the preservation copy, each caught up, agree with the store); and the store holds all
or none of the killed import's batch (one FRUS volume: its record count is 0 or the volume's).
Every VALIDATE_EVERY kills, and at the end, the preservation copy is validated by the OCFL Python
validator (e2e/ocfl-validate.py, with the Python given as PYTHON) when it is available.

    python3 e2e/crash-campaign.py target/release/chancery ../shared/corpus/frus KILLS [SEED]

Prints one line per kill and a summary; exits 1 at the first failure, leaving its data folder.
"""
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

VALIDATE_EVERY = 25


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def main():
    binary = os.path.abspath(sys.argv[1])
    corpus = os.path.abspath(sys.argv[2])
    kills = int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1954)
    python = os.environ.get("PYTHON")
    here = os.path.dirname(os.path.abspath(__file__))
    volumes = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".xml"))
    work = tempfile.mkdtemp(prefix="chancery-crash-")
    data = os.path.join(work, "data")
    started = time.time()

    # How many records each volume holds, and how long importing it takes (to pick kill moments).
    counts, durations = {}, {}
    for volume in volumes:
        scratch = os.path.join(work, "scratch")
        t = time.time()
        done = run([binary, "--data", scratch, "import", volume])
        durations[volume] = time.time() - t
        if done.returncode != 0:
            sys.exit(f"FAIL: {volume} does not import: {done.stderr[-500:]}")
        counts[volume] = len([l for l in done.stdout.splitlines() if l.strip()])
        run(["rm", "-rf", scratch])
    print(f"{len(volumes)} volumes, {sum(counts.values())} records; importing one takes "
          f"{min(durations.values()):.1f}–{max(durations.values()):.1f} s", flush=True)

    tally = {"import": 0, "reindex": 0, "serve": 0}
    landed = {"all": 0, "none": 0}
    imported = set()
    for n in range(1, kills + 1):
        if len(imported) == len(volumes):
            run(["rm", "-rf", data])
            imported.clear()
        action = rng.choices(["import", "reindex", "serve"], weights=[6, 2, 2])[0]
        if action != "import" and not imported:
            action = "import"
        volume = None
        if action == "import":
            volume = rng.choice([v for v in volumes if v not in imported])
            child = subprocess.Popen([binary, "--data", data, "import", volume],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Half the kills early (reading, parsing, the one write), half anywhere (the
            # preservation copy's and the index's catch-ups come after the write).
            delay = rng.uniform(0, durations[volume] * rng.choice([0.25, 1.2]))
        elif action == "reindex":
            child = subprocess.Popen([binary, "--data", data, "reindex"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            delay = rng.uniform(0, 3.0)
        else:
            port = 20000 + rng.randrange(20000)
            child = subprocess.Popen(
                [binary, "--data", data, "serve", "--addr", f"127.0.0.1:{port}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            delay = rng.uniform(0, 4.0)
            deadline = time.time() + delay
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=Tito", timeout=1).read()
                except Exception:
                    time.sleep(0.05)
        if action != "serve":
            time.sleep(delay)
        finished = child.poll() is not None
        child.send_signal(signal.SIGKILL)
        child.wait()
        tally[action] += 1

        db = os.path.join(data, "chancery.sqlite3")
        if not os.path.exists(db):
            print(f"kill {n}: {action} before the store existed", flush=True)
            continue
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        held = None
        if volume is not None:
            held = connection.execute(
                "SELECT count(*) FROM records WHERE source_path = ?", (volume,)).fetchone()[0]
        connection.close()
        if integrity != "ok":
            sys.exit(f"FAIL: kill {n} ({action}): integrity_check says {integrity}; data in {data}")
        if volume is not None:
            if held not in (0, counts[volume]):
                sys.exit(f"FAIL: kill {n}: the store holds {held} of {counts[volume]} records of "
                         f"{os.path.basename(volume)}: half an import batch; data in {data}")
            landed["all" if held else "none"] += 1
            if held:
                imported.add(volume)
        check = run([binary, "--data", data, "check"])
        if check.returncode != 0:
            sys.exit(f"FAIL: kill {n} ({action}): `chancery check` failed:\n"
                     f"{check.stdout[-2000:]}{check.stderr[-2000:]}\ndata in {data}")
        what = os.path.basename(volume) if volume else ""
        landed_what = "" if held is None else (" (batch stored whole)" if held else " (batch not stored)")
        print(f"kill {n}: {action} {what} after {delay:.2f} s"
              f"{' (had finished)' if finished else ''}{landed_what}: integrity ok, check ok", flush=True)
        if python and (n % VALIDATE_EVERY == 0 or n == kills):
            valid = run([python, os.path.join(here, "ocfl-validate.py"), os.path.join(data, "ocfl")])
            if valid.returncode != 0:
                sys.exit(f"FAIL: kill {n}: the preservation copy is not valid OCFL:\n{valid.stdout[-2000:]}")
            print(f"  {valid.stdout.strip()}", flush=True)

    run(["rm", "-rf", work])
    print(f"crash campaign passed: {kills} kills ({tally['import']} imports, {tally['reindex']} "
          f"reindexes, {tally['serve']} servers), import batches stored whole {landed['all']} "
          f"times and not at all {landed['none']} times, 0 records lost, in {time.time() - started:.0f} s")


main()
