"""The vector store on embedded Chroma and on a real Chroma server (`chroma run`).

Where CI=true, a Chroma server that does not start is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from slice_of_culture.config import Settings
from slice_of_culture.recs.store import READ_BATCH, VectorStore, VersionMissing

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_cli() -> str | None:
    beside_python = Path(sys.executable).parent / "chroma"
    return str(beside_python) if beside_python.exists() else shutil.which("chroma")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a Chroma server started for this test session."""
    cli = _chroma_cli()
    if cli is None:
        if IN_CI:
            pytest.fail("the chroma CLI is missing, and CI=true forbids skipping the Chroma server tests")
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path.parent / "chroma-server.log").open("w")
    server = subprocess.Popen(
        [cli, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma run exited with {server.returncode}; see {log.name}")
            try:
                VectorStore.http(url).client.heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail(f"the Chroma server did not answer on {url} within 30 s; see {log.name}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(params=["embedded", "server"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VectorStore:
    """A VectorStore built from settings: embedded under a temp data dir, or CHROMA_URL = a real server."""
    monkeypatch.setenv("SOC_DATA_DIR", str(tmp_path))
    if request.param == "server":
        monkeypatch.setenv("CHROMA_URL", request.getfixturevalue("chroma_server"))
    else:
        monkeypatch.delenv("CHROMA_URL", raising=False)
    settings = Settings()
    built = VectorStore.from_settings(settings)
    client_settings = built.client.get_settings()
    if request.param == "server":
        assert "fastapi" in client_settings.chroma_api_impl.lower()
    else:
        assert client_settings.is_persistent and Path(client_settings.persist_directory) == tmp_path / "chroma"
    if request.param == "server":
        # the server outlives each test: start from an empty store
        for version in built.versions():
            built.drop_version(version)
    return built


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _write(store: VectorStore, version: int, n_users: int = 6, n_items: int = 8, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    users = np.hstack([_unit(rng.normal(size=(n_users, 4))), np.ones((n_users, 1))]).astype(np.float32)
    items = np.hstack([_unit(rng.normal(size=(n_items, 4))), rng.normal(size=(n_items, 1)) * 0.1]).astype(np.float32)
    user_ids = [100 + k for k in range(n_users)]
    item_ids = [500 + k for k in range(n_items)]
    store.write_version(
        version,
        user_ids=user_ids,
        user_vectors=users,
        user_metadata=[{"discoverable": k % 2 == 0} for k in range(n_users)],
        item_ids=item_ids,
        item_vectors=items,
        item_metadata=[{"kind": ("book", "movie")[k % 2]} for k in range(n_items)],
    )
    return {"users": users, "items": items, "user_ids": user_ids, "item_ids": item_ids}


def test_query_items_ranks_by_inner_product(store: VectorStore) -> None:
    data = _write(store, 1)
    query = data["users"][0]
    found = store.query_items(1, query, n=8)
    expected = data["items"] @ query
    order = np.argsort(-expected)
    assert [item for item, _ in found] == [data["item_ids"][k] for k in order]
    assert [round(sim, 4) for _, sim in found] == [round(float(expected[k]), 4) for k in order]


def test_query_users_filters_on_metadata(store: VectorStore) -> None:
    data = _write(store, 1)
    found = store.query_users(1, data["users"][1], n=10, where={"discoverable": True})
    assert sorted(user for user, _ in found) == [100, 102, 104]
    sims = [sim for _, sim in found]
    assert sims == sorted(sims, reverse=True)
    books = store.query_items(1, data["users"][1], n=10, where={"kind": "book"})
    assert {item for item, _ in books} == {500, 502, 504, 506}


def test_get_vectors_by_id_in_chunks(store: VectorStore) -> None:
    n = READ_BATCH * 2 + 7  # more than one request
    data = _write(store, 1, n_users=3, n_items=n)
    got = store.get_item_vectors(1, [*data["item_ids"], 99999])
    assert len(got) == n and 99999 not in got
    np.testing.assert_allclose(got[data["item_ids"][150]], data["items"][150], rtol=1e-6)
    users = store.get_user_vectors(1, [101])
    np.testing.assert_allclose(users[101], data["users"][1], rtol=1e-6)
    assert store.counts(1) == (3, n)


def test_versions_are_separate_and_drop_removes_one(store: VectorStore) -> None:
    first = _write(store, 1, seed=1)
    second = _write(store, 2, seed=2)
    assert store.versions() == [1, 2]
    np.testing.assert_allclose(store.get_user_vectors(1, [100])[100], first["users"][0], rtol=1e-6)
    np.testing.assert_allclose(store.get_user_vectors(2, [100])[100], second["users"][0], rtol=1e-6)
    store.query_items(1, first["users"][0], n=2)  # version 1 handles are now cached
    store.drop_version(1)
    assert store.versions() == [2]
    with pytest.raises(VersionMissing):
        store.query_items(1, first["users"][0], n=2)
    with pytest.raises(VersionMissing):
        store.get_user_vectors(1, [100])
    with pytest.raises(VersionMissing):
        store.query_users(7, first["users"][0], n=2)
    store.drop_version(7)  # dropping what is not there is fine
    assert store.query_users(2, second["users"][0], n=1)[0][0] == 100


def test_a_version_dropped_by_another_client_is_missing(store: VectorStore) -> None:
    data = _write(store, 3)
    store.query_users(3, data["users"][0], n=1)  # cache the handle
    other = VectorStore.from_settings(Settings())  # e.g. the refresh in another process
    other.drop_version(3)
    with pytest.raises(VersionMissing):
        store.query_users(3, data["users"][0], n=1)


def test_rewriting_a_version_replaces_leftovers(store: VectorStore) -> None:
    _write(store, 4, n_items=8)
    data = _write(store, 4, n_items=3, seed=5)
    assert store.counts(4) == (6, 3)
    assert set(store.get_item_vectors(4, range(500, 510))) == set(data["item_ids"])
