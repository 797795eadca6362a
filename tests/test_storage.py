"""Evidence and job files behind one interface: a local folder (the default) or an S3-compatible
bucket (here moto's server over HTTP). With a bucket configured, what one host uploads every host
serves, deleting the last row that names a file removes it from the bucket, a backup copies the
bucket, and ``storage copy`` moves a local folder into it and checks every file a row names."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from models import Attachment, db
from services.backup import BackupSource, run_backup
from storage import evidence_key, evidence_store, job_store
from storage.config import StorageConfigError
from storage.local import LocalStore
from storage.s3 import S3Store
from tests.s3_support import s3_endpoint, s3_settings  # noqa: F401 (a fixture)
from tests.test_upload_safety import open_door
from tests.workflow_support import one_page_pdf, upload


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, s3_endpoint):  # noqa: F811
    if request.param == "local":
        return LocalStore(tmp_path / "files")
    settings = s3_settings(s3_endpoint)
    found = evidence_store(settings)
    assert isinstance(found, S3Store)
    return found


def test_both_backends_keep_a_file_once_under_its_key_and_stream_it_back(store, tmp_path):
    data = one_page_pdf("一次")
    key = evidence_key(hashlib.sha256(data).hexdigest())
    assert store.size(key) is None and store.open(key) is None and store.read(key) is None
    assert store.put(key, data) is True
    assert store.put(key, b"other") is False  # a key already holding a file is not overwritten
    assert store.read(key) == data and store.size(key) == len(data)
    with store.open(key) as stream:
        assert stream.read() == data
    big = tmp_path / "big.zip"
    big.write_bytes(b"z" * 3_000_000)
    store.put_file("7/forms.zip", big)
    assert store.size("7/forms.zip") == 3_000_000
    assert sorted(store.keys()) == sorted([key, "7/forms.zip"])
    store.delete(key)
    store.delete(key)  # deleting what is gone is no error
    assert store.size(key) is None
    for bad in ("../x.pdf", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(ValueError):
            store.size(bad)


def test_file_storage_names_a_local_folder_or_an_s3_bucket(tmp_path):
    config = {"FILE_STORAGE": "", "EVIDENCE_DIR": str(tmp_path / "e"), "JOB_FILES_DIR": str(tmp_path / "j")}
    assert evidence_store(config).where == str(tmp_path / "e") and job_store(config).where == str(tmp_path / "j")
    config["FILE_STORAGE"] = "s3://bucket/city"
    assert evidence_store(config).where == "s3://bucket/city/evidence/"
    assert job_store(config).where == "s3://bucket/city/jobs/"
    config["FILE_STORAGE"] = "ftp://host/x"
    with pytest.raises(StorageConfigError, match="s3://"):
        evidence_store(config)


def test_with_a_bucket_configured_evidence_is_uploaded_served_and_removed_there(app, client, s3_endpoint, tmp_path):  # noqa: F811
    app.config.update(s3_settings(s3_endpoint))
    local = Path(app.config["EVIDENCE_DIR"])
    before = sorted(local.rglob("*.pdf"))
    kind, pk, position = open_door(app, client, "general")
    data = one_page_pdf("桶中材料")
    assert "已上传" in upload(client, kind, pk, position, data, "桶中材料.pdf").get_data(as_text=True)
    content_hash = hashlib.sha256(data).hexdigest()
    bucket = evidence_store(app.config)
    assert bucket.read(evidence_key(content_hash)) == data
    assert sorted(local.rglob("*.pdf")) == before  # nothing written on this host's disk
    with app.app_context():
        attachment = db.session.query(Attachment).filter_by(assessment_id=pk, content_hash=content_hash).one().id
    answer = client.get(f"/assessment/file/{attachment}?download=1")
    assert answer.status_code == 200 and answer.data == data
    assert "attachment" in answer.headers["Content-Disposition"] and answer.content_length == len(data)
    token = client.get(f"/assessment/{kind}/{pk}").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post(f"/assessment/file/{attachment}/delete", data={"csrf_token": token})
    assert bucket.size(evidence_key(content_hash)) is None  # the last row naming it is gone


def test_storage_copy_moves_a_folder_into_the_bucket_and_checks_every_named_file(app, s3_endpoint, tmp_path):  # noqa: F811
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["storage", "copy"])
    assert refused.exit_code == 2 and "无需复制" in refused.output
    app.config.update(s3_settings(s3_endpoint))
    local = LocalStore(Path(app.config["EVIDENCE_DIR"]))
    files = sorted(k for k in local.keys() if k.endswith(".pdf"))
    assert files, "the demo data carries evidence files"
    done = runner.invoke(args=["storage", "copy"])
    assert done.exit_code == 0, done.output
    assert f"已复制 {len(files)} 个文件" in done.output and "核对通过" in done.output
    bucket = evidence_store(app.config)
    assert all(bucket.read(key) == local.read(key) for key in files)
    again = runner.invoke(args=["storage", "copy"])
    assert f"已复制 0 个文件，{len(files)} 个已在目标中" in again.output  # rerun after an interruption: nothing twice
    # A file a row names that is damaged in the bucket is reported and the command fails.
    bucket.delete(files[0])
    bucket.put(files[0], b"%PDF-1.4 not the same bytes %%EOF")
    local.delete(files[0])
    broken = runner.invoke(args=["storage", "copy"])
    assert broken.exit_code == 1 and "内容与其哈希不符" in broken.output


def test_a_backup_copies_the_bucket_as_an_evidence_folder(app, s3_endpoint, tmp_path):  # noqa: F811
    app.config.update(s3_settings(s3_endpoint))
    assert app.test_cli_runner().invoke(args=["storage", "copy"]).exit_code == 0
    app.config["EVIDENCE_DIR"] = str(tmp_path / "not-there")  # the backup must read the bucket, not the folder
    folder, manifest = run_backup(BackupSource.from_config(app.config), tmp_path / "backups", lambda line: None)
    keys = sorted(evidence_store(app.config).keys())
    assert manifest["evidence"]["files"] == len(keys) > 0 and manifest["evidence"]["missing"] == []
    assert sorted(p.relative_to(folder / "evidence").as_posix() for p in (folder / "evidence").rglob("*.pdf")) == keys
