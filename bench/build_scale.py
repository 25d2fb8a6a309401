"""Site build at scale: does `credsite build` stay close to a bare MkDocs build and grow linearly?

For 1,000 and 5,000 offers, in the same run:

(a) the full `credsite build` (load and validate the YAML catalogue, generate pages, ELM,
    registry and the verifier bundle, `mkdocs build --strict`, private-key scan, atomic swap) of a
    synthetic catalogue in English only: the example catalogue's universities, keys and
    pathways plus copies of its offers with new identifiers, up to N offers;
(b) a bare `mkdocs build` of N plain Markdown pages of about the same size as the generated
    offer pages, with the same theme and search plugin and a short nav;
(c) at the smallest size, the same catalogue in all the languages of the example alliance
    (ten): the ratio (c)/(a) (goal <= 10.5: linear in the number of languages, no fixed cost
    per language beyond its pages) and its peak memory (goal <= 1.5 GB).

Each is a child process; its wall time and its peak memory are printed, with the ratios (a)/(b)
at 1,000 offers (goal <= 1.3), (a) at 5,000 / (a) at 1,000 (goal <= 5.5) and the largest peak
memory (goal <= 1 GB). Peak memory is that of the whole process tree, because the build runs
a worker beside MkDocs: a small wrapper process samples the proportional set size (PSS, shared
pages split between the processes that share them) of the command and all its descendants,
plus the growth of memory-backed files (tmpfs, where the build may keep its scratch tree),
every 50 ms and keeps the largest sum; `ru_maxrss` of the largest single process is printed
too, and the peak is never reported below it. The CPU time that other processes used during
each measurement is read from /proc/stat; a note flags a measurement that shared the machine
with other work. The plain pages match the average size of the offer pages that (a) generates
for the same synthetic catalogue. No figure is asserted; run:

    .venv/bin/python bench/build_scale.py [--sizes 1000 5000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import yaml

PROJECT = Path(__file__).resolve().parents[1]

# Runs one command and reports its wall time, the peak memory of its process tree (sampled
# PSS sums plus tmpfs growth, KiB), the largest single process's peak RSS (`ru_maxrss`, KiB on
# Linux) and the CPU time other processes used meanwhile.
_WRAPPER = textwrap.dedent(
    """
    import json, os, resource, subprocess, sys, time

    def tree(root):
        children = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open(f"/proc/{name}/stat") as fh:
                        ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(name))
        pids, todo = [], [root]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(children.get(pid, []))
        return pids

    def pss_kib(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def shmem_kib():
        # Files in memory-backed folders (tmpfs, e.g. /dev/shm) use memory but no process's PSS.
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("Shmem:"):
                    return int(line.split()[1])
        return 0

    def busy_seconds():
        with open("/proc/stat") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
        # user nice system idle iowait irq softirq steal: all but idle and iowait
        return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")

    busy, shmem = busy_seconds(), shmem_kib()
    t = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = 0
    while proc.poll() is None:
        used = sum(pss_kib(p) for p in tree(proc.pid)) + max(0, shmem_kib() - shmem)
        peak = max(peak, used)
        time.sleep(0.05)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    own = children.ru_utime + children.ru_stime + me.ru_utime + me.ru_stime
    print(json.dumps({"seconds": seconds, "rss_kib": children.ru_maxrss,
                      "tree_kib": max(peak, children.ru_maxrss),
                      "other_cpu": max(0.0, busy_seconds() - busy - own),
                      "code": proc.returncode, "stdout": stdout[-2000:],
                      "stderr": stderr[-4000:]}))
    """
)


def measure(cmd: list[str], cwd: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{result['stdout']}\n{result['stderr']}")
    return result


def synthetic_catalogue(dest: Path, n_offers: int, languages: list[str] | None = None) -> None:
    """The example catalogue with its offers copied (new ids, standalone) up to `n_offers`;
    `languages`: the site's languages instead of the example's."""
    src = PROJECT / "catalogue"
    shutil.copytree(src, dest)
    if languages is not None:
        alliance = dest / "alliance.yaml"
        doc = yaml.safe_load(alliance.read_text("utf-8"))
        doc["languages"] = languages
        alliance.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    originals = sorted((dest / "offers").rglob("*.yaml"))
    docs = [(p, yaml.safe_load(p.read_text("utf-8"))) for p in originals]
    count = len(docs)
    i = 0
    while count < n_offers:
        path, doc = docs[i % len(docs)]
        i += 1
        copy = dict(doc)
        new_id = f"{doc['id']}-s{i:05d}"
        copy["id"] = new_id
        copy["title"] = {**doc["title"], "en": f"{doc['title']['en']} (edition {i})"}
        # Copies belong to no pathway: standalone, and not automatically recognised (that
        # needs a rigid pathway).
        copy["stackability"] = {"integration": "standalone"}
        rec = dict(doc.get("recognition") or {})
        if rec.get("scenario") == "automatic":
            rec["scenario"] = "facilitated"
            rec["partners"] = rec.get("partners") or ["lu"]
            copy["recognition"] = rec
        copy.pop("previous_versions", None)
        (path.parent / f"{new_id}.yaml").write_text(
            yaml.safe_dump(copy, allow_unicode=True, sort_keys=False), "utf-8"
        )
        count += 1


def plain_project(dest: Path, n_pages: int, page_bytes: int) -> Path:
    """N plain Markdown pages of about `page_bytes` each, same theme, short nav."""
    docs = dest / "docs"
    (docs / "pages").mkdir(parents=True)
    paragraph = (
        "Learners work on real cases and present their results to a jury. The course combines "
        "short lectures, guided reading, group work and individual reflection, and ends with a "
        "written report that is assessed against published criteria. "
    )
    for n in range(n_pages):
        parts = [f"# Plain page {n}\n\n"]
        k = 0
        while sum(len(p) for p in parts) < page_bytes:
            k += 1
            parts.append(f"## Section {k}\n\n{paragraph * 3}\n\n- item one\n- item two\n\n")
        (docs / "pages" / f"page-{n:05d}.md").write_text("".join(parts), "utf-8")
    (docs / "index.md").write_text("# Home\n\nPlain pages.\n", "utf-8")
    (docs / "about.md").write_text("# About\n\nA short nav.\n", "utf-8")
    config = {
        "site_name": "Plain pages",
        "site_url": "https://example.org/plain/",
        "docs_dir": str(docs),
        "site_dir": str(dest / "site"),
        "theme": {"name": "material", "font": False, "features": ["navigation.tabs"]},
        "plugins": ["search"],
        "markdown_extensions": ["tables", "attr_list", "admonition", "toc"],
        "validation": {"nav": {"omitted_files": "ignore"}},
        "nav": [{"Home": "index.md"}, {"About": "about.md"}],
    }
    path = dest / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), "utf-8")
    return path


def average_offer_page_bytes(catalogue_dir: Path) -> int:
    """The average size of the offer pages that `credsite build` generates for a catalogue."""
    from build_tools.catalogue.loader import load_catalogue
    from build_tools.outputs.pages import render_offer_page

    cat = load_catalogue(catalogue_dir).catalogue
    assert cat is not None
    sizes = [len(render_offer_page(cat, o)) for o in cat.offers.values()]
    return sum(sizes) // len(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--keep", type=Path, help="keep the generated inputs and sites here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="credsite-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: dict[int, dict[str, dict[str, Any]]] = {}
    try:
        for n in args.sizes:
            cat = work / f"catalogue-{n}"
            synthetic_catalogue(cat, n, languages=["en"])
            page_bytes = average_offer_page_bytes(cat)
            print(
                f"{n:>6} offers: the average offer page has {page_bytes} bytes of Markdown; "
                "the plain pages match it."
            )
            full = measure(_build_command(cat, work / f"site-{n}"), cwd=PROJECT)
            config = plain_project(work / f"plain-{n}", n, page_bytes)
            bare = measure(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], cwd=PROJECT
            )
            rows[n] = {"full": full, "bare": bare}
            detail = full["stdout"].strip().splitlines()[-1] if full["stdout"].strip() else ""
            full_mib, bare_mib = full["tree_kib"] / 1024, bare["tree_kib"] / 1024
            print(
                f"{n:>6} offers: credsite build {full['seconds']:7.1f} s, peak {full_mib:7.0f} MiB"
                f" | bare mkdocs {bare['seconds']:7.1f} s, peak {bare_mib:7.0f} MiB"
                f" | ratio {full['seconds'] / bare['seconds']:.2f}"
                f"  (largest single process: {full['rss_kib'] / 1024:.0f} MiB"
                f" and {bare['rss_kib'] / 1024:.0f} MiB)"
            )
            if detail:
                print(f"        {detail}")
            for label, row in (("credsite build", full), ("bare mkdocs", bare)):
                if row["other_cpu"] > 0.05 * row["seconds"]:
                    print(
                        f"        note: other processes used {row['other_cpu']:.1f} CPU-seconds "
                        f"during the {row['seconds']:.1f} s of the {label}; its time is not "
                        "reliable (run again on a quiet machine)."
                    )
        small = min(args.sizes)
        languages = yaml.safe_load((PROJECT / "catalogue" / "alliance.yaml").read_text("utf-8"))[
            "languages"
        ]
        cat = work / f"catalogue-{small}-all-languages"
        synthetic_catalogue(cat, small, languages=languages)
        every = measure(_build_command(cat, work / f"site-{small}-all"), cwd=PROJECT)
        rows[small]["languages"] = every
        print(
            f"{small:>6} offers in {len(languages)} languages: credsite build "
            f"{every['seconds']:7.1f} s, peak {every['tree_kib'] / 1024:7.0f} MiB"
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    sizes = sorted(rows)
    small, large = sizes[0], sizes[-1]
    ratio = rows[small]["full"]["seconds"] / rows[small]["bare"]["seconds"]
    print(f"(a)/(b) at {small} offers: {ratio:.2f} (goal <= 1.3)")
    if large != small:
        growth = rows[large]["full"]["seconds"] / rows[small]["full"]["seconds"]
        goal = 1.1 * large / small  # linear growth with 10 % slack: 5.5 for 5,000 / 1,000
        print(f"(a) at {large} / (a) at {small}: {growth:.2f} (goal <= {goal:.1f})")
    peak = max(r["full"]["tree_kib"] for r in rows.values()) / 1024
    print(f"peak memory of credsite build in English: {peak:.0f} MiB (goal <= 1024 MiB)")
    every = rows[small]["languages"]
    count = len(languages)
    print(
        f"(c) {count} languages / (a) English only, at {small} offers: "
        f"{every['seconds'] / rows[small]['full']['seconds']:.2f} (goal <= {count + 0.5})"
    )
    print(
        f"peak memory of credsite build in {count} languages: "
        f"{every['tree_kib'] / 1024:.0f} MiB (goal <= 1536 MiB)"
    )


def _build_command(catalogue: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "build_tools.cli",
        "build",
        "--catalogue",
        str(catalogue),
        "--out",
        str(out),
    ]


if __name__ == "__main__":
    main()
