"""The published data files (ELM, verifier runtime): written by a worker beside MkDocs, scanned,
moved into the site; any failure there stops the build like any other."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from _throwaway_keys import pkcs8_pem, private_jwk
from outputs._fixtures import make_catalogue

from build_tools.catalogue.model import Catalogue
from build_tools.outputs.elm import render_elm
from build_tools.sitebuild import published
from build_tools.sitebuild.build import build_catalogue_site
from build_tools.sitebuild.errors import BuildError
from build_tools.sitebuild.scan import find_private_key_material

PROJECT = Path(__file__).resolve().parents[2]
PEM = pkcs8_pem()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return make_catalogue()


def listing(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _elm_only(catalogue: Catalogue) -> dict[str, bytes]:
    return render_elm(catalogue)


def test_the_site_is_the_same_with_and_without_the_worker(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_worker = tmp_path / "a" / "site"
    build_catalogue_site(catalogue, out=with_worker, project=PROJECT)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    in_process = tmp_path / "b" / "site"
    build_catalogue_site(catalogue, out=in_process, project=PROJECT)
    files = listing(with_worker)
    assert files == listing(in_process)
    for oid in catalogue.offers:
        assert json.loads(files[f"offers/{oid}/elm.jsonld"])["@graph"]
    assert "catalogue.jsonld" in files
    # Nothing but the site is left next to the output.
    assert sorted(p.name for p in with_worker.parent.iterdir()) == ["site"]


@pytest.mark.parametrize("fork", [True, False])
def test_private_key_material_in_published_data_fails_the_build(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    out = tmp_path / "site"
    build_catalogue_site(catalogue, out=out, project=PROJECT)
    before = listing(out)

    def leaky(cat: Catalogue) -> Mapping[str, bytes]:
        files = _elm_only(cat)
        oid = next(iter(cat.offers))
        files[f"offers/{oid}/elm.jsonld"] = b'{"note": "oops"}\n' + PEM
        return files

    monkeypatch.setattr(published, "generate_published_data", leaky)
    if not fork:
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=out, project=PROJECT)
    assert "Private key material" in exc.value.message
    oid = next(iter(catalogue.offers))
    assert any(d.startswith(f"offers/{oid}/elm.jsonld:") for d in exc.value.details), (
        exc.value.details
    )
    assert listing(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_error_in_the_worker_stops_the_build_with_its_details(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(cat: Catalogue) -> Mapping[str, bytes]:
        raise BuildError("The verifier runtime is missing.", ["node_modules/pyodide: run npm ci"])

    monkeypatch.setattr(published, "generate_published_data", broken)
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=PROJECT)
    assert exc.value.message == "The verifier runtime is missing."
    assert exc.value.details == ["node_modules/pyodide: run npm ci"]
    assert not (tmp_path / "site").exists()


def test_a_missing_verifier_runtime_is_a_located_build_error(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from build_tools.outputs import verifier_bundle

    missing = tmp_path / "node_modules" / "pyodide"
    render = verifier_bundle.render_verifier_bundle

    def without_runtime(cat: Catalogue) -> Mapping[str, bytes]:
        return render(cat, pyodide_dir=missing)

    monkeypatch.setattr(verifier_bundle, "render_verifier_bundle", without_runtime)
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=PROJECT)
    assert exc.value.message == "The browser verifier cannot be built; nothing was published."
    [detail] = exc.value.details
    assert str(missing) in detail and "npm ci" in detail
    assert not (tmp_path / "site").exists()


def test_an_unexpected_error_in_the_worker_keeps_its_type_and_traceback(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(cat: Catalogue) -> Mapping[str, bytes]:
        raise ValueError("no ELM for this offer")

    monkeypatch.setattr(published, "generate_published_data", broken)
    with pytest.raises(ValueError, match="no ELM for this offer") as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=PROJECT)
    assert any("In the worker process" in note for note in exc.value.__notes__)
    assert not (tmp_path / "site").exists()


def test_a_worker_that_dies_is_a_build_error(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(cat: Catalogue) -> Mapping[str, bytes]:
        import os

        os._exit(3)

    monkeypatch.setattr(published, "generate_published_data", dies)
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=PROJECT)
    assert "exit code 3" in exc.value.message
    assert not (tmp_path / "site").exists()


def test_a_hand_written_file_may_not_hide_a_published_data_file(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    proj = tmp_path / "project"
    proj.mkdir()
    shutil.copy(PROJECT / "mkdocs.yml", proj / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_src", proj / "site_src")
    (proj / "site_src" / "catalogue.jsonld").write_text("{}", "utf-8")
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=proj)
    assert "site_src/ have the same path as generated ones: catalogue.jsonld" in str(exc.value)
    assert not (tmp_path / "site").exists()


def test_published_data_may_not_be_a_page_or_a_generated_file(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        published, "generate_published_data", lambda cat: {"registry.json": b"{}\n"}
    )
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "a" / "site", project=PROJECT)
    assert "Two parts of the build generate registry.json" in str(exc.value)

    from build_tools.sitebuild.tree import generate_published_data

    def with_page(cat: Catalogue) -> Mapping[str, bytes]:
        return {"notes/index.md": b"# Notes\n"}

    monkeypatch.setattr("build_tools.sitebuild.tree.render_elm", with_page)
    with pytest.raises(BuildError) as page_exc:
        generate_published_data(catalogue)
    assert "may not be Markdown pages: notes/index.md" in str(page_exc.value)


def test_the_site_scan_finds_key_material_in_every_kind_of_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "offers" / "x").mkdir(parents=True)
    jwk = private_jwk()
    secret = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # a secret Ed25519 Multikey
    (site / "offers" / "x" / "index.html").write_text(
        "<p>Clean text with a word like Praktyka and zebra.</p>\n"
        f"<script>const k = {json.dumps(jwk)};</script>\n",
        "utf-8",
    )
    (site / "offers" / "x" / "elm.jsonld").write_text(json.dumps({"keys": [jwk]}), "utf-8")
    (site / "notes.txt").write_bytes(b"keep this safe\n" + PEM)
    (site / "proof.json").write_text(json.dumps({"secretKeyMultibase": secret}), "utf-8")
    (site / "word.html").write_text(f"<p>({secret})</p>\n<p>x{secret}</p>\n", "utf-8")
    (site / "store.p12").write_bytes(b"\x30\x82")
    (site / "clean.json").write_text(
        json.dumps({"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "note": "Praktyka"}), "utf-8"
    )
    for workers in (1, 2):
        found = find_private_key_material(site, workers=workers)
        files = {f.split(":")[0] for f in found}
        assert files == {
            "offers/x/index.html",
            "offers/x/elm.jsonld",
            "notes.txt",
            "proof.json",
            "word.html",
            "store.p12",
        }, found
        # A Multikey glued to a word is not one; the one in parentheses on line 1 is.
        assert [f.split(". ")[0] for f in found if f.startswith("word.html")] == [
            "word.html:1:5: secret Multikey (Ed25519)"
        ]
        assert any(
            f.startswith("offers/x/elm.jsonld:1:") and "JWK with a private member 'd'" in f
            for f in found
        )
        assert all("only public keys belong" in f for f in found)


@pytest.mark.parametrize("fork", [True, False])
def test_an_error_in_the_workers_pages_stops_the_build_before_mkdocs(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, fork: bool
) -> None:
    def broken(cat: Catalogue, offer_ids: list[str]) -> Mapping[str, bytes]:
        raise BuildError("An offer page cannot be rendered.", [f"offers/{offer_ids[0]}"])

    def no_mkdocs(config: Path) -> None:
        raise AssertionError("MkDocs ran although the pages were incomplete")

    monkeypatch.setattr(published, "generate_offer_pages", broken)
    monkeypatch.setattr("build_tools.sitebuild.build.run_mkdocs", no_mkdocs)
    if not fork:
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with pytest.raises(BuildError) as exc:
        build_catalogue_site(catalogue, out=tmp_path / "site", project=PROJECT)
    assert exc.value.message == "An offer page cannot be rendered."
    assert not (tmp_path / "site").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_build_tree_in_memory_or_on_disk_gives_the_same_site_and_leaves_nothing(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from build_tools.sitebuild import build

    memory = tmp_path / "memory"
    memory.mkdir()
    monkeypatch.setattr(build, "MEMORY_FOLDER", memory)
    configs: list[Path] = []
    run_mkdocs = build.run_mkdocs

    def recording(config: Path) -> None:
        configs.append(config)
        run_mkdocs(config)

    monkeypatch.setattr(build, "run_mkdocs", recording)
    in_memory = tmp_path / "a" / "site"
    build_catalogue_site(catalogue, out=in_memory, project=PROJECT)
    assert configs and configs[0].parent.parent == memory
    assert list(memory.iterdir()) == []
    proj = tmp_path / "project"
    proj.mkdir()
    shutil.copy(PROJECT / "mkdocs.yml", proj / "mkdocs.yml")
    shutil.copytree(PROJECT / "site_src", proj / "site_src")
    (proj / "site_src" / "principles.md").write_text("[broken](missing.md)\n", "utf-8")
    with pytest.raises(BuildError):
        build_catalogue_site(catalogue, out=tmp_path / "b" / "site", project=proj)
    assert list(memory.iterdir()) == []
    monkeypatch.setattr(build, "MEMORY_FOLDER", tmp_path / "no-such-folder")
    on_disk = tmp_path / "c" / "site"
    build_catalogue_site(catalogue, out=on_disk, project=PROJECT)
    assert listing(in_memory) == listing(on_disk)
    assert sorted(p.name for p in on_disk.parent.iterdir()) == ["site"]
