"""The one vector store of the recommender: user and item vectors in Chroma, one pair of
collections per model version.

A refresh writes `users_v<N>` and `items_v<N>` completely before the pointer in the database
(`recs_model_version.is_current`) names version N, so a reader that resolved the pointer
always finds a whole, unmixed set. Vectors carry the model's bias / constant coordinate, so the
inner product is the model's score: collections use Chroma's inner-product space, whose
distance is `1 - dot`, and this class turns it back into a similarity (higher = closer).

Embedded `PersistentClient` under `data/chroma` by default, `HttpClient` when CHROMA_URL is
set. We always pass vectors ourselves: every collection is opened with
`embedding_function=None`, so Chroma never attaches (and downloads) its default model.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from slice_of_culture.config import Settings, get_settings

log = logging.getLogger(__name__)

# Rows per add() call; Chroma's own limit (client.get_max_batch_size()) is higher, but smaller
# batches keep each request and SQLite transaction short.
WRITE_BATCH = 1000
# Ids per get() call that returns embeddings or metadata: bigger ones fail on SQLite with
# "too many SQL variables".
READ_BATCH = 100
# Inner product: the model's scores are dot products of [vector, bias] and [vector, 1].
_COLLECTION_CONFIG = {"hnsw": {"space": "ip"}}
_NAME_RE = re.compile(r"^(users|items)_v(\d+)$")


class VersionMissing(LookupError):
    """The collections of a model version are gone (dropped by a newer refresh) or never existed."""

    def __init__(self, version: int, name: str = "") -> None:
        super().__init__(f"model version {version} has no vectors in the store" + (f" ({name})" if name else ""))
        self.version = version


def _name(kind: str, version: int) -> str:
    return f"{kind}_v{int(version)}"


def _is_not_found(exc: Exception) -> bool:
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) or "does not exist" in str(exc)


class VectorStore:
    """User and item vectors per model version.

    store = VectorStore.from_settings()
    store.write_version(3, user_ids=[...], user_vectors=U, user_metadata=[{"discoverable": True}, ...],
                        item_ids=[...], item_vectors=V, item_metadata=[{"kind": "book"}, ...])
    store.query_users(3, vector, n=20, where={"discoverable": True})  # [(user id, similarity), ...]
    store.query_items(3, vector, n=50, where={"kind": "movie"})
    store.get_item_vectors(3, [12, 40])                               # {12: array, 40: array}
    store.drop_version(1); store.versions()                           # [2, 3]
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> VectorStore:
        """Chroma server when CHROMA_URL is set, else embedded Chroma under data/chroma."""
        settings = settings or get_settings()
        if settings.chroma_url:
            return cls.http(settings.chroma_url)
        return cls.embedded(settings.chroma_path)

    @classmethod
    def embedded(cls, path: str | Any) -> VectorStore:
        """Chroma in this process, persisted under `path`."""
        import chromadb

        return cls(chromadb.PersistentClient(path=str(path)))

    @classmethod
    def http(cls, url: str) -> VectorStore:
        """A Chroma server (`chroma run`) at `url`, e.g. http://localhost:8000."""
        import chromadb

        parsed = urlparse(url if "://" in url else f"http://{url}")
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        return cls(chromadb.HttpClient(host=parsed.hostname or "localhost", port=port, ssl=ssl))

    # --- collections ------------------------------------------------------------------------

    def _collection(self, kind: str, version: int) -> Any:
        name = _name(kind, version)
        with self._lock:
            cached = self._collections.get(name)
        if cached is not None:
            return cached
        try:
            collection = self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if _is_not_found(exc):
                raise VersionMissing(version, name) from exc
            raise
        with self._lock:
            self._collections[name] = collection
        return collection

    def _forget(self, version: int) -> None:
        with self._lock:
            for kind in ("users", "items"):
                self._collections.pop(_name(kind, version), None)

    def _call(self, kind: str, version: int, method: str, **kwargs: Any) -> Any:
        """Call a collection method; a collection dropped under a cached handle is VersionMissing."""
        collection = self._collection(kind, version)
        try:
            return getattr(collection, method)(**kwargs)
        except Exception as exc:
            if _is_not_found(exc):
                self._forget(version)
                raise VersionMissing(version, _name(kind, version)) from exc
            raise

    # --- writing ----------------------------------------------------------------------------

    def write_version(
        self,
        version: int,
        *,
        user_ids: Sequence[int],
        user_vectors: np.ndarray,
        user_metadata: Sequence[dict[str, Any]],
        item_ids: Sequence[int],
        item_vectors: np.ndarray,
        item_metadata: Sequence[dict[str, Any]],
    ) -> None:
        """Write a version's user and item collections completely, in batches.

        Leftovers of an earlier attempt at the same version are replaced. Nobody reads a
        version before the pointer names it, so a half-written version is never seen.
        """
        for kind, ids, vectors, metadata in (
            ("users", user_ids, user_vectors, user_metadata),
            ("items", item_ids, item_vectors, item_metadata),
        ):
            if len(ids) != len(vectors) or len(ids) != len(metadata):
                raise ValueError(f"{kind}: {len(ids)} ids, {len(vectors)} vectors, {len(metadata)} metadata")
            name = _name(kind, version)
            self._delete_collection(name)
            collection = self.client.create_collection(
                name,
                configuration=_COLLECTION_CONFIG,
                metadata={"version": int(version), "kind": kind},
                embedding_function=None,
            )
            vectors = np.asarray(vectors, dtype=np.float32)
            for start in range(0, len(ids), WRITE_BATCH):
                end = start + WRITE_BATCH
                collection.add(
                    ids=[str(int(i)) for i in ids[start:end]],
                    embeddings=vectors[start:end],
                    # Chroma refuses empty metadata dicts; None stands for "none".
                    metadatas=[dict(m) or None for m in metadata[start:end]],  # type: ignore[misc]
                )
            with self._lock:
                self._collections[name] = collection

    def _delete_collection(self, name: str) -> None:
        with self._lock:
            self._collections.pop(name, None)
        try:
            self.client.delete_collection(name)
        except Exception as exc:
            if not _is_not_found(exc):
                raise

    def drop_version(self, version: int) -> None:
        """Delete a version's collections (missing ones are fine)."""
        for kind in ("users", "items"):
            self._delete_collection(_name(kind, version))

    def versions(self) -> list[int]:
        """Versions that have a collection in the store, ascending."""
        found: set[int] = set()
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            if match := _NAME_RE.match(name):
                found.add(int(match.group(2)))
        return sorted(found)

    def counts(self, version: int) -> tuple[int, int]:
        """(users, items) stored for a version."""
        return self._call("users", version, "count"), self._call("items", version, "count")

    # --- reading ----------------------------------------------------------------------------

    def query_users(
        self, version: int, vector: np.ndarray, *, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[int, float]]:
        """Users closest to `vector` as (user id, inner product), best first."""
        return self._query("users", version, vector, n, where)

    def query_items(
        self, version: int, vector: np.ndarray, *, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[int, float]]:
        """Items closest to `vector` as (item id, inner product), best first."""
        return self._query("items", version, vector, n, where)

    def _query(
        self, kind: str, version: int, vector: np.ndarray, n: int, where: dict[str, Any] | None
    ) -> list[tuple[int, float]]:
        if n <= 0:
            return []
        result = self._call(
            kind,
            version,
            "query",
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=n,
            where=where or None,
            include=["distances"],
        )
        ids, distances = result["ids"][0], result["distances"][0]
        # Chroma's "ip" distance is 1 - dot product.
        return [(int(i), 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def get_user_vectors(self, version: int, user_ids: Iterable[int]) -> dict[int, np.ndarray]:
        """Stored vectors of these users; unknown ids are left out."""
        return self._get("users", version, user_ids)

    def get_item_vectors(self, version: int, item_ids: Iterable[int]) -> dict[int, np.ndarray]:
        """Stored vectors of these items; unknown ids are left out."""
        return self._get("items", version, item_ids)

    def _get(self, kind: str, version: int, ids: Iterable[int]) -> dict[int, np.ndarray]:
        wanted = list(dict.fromkeys(str(int(i)) for i in ids))
        found: dict[int, np.ndarray] = {}
        for start in range(0, len(wanted), READ_BATCH):
            result = self._call(kind, version, "get", ids=wanted[start : start + READ_BATCH], include=["embeddings"])
            for i, vector in zip(result["ids"], result["embeddings"], strict=True):
                found[int(i)] = np.asarray(vector, dtype=np.float32)
        return found
